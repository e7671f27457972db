"""The network's value types: statements, entities, evidence, facts, filters, networks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import networkx as nx

from gsekg.namespaces import GSO, PREFIXES

if TYPE_CHECKING:
    from gsekg.reader import NameTable


LINKS_QUERY = "network-edges"
SHARED = "shared"
PART_OF = "part-of"
POST = "post"
CENTRALITIES = ("degree", "betweenness", "eigenvector", "pagerank")
EXPORT_FORMATS = ("graphml", "gexf", "json", "dot", "csv")
LIST_SEPARATOR = ";"
"""Joins list attributes (kinds, targets, sources, claims) in the flat export formats."""

_COLUMNS = ("agent", "kind", "target", "claim", "source", "link")
_SCHEMA = PREFIXES["schema"]
_CATEGORIES = (
    (GSO + "UniversityUnit", "university unit"),
    (GSO + "MinistryDepartment", "government body"),
    (GSO + "Laboratory", "research institute"),
    (GSO + "UnescoInstitute", "UNESCO institute"),
    (GSO + "University", "university"),
    (GSO + "ResearchInstitute", "research institute"),
    (GSO + "IntergovernmentalOrganisation", "intergovernmental organisation"),
    (GSO + "Company", "company"),
    (GSO + "GovernmentBody", "government body"),
    (GSO + "Association", "association"),
    (GSO + "Network", "network"),
    (GSO + "OrganisationalUnit", "organisational unit"),
    (_SCHEMA + "Person", "person"),
    (_SCHEMA + "Country", "country"),
)
"""Most specific first: a node's category is the first class it has (with or without inference)."""
_SHORT_LABEL = 12


@dataclass(frozen=True, order=True)
class Statement:
    """One row of the links query: ``agent`` is tied to ``target`` as ``kind``, says ``claim``."""

    agent: str
    kind: str
    target: str
    claim: str
    source: str
    link: str


@dataclass(frozen=True)
class Entity:
    """What the network shows of an agent or target: names and category."""

    id: str
    label: str
    short: str
    category: str

    @property
    def person(self) -> bool:
        """Whether the entity is a person."""
        return self.category == "person"


@dataclass(frozen=True)
class Evidence:
    """Everything the network is built from: statements, edition years of targets, entities."""

    statements: tuple[Statement, ...]
    years: Mapping[str, frozenset[int]]
    entities: Mapping[str, Entity]
    names: NameTable

    def entity(self, node: str) -> Entity:
        """The entity ``node``, or a bare one named by its id."""
        return self.entities.get(node) or Entity(node, node, node, "organisation")


@dataclass(frozen=True)
class Fact:
    """One source's account of a link: the shared target (or the direct link) and its statements."""

    link: str
    target: str
    source: str
    statements: tuple[Statement, ...]

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of the statements, sorted."""
        return tuple(sorted({kind_name(s) for s in self.statements}))

    @property
    def claims(self) -> tuple[str, ...]:
        """The claims of the statements, sorted."""
        return tuple(sorted({s.claim for s in self.statements}))


@dataclass(frozen=True)
class Filters:
    """Which facts make the network; the default takes every fact about organisations."""

    edition: int | None = None
    sources: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    part_of: bool = True
    people: bool = False


@dataclass(frozen=True)
class Hop:
    """One step of a path and the facts that link its two ends."""

    start: str
    end: str
    weight: int
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class Network:
    """A built network with the evidence it came from (for names and resolving)."""

    graph: nx.Graph[str]
    evidence: Evidence
    filters: Filters = field(default_factory=Filters)

    def label(self, node: str) -> str:
        """The display label of ``node``."""
        return self.evidence.entity(node).label


def kind_name(statement: Statement) -> str:
    """``co-organiser`` for a role, the link name (``part-of``, ``post``) for a direct link."""
    if statement.link != SHARED:
        return statement.link
    return statement.kind.removeprefix("roles:")


def source_id(source: str) -> str:
    """``004_c4d78ee7870e79d4`` for ``src:004_c4d78ee7870e79d4``."""
    return source.removeprefix("src:")
