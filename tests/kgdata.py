"""Read the curated data files directly (no engine), for the data-quality tests."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from gsekg.namespaces import GSE, GSO, PREFIXES, SRC
from gsekg.resources import corpus_dir, data_dir

RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
SKOS = PREFIXES["skos"]
OA = PREFIXES["oa"]
PROV = PREFIXES["prov"]
XSD = PREFIXES["xsd"]
CLAIM_CLASS = ox.NamedNode(GSO + "Claim")
DERIVED = ox.NamedNode(PROV + "wasDerivedFrom")
SELECTOR = ox.NamedNode(OA + "hasSelector")
EVIDENCE = ox.NamedNode(GSO + "evidence")
HAS_SOURCE = ox.NamedNode(OA + "hasSource")
RANK = ox.NamedNode(GSO + "rank")
START = ox.NamedNode(OA + "start")
END = ox.NamedNode(OA + "end")

NAME_PROPERTIES = tuple(
    ox.NamedNode(iri)
    for iri in (
        SKOS + "prefLabel",
        SKOS + "altLabel",
        SKOS + "hiddenLabel",
        GSO + "acronym",
        GSO + "misspelling",
    )
)

#: Properties whose values we write in our own words: they need not appear in the span.
OWN_WORDS = frozenset(
    GSO + name
    for name in [
        "aim",
        "topic",
        "objective",
        "mission",
        "vision",
        "plannedActivity",
        "expectedOutcome",
        "memberBenefit",
        "meetingRule",
        "agentDescription",
        "counts",
        "scope",
        "complete",
        "remote",
        "rotating",
        "nominatedFrom",
    ]
) | frozenset(
    (
        SKOS + "prefLabel",
        SKOS + "definition",
        SKOS + "editorialNote",
        SKOS + "scopeNote",
        PREFIXES["rdfs"] + "comment",
        PREFIXES["rdfs"] + "label",
        PREFIXES["schema"] + "description",
        PREFIXES["schema"] + "unitText",
    )
)


@dataclass
class Claim:
    """One claim graph of a source file and its provenance."""

    iri: str
    source: str | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)
    triples: list[ox.Triple] = field(default_factory=list)
    sources_declared: int = 0
    ranks: list[str] = field(default_factory=list)


def source_files() -> list[Path]:
    """The per-source TriG files."""
    return sorted(data_dir().glob("[0-9][0-9][0-9]_*.trig"))


def registry_files() -> list[Path]:
    """The entity registry files (``entities.ttl`` and any ``entities-*.ttl``)."""
    return sorted(data_dir().glob("entities*.ttl"))


@cache
def load_quads(path: Path) -> tuple[ox.Quad, ...]:
    """Every quad of one data file."""
    return tuple(ox.parse(path=str(path)))


@cache
def registry() -> tuple[ox.Triple, ...]:
    """Every triple of the entity registry files."""
    return tuple(q.triple for path in registry_files() for q in load_quads(path))


def claims_of(path: Path) -> dict[str, Claim]:
    """The claims of one source file, keyed by claim IRI."""
    quads = load_quads(path)
    claims: dict[str, Claim] = {}
    for quad in quads:
        if isinstance(quad.graph_name, ox.NamedNode):
            name = quad.graph_name.value
            claims.setdefault(name, Claim(name)).triples.append(quad.triple)
    selectors: dict[ox.BlankNode | ox.NamedNode, dict[str, int]] = defaultdict(dict)
    selector_of: dict[object, object] = {}
    for quad in quads:
        if isinstance(quad.graph_name, ox.DefaultGraph) and quad.predicate in (START, END):
            selectors[quad.subject][quad.predicate.value] = int(quad.object.value)
        elif isinstance(quad.graph_name, ox.DefaultGraph) and quad.predicate == SELECTOR:
            selector_of[quad.subject] = quad.object
    for quad in quads:
        if not isinstance(quad.graph_name, ox.DefaultGraph) or not isinstance(
            quad.subject, ox.NamedNode
        ):
            continue
        claim = claims.setdefault(quad.subject.value, Claim(quad.subject.value))
        if quad.predicate == DERIVED:
            claim.source = quad.object.value
            claim.sources_declared += 1
        elif quad.predicate == RANK:
            claim.ranks.append(quad.object.value)
        elif quad.predicate == EVIDENCE:
            span = selectors.get(selector_of.get(quad.object), {})  # type: ignore[arg-type]
            claim.spans.append((span.get(OA + "start", -1), span.get(OA + "end", -1)))
    return claims


def all_claims() -> list[Claim]:
    """Every claim of every source file."""
    return [claim for path in source_files() for claim in claims_of(path).values()]


def normalise(text: str) -> str:
    """Case-, accent-, quote- and whitespace-insensitive form of a text."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    text = text.replace("\u201d", '"').replace("\u2013", "-").replace("\u2014", "-")
    return re.sub(r"\s+", " ", text).strip().casefold()


def names() -> dict[str, set[str]]:
    """Every name (label, alias, acronym, misspelling) of every entity, across all data."""
    found: dict[str, set[str]] = defaultdict(set)
    triples: Iterable[ox.Triple] = registry()
    triples = list(triples) + [t for c in all_claims() for t in c.triples]
    for triple in triples:
        if triple.predicate in NAME_PROPERTIES and isinstance(triple.subject, ox.NamedNode):
            found[triple.subject.value].add(triple.object.value)
    return found


def registered_entities() -> dict[str, set[str]]:
    """IRIs declared in the registry, with their classes."""
    types: dict[str, set[str]] = defaultdict(set)
    for triple in registry():
        if triple.predicate == RDF_TYPE and isinstance(triple.subject, ox.NamedNode):
            types[triple.subject.value].add(triple.object.value)
    return types


def corpus_text(source_iri: str) -> str | None:
    """The text of a source article, or None when the corpus is absent."""
    folder = corpus_dir()
    if folder is None or not folder.is_dir():
        return None
    path = folder / (source_iri.removeprefix(SRC) + ".txt")
    return path.read_bytes().decode("utf-8") if path.is_file() else None


def is_entity(iri: str) -> bool:
    """True for IRIs of things in our resource namespace."""
    return iri.startswith(GSE)
