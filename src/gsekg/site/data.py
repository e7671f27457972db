"""What the site shows, read from the engine with a few targeted SPARQL queries.

The queries run on any engine (embedded store, rdflib, a remote endpoint): the
simple view (default graph) gives the facts about every entity and n-ary node,
the named graphs give which claims state each triple, and the claim provenance
block gives sources, spans and ranks (both the current shape, ``oa:hasSelector``
on the claim, and the many-source shape, ``gso:evidence`` resources with their
own ``oa:hasSource``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from gsekg.namespaces import GSE, GSO, PREFIXES, SRC, compact
from gsekg.terms import Term

if TYPE_CHECKING:
    from gsekg.engines import Engine

RDF_TYPE = NamedNode(PREFIXES["rdf"] + "type")
LABEL_PROPERTIES = tuple(
    NamedNode(PREFIXES[p] + local)
    for p, local in (
        ("skos", "prefLabel"),
        ("gso", "acronym"),
        ("gso", "misspelling"),
        ("skos", "altLabel"),
        ("schema", "name"),
        ("rdfs", "label"),
        ("skos", "hiddenLabel"),
    )
)
"""Name properties, most specific first (an acronym is also an inferred altLabel)."""
NARY_CLASSES = frozenset(
    GSO + local for local in ("Role", "RoleList", "Quantity", "Approval", "Partnership", "Claim")
) | {PREFIXES["org"] + "Post", PREFIXES["schema"] + "Schedule"}
"""Classes of n-ary nodes and structured values: shown on the pages of what they link."""

CATEGORIES = (
    ("series", "Conference series", GSO + "ConferenceSeries"),
    ("edition", "Editions", GSO + "ConferenceEdition"),
    ("session", "Sessions and forums", GSO + "SubEvent"),
    ("person", "People", PREFIXES["schema"] + "Person"),
    ("organisation", "Organisations", PREFIXES["org"] + "Organization"),
    ("outcome", "Outcomes: declarations, initiatives, projects, platforms…", GSO + "Outcome"),
    ("event", "Other events", PREFIXES["schema"] + "Event"),
    ("place", "Places", PREFIXES["schema"] + "Place"),
)
"""Index sections: an entity goes in the first whose class it has (stated or inferred)."""
OTHER = ("other", "Other things")

_NARY_VALUES = " ".join(f"<{iri}>" for iri in sorted(NARY_CLASSES))
_SPDX = "http://spdx.org/rdf/terms#"

ENTITIES_QUERY = f"""
SELECT ?entity ?type WHERE {{
  ?entity a ?type .
  FILTER(isIRI(?entity) && STRSTARTS(STR(?entity), "{GSE}"))
  FILTER NOT EXISTS {{ ?entity a ?nary . VALUES ?nary {{ {_NARY_VALUES} }} }}
  FILTER NOT EXISTS {{
    ?entity a ?other .
    ?other rdfs:subClassOf ?type .
    FILTER(?other != ?type)
    FILTER NOT EXISTS {{ ?type rdfs:subClassOf ?other }}
  }}
}}"""
"""Every entity (a ``gse:`` IRI that is not an n-ary node) with its most specific types."""

STATEMENTS_QUERY = f"""
SELECT ?s ?p ?o WHERE {{
  ?s ?p ?o .
  FILTER(isBlank(?s) || STRSTARTS(STR(?s), "{GSE}") || STRSTARTS(STR(?s), "{SRC}"))
}}"""
"""The simple view about entities, n-ary nodes and source records."""

_IS_CLAIM = "FILTER(EXISTS { ?claim a gso:Claim } || EXISTS { ?claim prov:wasDerivedFrom ?any })"
"""A named graph is a claim when it is declared one or has a source (not a view graph)."""

CLAIM_TRIPLES_QUERY = f"""
SELECT ?claim ?s ?p ?o WHERE {{
  GRAPH ?claim {{ ?s ?p ?o }}
  {_IS_CLAIM}
}}"""

CLAIM_EVIDENCE_QUERY = """
SELECT DISTINCT ?claim ?id ?start ?end WHERE {
  {
    ?claim oa:hasSelector ?selector ; prov:wasDerivedFrom ?source .
    ?source dcterms:identifier ?id .
    ?selector oa:start ?start ; oa:end ?end .
  } UNION {
    ?claim gso:evidence ?evidence .
    ?evidence oa:hasSource ?source ; oa:hasSelector ?selector .
    ?source dcterms:identifier ?id .
    ?selector oa:start ?start ; oa:end ?end .
  } UNION {
    ?claim prov:wasDerivedFrom ?source .
    ?source a gso:SourceArticle ; dcterms:identifier ?id .
  }
}"""
"""Each claim's sources and spans (a row without span when a source has none)."""

