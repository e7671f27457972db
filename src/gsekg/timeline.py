"""Every dated statement across the sources, in order, each with the sources that state it."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from pyoxigraph import Literal, NamedNode, Triple

from gsekg.namespaces import compact
from gsekg.provenance import RDF_TYPE, Snapshot, node
from gsekg.render import display
from gsekg.terms import Term

DATE_PROPERTIES = tuple(
    node(name)
    for name in (
        "schema:startDate",
        "schema:endDate",
        "gso:year",
        "gso:month",
        "gso:launchYear",
        "dcterms:date",
        "schema:datePublished",
        "schema:foundingDate",
        "prov:startedAtTime",
        "prov:generatedAtTime",
    )
)
"""Properties whose value dates their subject; other ``xsd:date``/``gYear``… values count too."""

AT_EVENT = (node("gso:adoptedAt"), node("gso:launchedAt"), node("gso:presentedAt"))
"""Links from an outcome to the event where it happened: the outcome is dated by the event."""

_DATE_TYPES = frozenset(
    "http://www.w3.org/2001/XMLSchema#" + t
    for t in ("date", "dateTime", "gYear", "gYearMonth", "gMonthDay")
)
_SOURCE_ARTICLE = node("gso:SourceArticle")
_DATE_PUBLISHED = node("dcterms:date")
"""The date of a source article."""
_DATE = re.compile(r"^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


@dataclass(frozen=True)
class Event:
    """One date of one thing: ``subject property date``, with its sources."""

    date: str
    subject: str
    label: str
    property: str
    sources: tuple[str, ...]
    context: str
    """For an n-ary subject (an approval, a role…): what it belongs to, else ``""``."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            "date": self.date,
            "subject": self.subject,
            "label": self.label,
            "property": self.property,
            "sources": list(self.sources),
            "context": self.context,
        }


def sort_key(date: str) -> tuple[int, int, int]:
    """Year, month, day of an ISO date, year-month or year (missing parts sort first)."""
    match = _DATE.match(date)
    if not match:
        return (9999, 0, 0)
    year, month, day = match.groups()
    return (int(year), int(month or 0), int(day or 0))


def timeline(snapshot: Snapshot) -> list[Event]:
    """Every dated claim triple, and dated source articles, ordered by date then subject."""
    sources: dict[Triple, set[str]] = defaultdict(set)
    for triple, claims in snapshot.claims_of.items():
        if _is_date(triple):
            sources[triple].update(snapshot.source_ids(claims))
    for article in snapshot.subjects(RDF_TYPE, _SOURCE_ARTICLE):
        for value in snapshot.objects(article, _DATE_PUBLISHED):
            if isinstance(article, NamedNode):
                sources[Triple(article, _DATE_PUBLISHED, value)].add(snapshot.source_id(article))
    events = _dated_via_events(snapshot)
    events += [
        Event(
            date=display(triple.object),
            subject=display(triple.subject),
            label=snapshot.label(triple.subject),
            property=compact(triple.predicate.value),
            sources=tuple(sorted(ids)),
            context=_context(snapshot, triple.subject),
        )
        for triple, ids in sources.items()
    ]
    return sorted(events, key=lambda e: (sort_key(e.date), e.subject, e.property))


def _dated_via_events(snapshot: Snapshot) -> list[Event]:
    """Outcomes adopted, launched or presented at an event, dated by that event.

    The date is the event's (start date, else month, else year); the sources are
    those that state the link, e.g. a declaration adopted at GSE 2023.
    """
    events = []
    for predicate in AT_EVENT:
        for triple, claims in snapshot.claims_of.items():
            if triple.predicate != predicate:
                continue
            date = _date_of(snapshot, triple.object)
            if date is None:
                continue
            events.append(
                Event(
                    date=date,
                    subject=display(triple.subject),
                    label=snapshot.label(triple.subject),
                    property=compact(predicate.value),
                    sources=tuple(snapshot.source_ids(claims)),
                    context=f"at {snapshot.label(triple.object)}",
                )
            )
    return events


def _date_of(snapshot: Snapshot, event: Term) -> str | None:
    """An event's most precise stated date: start date, else month, else year."""
    for predicate in (node("schema:startDate"), node("gso:month"), node("gso:year")):
        for value in snapshot.objects(event, predicate):
            if isinstance(value, Literal):
                return value.value
    return None


def _is_date(triple: Triple) -> bool:
    value = triple.object
    if not isinstance(value, Literal):
        return False
    return triple.predicate in DATE_PROPERTIES or value.datatype.value in _DATE_TYPES


def _context(snapshot: Snapshot, subject: Term) -> str:
    """What an n-ary node hangs off: ``label (property)`` of the first thing pointing to it."""
    if not snapshot.is_nary(subject):
        return ""
    for triple in snapshot.into.get(subject, ()):
        return f"{snapshot.label(triple.subject)} ({compact(triple.predicate.value)})"
    for triple in snapshot.out.get(subject, ()):
        if (
            isinstance(triple.object, NamedNode)
            and triple.predicate != RDF_TYPE
            and not snapshot.is_nary(triple.object)
        ):
            return f"{compact(triple.predicate.value)} {snapshot.label(triple.object)}"
    return ""
