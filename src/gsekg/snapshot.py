"""A whole graph held in memory and indexed (:class:`Snapshot`).

Only ``validate`` and ``search`` still read the graph this way; the entity commands ask
the engine for what they need (:mod:`gsekg.reader`), which scales and works on a remote
endpoint.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Triple

from gsekg.namespaces import PREFIXES, SRC
from gsekg.render import display
from gsekg.terms import Term

Span = tuple[int, int]


def node(name: str) -> NamedNode:
    """The IRI of a compact name in a predeclared prefix, e.g. ``node("prov:wasDerivedFrom")``."""
    prefix, _, local = name.partition(":")
    return NamedNode(PREFIXES[prefix] + local)


RDF_TYPE = node("rdf:type")
SUBCLASS_OF = node("rdfs:subClassOf")
PREF_LABEL = node("skos:prefLabel")
CLAIM_CLASS = node("gso:Claim")
EDITORIAL_CLASS = node("gso:EditorialClaim")
DERIVED_FROM = node("prov:wasDerivedFrom")
HAS_SELECTOR = node("oa:hasSelector")
EVIDENCE = node("gso:evidence")
HAS_SOURCE = node("oa:hasSource")
ATTRIBUTED_TO = node("prov:wasAttributedTo")
RANK = node("gso:rank")
OA_START = node("oa:start")
OA_END = node("oa:end")
IDENTIFIER = node("dcterms:identifier")
NARY_CLASSES = frozenset(
    node(n)
    for n in (
        "gso:Role",
        "gso:RoleList",
        "org:Post",
        "gso:Quantity",
        "gso:Approval",
        "gso:Partnership",
        "schema:Schedule",
        "gso:Claim",
    )
)
"""Classes of n-ary nodes, structured values and claims: not entities in their own right."""


@dataclass(frozen=True)
class Claim:
    """One named graph and its provenance."""

    iri: NamedNode | BlankNode
    triples: frozenset[Triple]
    sources: tuple[NamedNode, ...]
    """The articles it is derived from (``prov:wasDerivedFrom`` other than claims)."""
    spans: tuple[Span, ...]
    typed: bool
    """Whether the graph is declared ``a gso:Claim``."""
    rank: NamedNode | None = None
    """``gso:PreferredRank``, ``gso:NormalRank`` or ``gso:DeprecatedRank`` (when stated)."""
    editorial: bool = False
    """Whether it is declared ``a gso:EditorialClaim`` (the curators' inference)."""
    basis: tuple[NamedNode, ...] = ()
    """The claims it is derived from (``prov:wasDerivedFrom`` a claim): an editorial claim's."""
    evidence_sources: tuple[NamedNode, ...] = ()
    """The articles its evidence lies in (``gso:evidence/oa:hasSource``), distinct, sorted."""

    @property
    def articles(self) -> tuple[NamedNode, ...]:
        """The articles it rests on: its sources, or for an editorial claim its evidence's."""
        return self.evidence_sources if self.editorial else self.sources


class Snapshot:
    """A graph held in memory with the indexes describe, why, stats and timeline need.

    Attributes:
        default: the default graph's triples.
        graphs: each named graph's triples.
        facts: the simple view: the default graph plus every named graph's triples.
        claims: each named graph or ``gso:Claim`` with its provenance.
        claims_of: the claims stating each triple.
    """

    def __init__(
        self, default: set[Triple], graphs: dict[NamedNode | BlankNode, set[Triple]]
    ) -> None:
        self.default = default
        self.graphs = graphs
        self.facts = set(default).union(*graphs.values())
        self.out: dict[Term, list[Triple]] = defaultdict(list)
        self.into: dict[Term, list[Triple]] = defaultdict(list)
        for triple in sorted(self.facts, key=str):
            self.out[triple.subject].append(triple)
            self.into[triple.object].append(triple)
        self.claims = {name: self._claim(name) for name in self._claim_names()}
        self.claims_of: dict[Triple, list[Claim]] = defaultdict(list)
        for claim in self.claims.values():
            for triple in claim.triples:
                self.claims_of[triple].append(claim)

    @classmethod
    def from_quads(cls, quads: Iterable[Quad]) -> Snapshot:
        """Index ``quads`` (from :meth:`Engine.quads` or a parsed file)."""
        default: set[Triple] = set()
        graphs: dict[NamedNode | BlankNode, set[Triple]] = defaultdict(set)
        for quad in quads:
            if isinstance(quad.graph_name, DefaultGraph):
                default.add(quad.triple)
            else:
                graphs[quad.graph_name].add(quad.triple)
        return cls(default, dict(graphs))

    def _claim_names(self) -> list[NamedNode | BlankNode]:
        typed = {
            t.subject
            for t in self.into.get(CLAIM_CLASS, ())
            if t.predicate == RDF_TYPE and isinstance(t.subject, NamedNode | BlankNode)
        }
        return sorted(typed | set(self.graphs), key=str)

    def _claim(self, name: NamedNode | BlankNode) -> Claim:
        derived = [o for o in self.objects(name, DERIVED_FROM) if isinstance(o, NamedNode)]
        basis = tuple(o for o in derived if self._is_claim(o))
        sources = tuple(o for o in derived if o not in basis)
        evidence_sources = {
            s
            for e in self.objects(name, EVIDENCE)
            for s in self.objects(e, HAS_SOURCE)
            if isinstance(s, NamedNode)
        }
        spans = []
        selectors = [s for e in self.objects(name, EVIDENCE) for s in self.objects(e, HAS_SELECTOR)]
        for selector in selectors:
            start, end = self.integer(selector, OA_START), self.integer(selector, OA_END)
            if start is not None and end is not None:
                spans.append((start, end))
        return Claim(
            iri=name,
            triples=frozenset(self.graphs.get(name, ())),
            sources=sources,
            spans=tuple(sorted(spans)),
            typed=Triple(name, RDF_TYPE, CLAIM_CLASS) in self.facts,
            rank=next((r for r in self.objects(name, RANK) if isinstance(r, NamedNode)), None),
            editorial=Triple(name, RDF_TYPE, EDITORIAL_CLASS) in self.facts,
            basis=basis,
            evidence_sources=tuple(sorted(evidence_sources, key=lambda s: s.value)),
        )

    def _is_claim(self, term: NamedNode) -> bool:
        return term in self.graphs or Triple(term, RDF_TYPE, CLAIM_CLASS) in self.facts

    def objects(self, subject: Term, predicate: NamedNode) -> list[Term]:
        """Every object of ``subject predicate ?o`` in the simple view, in a stable order."""
        return [t.object for t in self.out.get(subject, ()) if t.predicate == predicate]

    def subjects(self, predicate: NamedNode, obj: Term) -> list[Term]:
        """Every subject of ``?s predicate obj`` in the simple view, in a stable order."""
        return [t.subject for t in self.into.get(obj, ()) if t.predicate == predicate]

    def integer(self, subject: Term, predicate: NamedNode) -> int | None:
        """The first integer value of ``subject predicate``, if any."""
        for value in self.objects(subject, predicate):
            if isinstance(value, Literal):
                try:
                    return int(value.value)
                except ValueError:
                    continue
        return None

    def types(self, subject: Term) -> set[NamedNode]:
        """The classes ``subject`` is typed with (asserted or inferred)."""
        return {t for t in self.objects(subject, RDF_TYPE) if isinstance(t, NamedNode)}

    def is_nary(self, subject: Term) -> bool:
        """Whether ``subject`` is an n-ary node (role, post, quantity…), not an entity."""
        return bool(self.types(subject) & NARY_CLASSES) or isinstance(subject, BlankNode)

    def label(self, term: Term) -> str:
        """A short name for people: the preferred label, else the compact IRI or literal text."""
        for value in self.objects(term, PREF_LABEL):
            if isinstance(value, Literal):
                return value.value
        if isinstance(term, Literal):
            return term.value
        return display(term)

    def source_id(self, source: NamedNode) -> str:
        """The corpus file stem of a source article (its identifier, else its IRI's local name)."""
        for value in self.objects(source, IDENTIFIER):
            if isinstance(value, Literal):
                return value.value
        return source.value.removeprefix(SRC)

    def source_ids(self, claims: Iterable[Claim]) -> list[str]:
        """The sorted, distinct ids of the sources of ``claims``."""
        return sorted({self.source_id(s) for claim in claims for s in claim.articles})
