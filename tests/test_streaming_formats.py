"""Every streamed format, --limit and --endpoint: the bytes written as rows come equal those of
the whole result rendered at once, and a failure half-way is one clean ``Error:`` line."""

from __future__ import annotations

import http.server
import io
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from conftest import RunGsekg
from gsekg import render, streaming
from gsekg.cli import app
from gsekg.engines import Engine, OxigraphEngine, open_engine
from gsekg.namespaces import GSE

SELECTS = {
    "every triple": "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o",
    "unbound cells": (
        "SELECT ?org ?label ?year WHERE { ?org a gso:Organisation "
        "OPTIONAL { ?org skos:altLabel ?label } OPTIONAL { ?org gso:year ?year } }"
    ),
}
GRAPHS = {
    "every triple": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "claim graphs": "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
    "describe": "DESCRIBE gse:unesco-iite",
    "types only": "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t }",
}
LIMITS = [None, 0, 1, 17]


def streamed(engine: Engine, sparql: str, fmt: str, limit: int | None) -> bytes:
    sink = io.BytesIO()
    assert engine.stream(sparql, fmt, sink, limit=limit) is not None
    return sink.getvalue()


def materialised(engine: Engine, sparql: str, fmt: str, limit: int | None) -> bytes:
    return render.result_bytes(engine.query(sparql), fmt, limit)


@pytest.mark.parametrize("limit", LIMITS, ids=str)
@pytest.mark.parametrize("fmt", streaming.SOLUTION_FORMATS)
@pytest.mark.parametrize("name", SELECTS)
def test_streamed_rows_equal_the_whole_result(
    bundled: OxigraphEngine, name: str, fmt: str, limit: int | None
) -> None:
    sparql = SELECTS[name]
    data = streamed(bundled, sparql, fmt, limit)
    assert data == materialised(bundled, sparql, fmt, limit)
    rows = len(bundled.query(sparql).rows)
    assert rows > 20
    if fmt == "tsv":  # one line per row in TSV, whatever the literals hold
        assert data.count(b"\n") == 1 + (rows if limit is None else limit)


@pytest.mark.parametrize("limit", LIMITS, ids=str)
@pytest.mark.parametrize("fmt", streaming.GRAPH_FORMATS)
@pytest.mark.parametrize("name", GRAPHS)
def test_streamed_triples_equal_the_whole_result(
    bundled: OxigraphEngine, name: str, fmt: str, limit: int | None
) -> None:
    sparql = GRAPHS[name]
    assert streamed(bundled, sparql, fmt, limit) == materialised(bundled, sparql, fmt, limit)


def test_turtle_declares_the_prefixes_of_the_kept_triples_only(bundled: OxigraphEngine) -> None:
    sparql = "CONSTRUCT { gse:unesco-iite a ?t } WHERE { gse:unesco-iite a ?t } ORDER BY ?t"
    # its types, sorted: org:Organization, prov:Agent, schema:Organization, gso:Organisation, …
    assert streamed(bundled, sparql, "turtle", 1).decode() == (
        "@prefix gse: <https://w3id.org/gsekg/id/> .\n"
        "@prefix org: <http://www.w3.org/ns/org#> .\n"
        "gse:unesco-iite a org:Organization .\n"
    )
    whole = streamed(bundled, sparql, "turtle", None).decode()
    declared = [line.split()[1] for line in whole.splitlines() if line.startswith("@prefix")]
    assert sorted(declared) == ["gse:", "gso:", "org:", "prov:", "schema:"]


def test_a_string_with_a_direction_keeps_it() -> None:
    store = ox.Store()
    rtl = ox.Literal("x", language="ar", direction=ox.BaseDirection.RTL)
    store.add(ox.Quad(ox.NamedNode(ORG), ox.NamedNode(SKOS + "prefLabel"), rtl))
    engine = OxigraphEngine(store)
    sparql = "SELECT ?o WHERE { ?s ?p ?o }"
    for fmt in ("json", "xml", "tsv"):
        whole = streamed(engine, sparql, fmt, None)
        assert whole == streamed(engine, sparql, fmt, 1) == materialised(engine, sparql, fmt, None)
    assert b'"its:dir":"rtl"' in streamed(engine, sparql, "json", 1)
    assert streamed(engine, sparql, "tsv", None) == b'?o\n"x"@ar--rtl\n'


