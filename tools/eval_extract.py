"""Leave-one-out evaluation of ``gsekg extract`` over the curated sources (``make eval-extract``).

For each article the known-entity index comes from the registry and the other sources
only; its candidates are scored against its own curated claims. Prints precision and
recall per kind and overall, and exits 1 when a floor is missed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gsekg.extract.evaluate import evaluate
from gsekg.resources import corpus_dir, data_dir

FLOORS = {
    ("mention", "precision"): 0.9,
    ("mention", "recall"): 0.9,
    ("date", "recall"): 0.8,
    ("figure", "recall"): 0.8,
    ("role", "precision"): 0.7,
    ("role", "recall"): 0.5,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--corpus", type=Path, default=None)
    args = parser.parse_args()
    corpus = corpus_dir(args.corpus)
    if corpus is None or not corpus.is_dir():
        print("Error: no corpus folder (use --corpus or GSEKG_CORPUS)", file=sys.stderr)
        return 1
    report = evaluate(args.data_dir or data_dir(), corpus)
    print("kind\thits\tpredicted\texpected\tprecision\trecall")
    for row in report.rows():
        print("\t".join(map(str, row)))
    missed = [
        f"{kind} {measure} {getattr(report.kinds[kind], measure):.2f} < {floor}"
        for (kind, measure), floor in FLOORS.items()
        if getattr(report.kinds[kind], measure) < floor
    ]
    for line in missed:
        print(f"below the floor: {line}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
