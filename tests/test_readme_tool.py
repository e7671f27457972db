"""The README refresh tool records only clean runs: never a traceback or a failed command."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

import readme


def block(command: str) -> str:
    return f"Intro\n\n```console\n$ {command}\nold output\n```\n"


def test_a_clean_command_is_recorded() -> None:
    assert readme.refresh(block("echo fresh")) == "Intro\n\n```console\n$ echo fresh\nfresh\n```\n"


@pytest.mark.parametrize(
    "command",
    ["echo partial; exit 3", "python -c 'import sys; print(1); sys.stderr.flush(); 1/0'"],
    ids=["non-zero-exit", "traceback"],
)
def test_a_failing_command_is_refused(command: str) -> None:
    with pytest.raises(readme.RefusedError, match="not recording"):
        readme.refresh(block(command))


def test_a_traceback_on_stderr_is_refused_even_with_exit_0() -> None:
    command = (
        "python -c \"import sys; sys.stderr.write('Traceback (most recent call last):\\\\n')\""
    )
    with pytest.raises(readme.RefusedError):
        readme.refresh(block(command))
