"""The gsekg benchmark: speed and memory against the oxigraph CLI, plain rdflib and plain typer.

    python bench/run.py [--3m] [--sizes 100k,1m] [--no-bundled] [--repeat N] [--out DIR]
                                                             (make bench)

On deterministic synthetic data of 100k and 1M triples (3M with ``--3m``; see
bench/generate.py) it times, on the same file, as separate processes:

- gsekg cold: build the cached store from the file, then answer an aggregate query;
- gsekg warm: the same command once the store is cached;
- the oxigraph CLI: ``oxigraph load`` into a fresh store, then ``oxigraph query`` with
  ``--union-default-graph`` (its union repeats a triple once per graph holding it, so it
  is not the set gsekg's default graph is; the aggregate counts distinct values);
- like for like, the oxigraph CLI loading the very quads gsekg's build ends with (dumped
  from its store: claims, their default-graph copy, inferred triples) and querying the
  default graph: the difference from the line above is the data gsekg chooses to keep;
- a plain rdflib script that parses the file and runs the same query (100k only);

then ``gsekg --help`` against a one-command typer app with the same help settings, and a
warm saved query on the bundled graph against a plain rdflib script doing the same.

Every comparison runs in pairs, A, B, A, B, … (``--repeat`` pairs, bench/pairing.py): each
pair's ratio A/B is printed, and the ratios reported are the medians of those paired ratios,
so that a slow moment of a shared machine stays inside one pair. The table shows each
command's median and peak resident memory, and the output ends with ``name=value`` lines.
``bench/paired.py`` adds describe, why, streamed rows and endpoints (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402  (bench/ is not a package)
from pairing import Measure, Step, paired, run  # noqa: E402

AGGREGATE = """\
PREFIX gso: <https://w3id.org/gsekg/ontology#>
SELECT ?year (COUNT(DISTINCT ?org) AS ?organisations)
WHERE { ?role a gso:Role ; gso:roleIn ?edition ; gso:agent ?org . ?edition gso:year ?year }
GROUP BY ?year ORDER BY ?year
"""
SIZES = {"100k": 100_000, "1m": 1_000_000, "3m": 3_000_000}
SAVED_QUERY = "editions"


def rows(text: str) -> list[list[str]]:
    """CSV rows without the header, cells stripped (to compare answers across tools)."""
    return [[c.strip() for c in row] for row in list(csv.reader(io.StringIO(text)))[1:] if row]


def gsekg(*args: str | os.PathLike[str]) -> list[str | os.PathLike[str]]:
    return [sys.executable, "-m", "gsekg", *args]


def oxigraph() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(found).exists():
        raise SystemExit("the oxigraph CLI is missing: pip install oxigraph")
    return found


def built_store(cache: Path, data: Path) -> Path:
    """The store folder gsekg built for ``data`` in ``cache``."""
    from gsekg.store import entries

    built = [e for e in entries(cache) if str(data.resolve()) in str(e.get("inputs"))]
    if not built:
        raise SystemExit(f"no gsekg store for {data} in {cache}")
    return Path(built[0]["path"]) / "store"


def dump_store(folder: Path, target: Path) -> None:
    """Write every quad of the store in ``folder`` (opened read-only) to ``target`` as N-Quads.

    In a child process: a large store opened here would stay in this process's memory, and
    Linux reports a child's peak memory from the fork of its parent on, so every later
    measurement would carry it.
    """
    script = (
        "import sys; from pyoxigraph import RdfFormat, Store; "
        "Store.read_only(sys.argv[1]).dump(output=sys.argv[2], format=RdfFormat.N_QUADS)"
    )
    run([sys.executable, "-c", script, folder, target])


def reset(folder: Path) -> Callable[[], None]:
    def clear() -> None:
        shutil.rmtree(folder, ignore_errors=True)

    return clear


def bench_size(
    label: str, size: int, out: Path, repeat: int
) -> tuple[dict[str, Measure], dict[str, float]]:
    """Every measurement on one generated file: the commands and the paired ratios."""
    data = out / f"synthetic-{label}.trig"
    triples = generate(size, data)
    megabytes = data.stat().st_size / 1e6
    print(f"{label}: {triples} triples in {data} ({megabytes:.0f} MB)", file=sys.stderr)
    cache, store = out / f"cache-{label}", out / f"oxigraph-{label}"
    query_file = out / "aggregate.rq"
    query_file.write_text(AGGREGATE, encoding="utf-8")
    command = gsekg("query", query_file, "--data", data, "--cache-dir", cache, "--format", "csv")

    def oxigraph_query(location: Path, *union: str) -> list[str | os.PathLike[str]]:
        return [
            oxigraph(),
            "query",
            "--location",
            location,
            "--query-file",
            query_file,
            "--results-format",
            "csv",
            *union,
        ]

    ox_query = oxigraph_query(store, "--union-default-graph")
    found = {
        "cold": Measure(f"gsekg cold load+query {label}"),
        "ox_load_query": Measure(f"oxigraph load+query {label}"),
        "warm": Measure(f"gsekg warm query {label}"),
        "ox_query": Measure(f"oxigraph query {label}"),
    }
    ratios = {
        "load": paired(
            found["cold"],
            [Step(command, reset(cache))],
            found["ox_load_query"],
            [
                Step([oxigraph(), "load", "--location", store, "--file", data], reset(store)),
                Step(ox_query),
            ],
            repeat,
        ),
        "query": paired(
            found["warm"], [Step(command)], found["ox_query"], [Step(ox_query)], repeat
        ),
    }
    # Like for like: the oxigraph CLI loads the very quads gsekg's build ends with (the
    # claims, their default-graph copy, the inferred triples), then queries the default
    # graph; the difference from the load above is the extra data gsekg keeps.
    dump, same = out / f"gsekg-{label}.nq", out / f"oxigraph-same-{label}"
    dump_store(built_store(cache, data), dump)
    found["ox_same_quads"] = Measure(f"oxigraph load+query, gsekg's quads {label}")
    cold_again = Measure(f"gsekg cold load+query {label} (vs same quads)")
    ratios["load_same_quads"] = paired(
        cold_again,
        [Step(command, reset(cache))],
        found["ox_same_quads"],
        [
            Step([oxigraph(), "load", "--location", same, "--file", dump], reset(same)),
            Step(oxigraph_query(same)),
        ],
        repeat,
    )
    if label == "100k":
        found["rdflib"] = Measure(f"rdflib parse+query {label}")
        warm_again = Measure(f"gsekg warm query {label} (vs rdflib)")
        ratios["rdflib"] = paired(
            warm_again,
            [Step(command)],
            found["rdflib"],
            [Step([sys.executable, HERE / "rdflib_query.py", query_file, data])],
            repeat,
        )
    answers = {name: rows(m.output) for name, m in found.items()}
    if len({repr(a) for a in answers.values()}) != 1:
        raise SystemExit(f"the tools disagree on {label}: {answers}")
    return found, ratios


def bench_bundled(out: Path, repeat: int) -> tuple[list[Measure], dict[str, float]]:
    """``gsekg --help`` vs a minimal typer app; a warm saved query vs a plain rdflib script."""
    import compileall

    from gsekg import resources
    from gsekg.resources import bundled_files, queries_dir

    # Like an installed package (pip compiles it), whatever PYTHONDONTWRITEBYTECODE says:
    # start-up is then measured without compiling gsekg's sources on every run.
    compileall.compile_dir(Path(resources.__file__).parent, quiet=1)
    cache = out / "cache-bundled"
    saved = gsekg("query", SAVED_QUERY, "--cache-dir", cache, "--format", "csv")
    run(saved)  # build the cache
    help_runs = max(repeat, 5)
    gsekg_help, typer_help = Measure("gsekg --help"), Measure("minimal typer --help")
    query, script = (
        Measure(f"gsekg query {SAVED_QUERY} (warm)"),
        Measure(f"rdflib script {SAVED_QUERY}"),
    )
    ratios = {
        "help": paired(
            gsekg_help,
            [Step(gsekg("--help"))],
            typer_help,
            [Step([sys.executable, HERE / "minimal_typer.py", "--help"])],
            help_runs,
        ),
        "bundled_query": paired(
            query,
            [Step(saved)],
            script,
            [
                Step(
                    [
                        sys.executable,
                        HERE / "rdflib_query.py",
                        queries_dir() / f"{SAVED_QUERY}.rq",
                        *bundled_files(),
                    ]
                )
            ],
            help_runs,
        ),
    }
    return [gsekg_help, typer_help, query, script], ratios


def main() -> None:
    """Run the benchmark and print the table and the name=value lines."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--3m", dest="three", action="store_true", help="also 3M triples")
    parser.add_argument(
        "--sizes",
        default="100k,1m",
        help=f"comma-separated sizes to measure, of {', '.join(SIZES)} (default 100k,1m)",
    )
    parser.add_argument(
        "--no-bundled", action="store_true", help="skip --help and the bundled saved query"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per command (default 3)")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="working folder")
    args = parser.parse_args()
    labels = [label for label in args.sizes.split(",") if label]
    if args.three and "3m" not in labels:
        labels.append("3m")
    unknown = [label for label in labels if label not in SIZES]
    if unknown:
        parser.error(f"unknown size {unknown[0]!r} (choose from: {', '.join(SIZES)})")
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    sizes, ratios = {}, {}
    for label in labels:
        sizes[label], ratios[label] = bench_size(label, SIZES[label], args.out, args.repeat)
    bundled: list[Measure] = []
    metrics: dict[str, float] = {}
    if not args.no_bundled:
        bundled, bundled_ratios = bench_bundled(args.out, args.repeat)
        metrics["ratio_help_vs_minimal_typer"] = bundled_ratios["help"]
        metrics["ratio_bundled_query_vs_rdflib_script"] = bundled_ratios["bundled_query"]
        metrics["seconds_warm_bundled_query"] = bundled[2].median
        metrics["seconds_help"] = bundled[0].median

    table = [m for found in sizes.values() for m in found.values()] + bundled
    print(f"\n{'measurement':<44}{'median s':>10}{'min s':>9}{'max s':>9}{'peak MB':>10}")
    for m in table:
        print(
            f"{m.name:<44}{m.median:>10.3f}{min(m.seconds):>9.3f}{max(m.seconds):>9.3f}"
            f"{m.peak:>10.1f}"
        )

    for label, found in sizes.items():
        metrics[f"ratio_load_{label}_vs_oxigraph_cli"] = ratios[label]["load"]
        metrics[f"ratio_load_{label}_vs_oxigraph_cli_same_quads"] = ratios[label]["load_same_quads"]
        metrics[f"ratio_query_{label}_vs_oxigraph_cli"] = ratios[label]["query"]
        metrics[f"peak_rss_mb_{label}"] = max(found["cold"].peak, found["warm"].peak)
        metrics[f"seconds_cold_{label}"] = found["cold"].median
        metrics[f"seconds_warm_{label}"] = found["warm"].median
    if "rdflib" in ratios.get("100k", {}):
        metrics["ratio_query_100k_vs_rdflib_script"] = ratios["100k"]["rdflib"]
    if "100k" in sizes and "1m" in sizes:
        # 1.0 = load time exactly proportional to size from 100k to 1M
        metrics["load_scaling_100k_to_1m"] = (
            sizes["1m"]["cold"].median / sizes["100k"]["cold"].median
        ) / 10
    metrics["bench_seconds"] = time.perf_counter() - started
    print()
    for name, value in metrics.items():
        print(f"{name}={value:.3f}")


if __name__ == "__main__":
    main()
