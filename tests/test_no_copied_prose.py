"""The project holds facts, not the articles' sentences: no 16-word run of an article is copied."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from gsekg.resources import corpus_dir

RUN = 16
ROOT = Path(__file__).resolve().parents[1]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _project_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    return [ROOT / name for name in listed if name and (ROOT / name).is_file()]


@pytest.mark.corpus
def test_no_run_of_16_words_from_an_article() -> None:
    folder = corpus_dir()
    if folder is None or not folder.is_dir():
        pytest.skip("corpus not found: set GSEKG_CORPUS or put it at ../shared/corpus")
    shingles: dict[str, str] = {}
    for article in sorted(folder.glob("*.txt")):
        words = _words(article.read_text(encoding="utf-8"))
        for i in range(len(words) - RUN + 1):
            shingles.setdefault(" ".join(words[i : i + RUN]), article.name)
    assert shingles, "the corpus has text"
    copied = []
    for path in _project_files():
        try:
            words = _words(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, OSError):
            continue
        hits = {
            shingles[run]
            for run in (" ".join(words[i : i + RUN]) for i in range(len(words) - RUN + 1))
            if run in shingles
        }
        if hits:
            copied.append(f"{path.relative_to(ROOT)} copies from {sorted(hits)}")
    assert not copied, copied