def test_json_ld_and_the_table_are_not_streamed(bundled: OxigraphEngine) -> None:
    assert not bundled.streams("graph", "json-ld")
    assert not bundled.streams("select", "table")
    assert not bundled.streams("ask", "csv")
    assert bundled.stream("DESCRIBE gse:bnu", "json-ld", io.BytesIO()) is None


# --- the prefix scan against the prefixes of the whole result, on hand-made triples ---

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = GSE + "unesco-iite"


def t(s: str, p: str, o: ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple) -> ox.Triple:
    return ox.Triple(ox.NamedNode(s), ox.NamedNode(p), o)


PREFIX_CASES = {
    "type is written a": (
        [t(ORG, RDF + "type", ox.NamedNode(SCHEMA + "Organization"))],
        ["gse", "schema"],
    ),
    "a namespace in a literal": (
        [t(ORG, SKOS + "note", ox.Literal("see <https://schema.org/x>"))],
        ["gse", "skos"],
    ),
    "a local name no prefix can take": (
        [t(ORG, SCHEMA + "url", ox.NamedNode(SCHEMA + "a/b"))],
        ["gse", "schema"],
    ),
    "only such local names": ([t(GSE + "a/b", SCHEMA + "a/b", ox.NamedNode(SCHEMA + "c/d"))], []),
    "a datatype": (
        [t(ORG, SCHEMA + "foundingDate", ox.Literal("1950", datatype=ox.NamedNode(XSD + "gYear")))],
        ["gse", "schema", "xsd"],
    ),
    "plain and tagged strings": (
        [
            t(ORG, SKOS + "prefLabel", ox.Literal("IITE", language="en")),
            t(ORG, SKOS + "altLabel", ox.Literal("I")),
        ],
        ["gse", "skos"],
    ),
    "a directional string": (
        [
            t(
                ORG,
                SKOS + "prefLabel",
                ox.Literal("x", language="ar", direction=ox.BaseDirection.RTL),
            )
        ],
        ["gse", "skos", "rdf"],
    ),
    "a blank node": ([t(ORG, SCHEMA + "address", ox.BlankNode("b1"))], ["gse", "schema"]),
    "a quoted triple is not looked into": (
        [
            t(
                ORG,
                SKOS + "note",
                ox.Triple(
                    ox.NamedNode(SCHEMA + "x"), ox.NamedNode(XSD + "y"), ox.NamedNode(SCHEMA + "z")
                ),
            )
        ],
        ["gse", "skos"],
    ),
    "nothing": ([], []),
}


@pytest.mark.parametrize("name", PREFIX_CASES)
def test_the_prefix_scan_agrees_with_the_whole_result(name: str) -> None:
    triples, expected = PREFIX_CASES[name]
    found = streaming.used_prefixes(iter(triples))
    assert sorted(found) == sorted(expected)
    assert found == render.used_prefixes(triples)


def test_the_prefix_scan_sees_a_line_split_between_writes() -> None:
    scan = streaming._PrefixScan()
    line = b'<https://w3id.org/gsekg/id/x> <https://schema.org/name> "n" .\n'
    for piece in (line[:20], line[20:45], line[45:], b"<a:b> <a:c> <http://www.w3.org/ns/org#x> ."):
        scan.write(piece)
    scan.finish()
    assert scan.found == {"gse", "schema", "org"}


# --- through the command line: --limit, --timeout, -o ---


@pytest.mark.parametrize("extra", [[], ["--timeout", "60"]], ids=["direct", "timeout"])
def test_turtle_with_a_limit_in_a_real_process(
    run_gsekg: RunGsekg, bundled: OxigraphEngine, extra: list[str]
) -> None:
    # sorted and without blank nodes: the same bytes even if the process reads a rebuilt store
    sparql = (
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) } "
        "ORDER BY ?s ?p ?o"
    )
    done = run_gsekg("query", sparql, "-f", "turtle", "--limit", "40", *extra)
    assert done.returncode == 0, done.stderr
    assert done.stdout.encode() == materialised(bundled, sparql, "turtle", 40)