CLAIM_RANKS_QUERY = f"""
SELECT ?claim ?rank ?reason ?note WHERE {{
  {{ ?claim a gso:Claim }} UNION {{ GRAPH ?claim {{}} {_IS_CLAIM} }}
  OPTIONAL {{ ?claim gso:rank ?rank }}
  OPTIONAL {{ ?claim gso:rankReason ?reason }}
  OPTIONAL {{ ?claim skos:editorialNote ?note }}
}}"""

EDITORIAL_QUERY = """
SELECT ?claim ?basis WHERE {
  ?claim a gso:EditorialClaim .
  OPTIONAL { ?claim prov:wasDerivedFrom ?basis . ?basis a gso:Claim }
}"""
"""The editorial claims (the curators' inferences) and the source claims they rest on."""

SOURCES_QUERY = f"""
SELECT ?source ?id ?title ?publisher ?date ?url ?checksum WHERE {{
  ?source a gso:SourceArticle ; dcterms:identifier ?id .
  OPTIONAL {{ ?source dcterms:title ?title }}
  OPTIONAL {{ ?source dcterms:publisher ?publisher }}
  OPTIONAL {{ ?source dcterms:date ?date }}
  OPTIONAL {{ ?source schema:url ?url }}
  OPTIONAL {{
    ?source <{_SPDX}checksum> [ <{_SPDX}algorithm> <{_SPDX}checksumAlgorithm_sha256> ;
                                <{_SPDX}checksumValue> ?checksum ]
  }}
}}"""

BROADER_QUERY = """
SELECT ?narrower ?broader WHERE {
  ?narrower skos:broader ?broader .
  FILTER(isIRI(?narrower) && isIRI(?broader))
}"""
"""The concept hierarchy (role kinds): a difference between sources compares whole families."""

LABELS_QUERY = """
SELECT ?thing ?property ?label WHERE {
  VALUES ?property { skos:prefLabel rdfs:label }
  ?thing ?property ?label .
  FILTER(isIRI(?thing) && isLiteral(?label))
}"""
"""Names for everything with one: entities, classes, properties, role kinds."""


@dataclass(frozen=True, order=True)
class Span:
    """Characters ``start`` to ``end`` (end exclusive) of a source article."""

    source: str
    start: int
    end: int


@dataclass(frozen=True)
class Claim:
    """One claim: what it states, where, and how it ranks."""

    iri: str
    name: str
    sources: tuple[str, ...]
    spans: tuple[Span, ...]
    rank: str | None
    rank_reason: str | None
    note: str | None
    triples: tuple[Triple, ...]
    editorial: bool = False
    """The curators' inference from the claims ``basis`` (its ``sources`` are theirs)."""
    basis: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    """A source article's record."""

    iri: str
    id: str
    title: str
    publisher: str | None
    date: str | None
    url: str | None
    checksum: str | None


@dataclass(frozen=True)
class Entity:
    """A thing with a page of its own."""

    iri: str
    label: str
    types: tuple[str, ...]
    """Most specific classes, full IRIs, sorted."""
    category: str


