"""Everything the graph says about one entity, grouped for reading, each fact with its sources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyoxigraph import Literal, NamedNode, Triple

from gsekg.entities import LABEL_KINDS, most_specific_types
from gsekg.namespaces import compact
from gsekg.provenance import RDF_TYPE, Snapshot, node
from gsekg.render import display
from gsekg.terms import Term

_ROLE = node("gso:Role")
_POST = node("org:Post")
_ROLE_LIST = node("gso:RoleList")
_AGENT = node("gso:agent")
_ROLE_IN = node("gso:roleIn")
_ROLE_KIND = node("gso:roleKind")
_HELD_BY = node("org:heldBy")
_POST_IN = node("org:postIn")
_JOB_TITLE = node("schema:jobTitle")
_UNNAMED_AGENT = (node("gso:agentDescription"), node("gso:agentCountry"))


@dataclass(frozen=True)
class Value:
    """A term as shown to people (``text``) and to programs (``term``)."""

    term: str
    text: str

    @classmethod
    def of(cls, snapshot: Snapshot, term: Term) -> Value:
        """The value of ``term``: an IRI's preferred label or compact name, a literal's text."""
        if isinstance(term, Literal):
            return cls(term=term.value, text=term.value)
        return cls(term=display(term), text=snapshot.label(term))


@dataclass(frozen=True)
class Fact:
    """One triple seen from the entity: ``predicate value`` (out) or ``value predicate`` (in)."""

    predicate: str
    value: Value
    sources: tuple[str, ...]
    claims: tuple[str, ...]
    details: tuple[tuple[str, Value], ...] = ()
    """For a value that is an n-ary node (a quantity, an approval…): its own properties."""


@dataclass(frozen=True)
class Label:
    """One name of the entity and what kind of name it is."""

    text: str
    kind: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class NodeView:
    """An n-ary node linked to the entity (a role, a post…), summed up in one line."""

    node: str
    kind: str
    via: str
    headline: str
    details: tuple[tuple[str, Value], ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Description:
    """Everything about one entity."""

    iri: str
    name: str
    label: str
    types: tuple[str, ...]
    labels: tuple[Label, ...]
    outgoing: tuple[Fact, ...]
    incoming: tuple[Fact, ...]
    nodes: tuple[NodeView, ...]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""

        def value(v: Value) -> dict[str, str]:
            return {"value": v.term, "label": v.text}

        def details(pairs: tuple[tuple[str, Value], ...]) -> list[dict[str, str]]:
            return [{"property": p, **value(v)} for p, v in pairs]

        def facts(items: tuple[Fact, ...]) -> list[dict[str, Any]]:
            return [
                {
                    "property": f.predicate,
                    **value(f.value),
                    "sources": list(f.sources),
                    "claims": list(f.claims),
                    "details": details(f.details),
                }
                for f in items
            ]

        return {
            "iri": self.iri,
            "name": self.name,
            "label": self.label,
            "types": list(self.types),
            "labels": [
                {"text": lb.text, "kind": lb.kind, "sources": list(lb.sources)}
                for lb in self.labels
            ],
            "outgoing": facts(self.outgoing),
            "incoming": facts(self.incoming),
            "nodes": [
                {
                    "node": n.node,
                    "kind": n.kind,
                    "via": n.via,
                    "headline": n.headline,
                    "details": details(n.details),
                    "sources": list(n.sources),
                }
                for n in self.nodes
            ],
        }


def describe(snapshot: Snapshot, entity: NamedNode) -> Description:
    """Types, names, facts out and in, and linked n-ary nodes of ``entity``."""
    labels = _labels(snapshot, entity)
    outgoing, incoming = [], []
    for triple in snapshot.out.get(entity, ()):
        if triple.predicate == RDF_TYPE or triple.predicate in LABEL_KINDS:
            continue
        details: tuple[tuple[str, Value], ...] = ()
        if not isinstance(triple.object, Literal) and snapshot.is_nary(triple.object):
            details = _details(snapshot, triple.object, skip={triple.predicate})
        outgoing.append(_fact(snapshot, triple, triple.object, details))
    links: dict[Term, Triple] = {}
    for triple in snapshot.into.get(entity, ()):
        if not snapshot.is_nary(triple.subject):
            incoming.append(_fact(snapshot, triple, triple.subject))
        elif triple.subject not in links or triple in snapshot.claims_of:
            links[triple.subject] = triple
    nodes = [_node_view(snapshot, triple) for triple in links.values()]
    return Description(
        iri=entity.value,
        name=compact(entity.value),
        label=snapshot.label(entity),
        types=tuple(compact(t.value) for t in most_specific_types(snapshot, entity)),
        labels=tuple(labels),
        outgoing=tuple(outgoing),
        incoming=tuple(incoming),
        nodes=tuple(sorted(nodes, key=lambda n: (n.kind, n.headline))),
    )


def _sources(snapshot: Snapshot, triples: list[Triple]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The source ids and claim names stating any of ``triples``."""
    claims = {c for t in triples for c in snapshot.claims_of.get(t, ())}
    return tuple(snapshot.source_ids(claims)), tuple(sorted(display(c.iri) for c in claims))


