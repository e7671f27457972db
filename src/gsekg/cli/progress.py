"""A progress bar for slow loads and extractions: rich, on stderr, only on a terminal, only
after a second."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gsekg.build import Progress

DELAY = 1.0
"""Seconds a load runs before the bar appears."""


@contextmanager
def load_progress(
    description: str = "Loading RDF", *, unit: str = "bytes"
) -> Iterator[Progress | None]:
    """Yield a progress hook (``None`` off a terminal): for :func:`gsekg.engines.open_engine`
    it counts bytes; with ``unit="steps"`` it counts the steps of a longer task (n/total)."""
    if not sys.stderr.isatty():
        yield None
        return
    started = time.monotonic()
    shown: dict[str, Any] = {}

    def hook(done: int, total: int) -> None:
        if not shown:
            if time.monotonic() - started < DELAY:
                return
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                MofNCompleteColumn,
                Progress,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            counts = DownloadColumn() if unit == "bytes" else MofNCompleteColumn()
            bar = Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                counts,
                TimeRemainingColumn() if unit == "bytes" else TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            bar.start()
            shown["bar"], shown["task"] = bar, bar.add_task(description, total=total)
        shown["bar"].update(shown["task"], completed=done)

    try:
        yield hook
    finally:
        if shown:
            shown["bar"].stop()
