"""Counts over the graph: triples, entities per class, facts per source and per property."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from pyoxigraph import NamedNode

from gsekg.namespaces import GSE, compact
from gsekg.provenance import RDF_TYPE, Snapshot


@dataclass(frozen=True)
class SourceCount:
    """How much one source article states."""

    source: str
    claims: int
    triples: int


@dataclass(frozen=True)
class Stats:
    """Counts over one snapshot of the graph."""

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


def compute(snapshot: Snapshot, inferred: int | None = None) -> Stats:
    """The counts of ``snapshot``; ``inferred`` as the engine reports it, if it does.

    Entities are the ``gse:`` IRIs that are not n-ary nodes; a class counts its
    entities whether their type is stated or inferred. Facts are claim triples:
    per source, the claims and their triples; per property, its claim triples.
    """
    entities = {
        t.subject
        for t in snapshot.facts
        if t.predicate == RDF_TYPE
        and isinstance(t.subject, NamedNode)
        and t.subject.value.startswith(GSE)
        and not snapshot.is_nary(t.subject)
    }
    per_class: Counter[str] = Counter()
    for entity in entities:
        per_class.update(compact(t.value) for t in snapshot.types(entity))
    claims_per_source: Counter[str] = Counter()
    triples_per_source: Counter[str] = Counter()
    per_property: Counter[str] = Counter()
    for claim in snapshot.claims.values():
        for source in claim.sources or (None,):
            key = snapshot.source_id(source) if source else "(no source)"
            claims_per_source[key] += 1
            triples_per_source[key] += len(claim.triples)
        per_property.update(compact(t.predicate.value) for t in claim.triples)
    named = sum(len(triples) for triples in snapshot.graphs.values())
    return Stats(
        quads=len(snapshot.default) + named,
        default_triples=len(snapshot.default),
        named_graph_triples=named,
        named_graphs=len(snapshot.graphs),
        inferred_triples=inferred,
        entities=len(entities),
        entities_per_class=dict(sorted(per_class.items(), key=lambda kv: (-kv[1], kv[0]))),
        facts_per_source=tuple(
            SourceCount(source, claims_per_source[source], triples_per_source[source])
            for source in sorted(claims_per_source)
        ),
        facts_per_property=dict(sorted(per_property.items(), key=lambda kv: (-kv[1], kv[0]))),
    )
