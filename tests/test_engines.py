"""The engine API: query forms, parameters, safety (updates, SERVICE, time limits) and the
rdflib engine giving the same answers as Oxigraph."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from gsekg import queries
from gsekg.engines import Engine, OxigraphEngine, RdflibEngine, open_engine
from gsekg.errors import ForbiddenQueryError, InputError, QueryTimeoutError
from gsekg.guard import inspect
from gsekg.terms import QueryResult

GSE = "https://w3id.org/gsekg/id/"
MINI = """\
@prefix gse: <https://w3id.org/gsekg/id/> .
@prefix gso: <https://w3id.org/gsekg/ontology#> .
@prefix claim: <https://w3id.org/gsekg/claim/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
gso:University rdfs:subClassOf gso:Organisation .
gse:bnu skos:prefLabel "Beijing Normal University"@en .
gse:alecso skos:prefLabel "ALECSO"@en ; skos:altLabel "Say \\"hi\\"" .
claim:001-a { gse:gse2022 schema:sponsor gse:bnu ; gso:year "2022"^^xsd:gYear .
              gse:bnu a gso:University . }
claim:002-a { gse:gse2022 schema:sponsor gse:bnu , gse:alecso . gse:alecso a gso:Organisation . }
claim:002-b { gse:gse2023 schema:sponsor gse:alecso ; gso:year "2023"^^xsd:gYear ;
              gso:participants 1500 ; gso:share 2.5 . }