def test_streamed_turtle_to_a_file_is_atomic(run_gsekg: RunGsekg, tmp_path: Path) -> None:
    out = tmp_path / "graph.ttl"
    done = run_gsekg("query", GRAPHS["describe"], "-o", out)
    assert done.returncode == 0, done.stderr
    assert out.read_text().startswith("@prefix ")
    assert "gse:unesco-iite" in out.read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


def test_markdown_limit_through_the_cli(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["query", SELECTS["every triple"], "-f", "markdown", "--limit", "2"]
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "| s | p | o |"
    assert lines[1] == "| --- | --- | --- |"
    assert len(lines) == 4


# --- --endpoint: a real Oxigraph server holding the pushed bundled graph ---


@pytest.mark.server
@pytest.mark.parametrize("limit", [None, 3], ids=str)
@pytest.mark.parametrize(
    ("name", "fmt"),
    [(n, f) for n in SELECTS for f in streaming.SOLUTION_FORMATS]
    + [(n, f) for n in GRAPHS for f in streaming.ONE_PASS_GRAPH_FORMATS],
)
def test_endpoint_answers_stream_as_they_arrive(
    oxigraph_server: str, name: str, fmt: str, limit: int | None
) -> None:
    remote = open_engine(endpoint=oxigraph_server)
    sparql = SELECTS.get(name) if fmt in streaming.SOLUTION_FORMATS else GRAPHS[name]
    assert sparql is not None
    assert remote.streams("select" if sparql.startswith("SELECT") else "graph", fmt)
    data = streamed(remote, sparql, fmt, limit)
    assert data == materialised(remote, sparql, fmt, limit)
    assert len(data) > 100


@pytest.mark.server
def test_endpoint_rows_equal_the_local_ones(
    oxigraph_server: str, bundled: OxigraphEngine, run_gsekg: RunGsekg
) -> None:
    sparql = (
        "SELECT ?org ?name WHERE { ?org a gso:Organisation ; skos:prefLabel ?name } "
        "ORDER BY ?org ?name"
    )
    remote = run_gsekg("query", sparql, "-f", "csv", "--endpoint", oxigraph_server)
    assert remote.returncode == 0, remote.stderr
    local = streamed(bundled, sparql, "csv", None).decode()
    assert remote.stdout == local.replace("\r\n", "\n")  # run_gsekg reads text mode
    assert f"{GSE}unesco-iite," in remote.stdout


def test_endpoint_turtle_is_still_whole(oxigraph_server: str) -> None:
    remote = open_engine(endpoint=oxigraph_server)
    assert not remote.streams("graph", "turtle")


# --- a fake endpoint that fails half-way ---

HEAD = b'{"head":{"vars":["x"]},"results":{"bindings":['
ROW = b'{"x":{"type":"literal","value":"1"}}'


@dataclass(frozen=True)
class Reply:
    """What the fake endpoint sends: status, media type, body, and a pause before the end."""

    body: bytes
    status: int = 200
    media_type: str = "application/sparql-results+json"
    pause: float = 0.0
    length: int | None = None


REPLIES = {
    "ok": Reply(HEAD + ROW + b"," + ROW + b"]}}"),
    "virtuoso blank nodes": Reply(
        HEAD + b'{"x":{"type":"bnode","value":"nodeID://b1"}},'
        b'{"x": { "type" : "bnode",  "value" : "nodeID://b2"}}]}}'
    ),
    "garbage after rows": Reply(HEAD + ROW + b"," + ROW + b",{{{ not json"),
    "cut short": Reply(HEAD + ROW + b",", length=len(HEAD + ROW) + 500),
    "slow in the middle": Reply(HEAD + ROW + b"," + ROW + b"]}}", pause=3.0),
    "Virtuoso's booleans and durations": Reply(
        HEAD + b'{"x":{"type":"literal","datatype":"http://www.w3.org/2001/XMLSchema#boolean",'
        b'"value":"1"}},{"x":{"type":"literal","value":"24",'
        b'"datatype":"http://www.w3.org/2001/XMLSchema#duration"}}]}}'
    ),
    "server error": Reply(b"boom: the store is on fire", status=500, media_type="text/plain"),
    "bad n-triples": Reply(
        b"<http://a> <http://b> <http://c> .\n<http://a> <http://b> oops .\n",
        media_type="application/n-triples",
    ),
    "CSV, which gsekg cannot parse": Reply(b"x\r\n1\r\n", media_type="text/csv"),
}


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        reply: Reply = self.server.reply  # type: ignore[attr-defined]
        middle = len(reply.body) // 2 if reply.pause else len(reply.body)
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.media_type)
            self.send_header("Content-Length", str(reply.length or len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body[:middle])
            self.wfile.flush()
            time.sleep(reply.pause)
            self.wfile.write(reply.body[middle:])
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout case)

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


