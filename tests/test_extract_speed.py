"""The extractor's speed-ups keep its results: sentence bounds from stops found once, and
original-to-normalised offsets by bisection, agree with the direct scans at every position."""

from __future__ import annotations

from pathlib import Path

import pytest

from gsekg.extract.text import _SENTENCE_END, Normalised

ARTICLE = Path(__file__).parent / "fixtures" / "curation" / "gse2021-article.txt"
TRICKY = (
    "Dr. Li spoke.Then U.S. guests came, e.g. from Paris; others?\n"
    "\u2022 a list line\u2022 another!end. Mr. X\n\nA new paragraph. "
)


def sentence_by_scanning(norm: Normalised, position: int) -> tuple[int, int]:
    """The sentence bounds as first written: every stop before ``position`` scanned."""
    start = 0
    for match in _SENTENCE_END.finditer(norm.text, 0, position):
        start = match.end()
    found = _SENTENCE_END.search(norm.text, position)
    return start, found.start() + 1 if found else len(norm.text)


@pytest.mark.parametrize("text", [ARTICLE.read_text(encoding="utf-8"), TRICKY])
def test_sentence_bounds_agree_with_the_scan(text: str) -> None:
    norm = Normalised.of(text)
    for position in range(len(norm.text) + 1):
        assert norm.sentence(position) == sentence_by_scanning(norm, position), position


def test_a_stop_right_before_the_position_ends_the_sentence() -> None:
    norm = Normalised.of("It closed.Then it rained.")
    assert norm.sentence(norm.text.index("Then")) == (10, 25)
    assert norm.sentence(3) == (0, 25)  # read forward, "closed.Then" is one word


@pytest.mark.parametrize("text", [ARTICLE.read_text(encoding="utf-8"), TRICKY])
def test_index_agrees_with_the_scan(text: str) -> None:
    norm = Normalised.of(text)
    for original in range(len(text) + 1):
        scanned = next((i for i, o in enumerate(norm.origin) if o >= original), len(norm.origin))
        assert norm.index(original) == scanned, original
