"""Rendering results: W3C formats byte-identical to pyoxigraph's, tables with compact names."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from gsekg.errors import InputError
from gsekg.namespaces import PREFIXES
from gsekg.render import choose_format, rdf_bytes, result_bytes, used_prefixes

MINI = Path(__file__).parent / "fixtures" / "mini.trig"


@dataclass
class Result:
    """The shape of ``gsekg.terms.QueryResult``, filled straight from pyoxigraph."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.load(path=MINI, format=ox.RdfFormat.TRIG)
    return store


def run(store: ox.Store, sparql: str) -> tuple[Result, Any]:
    """Our result and pyoxigraph's own (a fresh run, for comparing serialisations)."""
    raw = store.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True)
    again = store.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True)
    if isinstance(raw, ox.QueryBoolean):
        return Result("ask", boolean=bool(raw)), again
    if isinstance(raw, ox.QueryTriples):
        return Result("graph", triples=list(raw)), again
    variables = [v.value for v in raw.variables]
    return Result("select", variables, [tuple(s[v] for v in variables) for s in raw]), again


SELECT = """SELECT ?edition ?start ?label ?none WHERE {
    ?edition a gso:ConferenceEdition ; skos:prefLabel ?label .
    OPTIONAL { ?edition schema:startDate ?start }
    OPTIONAL { ?edition gso:nothing ?none }
} ORDER BY ?edition"""


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_select_formats_match_pyoxigraph(store: ox.Store, fmt: str) -> None:
    ours, theirs = run(store, SELECT)
    expected = theirs.serialize(format=getattr(ox.QueryResultsFormat, fmt.upper()))
    assert result_bytes(ours, fmt).rstrip(b"\n") == expected.rstrip(b"\n")


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_ask_formats_match_pyoxigraph(store: ox.Store, fmt: str) -> None:
    ours, theirs = run(store, "ASK { gse:gse2020 schema:startDate ?d }")
    expected = theirs.serialize(format=getattr(ox.QueryResultsFormat, fmt.upper()))
    assert result_bytes(ours, fmt).rstrip(b"\n") == expected.rstrip(b"\n")


def test_json_results_keep_full_iris_and_types(store: ox.Store) -> None:
    ours, _ = run(store, SELECT)
    document = json.loads(result_bytes(ours, "json"))
    assert document["head"]["vars"] == ["edition", "start", "label", "none"]
    first = document["results"]["bindings"][0]
    assert first["edition"] == {"type": "uri", "value": PREFIXES["gse"] + "gse2020"}
    assert first["start"]["datatype"] == PREFIXES["xsd"] + "date"
    assert first["label"]["xml:lang"] == "en"
    assert "none" not in first


def test_csv_is_plain_w3c_csv(store: ox.Store) -> None:
    ours, _ = run(store, SELECT)
    lines = result_bytes(ours, "csv").decode().splitlines()
    assert lines[0] == "edition,start,label,none"
    assert lines[1] == (
        "https://w3id.org/gsekg/id/gse2020,2020-08-20,Global Smart Education Conference 2020,"
    )


def test_limit_cuts_rows(store: ox.Store) -> None:
    ours, _ = run(store, SELECT)
    assert len(result_bytes(ours, "csv", limit=1).decode().splitlines()) == 2
    assert len(result_bytes(ours, "csv", limit=0).decode().splitlines()) == 1


def test_markdown_uses_compact_names_and_escapes_pipes() -> None:
    result = Result(
        "select",
        ["org", "note"],
        [(ox.NamedNode(PREFIXES["gse"] + "unesco-iite"), ox.Literal("a|b\nc")), (None, None)],
    )
    assert result_bytes(result, "markdown").decode() == (
        "| org | note |\n| --- | --- |\n| gse:unesco-iite | a\\|b c |\n|  |  |\n"
    )


def test_ask_markdown() -> None:
    assert (
        result_bytes(Result("ask", boolean=False), "markdown")
        == b"| boolean |\n| --- |\n| false |\n"
    )


