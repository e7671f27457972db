"""The benchmark's paired runs: A, B, A, B…, one ratio per pair, the median of the ratios."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import pairing as bench
import run


def test_pairs_alternate_and_report_the_median_ratio(capsys: object) -> None:
    order: list[str] = []
    slow, quick = bench.Measure("slow"), bench.Measure("quick")
    ratio = bench.paired(
        slow,
        [
            bench.Step(
                [sys.executable, "-c", "import time; time.sleep(0.3); print('a,b'); print('1,2')"],
                lambda: order.append("A"),
            )
        ],
        quick,
        [bench.Step([sys.executable, "-c", "print('x')"], lambda: order.append("B"))],
        3,
    )
    assert order == ["A", "B", "A", "B", "A", "B"]
    assert len(slow.seconds) == len(quick.seconds) == 3
    assert ratio > 1
    assert run.rows(slow.output) == [["1", "2"]]
    printed = capsys.readouterr().err  # type: ignore[attr-defined]
    assert printed.count("pair ") == 3
    assert "median of the paired ratios" in printed
