"""The engine is the only path to the data: describe, why, stats, timeline and the network
ask targeted queries, never every quad, and answer the same on the embedded store, the
rdflib engine and a remote endpoint; ``why`` traces derived facts to rules and claims."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import NamedNode, Triple
from typer.testing import CliRunner

from conftest import mini_reader
from gsekg.cli import app
from gsekg.derivation import explain, parse_rule
from gsekg.description import describe
from gsekg.engines import Engine, OxigraphEngine, RdflibEngine, open_engine
from gsekg.network import build_network, load_evidence
from gsekg.provenance import why
from gsekg.reader import GraphReader
from gsekg.snapshot import node
from gsekg.stats import compute
from gsekg.timeline import timeline

ENTITIES = ["gse:gse2022", "gse:alecso", "gse:bnu", "gse:china", "gse:mohamed-jemni", "gse:gsenet"]


def same(value: Any) -> Any:
    """A JSON value with blank-node labels made alike (engines and servers relabel them)."""
    return json.loads(re.sub(r"_:[0-9A-Za-z]+", "_:b", json.dumps(value)))


def views(engine: Engine, entities: list[str] = ENTITIES) -> dict[str, Any]:
    """Everything the entity commands compute, as JSON."""
    reader = GraphReader(engine)
    out: dict[str, Any] = {}
    for name in entities:
        entity = reader.resolve(name)
        out[name] = describe(reader, entity).to_json()
        out[name + " inferred"] = describe(reader, entity, inferred=True).to_json()
        found = why(reader, entity, node("schema:sponsor"))
        out[name + " why"] = [
            [str(e.claim), e.source_id, list(e.spans), sorted(map(str, e.triples))]
            for e in found.evidence
        ] + [d.to_json() for d in found.derived]
    stats = compute(engine).to_json()
    stats["triples"].pop("inferred")  # known from the local build only
    out["stats"] = stats
    out["timeline"] = [e.to_json() for e in timeline(engine)]
    return same(out)


class NoDump:
    """Wraps an engine; fails the test if anything reads every quad."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.name = engine.name
        self.build_stats = engine.build_stats
        self.default_graph = engine.default_graph

    def query(self, sparql: str, **kwargs: Any) -> Any:
        return self.engine.query(sparql, **kwargs)

    def quads(self) -> Iterator[Any]:
        raise AssertionError("read every quad")


def test_no_command_reads_every_quad(bundled: OxigraphEngine) -> None:
    engine: Any = NoDump(bundled)
    views(engine)
    evidence = load_evidence(engine)
    assert build_network(evidence).graph.number_of_nodes() > 10


@pytest.mark.server
def test_remote_endpoint_answers_as_the_embedded_store(
    bundled: OxigraphEngine, oxigraph_server: str
) -> None:
    remote = open_engine(endpoint=oxigraph_server)
    assert views(remote) == views(bundled)


def test_rdflib_answers_as_oxigraph() -> None:
    # the mini graph: rdflib evaluates these queries slowly on the bundled graph
    oxigraph = mini_reader().engine
    assert isinstance(oxigraph, OxigraphEngine)
    names = ["gse:alecso", "gse:gse2020", "gse:alecso-ict-department"]
    assert views(RdflibEngine(oxigraph.store), names) == views(oxigraph, names)


def test_remote_describe_keeps_inferred_facts_out(
    bundled: OxigraphEngine, oxigraph_server: str
) -> None:
    # the remote graph holds the inferred triples; the plain view must not show them
    remote = GraphReader(open_engine(endpoint=oxigraph_server))
    plain = describe(remote, node("gse:lenovo"))
    inferred = describe(remote, node("gse:lenovo"), inferred=True)
    assert [f.predicate for f in plain.incoming] == []
    assert "schema:sponsor" in {f.predicate for f in inferred.incoming}


def test_sponsor_of_gse2022_is_derived_by_the_simple_view_rule(bundled: OxigraphEngine) -> None:
    reader = GraphReader(bundled)
    step = explain(reader, Triple(node("gse:gse2022"), node("schema:sponsor"), node("gse:lenovo")))
    assert step.how == "rule"
    assert step.via.startswith("ontology/rules/simple-view.rq")
    assert "?role = gse:gse2022-sponsor-lenovo" in step.via
    premises = {(p.triple.predicate, p.triple.object) for p in step.premises}
    assert (node("gso:agent"), node("gse:lenovo")) in premises
    assert (node("gso:roleKind"), NamedNode("https://w3id.org/gsekg/roles/sponsor")) in premises
    assert {c.iri for c in step.claims_within()} == {node("claim:002-sponsors")}
    assert step.claims_within()[0].source_id == "002_2b3a093da3c925aa"


