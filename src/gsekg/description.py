"""Everything the graph says about one entity, grouped for reading, each fact with its sources."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pyoxigraph import Literal, NamedNode, Triple

from gsekg.entities import LABEL_KINDS
from gsekg.namespaces import compact
from gsekg.reader import GraphReader
from gsekg.render import display
from gsekg.snapshot import NARY_CLASSES, RDF_TYPE, node
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
    def of(cls, view: View, term: Term) -> Value:
        """The value of ``term``: an IRI's preferred label or compact name, a literal's text."""
        if isinstance(term, Literal):
            return cls(term=term.value, text=term.value)
        return cls(term=display(term), text=view.label(term))


@dataclass(frozen=True)
class Fact:
    """One triple seen from the entity: ``predicate value`` (out) or ``value predicate`` (in)."""

    predicate: str
    value: Value
    sources: tuple[str, ...]
    claims: tuple[str, ...]
    details: tuple[tuple[str, Value], ...] = ()
    """For a value that is an n-ary node (a quantity, an approval…): its own properties."""
    editorial: bool = False
    """Only editorial claims state it: the curators' inference from ``sources``."""


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
                | ({"editorial": True} if f.editorial else {})
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


class View:
    """The facts about one entity and its n-ary nodes, as one view shows them.

    The plain view keeps stated triples (in a claim) and registered ones (neither in a
    claim nor derivable: the registry and the ontology); the inferred view keeps all.
    """

    def __init__(self, reader: GraphReader, entity: NamedNode, *, inferred: bool) -> None:
        self.reader = reader
        out, into = reader.facts_about(entity)
        nary = reader.nary_facts(entity, incoming=False) + reader.nary_facts(entity, incoming=True)
        found = {f.triple: f for f in [*out, *into, *nary]}
        self.entity_types = _types_of(entity, found)
        if not inferred:
            derived = reader.derivations([t for t, f in found.items() if not f.claims])
            found = {t: f for t, f in found.items() if f.claims or t not in derived}
            # a registered type can also follow from a domain or range: keep those then
            ranged = [t for t, ways in derived.items() if ways <= {"domain", "range"}]
            self.entity_types = (
                _types_of(entity, found) or _types_of(entity, ranged) or self.entity_types
            )
        self.claims_of: dict[Triple, tuple[Term, ...]] = {t: f.claims for t, f in found.items()}
        self.out: dict[Term, list[Triple]] = {}
        self.into: list[Triple] = []
        for triple in sorted(found, key=str):
            self.out.setdefault(triple.subject, []).append(triple)
            if triple.object == entity:
                self.into.append(triple)
        terms = {t for triple in found for t in (triple.subject, triple.object)}
        self.reader.labels(terms)
        self._nary = {
            t
            for t, types in reader.types([t for t in terms if not isinstance(t, Literal)]).items()
            if types & NARY_CLASSES
        }

    def label(self, term: Term) -> str:
        """The preferred label of ``term`` (see :meth:`GraphReader.label`)."""
        return self.reader.label(term)

    def objects(self, subject: Term, predicate: NamedNode) -> list[Term]:
        """The objects of ``subject predicate`` in this view, in a stable order."""
        return [t.object for t in self.out.get(subject, ()) if t.predicate == predicate]

    def types(self, subject: Term) -> set[NamedNode]:
        """The classes of ``subject`` in this view."""
        return {t for t in self.objects(subject, RDF_TYPE) if isinstance(t, NamedNode)}

    def is_nary(self, term: Term) -> bool:
        """Whether ``term`` is an n-ary node (role, post, quantity…), not an entity."""
        return term in self._nary or not isinstance(term, NamedNode | Literal)

    def stated(self, triple: Triple) -> bool:
        """Whether a claim states ``triple``."""
        return bool(self.claims_of.get(triple))


def _types_of(entity: NamedNode, triples: Iterable[Triple]) -> set[NamedNode]:
    return {
        t.object
        for t in triples
        if t.subject == entity and t.predicate == RDF_TYPE and isinstance(t.object, NamedNode)
    }