claim:001-a a gso:Claim ; prov:wasDerivedFrom <https://w3id.org/gsekg/source/001> .
claim:002-a a gso:Claim ; prov:wasDerivedFrom <https://w3id.org/gsekg/source/002> .
claim:002-b a gso:Claim ; prov:wasDerivedFrom <https://w3id.org/gsekg/source/002> .
"""

# Queries both engines must answer alike: every form, aggregates, paths, GRAPH, OPTIONAL.
SHARED_QUERIES = [
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",
    "SELECT ?e (COUNT(DISTINCT ?s) AS ?n) WHERE { ?e schema:sponsor ?s } GROUP BY ?e ORDER BY ?e",
    "SELECT ?claim ?s WHERE { GRAPH ?claim { gse:gse2022 schema:sponsor ?s } } ORDER BY ?claim ?s",
    "SELECT ?x ?label WHERE { ?x a gso:Organisation OPTIONAL { ?x skos:prefLabel ?label } }",
    "SELECT ?x WHERE { ?x a/rdfs:subClassOf* gso:Organisation }",
    "SELECT (SUM(?n) AS ?total) (AVG(?n) AS ?mean) WHERE { ?e gso:participants|gso:share ?n }",
    "SELECT ?e ?y WHERE { ?e gso:year ?y FILTER(STR(?y) >= '2023') }",
    "SELECT ?src (COUNT(?c) AS ?claims) WHERE { ?c prov:wasDerivedFrom ?src } GROUP BY ?src",
    "ASK { gse:alecso a gso:Organisation }",
    "ASK { GRAPH claim:001-a { gse:alecso ?p ?o } }",
    "CONSTRUCT { ?s schema:funder ?e } WHERE { ?e schema:sponsor ?s }",
    "DESCRIBE gse:alecso",
]


@pytest.fixture(scope="module")
def mini_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mini") / "mini.trig"
    path.write_text(MINI, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def oxigraph(mini_file: Path, cache: Path) -> Iterator[Engine]:
    with open_engine(data=[mini_file], with_bundled=False, cache_dir=cache) as engine:
        yield engine


@pytest.fixture
def rdflib_engine(mini_file: Path, cache: Path) -> Iterator[Engine]:
    with open_engine(
        engine="rdflib", data=[mini_file], with_bundled=False, cache_dir=cache
    ) as engine:
        assert isinstance(engine, RdflibEngine)
        yield engine


def comparable(result: QueryResult) -> tuple[object, ...]:
    """A result with rows as a multiset (order only matters with ORDER BY) and literals by
    value, so that e.g. ``2.5`` and ``2.50`` compare equal."""

    def cell(term: object) -> object:
        if isinstance(term, ox.Literal) and term.datatype.value.endswith(
            ("#decimal", "#double", "#integer")
        ):
            return float(term.value)
        return term

    rows = Counter(tuple(cell(t) for t in row) for row in result.rows)
    return result.kind, result.variables, rows, result.boolean, Counter(result.triples)


def test_select_ask_construct(oxigraph: Engine) -> None:
    select = oxigraph.query("SELECT ?s WHERE { gse:gse2023 schema:sponsor ?s }")
    assert select.kind == "select" and select.variables == ["s"]
    assert select.rows == [(ox.NamedNode(GSE + "alecso"),)]
    ask = oxigraph.query("ASK { gse:gse2022 schema:sponsor gse:alecso }")
    assert ask.kind == "ask" and ask.boolean is True
    graph = oxigraph.query("CONSTRUCT { ?e schema:funder ?s } WHERE { ?s schema:sponsor ?e }")
    assert graph.kind == "graph" and len(graph.triples) == 3


def test_unbound_cells_are_none(oxigraph: Engine) -> None:
    result = oxigraph.query(
        "SELECT ?x ?alt WHERE { ?x skos:prefLabel ?l OPTIONAL { ?x skos:altLabel ?alt } }"
        " ORDER BY ?x"
    )
    assert [row[1] is None for row in result.rows] == [False, True]


def test_claims_are_named_graphs_and_the_default_graph_holds_their_union(
    oxigraph: Engine, rdflib_engine: Engine
) -> None:
    claims = [
        ox.NamedNode(f"https://w3id.org/gsekg/claim/{c}") for c in ("001-a", "002-a", "002-b")
    ]
    for engine in (oxigraph, rdflib_engine):
        assert engine.named_graphs() == claims
        quads = list(engine.quads())
        default = {q.triple for q in quads if q.graph_name == ox.DefaultGraph()}
        assert all(q.triple in default for q in quads)
        # the same sponsorship stated in two claims is one triple of the simple view
        count = engine.query("SELECT (COUNT(*) AS ?n) { gse:gse2022 schema:sponsor gse:bnu }")
        assert count.rows[0][0] == ox.Literal("1", datatype=ox.NamedNode(XSD_INTEGER))


XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


@pytest.mark.parametrize("engine_name", ["oxigraph", "rdflib"])
def test_substitutions_bind_projected_and_hidden_variables(
    engine_name: str, mini_file: Path, cache: Path
) -> None:
    with open_engine(
        engine=engine_name, data=[mini_file], with_bundled=False, cache_dir=cache
    ) as engine:
        assert engine.name == engine_name
        edition = {"edition": ox.NamedNode(GSE + "gse2022")}
        projected = engine.query(
            "SELECT ?edition ?s WHERE { ?edition schema:sponsor ?s }", substitutions=edition
        )
        assert len(projected.rows) == 2
        hidden = engine.query(
            "SELECT (COUNT(?s) AS ?n) WHERE { ?edition schema:sponsor ?s }", substitutions=edition
        )
        assert hidden.rows[0][0] == ox.Literal("2", datatype=ox.NamedNode(XSD_INTEGER))


def test_a_parameter_is_a_value_never_query_text(oxigraph: Engine) -> None:
    sneaky = ox.Literal('x" } ; INSERT DATA { <a:a> <a:b> <a:c> } #')
    result = oxigraph.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?x skos:prefLabel ?label }",
        substitutions={"label": sneaky},
    )
    assert result.rows[0][0] == ox.Literal("0", datatype=ox.NamedNode(XSD_INTEGER))
    quoted = ox.Literal('Say "hi"')
    found = oxigraph.query(
        "SELECT ?x WHERE { ?x skos:altLabel ?alt }", substitutions={"alt": quoted}
    )
    assert found.rows == [(ox.NamedNode(GSE + "alecso"),)]


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { gse:a gse:b gse:c }",
        "DELETE WHERE { ?s ?p ?o }",
        "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR ALL",
        "DROP DEFAULT",
        "CREATE GRAPH <http://example.org/g>",
        "ADD DEFAULT TO <http://example.org/g>",
        "MOVE DEFAULT TO <http://example.org/g>",
        "COPY DEFAULT TO <http://example.org/g>",
        "WITH <http://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_updates_are_refused_by_default(oxigraph: Engine, update: str) -> None:
    with pytest.raises(ForbiddenQueryError) as caught:
        oxigraph.query(update)
    assert caught.value.exit_code == 1


def test_service_is_refused_unless_allowed(oxigraph: Engine) -> None:
    with pytest.raises(ForbiddenQueryError, match="SERVICE"):
        oxigraph.query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")


def test_keywords_in_strings_iris_names_and_comments_are_not_commands() -> None:
    text = """# DELETE everything? no.
    SELECT ?delete ?insert WHERE {
        ?delete <http://example.org/LOAD> "DROP ALL" ; ex:clear ?insert .
        ?insert rdfs:label '''SERVICE
        CLEAR''' , "x"@de-add }"""
    request = inspect(text)
    assert request.form == "SELECT" and not request.is_update and not request.service


def test_an_allowed_update_changes_a_private_copy_only(mini_file: Path, cache: Path) -> None:
    with open_engine(data=[mini_file], with_bundled=False, cache_dir=cache) as engine:
        assert isinstance(engine, OxigraphEngine) and engine.location is not None
        result = engine.query("INSERT DATA { gse:a gse:b gse:c }", allow_update=True)
        assert result.kind == "update"
        assert engine.query("ASK { gse:a gse:b gse:c }").boolean is True
    with open_engine(data=[mini_file], with_bundled=False, cache_dir=cache) as fresh:
        assert fresh.query("ASK { gse:a gse:b gse:c }").boolean is False


def test_a_malformed_update_gives_its_position(oxigraph: Engine) -> None:
    with pytest.raises(InputError, match=r"^update:1:"):
        oxigraph.query("INSERT DATA { gse:a gse:b }", allow_update=True)


# six copies of the graph joined with nothing in common: billions of rows to count
CROSS_PRODUCT = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(6)) + " }"
)


@pytest.mark.parametrize("engine_name", ["oxigraph", "rdflib"])
def test_a_timeout_stops_a_runaway_query(engine_name: str, mini_file: Path, cache: Path) -> None:
    with open_engine(
        engine=engine_name, data=[mini_file], with_bundled=False, cache_dir=cache
    ) as engine:
        assert engine.name == engine_name
        started = time.monotonic()
        with pytest.raises(QueryTimeoutError) as caught:
            engine.query(CROSS_PRODUCT + " LIMIT 1", timeout=0.5)
        assert time.monotonic() - started < 5
        assert caught.value.exit_code == 4
        # the engine is still usable, and a quick query under a time limit answers
        assert engine.query("ASK { ?s ?p ?o }", timeout=10).boolean is True


def test_timeout_exit_code_on_the_command_line(run_gsekg: object, mini_file: Path) -> None:
    result = run_gsekg(  # type: ignore[operator]
        "query", CROSS_PRODUCT, "--data", mini_file, "--timeout", "1", timeout=60
    )
    assert result.returncode == 4, result.stderr
    assert result.stderr.startswith("Error: ")


def test_errors_inside_a_time_limited_query_come_back(oxigraph: Engine) -> None:
    with pytest.raises(InputError, match=r"^query:1:"):
        oxigraph.query("SELECT * WHERE { ?s ?p }", timeout=10)


@pytest.mark.parametrize("sparql", SHARED_QUERIES)
def test_rdflib_answers_like_oxigraph(oxigraph: Engine, rdflib_engine: Engine, sparql: str) -> None:
    assert comparable(rdflib_engine.query(sparql)) == comparable(oxigraph.query(sparql))


SAVED = queries.catalog()


@pytest.fixture(scope="module")
def bundled_engines(bundled: OxigraphEngine) -> tuple[Engine, Engine]:
    """The session's bundled store (conftest) and an rdflib engine on a copy of it."""
    return bundled, RdflibEngine(bundled.quads())


@pytest.mark.parametrize("saved", SAVED, ids=[q.name for q in SAVED])
def test_every_saved_query_gives_the_same_result_on_both_engines(
    bundled_engines: tuple[Engine, Engine], saved: queries.SavedQuery
) -> None:
    oxigraph_engine, rdflib_engine = bundled_engines
    _, expected = queries.run_saved(saved.name, oxigraph_engine)
    _, actual = queries.run_saved(saved.name, rdflib_engine)
    assert queries.same_rows(actual, expected, ordered=saved.header.ordered)


def test_an_unknown_engine_is_a_bad_input() -> None:
    with pytest.raises(InputError, match="unknown engine"):
        open_engine(engine="virtuoso")