@pytest.fixture
def fake() -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@dataclass(frozen=True)
class Case:
    """A ``gsekg query --endpoint`` against a reply: exit code and start of stderr's one line."""

    reply: str
    args: tuple[str, ...]
    code: int
    message: str = ""


SELECT = "SELECT ?x WHERE { ?x ?p ?o }"
CASES = {
    "rows as CSV": Case("ok", (SELECT, "-f", "csv"), 0),
    "rows with a limit": Case("ok", (SELECT, "-f", "tsv", "--limit", "1"), 0),
    "Virtuoso's blank node labels": Case("virtuoso blank nodes", (SELECT, "-f", "csv"), 0),
    "Virtuoso's 1 and months": Case("Virtuoso's booleans and durations", (SELECT, "-f", "tsv"), 0),
    "garbage after two rows": Case(
        "garbage after rows", (SELECT, "-f", "csv"), 4, "Error: {url} sent an answer gsekg"
    ),
    "the connection ends early": Case(
        "cut short", (SELECT, "-f", "json"), 4, "Error: {url} closed the connection before the end"
    ),
    "too slow half-way": Case(
        "slow in the middle",
        (SELECT, "-f", "csv", "--timeout", "0.5"),
        4,
        "Error: {url} did not answer within 0.5 s",
    ),
    "HTTP 500": Case("server error", (SELECT, "-f", "xml"), 4, "Error: {url} answered HTTP 500"),
    "broken N-Triples": Case(
        "bad n-triples",
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "-f", "ntriples"),
        4,
        "Error: {url} sent an answer gsekg",
    ),
    "a results format gsekg cannot read": Case(
        "CSV, which gsekg cannot parse", (SELECT, "-f", "csv"), 4, "Error: {url} sent an answer"
    ),
}
EXPECTED_OUTPUT = {
    "rows as CSV": "x\r\n1\r\n1\r\n",
    "rows with a limit": '?x\n"1"\n',
    "Virtuoso's blank node labels": "x\r\n_:b1\r\n_:b2\r\n",
    "Virtuoso's 1 and months": ('?x\ntrue\n"P2Y"^^<http://www.w3.org/2001/XMLSchema#duration>\n'),
}


@pytest.mark.parametrize("name", CASES)
def test_streamed_endpoint_failures_are_one_clean_error(
    runner: CliRunner, fake: http.server.ThreadingHTTPServer, tmp_path: Path, name: str
) -> None:
    case = CASES[name]
    fake.reply = REPLIES[case.reply]  # type: ignore[attr-defined]
    url = f"http://127.0.0.1:{fake.server_address[1]}/sparql"
    out = tmp_path / "answer.out"
    out.write_text("old\n")
    started = time.monotonic()
    result = runner.invoke(app, ["query", *case.args, "--endpoint", url, "-o", out])
    assert time.monotonic() - started < 2.5
    assert result.exit_code == case.code, result.stderr
    if case.code:
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert result.stderr.startswith(case.message.format(url=url)), result.stderr
        assert out.read_text() == "old\n"  # the old output is kept whole
    else:
        assert result.stderr == ""
        assert out.read_bytes().decode() == EXPECTED_OUTPUT[name]
    assert [p.name for p in tmp_path.iterdir()] == ["answer.out"]


