"""Paired A/B benchmark: the entity commands and streamed results against their baselines.

    python bench/paired.py [--size 1000000] [--pairs 5] [--out DIR]

Each comparison runs A, B, A, B, … as separate processes (``--pairs`` pairs), prints the
ratio A/B of every pair and the median of those ratios, and the peak resident memory of
each side. Pairing keeps a slow moment of a shared machine inside one pair instead of
skewing one side. On synthetic data of ``--size`` triples (bench/generate.py):

- ``describe`` of one organisation (warm store) vs a warm ``query`` of the same entity's
  triples (a CONSTRUCT of what it says and what points to it);
- ``why`` of an inferred type of that organisation vs the same query;
- a SELECT of 1,000,000 rows (or as many as there are) in CSV to /dev/null vs the
  ``oxigraph`` CLI on a copy of the same store (same data, same query), and the same
  with ``--timeout``;
- a CONSTRUCT of every triple as Turtle (streamed in two passes: the first only notes the
  prefixes) vs the same as N-Triples (one pass);
- ``describe`` and ``why`` over an endpoint (Oxigraph server on the built store) vs the
  same entity query over that endpoint;
- the SELECT of 1,000,000 rows over that endpoint (parsed and written as it arrives) vs
  the same on the local store.

The output ends with ``name=value`` lines (medians of the paired ratios, peaks in MB).
"""

from __future__ import annotations

import argparse
import shutil
import socket
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402  (bench/ is not a package)
from pairing import Command, Measure, Step, paired, run  # noqa: E402
from run import gsekg, oxigraph  # noqa: E402  (the commands bench/run.py measures too)

ROWS = 1_000_000
ENTITY = "gse:org1"


def compare(
    name: str, a: Command, b: Command, pairs: int, *, discard: bool = False
) -> dict[str, float]:
    """A, B, A, B… (bench/pairing.py): the median of the paired ratios, each side's peak."""
    side_a, side_b = Measure("A"), Measure("B")
    median = paired(side_a, [Step(a)], side_b, [Step(b)], pairs, discard=discard, title=name)
    return {"ratio": median, "peak_a_mb": side_a.peak, "peak_b_mb": side_b.peak}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def entity_query(iri: str) -> str:
    return (
        f"CONSTRUCT {{ <{iri}> ?p ?o . ?s ?q <{iri}> }} "
        f"WHERE {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?q <{iri}> }} }}"
    )


def main() -> None:
    """Build the stores once, then run every paired comparison."""
    from gsekg.namespaces import GSE
    from gsekg.store import entries

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="triples (default 1M)")
    parser.add_argument("--pairs", type=int, default=5, help="A/B pairs per comparison")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="working folder")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    label = f"{args.size // 1000}k"
    data = args.out / f"synthetic-{label}.trig"
    if not data.exists():
        generate(args.size, data)
    cache, store = args.out / f"paired-cache-{label}", args.out / f"paired-oxigraph-{label}"
    common = ["--data", str(data), "--cache-dir", str(cache)]
    iri = GSE + ENTITY.removeprefix("gse:")
    query = entity_query(iri)
    print(f"building the gsekg store for {data}", file=sys.stderr)
    run(gsekg("query", "ASK {}", *common))
    built = [e for e in entries(cache) if str(data.resolve()) in str(e.get("inputs"))]
    folder = Path(built[0]["path"]) / "store"
    # the oxigraph CLI reads a copy of the very store gsekg reads: same data, same query
    shutil.rmtree(store, ignore_errors=True)
    shutil.copytree(folder, store)
    rows = f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {ROWS}"
    everything = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    # the same SELECT by the oxigraph CLI, on a copy of the store gsekg reads
    oxigraph_rows = [
        oxigraph(),
        "query",
        "--location",
        store,
        "--query",
        rows,
        "--results-format",
        "csv",
    ]
    results = {
        "describe_vs_query": compare(
            f"describe {ENTITY} (A) vs query of its triples (B)",
            gsekg("describe", ENTITY, "-f", "json", *common),
            gsekg("query", query, "-f", "ntriples", *common),
            args.pairs,
        ),
        "why_vs_query": compare(
            f"why {ENTITY} rdf:type schema:Organization (A) vs query of its triples (B)",
            gsekg(
                "why",
                ENTITY,
                "rdf:type",
                "schema:Organization",
                "-f",
                "json",
                "--corpus",
                args.out,
                *common,
            ),
            gsekg("query", query, "-f", "ntriples", *common),
            args.pairs,
        ),
        "rows_vs_oxigraph_cli": compare(
            f"{ROWS} rows as CSV to /dev/null: gsekg query (A) vs oxigraph query (B)",
            gsekg("query", rows, "-f", "csv", *common),
            oxigraph_rows,
            args.pairs,
            discard=True,
        ),
        "rows_timeout_vs_oxigraph_cli": compare(
            f"{ROWS} rows as CSV with --timeout (A) vs oxigraph query (B)",
            gsekg("query", rows, "-f", "csv", "--timeout", "600", *common),
            oxigraph_rows,
            args.pairs,
            discard=True,
        ),
        "construct_turtle_vs_ntriples": compare(
            "CONSTRUCT of every triple: Turtle, two passes (A) vs N-Triples, one pass (B)",
            gsekg("query", everything, "-f", "turtle", *common),
            gsekg("query", everything, "-f", "ntriples", *common),
            args.pairs,
            discard=True,
        ),
    }
    from gsekg.server import Server

    with Server(folder, port=free_port()) as server:
        remote = ["--endpoint", server.url]
        results["describe_endpoint_vs_query"] = compare(
            f"describe {ENTITY} over an endpoint (A) vs the entity query over it (B)",
            gsekg("describe", ENTITY, "-f", "json", *remote),
            gsekg("query", query, "-f", "ntriples", *remote),
            args.pairs,
        )
        results["why_endpoint_vs_query"] = compare(
            f"why {ENTITY} rdf:type schema:Organization over an endpoint (A) vs query (B)",
            gsekg(
                "why",
                ENTITY,
                "rdf:type",
                "schema:Organization",
                "-f",
                "json",
                "--corpus",
                args.out,
                *remote,
            ),
            gsekg("query", query, "-f", "ntriples", *remote),
            args.pairs,
        )
        results["rows_endpoint_vs_local"] = compare(
            f"{ROWS} rows as CSV over the endpoint (A) vs on the local store (B)",
            gsekg("query", rows, "-f", "csv", *remote),
            gsekg("query", rows, "-f", "csv", *common),
            args.pairs,
            discard=True,
        )
    print()
    for name, found in results.items():
        print(f"ratio_{name}_{label}={found['ratio']:.3f}")
        print(f"peak_mb_{name}_{label}={found['peak_a_mb']:.1f}")


if __name__ == "__main__":
    main()
