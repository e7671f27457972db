"""The index of known entities: every name, acronym and misspelling, from chosen RDF files.

Built from the registry and the claims of the files given (for leave-one-out
evaluation: every source but the one being extracted), never from the graph store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from gsekg.extract.text import normalise
from gsekg.namespaces import GSE, PREFIXES

_NAME_KINDS = {
    PREFIXES["skos"] + "prefLabel": "prefLabel",
    PREFIXES["skos"] + "altLabel": "altLabel",
    PREFIXES["skos"] + "hiddenLabel": "hiddenLabel",
    PREFIXES["gso"] + "acronym": "acronym",
    PREFIXES["gso"] + "misspelling": "misspelling",
}
_NARY = {
    PREFIXES["gso"] + local
    for local in ("Role", "RoleList", "Quantity", "Approval", "Partnership", "Claim")
} | {PREFIXES["org"] + "Post", PREFIXES["schema"] + "Schedule"}
_RDF_TYPE = PREFIXES["rdf"] + "type"
_HELD_BY = PREFIXES["org"] + "heldBy"
_POST_IN = PREFIXES["org"] + "postIn"


@dataclass
class Entity:
    """A known entity: its IRI, classes and names (text, kind)."""

    iri: str
    types: set[str] = field(default_factory=set)
    names: list[tuple[str, str]] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The preferred label, else the first name, else the IRI's local name."""
        for text, kind in self.names:
            if kind == "prefLabel":
                return text
        return self.names[0][0] if self.names else self.iri.removeprefix(GSE)

    @property
    def compact(self) -> str:
        """``gse:slug``."""
        return "gse:" + self.iri.removeprefix(GSE)

    def is_a(self, *locals_: str) -> bool:
        """Whether one of the entity's classes has one of these local names."""
        return any(_local_name(t) in locals_ for t in self.types)


@cache
def _local_name(iri: str) -> str:
    """The local name of a class IRI (after its last ``#`` or ``/``)."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


class KnownIndex:
    """Known entities and a name -> entities map (normalised, case-insensitive)."""

    def __init__(
        self, entities: Iterable[Entity], posts: dict[tuple[str, str], str] | None = None
    ) -> None:
        self.entities = {e.iri: e for e in entities}
        self.posts = dict(posts or {})
        """Known posts by (holder, organisation) IRIs: a post found again is that post."""
        self.by_name: dict[str, set[str]] = defaultdict(set)
        for entity in self.entities.values():
            for text, _kind in entity.names:
                self.by_name[normalise(text).lower()].add(entity.iri)

    @classmethod
    def from_files(cls, files: Sequence[Path]) -> KnownIndex:
        """Read the entities and their names from RDF files (Turtle or TriG)."""
        from pyoxigraph import Literal, NamedNode

        from gsekg.loader import parse_file

        found: dict[str, Entity] = {}
        nary: set[str] = set()
        held: dict[str, str] = {}
        within: dict[str, str] = {}
        for path in files:
            for quad in parse_file(path):
                subject, predicate, obj = quad.subject, quad.predicate.value, quad.object
                if not isinstance(subject, NamedNode) or not subject.value.startswith(GSE):
                    continue
                if predicate in (_HELD_BY, _POST_IN) and isinstance(obj, NamedNode):
                    (held if predicate == _HELD_BY else within)[subject.value] = obj.value
                entity = found.setdefault(subject.value, Entity(subject.value))
                if predicate == _RDF_TYPE and isinstance(obj, NamedNode):
                    entity.types.add(obj.value)
                    if obj.value in _NARY:
                        nary.add(subject.value)
                elif predicate in _NAME_KINDS and isinstance(obj, Literal):
                    pair = (obj.value, _NAME_KINDS[predicate])
                    if pair not in entity.names:
                        entity.names.append(pair)
        posts = {
            (person, within[post]): post for post, person in sorted(held.items()) if post in within
        }
        return cls(
            (e for iri, e in found.items() if iri not in nary and e.types | set(e.names)), posts
        )

    def lookup(self, name: str) -> list[Entity]:
        """The entities that have exactly this name (normalised, any case)."""
        return [self.entities[i] for i in sorted(self.by_name.get(normalise(name).lower(), ()))]

    def of_class(self, *locals_: str) -> list[Entity]:
        """The entities with a class of one of these local names."""
        return [e for e in self.entities.values() if e.is_a(*locals_)]
