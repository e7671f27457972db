"""Counts over the graph: triples, entities per class, facts per source and per property."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pyoxigraph import Literal, NamedNode

from gsekg.namespaces import GSE, SRC, compact
from gsekg.reader import GraphReader, values
from gsekg.snapshot import NARY_CLASSES
from gsekg.terms import Term

if TYPE_CHECKING:
    from gsekg.engines import Engine


EDITORIAL = "(editorial)"
"""The key under which the editorial claims (the curators' inferences) are counted."""


@dataclass(frozen=True)
class SourceCount:
    """How much one source article states."""

    source: str
    claims: int
    triples: int


@dataclass(frozen=True)
class Stats:
    """Counts over the graph."""

    quads: int
    default_triples: int
    named_graph_triples: int
    named_graphs: int
    inferred_triples: int | None
    """Triples added by rules and inference, when the engine reports it."""
    entities: int
    entities_per_class: dict[str, int]
    facts_per_source: tuple[SourceCount, ...]
    facts_per_property: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            "triples": {
                "total": self.quads,
                "default_graph": self.default_triples,
                "named_graphs": self.named_graph_triples,
                "inferred": self.inferred_triples,
            },
            "named_graphs": self.named_graphs,
            "entities": self.entities,
            "entities_per_class": self.entities_per_class,
            "facts_per_source": [
                {"source": s.source, "claims": s.claims, "triples": s.triples}
                for s in self.facts_per_source
            ],
            "facts_per_property": self.facts_per_property,
        }


def compute(engine: Engine) -> Stats:
    """The counts of the graph ``engine`` reads, each asked of the engine with one query.

    Entities are the ``gse:`` IRIs that are not n-ary nodes; a class counts its
    entities whether their type is stated or inferred. Facts are claim triples:
    per source, the claims and their triples (the editorial claims, which no article
    states, under ``(editorial)``); per property, its claim triples. The
    inferred count is what the build added with rules and inference (not known for a
    remote endpoint).
    """
    reader = GraphReader(engine)
    default = _count(reader, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    per_graph: dict[Term, int] = {}
    for g, n in reader.select(
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ {reader.in_claim('?s ?p ?o')} }} GROUP BY ?g"
    ).rows:
        if g is not None:
            per_graph[g] = _int(n)
    nary = f"FILTER NOT EXISTS {{ ?e a ?c . {values('c', NARY_CLASSES)} }}"
    entity = f'?e a ?t . FILTER(isIRI(?e) && STRSTARTS(STR(?e), "{GSE}")) {nary}'
    entities = _count(reader, f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {entity} }}")
    per_class = _per_iri(
        reader, f"SELECT ?t (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {entity} }} GROUP BY ?t"
    )
    claims = set(per_graph) | {
        c
        for (c,) in reader.select("SELECT DISTINCT ?c WHERE { ?c a gso:Claim }").rows
        if c is not None
    }
    sources: dict[Term, set[str]] = defaultdict(set)
    for c, src, ident in reader.select(
        "SELECT DISTINCT ?c ?src ?id WHERE { ?c prov:wasDerivedFrom|gso:evidence/oa:hasSource ?src "
        ". FILTER(isIRI(?src)) FILTER NOT EXISTS { ?src a gso:Claim } "
        "OPTIONAL { ?src dcterms:identifier ?id } }"
    ).rows:
        if c in claims and isinstance(src, NamedNode):
            sources[c].add(
                ident.value if isinstance(ident, Literal) else src.value.removeprefix(SRC)
            )
    for (c,) in reader.select("SELECT ?c WHERE { ?c a gso:EditorialClaim }").rows:
        if c in claims:
            sources[c] = {EDITORIAL}  # no article states it: the curators' own account
    claims_per_source: Counter[str] = Counter()
    triples_per_source: Counter[str] = Counter()
    for claim in claims:
        for key in sources.get(claim) or {"(no source)"}:
            claims_per_source[key] += 1
            triples_per_source[key] += per_graph.get(claim, 0)
    per_property = _per_iri(
        reader, f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {reader.in_claim('?s ?p ?o')} }} GROUP BY ?p"
    )
    named = sum(per_graph.values())
    built = engine.build_stats
    inferred = None
    if built is not None:
        inferred = int(built.get("rule_triples", 0)) + int(built.get("inferred_triples", 0))
    return Stats(
        quads=default + named,
        default_triples=default,
        named_graph_triples=named,
        named_graphs=len(per_graph),
        inferred_triples=inferred,
        entities=entities,
        entities_per_class=dict(sorted(per_class.items(), key=lambda kv: (-kv[1], kv[0]))),
        facts_per_source=tuple(
            SourceCount(source, claims_per_source[source], triples_per_source[source])
            for source in sorted(claims_per_source, key=lambda s: (s == EDITORIAL, s))
        ),
        facts_per_property=dict(sorted(per_property.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


def _count(reader: GraphReader, sparql: str) -> int:
    rows = reader.select(sparql).rows
    return _int(rows[0][0]) if rows else 0


def _per_iri(reader: GraphReader, query: str) -> Counter[str]:
    """The counts of a ``SELECT ?iri ?n … GROUP BY ?iri`` query, by compact name."""
    counts: Counter[str] = Counter()
    for key, n in reader.select(query).rows:
        if isinstance(key, NamedNode):
            counts[compact(key.value)] += _int(n)
    return counts


def _int(term: Any) -> int:
    try:
        return int(term.value)
    except (AttributeError, ValueError):
        return 0
