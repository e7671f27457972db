"""``gsekg extract`` shows its progress on a terminal (stderr), and nothing when piped."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gsekg.curation import extract_source
from gsekg.sources import add

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "tests" / "fixtures" / "curation" / "gse2021-article.txt"
NO_DELAY = (
    "import sys, gsekg.cli.progress as p; p.DELAY = 0; sys.argv[0] = 'gsekg'; "
    "from gsekg.cli.app import main; main()"
)
"""Run gsekg with the bar drawn at once (a short article is done within the usual second)."""


@pytest.fixture
def registered(tmp_path: Path) -> tuple[Path, Path, str]:
    data, corpus = tmp_path / "data", tmp_path / "corpus"
    shutil.copytree(ROOT / "data", data)
    corpus.mkdir()
    return data, corpus, add(ARTICLE, data, corpus)


def test_each_rule_reports_its_step(registered: tuple[Path, Path, str]) -> None:
    data, corpus, source = registered
    heard: list[tuple[int, int]] = []
    extract_source(data, corpus, source, progress=lambda done, total: heard.append((done, total)))
    assert heard == [(n, 8) for n in range(1, 9)]


def extract(registered: tuple[Path, Path, str], stderr: int) -> subprocess.Popen[bytes]:
    data, corpus, source = registered
    where = ["--data-dir", str(data), "--corpus", str(corpus)]
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    command = [sys.executable, "-c", NO_DELAY, "extract", source, "-o", str(data.parent / "d")]
    return subprocess.Popen([*command, *where], stderr=stderr, env=env)


def test_a_terminal_sees_the_bar(registered: tuple[Path, Path, str]) -> None:
    import pty

    main, terminal = pty.openpty()
    process = extract(registered, terminal)
    os.close(terminal)
    drawn = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        drawn += chunk
    os.close(main)
    assert process.wait(timeout=120) == 0
    text = drawn.decode(errors="replace")
    assert "Extracting candidates" in text
    assert "8/8" in text
    assert text.rstrip().endswith(f"22 candidate claims from {registered[2]}")


def test_a_pipe_gets_only_the_count(registered: tuple[Path, Path, str]) -> None:
    process = extract(registered, subprocess.PIPE)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0
    assert err.decode() == f"22 candidate claims from {registered[2]}\n"
