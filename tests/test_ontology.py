"""The ontology, the SHACL shapes and the simple-view rule, checked on hand-written fixtures.

The dataset is built here the way docs/model.md describes: every quad of the fixture source
file and the entity registry goes into one graph together with the ontology (the simple view),
the CONSTRUCT rule runs on it, then owlrl's OWL-RL closure; the shapes are validated on the
result.
"""

from __future__ import annotations

import re
from pathlib import Path

import owlrl
import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node

from gsekg.namespaces import GSE, GSO, PREFIXES, ROLES, compact
from gsekg.resources import ontology_dir

DOCS = Path(__file__).resolve().parents[1] / "docs"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ONTOLOGY_IRI = URIRef("https://w3id.org/gsekg/ontology")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SH = Namespace("http://www.w3.org/ns/shacl#")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
GSO_NS = Namespace(GSO)
GSE_NS = Namespace(GSE)
ROLES_NS = Namespace(ROLES)
ROLE_SCHEME = ROLES_NS.scheme
Result = tuple[str | None, str | None, str | None]
"""A validation result as (focus node, path, constraint component), compacted."""
TERM_TYPES = (
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.NamedIndividual,
)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    """The ontology graph."""
    return Graph().parse(ontology_dir() / "gse.ttl", format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    """The shapes graph."""
    return Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")


@pytest.fixture(scope="module")
def rule() -> str:
    """The text of the simple-view rule."""
    return (ontology_dir() / "rules" / "simple-view.rq").read_text(encoding="utf-8")


def fixture_store(*updates: str) -> ox.Store:
    """A store with the fixture source file, entities and ontology, after the given updates."""
    store = ox.Store()
    store.load(path=FIXTURES / "valid.trig", format=ox.RdfFormat.TRIG)
    store.load(path=FIXTURES / "entities.ttl", format=ox.RdfFormat.TURTLE)
    store.load(path=ontology_dir() / "gse.ttl", format=ox.RdfFormat.TURTLE)
    for update in updates:
        store.update(update, prefixes=PREFIXES)
    return store


def union_graph(store: ox.Store) -> Graph:
    """The default graph plus every named graph's triples, as an rdflib graph."""
    triples = store.query(
        "CONSTRUCT { ?s ?p ?o } WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
    )
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return Graph().parse(data=data, format="nt")


def built(store: ox.Store, rule: str) -> Graph:
    """The union after the simple-view rule and OWL-RL inference (generalised triples dropped)."""
    graph = union_graph(store)
    constructed = graph.query(rule).graph
    assert constructed is not None
    graph += constructed
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(graph)
    for triple in [t for t in graph if isinstance(t[0], Literal)]:
        graph.remove(triple)
    return graph


def _name(node: Node | None) -> str | None:
    if node is None:
        return None
    return "_:" if isinstance(node, BNode) else compact(str(node))


def validate(graph: Graph, shapes: Graph) -> tuple[bool, Graph, str]:
    """pyshacl with SHACL Advanced Features on, as ``gsekg validate`` runs it (the source-claim
    shape targets claims that are not editorial with a SPARQL target)."""
    conforms, report, text = pyshacl.validate(graph, shacl_graph=shapes, advanced=True)
    return bool(conforms), report, str(text)


def results(graph: Graph, shapes: Graph, severity: URIRef) -> set[Result]:
    """(focus node, path, constraint component) of each top-level result of one severity."""
    _, report, _ = validate(graph, shapes)
    found = set()
    for result in report.objects(None, SH.result):
        if report.value(result, SH.resultSeverity) == severity:
            focus, path, component = (
                _name(report.value(result, p))
                for p in (SH.focusNode, SH.resultPath, SH.sourceConstraintComponent)
            )
            found.add((focus, path, component))
    return found


def declared_terms(ontology: Graph) -> set[URIRef]:
    """Every gso: IRI the ontology types as a class, property or individual."""
    return {
        s
        for t in TERM_TYPES
        for s in ontology.subjects(RDF.type, t)
        if isinstance(s, URIRef) and str(s).startswith(GSO)
    }


# --- the ontology -----------------------------------------------------------------------


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.license):
        assert ontology.value(ONTOLOGY_IRI, prop) is not None, prop