def describe(reader: GraphReader, entity: NamedNode, *, inferred: bool = False) -> Description:
    """Types, names, facts out and in, and linked n-ary nodes of ``entity``.

    Without ``inferred``, what rules and inference derived is left out.
    """
    view = View(reader, entity, inferred=inferred)
    labels = _labels(view, entity)
    outgoing, incoming = [], []
    for triple in view.out.get(entity, ()):
        if triple.predicate == RDF_TYPE or triple.predicate in LABEL_KINDS:
            continue
        details: tuple[tuple[str, Value], ...] = ()
        if not isinstance(triple.object, Literal) and view.is_nary(triple.object):
            details = _details(view, triple.object, skip={triple.predicate})
        outgoing.append(_fact(view, triple, triple.object, details))
    links: dict[Term, Triple] = {}
    for triple in view.into:
        if not view.is_nary(triple.subject):
            incoming.append(_fact(view, triple, triple.subject))
        elif triple.subject not in links or view.stated(triple):
            links[triple.subject] = triple
    nodes = [_node_view(view, triple) for triple in links.values()]
    return Description(
        iri=entity.value,
        name=compact(entity.value),
        label=view.label(entity),
        types=tuple(compact(t.value) for t in reader.most_specific(view.entity_types)),
        labels=tuple(labels),
        outgoing=tuple(outgoing),
        incoming=tuple(incoming),
        nodes=tuple(sorted(nodes, key=lambda n: (n.kind, n.headline))),
    )


def _sources(view: View, triples: list[Triple]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The source ids and claim names stating any of ``triples``."""
    claims = sorted({c for t in triples for c in view.claims_of.get(t, ())}, key=str)
    names = [c for c in claims if isinstance(c, NamedNode)]
    return view.reader.source_ids(names), tuple(sorted(display(c) for c in claims))


def _fact(
    view: View,
    triple: Triple,
    other: Term,
    details: tuple[tuple[str, Value], ...] = (),
) -> Fact:
    sources, claims = _sources(view, [triple])
    stating = [c for c in view.claims_of.get(triple, ()) if isinstance(c, NamedNode)]
    found = view.reader.claims(stating).values()
    return Fact(
        predicate=compact(triple.predicate.value),
        value=Value.of(view, other),
        sources=sources,
        claims=claims,
        details=details,
        editorial=bool(stating) and all(c.editorial for c in found),
    )


def _labels(view: View, entity: NamedNode) -> list[Label]:
    """Each distinct name with its most specific kind (a misspelling is also an altLabel)."""
    rank = list(LABEL_KINDS)
    kinds = list(LABEL_KINDS.values())
    found: dict[str, tuple[int, list[Triple]]] = {}
    for triple in view.out.get(entity, ()):
        if triple.predicate in LABEL_KINDS and isinstance(triple.object, Literal):
            position, triples = found.get(triple.object.value, (len(rank), []))
            found[triple.object.value] = (
                min(position, rank.index(triple.predicate)),
                [*triples, triple],
            )
    ranked = sorted(
        (position, text.casefold(), Label(text, kinds[position], _sources(view, triples)[0]))
        for text, (position, triples) in found.items()
    )
    return [label for _, _, label in ranked]


def _details(view: View, subject: Term, skip: set[NamedNode]) -> tuple[tuple[str, Value], ...]:
    """The properties of an n-ary node; only the stated ones when some are stated."""
    triples = [
        t for t in view.out.get(subject, ()) if t.predicate not in skip and t.predicate != RDF_TYPE
    ]
    stated = [t for t in triples if view.stated(t)]
    return tuple((compact(t.predicate.value), Value.of(view, t.object)) for t in stated or triples)


def _node_view(view: View, triple: Triple) -> NodeView:
    """One line for the n-ary node ``triple.subject`` that links to ``entity``."""
    nary = triple.subject
    types = view.types(nary)

    def first(predicate: NamedNode) -> str:
        values = view.objects(nary, predicate)
        return view.label(values[0]) if values else "?"

    if _ROLE in types:
        kind, role = "role", first(_ROLE_KIND).removeprefix("roles:")
        agent = first(_AGENT)
        if agent == "?":
            agent = next(
                (view.label(v) for p in _UNNAMED_AGENT for v in view.objects(nary, p)),
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
        headline = f"{compact(triple.predicate.value)} of {view.label(nary)}"
        shown = {triple.predicate}
    sources, _ = _sources(view, list(view.out.get(nary, ())))
    return NodeView(
        node=Value.of(view, nary).term,
        kind=kind,
        via=compact(triple.predicate.value),
        headline=headline,
        details=_details(view, nary, skip=shown),
        sources=sources,
    )
