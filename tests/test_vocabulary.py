"""Vocabulary closure of the curated data, and what inference makes of it.

Every predicate and every class the data uses is either one of our terms, declared in
``ontology/gse.ttl`` with a label and a definition, or a term of a reused vocabulary on the
allow-list below; reused terms that the data uses on our classes carry a scope note in the
ontology saying how gsekg uses them. And the domains and ranges of the ontology fit the data:
on the real build, inference gives no entity a kind (organisation, event, role…) that its
asserted types do not already give it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef

from gsekg.build import build
from gsekg.engines import inputs
from gsekg.namespaces import CLAIM, GSE, GSO, PREFIXES, SRC, compact
from gsekg.resources import data_dir, ontology_dir
from gsekg.store import build_in_memory

Types = Mapping[str, set[str]]
"""rdf:type values (IRIs) by entity IRI."""

SPDX = "http://spdx.org/rdf/terms#"
ALLOWED_NAMESPACES = (
    *(
        PREFIXES[p]
        for p in ("schema", "org", "prov", "oa", "skos", "dcterms", "rdf", "rdfs", "owl", "xsd")
    ),
    PREFIXES["time"],
    SPDX,
)
"""Reused vocabularies the data may draw terms from."""


def _expand(curie: str) -> str:
    prefix, local = curie.split(":", 1)
    return PREFIXES[prefix] + local


STANDARD_TERMS = frozenset(
    _expand(c)
    for c in (
        "rdf:type",
        "rdfs:comment",
        "skos:prefLabel",
        "skos:altLabel",
        "skos:hiddenLabel",
        "skos:definition",
        "skos:editorialNote",
        "prov:wasDerivedFrom",
        "oa:hasSelector",
        "oa:start",
        "oa:end",
        "oa:TextPositionSelector",
    )
)
"""Reused terms used just as their vocabulary defines them (names, notes, provenance):
they need no scope note in the ontology. Every other reused term does."""

PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)

KINDS = {
    _expand(c): kind
    for c, kind in (
        ("gso:Organisation", "organisation"),
        ("schema:Person", "person"),
        ("schema:Place", "place"),
        ("schema:Event", "event"),
        ("schema:EventSeries", "event"),
        ("gso:Outcome", "outcome"),
        ("gso:Goal", "goal"),
        ("gso:Role", "role"),
        ("gso:RoleList", "role list"),
        ("gso:Quantity", "quantity"),
        ("gso:QuantityQualifier", "quantity qualifier"),
        ("org:Post", "post"),
        ("prov:Activity", "activity"),
        ("schema:Schedule", "schedule"),
        ("gso:Claim", "claim"),
        ("gso:SourceArticle", "source"),
    )
}
"""Classes whose instances are mutually exclusive kinds of thing (with the mixes below)."""

ALLOWED_MIXES = {
    frozenset({"event", "outcome"}),
    frozenset({"outcome", "activity"}),
    frozenset({"event", "outcome", "activity"}),
}
"""Undertakings (initiatives, projects) are outcomes that are activities; competitions and
programmes are undertakings that are also events or event series."""

ENTITY_NAMESPACES = (GSE, CLAIM, SRC)
RDF_TYPE = ox.NamedNode(str(RDF.type))


# --- helpers ------------------------------------------------------------------------------


def data_files() -> list[Path]:
    """The curated data files: one TriG file per source and the entity registry."""
    return [*sorted(data_dir().glob("*.trig")), data_dir() / "entities.ttl"]


def _quads(paths: Iterable[Path]) -> Iterable[ox.Quad]:
    for path in paths:
        fmt = ox.RdfFormat.TRIG if path.suffix == ".trig" else ox.RdfFormat.TURTLE
        yield from ox.parse(path=path, format=fmt)


def used_terms(paths: Iterable[Path]) -> tuple[set[str], set[str]]:
    """The predicates and the classes (objects of rdf:type) used in ``paths``, in any graph."""
    predicates: set[str] = set()
    classes: set[str] = set()
    for quad in _quads(paths):
        predicates.add(quad.predicate.value)
        if quad.predicate == RDF_TYPE and isinstance(quad.object, ox.NamedNode):
            classes.add(quad.object.value)
    return predicates, classes


def closure_problems(predicates: set[str], classes: set[str], ontology: Graph) -> list[str]:
    """What keeps the used terms from being closed over the ontology and the allow-list."""
    problems = []
    used = [(iri, "property") for iri in predicates] + [(iri, "class") for iri in classes]
    for iri, role in used:
        term, name = URIRef(iri), compact(iri)
        wanted = PROPERTY_TYPES if role == "property" else (OWL.Class,)
        declared = any((term, RDF.type, t) in ontology for t in wanted)
        if iri.startswith(GSO):
            if not declared:
                problems.append(f"{name}: used as a {role}, not declared as one in gse.ttl")
            elif None in (ontology.value(term, RDFS.label), ontology.value(term, SKOS.definition)):
                problems.append(f"{name}: no rdfs:label or skos:definition in gse.ttl")
        elif not iri.startswith(ALLOWED_NAMESPACES):
            problems.append(f"{name}: not from an allowed vocabulary")
        elif iri not in STANDARD_TERMS and not (
            declared and ontology.value(term, RDFS.label) and ontology.value(term, SKOS.scopeNote)
        ):
            problems.append(f"{name}: reused {role} without a declaration and scope note")
    return sorted(problems)


def superclasses(ontology: Graph) -> dict[str, set[str]]:
    """Each class of the ontology with itself, its superclasses and equivalents, transitively."""
    edges: dict[str, set[str]] = defaultdict(set)
    for sub, sup in ontology.subject_objects(RDFS.subClassOf):
        edges[str(sub)].add(str(sup))
    for one, other in ontology.subject_objects(OWL.equivalentClass):
        edges[str(one)].add(str(other))
        edges[str(other)].add(str(one))
    closed: dict[str, set[str]] = {}
    for start in list(edges):
        seen, todo = {start}, [start]
        while todo:
            for up in edges.get(todo.pop(), set()) - seen:
                seen.add(up)
                todo.append(up)
        closed[start] = seen
    return closed


def kinds_of(types: Iterable[str], closure: Mapping[str, set[str]]) -> frozenset[str]:
    """The kinds that instances of ``types`` belong to."""
    return frozenset(KINDS[c] for t in types for c in closure.get(t, {t}) if c in KINDS)


def asserted_types(paths: Iterable[Path]) -> dict[str, set[str]]:
    """rdf:type values stated in ``paths`` (any graph), by subject IRI."""
    found: dict[str, set[str]] = defaultdict(set)
    for quad in _quads(paths):
        if quad.predicate == RDF_TYPE and isinstance(quad.subject, ox.NamedNode):
            found[quad.subject.value].add(quad.object.value)
    return found


def built_types(store: ox.Store) -> dict[str, set[str]]:
    """rdf:type values in the default graph of a built store for every entity IRI in it."""
    found: dict[str, set[str]] = defaultdict(set)
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(ENTITY_NAMESPACES):
                found.setdefault(term.value, set())  # listed even when untyped
        if quad.predicate == RDF_TYPE and quad.subject.value.startswith(ENTITY_NAMESPACES):
            found[quad.subject.value].add(quad.object.value)
    return found


def kind_problems(asserted: Types, inferred: Types, ontology: Graph) -> list[str]:
    """Entities with no kind, clashing kinds, or a kind that only inference gives them."""
    closure = superclasses(ontology)
    problems = []
    for iri in sorted(inferred):
        name = compact(iri)
        stated = kinds_of(asserted.get(iri, ()), closure)
        built_kinds = kinds_of(inferred[iri], closure)
        shown = ", ".join(sorted(built_kinds)) or "none"
        stated_shown = ", ".join(sorted(stated)) or "none"
        if not built_kinds:
            problems.append(f"{name}: of no kind")
        elif len(built_kinds) > 1 and built_kinds not in ALLOWED_MIXES:
            problems.append(f"{name}: of clashing kinds {shown}")
        if built_kinds != stated:
            problems.append(f"{name}: inference makes it {shown}, the data {stated_shown}")
    return problems


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ontology() -> Graph:
    """The ontology graph."""
    return Graph().parse(ontology_dir() / "gse.ttl", format="turtle")


@pytest.fixture(scope="module")
def real_build() -> ox.Store:
    """The real dataset after the simple-view rules and OWL-RL inference."""
    return build_in_memory(inputs()).store


# --- the real data ------------------------------------------------------------------------


def test_data_vocabulary_is_closed(ontology: Graph) -> None:
    predicates, classes = used_terms(data_files())
    assert len(predicates) > 50 and len(classes) > 30
    assert closure_problems(predicates, classes, ontology) == []


def test_inference_types_nothing_wrongly(ontology: Graph, real_build: ox.Store) -> None:
    inferred = built_types(real_build)
    assert len(inferred) > 300
    assert kind_problems(asserted_types(data_files()), inferred, ontology) == []


def test_reused_terms_have_no_domain_or_range(ontology: Graph) -> None:
    ours = (GSO, PREFIXES["roles"])
    for axiom in (RDFS.domain, RDFS.range):
        loose = [
            compact(str(s)) for s in ontology.subjects(axiom, None) if not str(s).startswith(ours)
        ]
        assert loose == [], axiom


def test_examples_of_reused_term_notes(ontology: Graph) -> None:
    for curie in (
        "dcterms:relation",
        "dcterms:creator",
        "schema:foundingDate",
        "schema:eventSchedule",
        "schema:Schedule",
        "schema:repeatFrequency",
        "schema:honorificPrefix",
        "schema:about",
    ):
        note = ontology.value(URIRef(_expand(curie)), SKOS.scopeNote)
        assert isinstance(note, Literal) and note.language == "en", curie


# --- the checks can fail ------------------------------------------------------------------


def test_closure_problems_on_bad_terms(ontology: Graph) -> None:
    bare = Graph()
    bare.add((URIRef(GSO + "bare"), RDF.type, OWL.DatatypeProperty))
    predicates = {
        GSO + "noSuchTerm",
        GSO + "Role",
        _expand("schema:locaton"),
        "http://xmlns.com/foaf/0.1/name",
        _expand("skos:prefLabel"),
        _expand("schema:location"),
    }
    classes = {GSO + "agent", _expand("schema:Person"), _expand("schema:Movie")}
    assert closure_problems(predicates, classes, ontology) == [
        "<http://xmlns.com/foaf/0.1/name>: not from an allowed vocabulary",
        "gso:Role: used as a property, not declared as one in gse.ttl",
        "gso:agent: used as a class, not declared as one in gse.ttl",
        "gso:noSuchTerm: used as a property, not declared as one in gse.ttl",
        "schema:Movie: reused class without a declaration and scope note",
        "schema:locaton: reused property without a declaration and scope note",
    ]
    assert closure_problems({GSO + "bare"}, set(), bare) == [
        "gso:bare: no rdfs:label or skos:definition in gse.ttl"
    ]


BAD_AXIOMS = {
    "aim on an organisation made an event": (
        "gso:aim rdfs:domain schema:Event .",
        'gse:x a gso:IntergovernmentalOrganisation ; gso:aim "a goal" .',
        ["gse:x: of clashing kinds event, organisation"],
    ),
    "topic on a role made an outcome": (
        "gso:topic rdfs:domain gso:Outcome .",
        'gse:x a gso:Role ; gso:topic "a subject" .',
        ["gse:x: of clashing kinds outcome, role"],
    ),
    "aim on an event made an outcome": (
        "gso:aim rdfs:domain gso:Outcome .",
        'gse:x a gso:ConferenceEdition ; gso:aim "a goal" .',
        [],  # events and outcomes may mix: only the kind change shows it
    ),
    "agent range makes an organisation a person": (
        "gso:agent rdfs:range schema:Person .",
        "gse:r a gso:Role ; gso:agent gse:x . gse:x a gso:University .",
        ["gse:x: of clashing kinds organisation, person"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_AXIOMS))
def test_kind_problems_on_a_bad_axiom(case: str, tmp_path: Path, ontology: Graph) -> None:
    axiom, data, clashes = BAD_AXIOMS[case]
    prologue = "".join(
        f"@prefix {p}: <{PREFIXES[p]}> .\n" for p in ("gse", "gso", "schema", "rdfs")
    )
    (tmp_path / "bad.ttl").write_text(prologue + axiom, encoding="utf-8")
    (tmp_path / "data.ttl").write_text(prologue + data, encoding="utf-8")
    files = [ontology_dir() / "gse.ttl", tmp_path / "data.ttl"]
    store = ox.Store()
    build(store, files)
    asserted = asserted_types([tmp_path / "data.ttl"])
    assert kind_problems(asserted, built_types(store), ontology) == []
    store = ox.Store()
    build(store, [*files, tmp_path / "bad.ttl"])
    problems = kind_problems(asserted, built_types(store), ontology)
    changed = [p for p in problems if "inference makes it" in p]
    assert [p for p in problems if p not in changed] == clashes
    assert [p.split(":")[1] for p in changed] == ["x"]


def test_kind_problems_on_an_untyped_node(tmp_path: Path, ontology: Graph) -> None:
    data = tmp_path / "data.ttl"
    data.write_text(
        f"@prefix gse: <{GSE}> .\n@prefix gso: <{GSO}> .\n"
        "gse:r a gso:Role ; gso:inCapacity gse:p ; gso:agentCountry gse:c .",
        encoding="utf-8",
    )
    store = ox.Store()
    build(store, [ontology_dir() / "gse.ttl", data])
    assert kind_problems(asserted_types([data]), built_types(store), ontology) == [
        "gse:c: inference makes it place, the data none",
        "gse:p: inference makes it post, the data none",
    ]
