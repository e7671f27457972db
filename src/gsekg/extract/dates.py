"""Dates and date ranges: "18 to 20 August 2021", "August 18, 2023", "18-20 August 2023",
"December 2021", and "August 18-20th" whose year comes from the sentence.

Regular expressions find the shapes (ranges are beyond date parsers); dateparser turns
each day, month and year into a date, so month abbreviations and odd spellings parse
the same way everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from gsekg.extract.candidates import Article, Candidate, literal

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_TH = r"(?:st|nd|rd|th)?"
_SHAPES = [
    (
        "dates.range-day-month-year",
        re.compile(
            rf"\b(?P<d1>\d{{1,2}}){_TH}\s*(?:-|to|and|until)\s*(?P<d2>\d{{1,2}}){_TH}\s+"
            rf"(?:of\s+)?(?P<m>{_MONTH}),?\s+(?P<y>\d{{4}})\b"
        ),
    ),
    (
        "dates.range-month-day-year",
        re.compile(
            rf"\b(?P<m>{_MONTH})\s+(?P<d1>\d{{1,2}}){_TH}\s*(?:-|to|and|until)\s*"
            rf"(?P<d2>\d{{1,2}}){_TH}(?:,?\s+(?P<y>\d{{4}}))?\b"
        ),
    ),
    (
        "dates.day-month-year",
        re.compile(rf"\b(?P<d1>\d{{1,2}}){_TH}\s+(?:of\s+)?(?P<m>{_MONTH}),?\s+(?P<y>\d{{4}})\b"),
    ),
    (
        "dates.month-day-year",
        re.compile(rf"\b(?P<m>{_MONTH})\s+(?P<d1>\d{{1,2}}){_TH},?\s+(?P<y>\d{{4}})\b"),
    ),
    ("dates.month-year", re.compile(rf"\b(?P<m>{_MONTH}),?\s+(?P<y>\d{{4}})\b")),
    ("dates.month-day", re.compile(rf"\b(?P<m>{_MONTH})\s+(?P<d1>\d{{1,2}}){_TH}\b(?!\s*\d)")),
]
_HELD = re.compile(r"\b(?:held|took place|kicked off|opened|convened|hosted|organi[sz]ed)\b")


def find_dates(article: Article) -> Iterator[Candidate]:
    """One candidate per date or range, linked to the event the sentence names."""
    text = article.norm.text
    taken: list[tuple[int, int]] = []
    for rule, shape in _SHAPES:
        for match in shape.finditer(text):
            if any(match.start() < e and s < match.end() for s, e in taken):
                continue
            found = _parse(article, match)
            if found is None:
                continue
            taken.append((match.start(), match.end()))
            values, stated, year_guessed = found
            candidate = _candidate(article, rule, match, values, stated, year_guessed)
            yield candidate
            place = _place(article, match, candidate)
            if place is not None:
                yield place


def _parse(
    article: Article, match: re.Match[str]
) -> tuple[list[tuple[str, str]], list[str], bool] | None:
    """(predicate, literal) pairs, the stated parts, and whether the year was guessed."""
    import dateparser

    parts = match.groupdict()
    year, guessed = parts.get("y"), False
    if year is None:
        year = _sentence_year(article, match.start())
        guessed = True
        if year is None:
            return None
    settings = {"STRICT_PARSING": False, "PREFER_DAY_OF_MONTH": "first"}
    month_text = parts["m"].rstrip(".")
    stated = [d for d in (parts.get("d1"), parts.get("d2"), month_text, parts.get("y")) if d]
    days = [d for d in (parts.get("d1"), parts.get("d2")) if d]
    if not days:
        parsed = dateparser.parse(f"1 {month_text} {year}", languages=["en"], settings=settings)
        if parsed is None:
            return None
        return (
            [("gso:month", literal(f"{parsed:%Y-%m}", datatype="xsd:gYearMonth"))],
            stated,
            guessed,
        )
    out: list[date] = []
    for day in days:
        parsed = dateparser.parse(f"{day} {month_text} {year}", languages=["en"], settings=settings)
        if parsed is None:
            return None
        out.append(parsed.date())
    pairs = [("schema:startDate", literal(out[0].isoformat(), datatype="xsd:date"))]
    if len(out) == 2:
        if out[1] < out[0]:
            return None
        pairs.append(("schema:endDate", literal(out[1].isoformat(), datatype="xsd:date")))
    return pairs, stated, guessed


def _sentence_year(article: Article, position: int) -> str | None:
    start, end = article.norm.sentence(position)
    years = re.search(r"\b(20\d\d)\b", article.norm.text[start:end])
    if years:
        return years.group(1)
    edition = article.main_edition()
    return edition.iri[-4:] if edition and edition.iri[-4:].isdigit() else None


def _candidate(
    article: Article,
    rule: str,
    match: re.Match[str],
    values: list[tuple[str, str]],
    stated: list[str],
    year_guessed: bool,
) -> Candidate:
    start, end = article.norm.sentence(match.start())
    sentence = article.norm.text[start:end]
    classes = ("ConferenceEdition", "Forum", "Meeting", "Event")
    near = article.nearest(match.start(), *classes)
    if near is None or near.start < start:
        near = article.nearest(match.end(), *classes, before=False)
        near = near if near is not None and near.end <= end else None
    subject = near.entity if near else None
    confidence = 0.9
    if subject is None and _HELD.search(sentence) and re.search(r"(?i)\bconference\b", sentence):
        subject, confidence = article.main_edition(), 0.8
    if subject is None:
        confidence = 0.5
    if year_guessed:
        confidence -= 0.1
    bounds = [match.start(), match.end()] + ([near.start, near.end] if near else [])
    compact = subject.compact if subject else "gse:unlinked"
    return Candidate(
        "date",
        rule,
        round(confidence, 2),
        [article.span(min(bounds), max(bounds))],
        stated + ([near.surface] if near else []),
        [(compact, predicate, value) for predicate, value in values],
        keys=[("date", value.split('"')[1]) for _, value in values],
        note="" if subject else "no event named near the date: relink before accepting",
    )


def _place(article: Article, match: re.Match[str], date: Candidate) -> Candidate | None:
    """Where an edition dated in this sentence was held: "held … in Beijing"."""
    subject = date.triples[0][0]
    if not subject.startswith("gse:gse2") or subject == "gse:unlinked":
        return None
    start, end = article.norm.sentence(match.start())
    text = article.norm.text
    held = _HELD.search(text, start, end)
    if held is None:
        return None
    cities = [
        m
        for m in article.mentions_in(held.end(), end)
        if m.entity.is_a("City") and re.search(r"\b(?:in|at)\s*$", text[held.end() : m.start])
    ]
    if not cities:
        return None
    city = cities[0]
    return Candidate(
        "place",
        "places.held-in",
        date.confidence,
        [
            (
                min(date.spans[0][0], article.span(held.start(), held.end())[0]),
                article.span(city.start, city.end)[1],
            )
        ],
        [city.surface, *(s for s in date.stated if len(s) > 9)],
        [(subject, "schema:location", city.entity.compact)],
        note=f"the edition dated in the same sentence ({subject})",
    )