@pytest.mark.parametrize(
    ("kind", "requested", "output", "tty", "expected"),
    [
        ("select", None, None, True, "table"),
        ("select", None, None, False, "csv"),
        ("ask", None, None, False, "csv"),
        ("select", "json", None, True, "json"),
        ("select", None, "out.tsv", True, "tsv"),
        ("select", None, "out.srx", False, "xml"),
        ("select", None, "out.md", False, "markdown"),
        ("select", None, "out", True, "csv"),
        ("select", "tsv", "out.json", False, "tsv"),
        ("graph", None, None, True, "turtle"),
        ("graph", None, None, False, "turtle"),
        ("graph", None, "out.jsonld", False, "json-ld"),
        ("graph", None, "out.json", False, "json-ld"),
        ("graph", None, "out.nt", False, "ntriples"),
        ("graph", None, "out.rdf", False, "xml"),
        ("graph", "xml", None, False, "xml"),
    ],
)
def test_choose_format(
    kind: str, requested: str | None, output: str | None, tty: bool, expected: str
) -> None:
    assert choose_format(kind, requested, Path(output) if output else None, tty) == expected


@pytest.mark.parametrize(("kind", "output"), [("select", "out.unknown"), ("graph", "out.xyz")])
def test_choose_format_refuses_an_unknown_extension(kind: str, output: str) -> None:
    with pytest.raises(InputError, match="cannot tell the format"):
        choose_format(kind, None, Path(output), False)


@pytest.mark.parametrize(("kind", "requested"), [("select", "turtle"), ("graph", "csv")])
def test_choose_format_refuses_a_misfit(kind: str, requested: str) -> None:
    with pytest.raises(InputError, match="does not fit"):
        choose_format(kind, requested, None, False)


def test_turtle_declares_only_used_prefixes(store: ox.Store) -> None:
    ours, _ = run(store, "CONSTRUCT { ?e schema:startDate ?d } WHERE { ?e schema:startDate ?d }")
    text = rdf_bytes(ours.triples, "turtle").decode()
    declared = {line.split()[1] for line in text.splitlines() if line.startswith("@prefix")}
    assert declared == {"gse:", "schema:", "xsd:"}
    back = ox.parse(text, format=ox.RdfFormat.TURTLE)
    assert {ox.Triple(q.subject, q.predicate, q.object) for q in back} == set(ours.triples)


def test_used_prefixes_sees_datatypes_and_graphs() -> None:
    quad = ox.Quad(
        ox.NamedNode(PREFIXES["gse"] + "a"),
        ox.NamedNode("http://example.org/p"),
        ox.Literal("2020", datatype=ox.NamedNode(PREFIXES["xsd"] + "gYear")),
        ox.NamedNode(PREFIXES["claim"] + "000-x"),
    )
    assert list(used_prefixes([quad])) == ["gse", "claim", "xsd"]


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "xml", "json-ld"])
def test_graph_formats_round_trip(store: ox.Store, fmt: str) -> None:
    ours, _ = run(store, "CONSTRUCT WHERE { ?s ?p ?o }")
    data = rdf_bytes(ours.triples, fmt)
    names = {"turtle": "TURTLE", "ntriples": "N_TRIPLES", "xml": "RDF_XML", "json-ld": "JSON_LD"}
    back = ox.parse(data, format=getattr(ox.RdfFormat, names[fmt]))
    assert {ox.Triple(q.subject, q.predicate, q.object) for q in back} == set(ours.triples)


def test_json_ld_has_a_context_of_short_keys(store: ox.Store) -> None:
    ours, _ = run(
        store, "CONSTRUCT { ?e skos:prefLabel ?l } WHERE { ?e a gso:Company ; skos:prefLabel ?l }"
    )
    document = json.loads(rdf_bytes(ours.triples, "json-ld"))
    assert document["@context"] == {"gse": PREFIXES["gse"], "skos": PREFIXES["skos"]}
    assert document["@id"] == "gse:netdragon"
    assert document["skos:prefLabel"] == {"@language": "en", "@value": "NetDragon"}


def test_quads_refused_for_a_triple_format() -> None:
    quad = ox.Quad(
        ox.NamedNode("http://e/a"),
        ox.NamedNode("http://e/p"),
        ox.Literal("x"),
        ox.NamedNode("http://e/g"),
    )
    with pytest.raises(InputError, match="cannot write turtle"):
        rdf_bytes([quad], "turtle")