def _fact(
    snapshot: Snapshot,
    triple: Triple,
    other: Term,
    details: tuple[tuple[str, Value], ...] = (),
) -> Fact:
    sources, claims = _sources(snapshot, [triple])
    return Fact(
        predicate=compact(triple.predicate.value),
        value=Value.of(snapshot, other),
        sources=sources,
        claims=claims,
        details=details,
    )


def _labels(snapshot: Snapshot, entity: NamedNode) -> list[Label]:
    """Each distinct name with its most specific kind (a misspelling is also an altLabel)."""
    rank = list(LABEL_KINDS)
    kinds = list(LABEL_KINDS.values())
    found: dict[str, tuple[int, list[Triple]]] = {}
    for triple in snapshot.out.get(entity, ()):
        if triple.predicate in LABEL_KINDS and isinstance(triple.object, Literal):
            position, triples = found.get(triple.object.value, (len(rank), []))
            found[triple.object.value] = (
                min(position, rank.index(triple.predicate)),
                [*triples, triple],
            )
    ranked = sorted(
        (position, text.casefold(), Label(text, kinds[position], _sources(snapshot, triples)[0]))
        for text, (position, triples) in found.items()
    )
    return [label for _, _, label in ranked]


def _details(
    snapshot: Snapshot, subject: Term, skip: set[NamedNode]
) -> tuple[tuple[str, Value], ...]:
    """The properties of an n-ary node; only the stated ones when some are stated."""
    triples = [
        t
        for t in snapshot.out.get(subject, ())
        if t.predicate not in skip and t.predicate != RDF_TYPE
    ]
    stated = [t for t in triples if t in snapshot.claims_of]
    return tuple(
        (compact(t.predicate.value), Value.of(snapshot, t.object)) for t in stated or triples
    )


def _node_view(snapshot: Snapshot, triple: Triple) -> NodeView:
    """One line for the n-ary node ``triple.subject`` that links to ``entity``."""
    nary = triple.subject
    types = snapshot.types(nary)

    def first(predicate: NamedNode) -> str:
        values = snapshot.objects(nary, predicate)
        return snapshot.label(values[0]) if values else "?"

    if _ROLE in types:
        kind, role = "role", first(_ROLE_KIND).removeprefix("roles:")
        agent = first(_AGENT)
        if agent == "?":
            agent = next(
                (snapshot.label(v) for p in _UNNAMED_AGENT for v in snapshot.objects(nary, p)),
                "?",
            )
        if triple.predicate == _AGENT:
            headline = f"{role} at {first(_ROLE_IN)}"
        elif triple.predicate == _ROLE_IN:
            headline = f"{role}: {agent}"
        else:
            headline = f"{role}: {agent} at {first(_ROLE_IN)}"
        shown = {_ROLE_KIND, _AGENT, _ROLE_IN}
    elif _POST in types:
        kind, title = "post", first(_JOB_TITLE)
        if triple.predicate == _HELD_BY:
            headline = f"{title} at {first(_POST_IN)}"
        elif triple.predicate == _POST_IN:
            headline = f"{title}: {first(_HELD_BY)}"
        else:
            headline = f"{title} at {first(_POST_IN)} (held by {first(_HELD_BY)})"
        shown = {_JOB_TITLE, _HELD_BY, _POST_IN}
    elif _ROLE_LIST in types:
        kind = "role list"
        headline = f"{first(_ROLE_KIND).removeprefix('roles:')} list at {first(_ROLE_IN)}"
        shown = {_ROLE_KIND, _ROLE_IN}
    else:
        kind = min((compact(t.value) for t in types), default="node")
        headline = f"{compact(triple.predicate.value)} of {snapshot.label(nary)}"
        shown = {triple.predicate}
    sources, _ = _sources(snapshot, list(snapshot.out.get(nary, ())))
    return NodeView(
        node=Value.of(snapshot, nary).term,
        kind=kind,
        via=compact(triple.predicate.value),
        headline=headline,
        details=_details(snapshot, nary, skip=shown),
        sources=sources,
    )