def test_every_term_has_label_definition_and_origin(ontology: Graph) -> None:
    terms = declared_terms(ontology)
    assert len(terms) > 100
    for term in terms:
        labels = list(ontology.objects(term, RDFS.label))
        assert [lb for lb in labels if getattr(lb, "language", None) == "en"], term
        assert ontology.value(term, SKOS.definition) is not None, term
        assert ontology.value(term, RDFS.isDefinedBy) == ONTOLOGY_IRI, term


def test_properties_are_typed_once(ontology: Graph) -> None:
    kinds = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.Class)
    for term in declared_terms(ontology):
        assert sum((term, RDF.type, k) in ontology for k in kinds) <= 1, term


@pytest.mark.parametrize(
    "source",
    [
        ontology_dir() / "gse.ttl",
        ontology_dir() / "shapes.ttl",
        ontology_dir() / "rules" / "simple-view.rq",
        FIXTURES / "valid.trig",
        FIXTURES / "entities.ttl",
    ],
    ids=lambda path: path.name,
)
def test_every_gso_iri_used_is_declared(ontology: Graph, source: Path) -> None:
    text = source.read_text(encoding="utf-8")
    used = {GSO + local for local in re.findall(r"\bgso:([A-Za-z]+)", text)}
    used |= set(re.findall(re.escape(GSO) + r"[A-Za-z]+", text))
    assert sorted(used - {str(t) for t in declared_terms(ontology)}) == []


def test_terms_named_in_the_model_are_declared(ontology: Graph) -> None:
    model = (DOCS / "model.md").read_text(encoding="utf-8")
    declared = {str(t) for t in declared_terms(ontology)}
    gso_terms = {GSO + local for local in re.findall(r"\bgso:([A-Za-z]+)", model)}
    assert sorted(gso_terms - declared) == []
    concepts = {str(c) for c in ontology.subjects(SKOS.inScheme, ROLE_SCHEME)}
    role_terms = {ROLES + k for k in re.findall(r"\broles:([a-z][a-z-]*[a-z])", model)}
    assert sorted(role_terms - concepts - {str(ROLE_SCHEME)}) == []


def test_role_kinds_are_complete_concepts(ontology: Graph) -> None:
    concepts = set(ontology.subjects(SKOS.inScheme, ROLE_SCHEME))
    assert len(concepts) == 23
    tops = set(ontology.objects(ROLE_SCHEME, SKOS.hasTopConcept))
    for kind in concepts:
        label = ontology.value(kind, SKOS.prefLabel)
        assert isinstance(label, Literal) and label.language == "en", kind
        assert ontology.value(kind, SKOS.definition) is not None, kind
        assert (kind, RDF.type, SKOS.Concept) in ontology, kind
        has_broader = ontology.value(kind, SKOS.broader) is not None
        assert has_broader != (kind in tops), kind
        assert (kind in tops) == ((kind, SKOS.topConceptOf, ROLE_SCHEME) in ontology), kind
        direct = ontology.value(kind, GSO_NS.directProperty)
        assert (direct, RDF.type, OWL.ObjectProperty) in ontology, kind


def test_direct_properties_mirror_the_kind_hierarchy(ontology: Graph) -> None:
    for kind, broader in ontology.subject_objects(SKOS.broader):
        narrow = ontology.value(kind, GSO_NS.directProperty)
        wide = ontology.value(broader, GSO_NS.directProperty)
        assert wide in set(ontology.transitive_objects(narrow, RDFS.subPropertyOf)), kind