def test_an_inferred_type_comes_from_a_registered_subclass(bundled: OxigraphEngine) -> None:
    reader = GraphReader(bundled)
    step = explain(reader, Triple(node("gse:bnu"), node("rdf:type"), node("schema:Organization")))
    assert step.how == "subclass"
    assert step.via == "gso:University rdfs:subClassOf schema:Organization"
    (premise,) = step.premises
    assert premise.triple.object == node("gso:University")
    assert premise.how == "registered"


def test_an_inferred_label_comes_from_the_acronym_claims(bundled: OxigraphEngine) -> None:
    reader = GraphReader(bundled)
    step = explain(reader, Triple(node("gse:unesco-iite"), node("skos:altLabel"), _en("IITE")))
    assert step.how == "subproperty"
    assert step.via == "gso:acronym rdfs:subPropertyOf skos:altLabel"
    assert node("claim:000-founding-member-names") in {c.iri for c in step.claims_within()}


def _en(text: str) -> Any:
    from pyoxigraph import Literal

    return Literal(text, language="en")


def test_rule_template_is_parsed() -> None:
    rule = parse_rule(
        "PREFIX x: <http://x/>\n# a comment { }\nCONSTRUCT { ?a x:p ?b . ?b a x:C } "
        "WHERE { ?a x:q ?b }",
        "r.rq",
    )
    assert rule is not None
    assert rule.template == (("?a", "x:p", "?b"), ("?b", "a", "x:C"))
    assert rule.where == "{ ?a x:q ?b }"
    assert parse_rule("SELECT * WHERE { ?s ?p ?o }", "r.rq") is None


def test_cli_why_derived_fact_names_rule_claim_and_passage(runner: CliRunner, corpus: Path) -> None:
    result = runner.invoke(
        app,
        [
            "why",
            "gse:gse2022",
            "schema:sponsor",
            "gse:lenovo",
            "--corpus",
            str(corpus),
            "-f",
            "text",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert "derived by the rule ontology/rules/simple-view.rq" in result.stdout
    assert "claim:002-sponsors" in result.stdout
    assert "«It was sponsored by NetDragon Huayu Education" in result.stdout


def test_cli_why_inferred_type_json(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["why", "BNU", "rdf:type", "schema:Organization", "-f", "json", "--corpus", "/none"]
    )
    assert result.exit_code == 0, result.stderr
    (entry,) = json.loads(result.stdout)
    derived = entry["derived"]
    assert derived["fact"] == {
        "subject": "gse:bnu",
        "property": "rdf:type",
        "value": "schema:Organization",
    }
    assert derived["how"] == "subclass"
    assert derived["premises"][0]["how"] == "registered"


def test_cli_why_tsv_gives_the_claims_behind_a_derived_fact(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["why", "gse:gse2022", "schema:sponsor", "-f", "tsv", "--corpus", "/none"]
    )
    assert result.exit_code == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines()[1:]]
    sponsors = {r[2] for r in rows if r[1] == "schema:sponsor"}
    assert sponsors == {
        "gse:h3c",
        "gse:iflytek",
        "gse:lenovo",
        "gse:netdragon-huayu",
        "gse:unisplendour-wisdom-education",
    }
    assert {r[3] for r in rows} == {"claim:002-sponsors"}


def test_cli_why_unknown_value_says_so(runner: CliRunner) -> None:
    result = runner.invoke(app, ["why", "gse:gse2022", "schema:sponsor", "gse:unesco"])
    assert result.exit_code == 0
    assert "the graph neither states nor derives gse:gse2022 schema:sponsor gse:unesco" in (
        result.stderr
    )


def test_why_of_a_value_the_graph_lacks_says_so(runner: CliRunner) -> None:
    result = runner.invoke(app, ["why", "BNU", "rdf:type", "schema:Person", "-f", "json"])
    assert result.exit_code == 0
    assert result.stdout.strip() == "[]"
    assert "the graph neither states nor derives BNU rdf:type schema:Person" in result.stderr