@dataclass
class SiteData:
    """Everything the pages need, indexed."""

    entities: dict[str, Entity]
    sources: dict[str, Source]
    claims: dict[str, Claim]
    labels: dict[str, str]
    broader: dict[str, tuple[str, ...]] = field(default_factory=dict)
    out: dict[Term, list[Triple]] = field(default_factory=dict)
    into: dict[Term, list[Triple]] = field(default_factory=dict)
    claims_of: dict[Triple, list[Claim]] = field(default_factory=dict)
    claimed_out: dict[Term, list[Triple]] = field(default_factory=dict)
    """The claim graphs' triples by subject, whatever the view keeps (the sources' words)."""
    claimed_into: dict[Term, list[Triple]] = field(default_factory=dict)
    """The claim graphs' triples by object."""

    def in_view(self, triple: Triple) -> bool:
        """Whether the view's default graph holds ``triple``."""
        return triple in self.out.get(triple.subject, ())

    def types(self, subject: Term) -> set[str]:
        """Every class of ``subject`` (stated or inferred), as IRIs."""
        return {
            t.object.value
            for t in self.out.get(subject, ())
            if t.predicate == RDF_TYPE and isinstance(t.object, NamedNode)
        }

    def is_nary(self, term: Term) -> bool:
        """Whether ``term`` is an n-ary node or structured value rather than an entity."""
        if isinstance(term, BlankNode):
            return True
        return isinstance(term, NamedNode) and bool(self.types(term) & NARY_CLASSES)

    def label(self, term: Term) -> str:
        """A name for people: the label, else the compact IRI, or a literal's text."""
        if isinstance(term, Literal):
            return term.value
        if isinstance(term, NamedNode):
            return self.labels.get(term.value) or compact(term.value)
        return "(node)"

    def objects(self, subject: Term, predicate: NamedNode) -> list[Term]:
        """Objects of ``subject predicate ?o`` in the simple view, in a stable order."""
        return [t.object for t in self.out.get(subject, ()) if t.predicate == predicate]

    def family(self, concept: str) -> str:
        """The top concept above ``concept`` (itself when it has no broader one)."""
        seen = {concept}
        while self.broader.get(concept):
            concept = self.broader[concept][0]
            if concept in seen:
                break
            seen.add(concept)
        return concept

    def stated(self, subject: Term) -> list[Triple]:
        """The simple-view triples of ``subject`` (no types): the stated ones when some are."""
        triples = [t for t in self.out.get(subject, ()) if t.predicate != RDF_TYPE]
        return [t for t in triples if t in self.claims_of] or triples


def sort_key(term: Term) -> str:
    """A stable sort key: blank nodes (whose ids change between builds) all sort alike."""
    if isinstance(term, BlankNode):
        return "_:"
    if isinstance(term, Triple):
        return " ".join(sort_key(t) for t in (term.subject, term.predicate, term.object))
    return str(term)


def collect(engine: Engine) -> SiteData:
    """Run the site's queries on ``engine`` and index the answers."""
    labels = _labels(engine)
    sources = _sources(engine, labels)
    data = SiteData(entities={}, sources=sources, claims={}, labels=labels)
    out: dict[Term, list[Triple]] = defaultdict(list)
    into: dict[Term, list[Triple]] = defaultdict(list)
    triples = [Triple(*row) for row in engine.query(STATEMENTS_QUERY).rows]  # type: ignore[arg-type]
    for triple in sorted(set(triples), key=sort_key):
        out[triple.subject].append(triple)
        into[triple.object].append(triple)
    data.out, data.into = dict(out), dict(into)
    data.claims = _claims(engine)
    claims_of: dict[Triple, list[Claim]] = defaultdict(list)
    for claim in data.claims.values():
        for triple in claim.triples:
            claims_of[triple].append(claim)
    data.claims_of = dict(claims_of)
    claimed_out: dict[Term, list[Triple]] = defaultdict(list)
    claimed_into: dict[Term, list[Triple]] = defaultdict(list)
    for triple in sorted(claims_of, key=sort_key):
        claimed_out[triple.subject].append(triple)
        claimed_into[triple.object].append(triple)
    data.claimed_out, data.claimed_into = dict(claimed_out), dict(claimed_into)
    data.entities = _entities(engine, data)
    broader: dict[str, set[str]] = defaultdict(set)
    for narrower, wider in engine.query(BROADER_QUERY).rows:
        if isinstance(narrower, NamedNode) and isinstance(wider, NamedNode):
            broader[narrower.value].add(wider.value)
    data.broader = {k: tuple(sorted(v)) for k, v in sorted(broader.items())}
    return data