def test_blank_node_labels_split_across_reads() -> None:
    from gsekg.endpoint import _VIRTUOSO_BNODE, _VirtuosoBlankNodes

    body = (
        HEAD + b'{"x":{"type":"bnode","value":"nodeID://b1"}},{"x":{"type":"literal",'
        b'"value":"} nodeID://"}},{"x":{"type" : "bnode","value":"nodeID://b2"}}]}}'
    )

    class Trickle(io.RawIOBase):
        """Three bytes a read, so a label is cut wherever it can be."""

        def __init__(self) -> None:
            self.rest = body

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
            piece, self.rest = self.rest[:3], self.rest[3:]
            buffer[: len(piece)] = piece
            return len(piece)

    fixed = _VirtuosoBlankNodes(Trickle()).read()  # type: ignore[arg-type]
    assert fixed == _VIRTUOSO_BNODE.sub(rb"\1", body)
    assert b"nodeID://b" not in fixed and b'"value":"} nodeID://"' in fixed
    assert [s["x"]["value"] for s in json.loads(fixed)["results"]["bindings"]] == [
        "b1",
        "} nodeID://",
        "b2",
    ]


@pytest.mark.parametrize(
    "args",
    [
        (GRAPHS["every triple"], "-f", "turtle"),
        (GRAPHS["every triple"], "-f", "xml", "--timeout", "60"),
        (SELECTS["every triple"], "-f", "markdown"),
        (SELECTS["every triple"], "-f", "json", "--limit", "3000"),
    ],
    ids=["turtle", "rdf-xml timeout", "markdown", "json limit"],
)
def test_a_full_disk_is_one_clean_error(run_gsekg: RunGsekg, args: tuple[str, ...]) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "wb") as full:
        done = run_gsekg("query", *args, stdout=full)
    assert (done.returncode, done.stderr) == (
        1,
        "Error: cannot write the output: No space left on device\n",
    )


@pytest.mark.server
def test_a_limited_query_keeps_the_first_rows_on_every_engine(
    bundled: OxigraphEngine, oxigraph_server: str, mini: Path, cache_dir: Path
) -> None:
    rdflib = open_engine(engine="rdflib", data=[mini], with_bundled=False, cache_dir=cache_dir)
    for engine in (bundled, open_engine(endpoint=oxigraph_server), rdflib):
        whole = engine.query(SELECTS["every triple"])
        assert len(whole.rows) > 5
        assert engine.query(SELECTS["every triple"], limit=5).rows == whole.rows[:5]
        assert engine.query(SELECTS["every triple"], limit=0).variables == ["s", "p", "o"]
        graph = engine.query(GRAPHS["types only"], limit=3)
        assert len(graph.triples) == 3
        assert set(graph.triples) <= set(engine.query(GRAPHS["types only"]).triples)


def test_the_table_with_a_limit_counts_the_rows_shown(runner: CliRunner) -> None:
    result = runner.invoke(app, ["query", SELECTS["every triple"], "-f", "table", "--limit", "2"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.rstrip().endswith("2 rows")


def test_readme_turtle_with_a_limit_keeps_the_first_triples_and_their_prefixes(
    runner: CliRunner,
) -> None:
    """The README's example: UNESCO IITE is an organisation (org:Organization via
    gso:Organisation) and so a prov:Agent; ordered by type IRI, those two come first, and
    only the prefixes they use are declared."""
    from gsekg.cli import app

    query = "CONSTRUCT { gse:unesco-iite a ?t } WHERE { gse:unesco-iite a ?t } ORDER BY ?t"
    done = runner.invoke(app, ["query", query, "-f", "turtle", "--limit", "2"])
    assert done.exit_code == 0, done.stderr
    assert done.stdout.splitlines() == [
        "@prefix gse: <https://w3id.org/gsekg/id/> .",
        "@prefix prov: <http://www.w3.org/ns/prov#> .",
        "@prefix org: <http://www.w3.org/ns/org#> .",
        "gse:unesco-iite a org:Organization , prov:Agent .",
    ]
