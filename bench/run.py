"""The gsekg benchmark: speed and memory against the oxigraph CLI, plain rdflib and plain typer.

    python bench/run.py [--3m] [--repeat N] [--out DIR]      (make bench)

On deterministic synthetic data of 100k and 1M triples (3M with ``--3m``; see
bench/generate.py) it times, on the same file, as separate processes:

- gsekg cold: build the cached store from the file, then answer an aggregate query;
- gsekg warm: the same command once the store is cached;
- the oxigraph CLI: ``oxigraph load`` into a fresh store, then ``oxigraph query``;
- a plain rdflib script that parses the file and runs the same query (100k only);

then ``gsekg --help`` against a one-command typer app with the same help settings, and a
warm saved query on the bundled graph against a plain rdflib script doing the same. Every
command runs ``--repeat`` times; the table shows medians and peak resident memory, and the
output ends with ``name=value`` lines for machines.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402  (bench/ is not a package)

AGGREGATE = """\
PREFIX gso: <https://w3id.org/gsekg/ontology#>
SELECT ?year (COUNT(DISTINCT ?org) AS ?organisations)
WHERE { ?role a gso:Role ; gso:roleIn ?edition ; gso:agent ?org . ?edition gso:year ?year }
GROUP BY ?year ORDER BY ?year
"""
SIZES = {"100k": 100_000, "1m": 1_000_000, "3m": 3_000_000}
SAVED_QUERY = "editions"


@dataclass
class Measure:
    """Wall-clock seconds and peak resident memory (MB) of each run of one command."""

    name: str
    seconds: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    output: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak(self) -> float:
        return max(self.rss_mb)


def run(command: Sequence[str | os.PathLike[str]]) -> tuple[float, float, str]:
    """Run a command; return its wall time, its own peak RSS in MB and its stdout."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen([str(c) for c in command], stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise SystemExit(f"failed ({process.returncode}): {command}\n{err.read().decode()}")
        return elapsed, usage.ru_maxrss / 1024, out.read().decode("utf-8")


def measure(
    name: str,
    command: Sequence[str | os.PathLike[str]],
    repeat: int,
    before: Callable[[], None] | None = None,
) -> Measure:
    """Run ``command`` ``repeat`` times (``before`` each run, untimed)."""
    result = Measure(name)
    for _ in range(repeat):
        if before is not None:
            before()
        seconds, rss, result.output = run(command)
        result.seconds.append(seconds)
        result.rss_mb.append(rss)
    print(f"  {name:<34} {result.median:8.3f} s {result.peak:8.1f} MB", file=sys.stderr)
    return result


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


def reset(folder: Path) -> Callable[[], None]:
    def clear() -> None:
        shutil.rmtree(folder, ignore_errors=True)

    return clear


def bench_size(label: str, size: int, out: Path, repeat: int) -> dict[str, Measure]:
    """Every measurement on one generated file."""
    data = out / f"synthetic-{label}.trig"
    triples = generate(size, data)
    megabytes = data.stat().st_size / 1e6
    print(f"{label}: {triples} triples in {data} ({megabytes:.0f} MB)", file=sys.stderr)
    cache, store = out / f"cache-{label}", out / f"oxigraph-{label}"
    query_file = out / "aggregate.rq"
    query_file.write_text(AGGREGATE, encoding="utf-8")
    command = gsekg("query", query_file, "--data", data, "--cache-dir", cache, "--format", "csv")
    found = {
        "cold": measure(f"gsekg cold load+query {label}", command, repeat, reset(cache)),
        "warm": measure(f"gsekg warm query {label}", command, repeat),
        "ox_load": measure(
            f"oxigraph load {label}",
            [oxigraph(), "load", "--location", store, "--file", data],
            repeat,
            reset(store),
        ),
        "ox_query": measure(
            f"oxigraph query {label}",
            [
                oxigraph(),
                "query",
                "--location",
                store,
                "--query-file",
                query_file,
                "--results-format",
                "csv",
                "--union-default-graph",
            ],
            repeat,
        ),
    }
    if label == "100k":
        found["rdflib"] = measure(
            f"rdflib parse+query {label}",
            [sys.executable, HERE / "rdflib_query.py", query_file, data],
            repeat,
        )
    answers = {name: rows(m.output) for name, m in found.items() if name != "ox_load"}
    if len({repr(a) for a in answers.values()}) != 1:
        raise SystemExit(f"the tools disagree on {label}: {answers}")
    return found


def bench_bundled(out: Path, repeat: int) -> tuple[Measure, Measure, Measure, Measure]:
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
    return (
        measure("gsekg --help", gsekg("--help"), help_runs),
        measure(
            "minimal typer --help", [sys.executable, HERE / "minimal_typer.py", "--help"], help_runs
        ),
        measure(f"gsekg query {SAVED_QUERY} (warm)", saved, help_runs),
        measure(
            f"rdflib script {SAVED_QUERY}",
            [
                sys.executable,
                HERE / "rdflib_query.py",
                queries_dir() / f"{SAVED_QUERY}.rq",
                *bundled_files(),
            ],
            help_runs,
        ),
    )


def main() -> None:
    """Run the benchmark and print the table and the name=value lines."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--3m", dest="three", action="store_true", help="also 3M triples")
    parser.add_argument("--repeat", type=int, default=3, help="runs per command (default 3)")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="working folder")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    labels = ["100k", "1m", *(["3m"] if args.three else [])]
    sizes = {label: bench_size(label, SIZES[label], args.out, args.repeat) for label in labels}
    gsekg_help, typer_help, saved, rdflib_saved = bench_bundled(args.out, args.repeat)

    table = [m for found in sizes.values() for m in found.values()]
    table += [gsekg_help, typer_help, saved, rdflib_saved]
    print(f"\n{'measurement':<36}{'median s':>10}{'min s':>9}{'max s':>9}{'peak MB':>10}")
    for m in table:
        print(
            f"{m.name:<36}{m.median:>10.3f}{min(m.seconds):>9.3f}{max(m.seconds):>9.3f}"
            f"{m.peak:>10.1f}"
        )

    one = sizes["1m"]
    small = sizes["100k"]
    metrics = {
        "ratio_help_vs_minimal_typer": gsekg_help.median / typer_help.median,
        "ratio_bundled_query_vs_rdflib_script": saved.median / rdflib_saved.median,
        "ratio_load_1m_vs_oxigraph_cli": one["cold"].median
        / (one["ox_load"].median + one["ox_query"].median),
        "ratio_query_1m_vs_oxigraph_cli": one["warm"].median / one["ox_query"].median,
        "peak_rss_mb_1m": max(one["cold"].peak, one["warm"].peak),
        # 1.0 = load time exactly proportional to size from 100k to 1M
        "load_scaling_100k_to_1m": (one["cold"].median / small["cold"].median) / 10,
        "seconds_cold_1m": one["cold"].median,
        "seconds_warm_1m": one["warm"].median,
        "seconds_warm_bundled_query": saved.median,
        "seconds_help": gsekg_help.median,
        "ratio_query_100k_vs_rdflib_script": small["warm"].median / small["rdflib"].median,
    }
    if "3m" in sizes:
        three = sizes["3m"]
        metrics["ratio_load_3m_vs_oxigraph_cli"] = three["cold"].median / (
            three["ox_load"].median + three["ox_query"].median
        )
        metrics["peak_rss_mb_3m"] = three["cold"].peak
    metrics["bench_seconds"] = time.perf_counter() - started
    print()
    for name, value in metrics.items():
        print(f"{name}={value:.3f}")


if __name__ == "__main__":
    main()
