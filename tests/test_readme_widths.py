"""Every README command drawn on a terminal 80 and 120 columns wide fits, and cuts nothing.

Each ``gsekg …`` example of the README (without shell pipes or redirections)
runs in a pseudo-terminal, as a person would see it. Its output must fit the
width, hold no ellipsis (a cut name), and every word in it must be a whole word:
one of the words the same command prints on a very wide terminal, where nothing
needs wrapping (so a word folded in two would show up as two unknown words).
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

import readme

WIDTHS = (80, 120)
WIDE = 1000
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_BOX = re.compile(r"[─━│┃┏┓┗┛┡┩┣┫┳┻╇╋└┘┌┐├┤┬┴┼╸╺]")
_SHELL = re.compile(r"[|;&<>$`]")
EXAMPLES = readme.examples(readme.README.read_text(encoding="utf-8"))
CURATION = "/tmp/gsekg-curation"
"""The README's curation example: a sequence that copies the articles and writes there."""
WRITERS = ("gsekg source add", "gsekg extract", "gsekg review")
"""Curation steps that change the folder (each prints one short line): run once, in order,
to prepare the folder the curation readers (validate, why) are drawn from."""
TERMINAL_COMMANDS = sorted(
    {
        e.command
        for e in EXAMPLES
        if e.command.startswith("gsekg ")
        and not _SHELL.search(e.command)
        and not e.command.startswith(WRITERS)
    }
)


@pytest.fixture(scope="module")
def curated() -> None:
    """The README's curation folder, made by its own commands (they need the articles)."""
    from gsekg.resources import corpus_dir

    if corpus_dir() is None:
        pytest.skip("corpus not found: the curation example copies ../shared/corpus")
    steps = [e.command for e in EXAMPLES if CURATION in e.command]
    steps = [c for c in steps if not c.startswith("gsekg ") or c.startswith(WRITERS)]
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    done = subprocess.run(
        ["bash", "-c", " && ".join(f"{{ {c}; }} >/dev/null" for c in steps)],
        cwd=readme.ROOT,
        env={**os.environ, "PATH": path},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def in_terminal(command: str, width: int, cache_dir: Path) -> list[str]:
    """Lines ``command`` prints on a pseudo-terminal ``width`` columns wide (ANSI removed)."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    env = {
        **os.environ,
        "PATH": path,
        "COLUMNS": str(width),
        "LINES": "50",
        "NO_COLOR": "1",
        "GSEKG_CACHE_DIR": str(cache_dir),
    }
    main, child = pty.openpty()
    process = subprocess.Popen(
        ["bash", "-c", command],
        cwd=readme.ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=child,
        stderr=subprocess.DEVNULL,
    )
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert process.wait(timeout=300) == 0, f"{command} failed"
    text = _ANSI.sub("", b"".join(chunks).decode("utf-8", "replace")).replace("\r", "")
    return [line.rstrip() for line in text.splitlines()]


def words(lines: list[str]) -> set[str]:
    return {w for line in lines for w in _BOX.sub(" ", line).split()}


def test_there_are_terminal_examples() -> None:
    assert len(TERMINAL_COMMANDS) >= 10


@pytest.mark.parametrize("command", TERMINAL_COMMANDS)
def test_fits_and_cuts_nothing(
    command: str, cache_dir: Path, request: pytest.FixtureRequest
) -> None:
    if CURATION in command:
        request.getfixturevalue("curated")
    wide = in_terminal(command, WIDE, cache_dir)
    whole = words(wide)
    elisions = sum(line.count("…") for line in wide)  # why's passages mark elided context
    for width in WIDTHS:
        lines = in_terminal(command, width, cache_dir)
        too_wide = [line for line in lines if len(line) > width]
        assert not too_wide, f"{command} at {width} columns:\n" + "\n".join(too_wide)
        cut = sum(line.count("…") for line in lines) > elisions
        assert not cut, f"{command} cuts a name at {width} columns"
        broken = words(lines) - whole
        assert not broken, f"{command} at {width} columns breaks words: {sorted(broken)}"