def test_hierarchy_examples(ontology: Graph) -> None:
    assert (ROLES_NS.initiator, SKOS.broader, ROLES_NS["founding-member"]) in ontology
    assert (ROLES_NS["founding-partner"], SKOS.broader, ROLES_NS["founding-member"]) in ontology
    assert (ROLES_NS["keynote-speaker"], SKOS.broader, ROLES_NS.speaker) in ontology
    assert (GSO_NS.acronym, RDFS.subPropertyOf, SKOS.altLabel) in ontology
    assert (GSO_NS.misspelling, RDFS.subPropertyOf, SKOS.hiddenLabel) in ontology
    assert (GSO_NS.underAuspicesOf, RDFS.subPropertyOf, ORG.linkedTo) in ontology
    assert (GSO_NS.Organisation, OWL.equivalentClass, ORG.Organization) in ontology
    assert (ORG.holds, OWL.inverseOf, ORG.heldBy) in ontology
    qualifiers = set(ontology.subjects(RDF.type, GSO_NS.QuantityQualifier))
    assert qualifiers == {GSO_NS.over, GSO_NS.almost, GSO_NS.lessThan, GSO_NS.exactly}


# --- the rule ---------------------------------------------------------------------------


def test_rule_parses_in_both_engines(rule: str) -> None:
    prepareQuery(rule)
    assert list(ox.Store().query(rule)) == []


def test_rule_gives_the_same_triples_in_both_engines(rule: str) -> None:
    store = fixture_store()
    in_oxigraph = {
        (t.subject.value, t.predicate.value, t.object.value)
        for t in store.query(rule, use_default_graph_as_union=True)
    }
    in_rdflib = {tuple(str(x) for x in t) for t in union_graph(store).query(rule)}
    assert in_oxigraph == in_rdflib
    assert len(in_rdflib) == 4


def test_simple_view(rule: str) -> None:
    graph = built(fixture_store(), rule)
    gse2022 = GSE_NS.gse2022
    expected = [
        (gse2022, SCHEMA.sponsor, GSE_NS.lenovo),
        (gse2022, GSO_NS.coHost, GSE_NS.bnu),
        (gse2022, GSO_NS.host, GSE_NS.bnu),
        (gse2022, GSO_NS.speaker, GSE_NS["tao-zhan"]),
        (gse2022, SCHEMA.performer, GSE_NS["tao-zhan"]),
        (GSE_NS["tao-zhan"], ORG.holds, GSE_NS["post-tao-zhan-director-iite"]),
        (GSE_NS.bnu, RDF.type, ORG.Organization),
        (GSE_NS.bnu, SKOS.altLabel, Literal("BNU")),
    ]
    for triple in expected:
        assert triple in graph, triple
    speakers = set(graph.objects(gse2022, GSO_NS.speaker))
    assert speakers == {GSE_NS["tao-zhan"]}


# --- the shapes -------------------------------------------------------------------------


def test_valid_fixture_conforms(shapes: Graph) -> None:
    graph = union_graph(fixture_store())
    conforms, _, text = validate(graph, shapes)
    assert conforms, text


def test_shapes_file_in_the_data_is_harmless(rule: str, shapes: Graph) -> None:
    store = fixture_store()
    store.load(path=ontology_dir() / "shapes.ttl", format=ox.RdfFormat.TURTLE)
    conforms, _, text = validate(union_graph(store), shapes)
    assert conforms, text


_SELECTOR_OF_DATES = "claim:002-dates gso:evidence/oa:hasSelector ?sel . ?sel oa:start ?start ."

