"""Paired A/B runs, the one loop both benchmarks use (bench/run.py, bench/paired.py).

A side is a list of :class:`Step` (e.g. ``oxigraph load`` then ``oxigraph query``); its time
is the sum of its steps, its memory the largest peak among them. The sides run A, B, A, B, …
as separate processes; each pair's ratio A/B is printed as it comes and the median of those
ratios is returned, so that a slow moment of a shared machine stays inside one pair.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

Command = Sequence[str | os.PathLike[str]]


@dataclass
class Measure:
    """Wall-clock seconds and peak resident memory (MB) of each run of one side."""

    name: str
    seconds: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    output: str = ""
    """The last run's standard output (empty when it was discarded)."""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak(self) -> float:
        return max(self.rss_mb)


@dataclass
class Step:
    """One command of a side, with what to do before it (untimed)."""

    command: Command
    before: Callable[[], None] | None = None


def run(command: Command, *, discard: bool = False) -> tuple[float, float, str]:
    """Run a command; return its wall time, its own peak RSS in MB and its stdout.

    With ``discard`` the output goes to /dev/null (large outputs cost no disk write).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(c) for c in command], stdout=subprocess.DEVNULL if discard else out, stderr=err
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped: Popen must know
        if process.returncode != 0:
            err.seek(0)
            message = err.read().decode(errors="replace")
            raise SystemExit(f"failed ({process.returncode}): {command}\n{message}")
        out.seek(0)
        return elapsed, usage.ru_maxrss / 1024, out.read().decode("utf-8")


def paired(
    a: Measure,
    a_steps: list[Step],
    b: Measure,
    b_steps: list[Step],
    pairs: int,
    *,
    discard: bool = False,
    title: str | None = None,
) -> float:
    """Run A's steps, then B's, ``pairs`` times; print each pair's ratio A/B; their median.

    ``title`` heads the printed pairs (default: the two sides' names).
    """
    ratios = []
    print(title or f"{a.name} (A) vs {b.name} (B)", file=sys.stderr)
    for number in range(1, pairs + 1):
        for measure, steps in ((a, a_steps), (b, b_steps)):
            total, peak = 0.0, 0.0
            for step in steps:
                if step.before is not None:
                    step.before()
                seconds, rss, measure.output = run(step.command, discard=discard)
                total, peak = total + seconds, max(peak, rss)
            measure.seconds.append(total)
            measure.rss_mb.append(peak)
        ratios.append(a.seconds[-1] / b.seconds[-1])
        print(
            f"  pair {number}: A {a.seconds[-1]:7.3f} s  B {b.seconds[-1]:7.3f} s"
            f"  ratio {ratios[-1]:.2f}",
            file=sys.stderr,
        )
    median = statistics.median(ratios)
    print(
        f"  median of the paired ratios: {median:.2f}  (peak A {a.peak:.0f} MB, B {b.peak:.0f} MB)",
        file=sys.stderr,
    )
    return median
