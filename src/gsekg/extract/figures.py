"""Figures with their qualifier ("more than", "over", "almost", "nearly"…) and what they count."""

from __future__ import annotations

import re
from collections.abc import Iterator

from gsekg.extract.candidates import Article, Candidate, literal, slug

_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
}  # fmt: skip
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "hundred": 100}
_QUALIFIERS = {
    "more than": "gso:over", "over": "gso:over", "above": "gso:over", "exceeding": "gso:over",
    "almost": "gso:almost", "nearly": "gso:almost", "close to": "gso:almost",
    "less than": "gso:lessThan", "fewer than": "gso:lessThan", "under": "gso:lessThan",
}  # fmt: skip
_FIGURE = re.compile(
    rf"(?i:(?P<q>{'|'.join(sorted(_QUALIFIERS, key=len, reverse=True))})\s+)?"
    r"(?<![\w.,-])(?P<n>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|"
    rf"(?i:{'|'.join(_WORDS)}))(?![\w,.]\d)(?:\s+(?P<s>(?i:thousand|million|billion)))?(?P<pct>%)?"
    r"(?P<unit>(?:\s+(?!(?:from|in|at|on|of|to|and|who|which|that|with|more|over|almost|nearly|"
    r"than|less|fewer|under|above)\b)[a-zA-Z][\w-]*){1,3})?"
)
_STOP_UNITS = {"th", "st", "nd", "rd", "percent"}
_EVENT = ("ConferenceEdition", "Forum", "Meeting", "Event", "Competition", "ProgrammeEdition")


def find_figures(article: Article, dates: list[tuple[int, int]]) -> Iterator[Candidate]:
    """One candidate per figure outside ``dates`` (normalised spans already read as dates)."""
    text = article.norm.text
    position = 0
    while (match := _FIGURE.search(text, position)) is not None:
        position = match.end("n")
        start, end = match.span("n")
        if any(start < e and s < end for s, e in dates):
            continue
        number = match.group("n")
        value = _value(number, match.group("s"))
        if value is None:
            continue
        words = (match.group("unit") or "").split()
        if match.group("pct"):
            words = ["per", "cent"]
        if not words or words[0].lower() in _STOP_UNITS:
            continue
        is_year = re.fullmatch(r"(19|20)\d\d", number) is not None and not match.group("q")
        if is_year or (number.isalpha() and value < 2):
            continue
        counts = _counts(words)
        if not counts:
            continue
        qualifier = _QUALIFIERS.get((match.group("q") or "").lower(), "gso:exactly")
        yield _candidate(article, match, value, qualifier, counts)


def _value(number: str, scale: str | None) -> int | None:
    lowered = number.lower()
    if lowered in _WORDS:
        base: float = _WORDS[lowered]
    else:
        try:
            base = float(number.replace(",", ""))
        except ValueError:
            return None
    result = base * _SCALES.get((scale or "").lower(), 1)
    return int(result) if result == int(result) else None


def _counts(words: list[str]) -> str:
    """What the figure counts: the words after it, up to a lower-case noun's end."""
    kept: list[str] = []
    for word in words:
        kept.append(word)
        if word[:1].islower() and (word.endswith("s") or len(kept) >= 2):
            break
    return " ".join(kept).strip(",.;:")


def _candidate(
    article: Article, match: re.Match[str], value: int, qualifier: str, counts: str
) -> Candidate:
    start, end = article.norm.sentence(match.start())
    near = article.nearest(match.start(), *_EVENT)
    if near is None or near.start < start:
        near = article.nearest(match.end("n"), *_EVENT, before=False)
        near = near if near is not None and near.end <= end else None
    subject = near.entity if near else article.main_edition()
    confidence = 0.85 if near else 0.7 if subject else 0.5
    compact = subject.compact if subject else "gse:unlinked"
    quantity = f"gse:q-{compact.removeprefix('gse:')}-{slug(counts, 30)}-{value}"
    triples = [
        (compact, "gso:participation", quantity),
        (quantity, "rdf:type", "gso:Quantity"),
        (quantity, "schema:value", str(value)),
        (quantity, "gso:qualifier", qualifier),
        (quantity, "gso:counts", literal(counts)),
    ]
    bounds = [match.start(), match.end()] + ([near.start, near.end] if near else [])
    stated = [match.group("n")] + ([near.surface] if near else [])
    return Candidate(
        "figure",
        "figures.qualified-count" if match.group("q") else "figures.count",
        confidence,
        [article.span(min(bounds), max(bounds))],
        stated,
        triples,
        keys=[("figure", str(value))],
        note="" if subject else "no event named near the figure: relink before accepting",
    )
