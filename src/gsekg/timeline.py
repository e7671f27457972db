"""Every dated statement across the sources, in order, each with the sources that state it."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pyoxigraph import Literal, NamedNode, Triple

from gsekg.namespaces import SRC, compact
from gsekg.reader import GraphReader, values
from gsekg.render import display
from gsekg.snapshot import RDF_TYPE, node
from gsekg.terms import Term

if TYPE_CHECKING:
    from gsekg.engines import Engine

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
_IN_VIEW = "?s ?p ?o ."
"""A claim triple counts only when the view (the default graph) holds it: the best view
leaves out deprecated claims and the normal ones a preferred claim outranks."""
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


def timeline(engine: Engine) -> list[Event]:
    """Every dated claim triple of the view, and dated source articles, by date then subject.

    A few queries: the dated claim triples, the dated source articles, the outcomes
    linked to an event, then the labels, types and neighbours of the subjects found.
    """
    reader = GraphReader(engine)
    sources: dict[Triple, set[str]] = defaultdict(set)
    claims_of: dict[Triple, set[Term]] = defaultdict(set)
    dated = (
        f"SELECT ?s ?p ?o ?g WHERE {{ {reader.in_claim('?s ?p ?o')} {_IN_VIEW} "
        f"FILTER(isLiteral(?o) && "
        f"(?p IN ({', '.join(str(p) for p in DATE_PROPERTIES)}) || "
        f"DATATYPE(?o) IN ({', '.join(f'<{t}>' for t in sorted(_DATE_TYPES))}))) }}"
    )
    for s, p, o, g in reader.select(dated).rows:
        if s is not None and isinstance(p, NamedNode) and o is not None and g is not None:
            claims_of[Triple(s, p, o)].add(g)  # type: ignore[arg-type]
    for a, value, ident in reader.select(
        "SELECT ?a ?v ?id WHERE { ?a a gso:SourceArticle ; dcterms:date ?v . "
        "OPTIONAL { ?a dcterms:identifier ?id } }"
    ).rows:
        if isinstance(a, NamedNode) and value is not None:
            key = ident.value if isinstance(ident, Literal) else a.value.removeprefix(SRC)
            sources[Triple(a, _DATE_PUBLISHED, value)].add(key)
    at_event: dict[Triple, set[Term]] = defaultdict(set)
    for s, p, o, g in reader.select(
        f"SELECT ?s ?p ?o ?g WHERE {{ {values('p', AT_EVENT)} {reader.in_claim('?s ?p ?o')} "
        f"{_IN_VIEW} }}"
    ).rows:
        if s is not None and isinstance(p, NamedNode) and o is not None and g is not None:
            at_event[Triple(s, p, o)].add(g)  # type: ignore[arg-type]
    for triple, claims in claims_of.items():
        sources[triple].update(reader.source_ids(claims))  # type: ignore[arg-type]
    dates = _dates_of(reader, {t.object for t in at_event})
    subjects: set[Term] = {t.subject for t in [*sources, *at_event]}
    reader.labels(subjects | {t.object for t in at_event})
    contexts = _contexts(reader, subjects)
    events = [
        Event(
            date=dates[triple.object],
            subject=display(triple.subject),
            label=reader.label(triple.subject),
            property=compact(triple.predicate.value),
            sources=reader.source_ids(claims),  # type: ignore[arg-type]
            context=f"at {reader.label(triple.object)}",
        )
        for triple, claims in at_event.items()
        if dates.get(triple.object) is not None
    ]
    events += [
        Event(
            date=display(triple.object),
            subject=display(triple.subject),
            label=reader.label(triple.subject),
            property=compact(triple.predicate.value),
            sources=tuple(sorted(ids)),
            context=contexts.get(triple.subject, ""),
        )
        for triple, ids in sources.items()
    ]
    return sorted(events, key=lambda e: (sort_key(e.date), e.subject, e.property))


def _dates_of(reader: GraphReader, events: set[Term]) -> dict[Term, str]:
    """Each event's most precise date: start date, else month, else year."""
    order = [node("schema:startDate"), node("gso:month"), node("gso:year")]
    found: dict[Term, dict[NamedNode, list[str]]] = defaultdict(lambda: defaultdict(list))
    if events:
        for e, p, v in reader.select(
            f"SELECT ?e ?p ?v WHERE {{ {values('e', events)} {values('p', order)} ?e ?p ?v }}"
        ).rows:
            if e is not None and isinstance(p, NamedNode) and isinstance(v, Literal):
                found[e][p].append(v.value)
    dates = {}
    for event, by_property in found.items():
        for predicate in order:
            if by_property.get(predicate):
                dates[event] = sorted(by_property[predicate])[0]
                break
    return dates


def _contexts(reader: GraphReader, subjects: set[Term]) -> dict[Term, str]:
    """What each n-ary subject hangs off: ``label (property)`` of the first thing pointing
    to it, else ``property label`` of the first entity it points to."""
    nary = [s for s in subjects if reader.is_nary(s)]
    contexts: dict[Term, str] = {}
    if not nary:
        return contexts
    into = reader.select(f"SELECT ?s ?p ?n WHERE {{ {values('n', nary)} ?s ?p ?n }}").rows
    out = reader.select(
        f"SELECT ?n ?p ?o WHERE {{ {values('n', nary)} ?n ?p ?o . FILTER(isIRI(?o)) }}"
    ).rows
    triples_in = sorted((Triple(s, p, n) for s, p, n in into), key=str)  # type: ignore[arg-type]
    triples_out = sorted((Triple(n, p, o) for n, p, o in out), key=str)  # type: ignore[arg-type]
    reader.labels({t.subject for t in triples_in} | {t.object for t in triples_out})
    reader.types({t.object for t in triples_out})
    for triple in triples_in:
        contexts.setdefault(
            triple.object,
            f"{reader.label(triple.subject)} ({compact(triple.predicate.value)})",
        )
    for triple in triples_out:
        if (
            triple.subject not in contexts
            and triple.predicate != RDF_TYPE
            and not reader.is_nary(triple.object)
        ):
            contexts[triple.subject] = (
                f"{compact(triple.predicate.value)} {reader.label(triple.object)}"
            )
    return contexts
