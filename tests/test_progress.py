"""The load progress bar: silent off a terminal and for quick loads, drawn on stderr after
DELAY seconds on a terminal, gone (transient) when the load ends."""

from __future__ import annotations

import io
import sys

import pytest

from gsekg.cli import progress


class Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_no_bar_when_stderr_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with progress.load_progress() as hook:
        assert hook is None


def test_no_bar_for_a_quick_load(monkeypatch: pytest.MonkeyPatch) -> None:
    err = Terminal()
    monkeypatch.setattr(sys, "stderr", err)
    with progress.load_progress() as hook:
        assert hook is not None
        hook(10, 100)
        hook(100, 100)
    assert err.getvalue() == ""


def test_a_slow_load_shows_the_bar_on_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    err = Terminal()
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("TERM", "xterm")
    with progress.load_progress("Loading test") as hook:
        assert hook is not None
        hook(50_000_000, 100_000_000)
        hook(100_000_000, 100_000_000)
    drawn = err.getvalue()
    assert "Loading test" in drawn
    assert "100.0 MB" in drawn or "100.0/100.0 MB" in drawn