INVALID: dict[str, tuple[str, *tuple[Result, ...]]] = {
    "missing evidence": (
        "DELETE { claim:002-viewers gso:evidence ?ev . ?ev ?p ?o } "
        "WHERE { claim:002-viewers gso:evidence ?ev . ?ev ?p ?o }",
        ("claim:002-viewers", "gso:evidence", "sh:MinCountConstraintComponent"),
    ),
    "evidence from another source": (
        "DELETE { ?ev oa:hasSource ?s } INSERT { ?ev oa:hasSource src:004_c4d78ee7870e79d4 . "
        "src:004_c4d78ee7870e79d4 a gso:SourceArticle } "
        "WHERE { claim:002-viewers gso:evidence ?ev . ?ev oa:hasSource ?s }",
        ("claim:002-viewers", None, "sh:SPARQLConstraintComponent"),
        ("src:004_c4d78ee7870e79d4", "dcterms:identifier", "sh:MinCountConstraintComponent"),
        (
            "src:004_c4d78ee7870e79d4",
            "<http://spdx.org/rdf/terms#checksum>",
            "sh:MinCountConstraintComponent",
        ),
    ),
    "no rank": (
        "DELETE WHERE { claim:002-viewers gso:rank ?r }",
        ("claim:002-viewers", "gso:rank", "sh:MinCountConstraintComponent"),
    ),
    "two ranks": (
        "INSERT DATA { claim:002-viewers gso:rank gso:PreferredRank }",
        ("claim:002-viewers", "gso:rank", "sh:MaxCountConstraintComponent"),
    ),
    "city as sponsor": (
        "DELETE WHERE { GRAPH ?g { gse:gse2022-sponsor-lenovo gso:agent ?a } } ; "
        "INSERT DATA { GRAPH claim:002-sponsors { "
        "gse:gse2022-sponsor-lenovo gso:agent gse:beijing } }",
        ("gse:gse2022-sponsor-lenovo", "gso:agent", "sh:OrConstraintComponent"),
        ("gse:gse2022-sponsor-lenovo", None, "sh:SPARQLConstraintComponent"),
    ),
    "start equals end": (
        f"DELETE {{ ?sel oa:start ?start }} INSERT {{ ?sel oa:start 242 }} "
        f"WHERE {{ {_SELECTOR_OF_DATES} }}",
        ("_:", "oa:start", "sh:LessThanConstraintComponent"),
    ),
    "start after end": (
        f"DELETE {{ ?sel oa:start ?start }} INSERT {{ ?sel oa:start 300 }} "
        f"WHERE {{ {_SELECTOR_OF_DATES} }}",
        ("_:", "oa:start", "sh:LessThanConstraintComponent"),
    ),
    "two sources": (
        "INSERT DATA { claim:002-dates prov:wasDerivedFrom src:004_c4d78ee7870e79d4 . "
        "src:004_c4d78ee7870e79d4 a gso:SourceArticle ; "
        'dcterms:identifier "004_c4d78ee7870e79d4" }',
        ("claim:002-dates", "prov:wasDerivedFrom", "sh:MaxCountConstraintComponent"),
        (
            "src:004_c4d78ee7870e79d4",
            "<http://spdx.org/rdf/terms#checksum>",
            "sh:MinCountConstraintComponent",
        ),
    ),
    "source that is not an article": (
        "DELETE WHERE { claim:002-dates prov:wasDerivedFrom ?s } ; "
        "INSERT DATA { claim:002-dates prov:wasDerivedFrom gse:gse2022 }",
        ("claim:002-dates", "prov:wasDerivedFrom", "sh:ClassConstraintComponent"),
        # its evidence still cites the article: not the claim's source
        ("claim:002-dates", None, "sh:SPARQLConstraintComponent"),
    ),
    "role without kind": (
        "DELETE WHERE { GRAPH ?g { gse:gse2022-sponsor-lenovo gso:roleKind ?kind } }",
        ("gse:gse2022-sponsor-lenovo", "gso:roleKind", "sh:MinCountConstraintComponent"),
    ),
    "role kind outside the scheme": (
        "DELETE WHERE { GRAPH ?g { gse:gse2022-sponsor-lenovo gso:roleKind ?k } } ; "
        "INSERT DATA { GRAPH claim:002-sponsors { "
        "gse:gse2022-sponsor-lenovo gso:roleKind gse:bnu } }",
        ("gse:gse2022-sponsor-lenovo", "gso:roleKind", "sh:NodeConstraintComponent"),
    ),
    "role without agent": (
        "DELETE WHERE { GRAPH ?g { gse:gse2022-speaker-nigeria gso:agentCountry ?c } }",
        ("gse:gse2022-speaker-nigeria", None, "sh:OrConstraintComponent"),
    ),
    "quantity value as string": (
        "DELETE { GRAPH ?g { ?q schema:value ?v } } INSERT { GRAPH ?g { ?q schema:value "
        '"4000000" } } WHERE { GRAPH ?g { ?q schema:value ?v } '
        "FILTER(?q = gse:q-gse2022-viewers-day1) }",
        ("gse:q-gse2022-viewers-day1", "schema:value", "sh:OrConstraintComponent"),
    ),
    "unknown qualifier": (
        "DELETE WHERE { GRAPH ?g { gse:q-gse2022-viewers-day1 gso:qualifier ?q } } ; "
        "INSERT DATA { GRAPH claim:002-viewers { gse:q-gse2022-viewers-day1 gso:qualifier "
        "gso:about } }",
        ("gse:q-gse2022-viewers-day1", "gso:qualifier", "sh:InConstraintComponent"),
        # no inference before validation: the range of gso:qualifier does not retype the typo
    ),
    "post without organisation": (
        "DELETE WHERE { GRAPH ?g { gse:post-tao-zhan-director-iite org:postIn ?o } }",
        ("gse:post-tao-zhan-director-iite", "org:postIn", "sh:MinCountConstraintComponent"),
    ),
    "role list without completeness": (
        "DELETE WHERE { GRAPH ?g { gse:gse2022-sponsors gso:complete ?c } }",
        ("gse:gse2022-sponsors", "gso:complete", "sh:MinCountConstraintComponent"),
    ),
    "year not the start year": (
        "DELETE WHERE { GRAPH ?g { gse:gse2022 gso:year ?y } } ; INSERT DATA { GRAPH "
        'claim:002-dates { gse:gse2022 gso:year "2021"^^xsd:gYear } }',
        ("gse:gse2022", None, "sh:SPARQLConstraintComponent"),
    ),
    "date as string": (
        "DELETE WHERE { GRAPH ?g { gse:gse2022 schema:endDate ?d } } ; INSERT DATA { GRAPH "
        'claim:002-dates { gse:gse2022 schema:endDate "2022-08-20" } }',
        ("gse:gse2022", "schema:endDate", "sh:DatatypeConstraintComponent"),
        # a string cannot be compared with the start date
        ("gse:gse2022", "schema:startDate", "sh:LessThanOrEqualsConstraintComponent"),
    ),
    "unknown attendance mode": (
        "INSERT DATA { GRAPH claim:002-dates { gse:gse2022 schema:eventAttendanceMode "
        "gse:beijing } }",
        ("gse:gse2022", "schema:eventAttendanceMode", "sh:InConstraintComponent"),
    ),
    "repeat frequency as string": (
        "INSERT DATA { GRAPH claim:002-dates { gse:gse2022 schema:eventSchedule gse:s . "
        'gse:s a schema:Schedule ; schema:repeatFrequency "yearly" } }',
        ("gse:s", "schema:repeatFrequency", "sh:DatatypeConstraintComponent"),
    ),
    "two labels in one language": (
        'INSERT DATA { gse:lenovo skos:prefLabel "Lenovo Group"@en }',
        ("gse:lenovo", "skos:prefLabel", "sh:UniqueLangConstraintComponent"),
    ),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_data_is_rejected(case: str, shapes: Graph) -> None:
    """The shapes reject the asserted data (validation runs before any inference)."""
    update, *expected = INVALID[case]
    graph = union_graph(fixture_store(update))
    assert results(graph, shapes, SH.Violation) == set(expected)