def _labels(engine: Engine) -> dict[str, str]:
    """One label per IRI: skos:prefLabel before rdfs:label, English or untagged first."""
    found: dict[str, tuple[int, int, str]] = {}
    for thing, prop, label in engine.query(LABELS_QUERY).rows:
        if not isinstance(thing, NamedNode) or not isinstance(label, Literal):
            continue
        key = (
            0 if prop is not None and prop.value.endswith("prefLabel") else 1,  # type: ignore[union-attr]
            0 if label.language in (None, "en") else 1,
            label.value,
        )
        if thing.value not in found or key < found[thing.value]:
            found[thing.value] = key
    return {iri: key[2] for iri, key in sorted(found.items())}


def _text(term: Term | None) -> str | None:
    if term is None:
        return None
    return term.value if isinstance(term, Literal | NamedNode) else None


def _sources(engine: Engine, labels: dict[str, str]) -> dict[str, Source]:
    found: dict[str, Source] = {}
    for row in engine.query(SOURCES_QUERY).rows:
        iri, ident, title, publisher, date, url, checksum = (_text(t) for t in row)
        if iri is None or ident is None or ident in found:
            continue
        found[ident] = Source(
            iri=iri,
            id=ident,
            title=title or labels.get(iri) or ident,
            publisher=publisher,
            date=date,
            url=url,
            checksum=checksum,
        )
    return dict(sorted(found.items()))


def _claims(engine: Engine) -> dict[str, Claim]:
    triples: dict[str, set[Triple]] = defaultdict(set)
    for graph, s, p, o in engine.query(CLAIM_TRIPLES_QUERY).rows:
        if isinstance(graph, NamedNode):
            triples[graph.value].add(Triple(s, p, o))  # type: ignore[arg-type]
    sources: dict[str, set[str]] = defaultdict(set)
    spans: dict[str, set[Span]] = defaultdict(set)
    for graph, ident, start, end in engine.query(CLAIM_EVIDENCE_QUERY).rows:
        if not isinstance(graph, NamedNode) or not isinstance(ident, Literal):
            continue
        sources[graph.value].add(ident.value)
        if isinstance(start, Literal) and isinstance(end, Literal):
            try:
                spans[graph.value].add(Span(ident.value, int(start.value), int(end.value)))
            except ValueError:
                continue
    ranks: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for graph, rank, reason, note in engine.query(CLAIM_RANKS_QUERY).rows:
        if not isinstance(graph, NamedNode):
            continue
        for key, value in (("rank", rank), ("reason", reason), ("note", note)):
            text = _text(value)
            if text is not None:
                ranks[graph.value][key].add(text)
    basis: dict[str, set[str]] = {}
    for graph, claim in engine.query(EDITORIAL_QUERY).rows:
        if isinstance(graph, NamedNode):
            found = basis.setdefault(graph.value, set())
            if isinstance(claim, NamedNode):
                found.add(claim.value)
    claims = {}
    for name in sorted(set(triples) | set(ranks)):
        meta = ranks.get(name, {})
        claims[name] = Claim(
            iri=name,
            name=compact(name),
            sources=tuple(sorted(sources.get(name, ()))),
            spans=tuple(sorted(spans.get(name, ()))),
            rank=min(meta.get("rank", ()), default=None),
            rank_reason=" ".join(sorted(meta.get("reason", ()))) or None,
            note=" ".join(sorted(meta.get("note", ()))) or None,
            triples=tuple(sorted(triples.get(name, ()), key=sort_key)),
            editorial=name in basis,
            basis=tuple(sorted(basis.get(name, ()))),
        )
    return claims


def _entities(engine: Engine, data: SiteData) -> dict[str, Entity]:
    types: dict[str, set[str]] = defaultdict(set)
    for entity, kind in engine.query(ENTITIES_QUERY).rows:
        if isinstance(entity, NamedNode) and isinstance(kind, NamedNode):
            types[entity.value].add(kind.value)
    entities = {}
    for iri in sorted(types):
        every = data.types(NamedNode(iri))
        category = next((key for key, _, cls in CATEGORIES if cls in every), OTHER[0])
        entities[iri] = Entity(
            iri=iri,
            label=data.labels.get(iri) or compact(iri),
            types=tuple(sorted(types[iri])),
            category=category,
        )
    return entities
