"""Remote endpoints: push to and query a real Oxigraph server, serve the graph to SPARQLWrapper,
and clear errors for dead, slow and failing servers."""

from __future__ import annotations

import http.server
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from gsekg import queries
from gsekg.endpoint import Client, push
from gsekg.engines import EndpointEngine, Engine, OxigraphEngine, open_engine
from gsekg.errors import EngineError, InputError, QueryTimeoutError
from gsekg.server import Server, oxigraph_binary
from gsekg.terms import QueryResult

GSE = "https://w3id.org/gsekg/id/"
QUERIES = [
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",
    "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT ?c (COUNT(*) AS ?n) WHERE { GRAPH ?c { ?s ?p ?o } } GROUP BY ?c",
    "SELECT ?x WHERE { ?x a gso:Organisation }",
    "SELECT ?claim ?src WHERE { ?claim a gso:Claim ; prov:wasDerivedFrom ?src }",
    "ASK { ?s a gso:ConferenceEdition }",
    "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t }",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def without_blank_labels(result: QueryResult) -> Counter[tuple[object, ...]]:
    """Rows (or triples) as a multiset, blank nodes all alike: servers relabel them."""

    def cell(term: object) -> object:
        return "_:b" if isinstance(term, ox.BlankNode) else term

    if result.kind == "graph":
        return Counter((cell(t.subject), t.predicate, cell(t.object)) for t in result.triples)
    if result.kind == "ask":
        return Counter([(result.boolean,)])
    return Counter(tuple(cell(c) for c in row) for row in result.rows)


@pytest.fixture(scope="module")
def local(bundled: OxigraphEngine) -> OxigraphEngine:
    """The session's bundled store (conftest)."""
    assert bundled.location is not None
    return bundled


@pytest.fixture(scope="module")
def pushed(local: OxigraphEngine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A writable Oxigraph server holding what ``push`` sent."""
    folder = tmp_path_factory.mktemp("remote") / "store"
    with Server(folder, port=free_port(), read_only=False) as server:
        push(local.quads(), server.base + "/store", timeout=60)
        yield server


@pytest.mark.server
def test_push_then_queries_answer_as_embedded(local: OxigraphEngine, pushed: Server) -> None:
    remote = open_engine(endpoint=pushed.url)
    assert isinstance(remote, EndpointEngine)
    for sparql in QUERIES:
        assert without_blank_labels(remote.query(sparql)) == without_blank_labels(
            local.query(sparql)
        ), sparql
    assert remote.named_graphs() == local.named_graphs()


SAVED = queries.catalog()


@pytest.mark.server
@pytest.mark.parametrize("saved", SAVED, ids=[q.name for q in SAVED])
def test_every_saved_query_answers_remotely_as_embedded(
    local: OxigraphEngine, pushed: Server, saved: queries.SavedQuery
) -> None:
    remote = open_engine(endpoint=pushed.url)
    _, expected = queries.run_saved(saved.name, local)
    _, actual = queries.run_saved(saved.name, remote)
    assert queries.same_rows(actual, expected, ordered=saved.header.ordered)


@pytest.mark.server
def test_parameters_travel_as_a_values_block(local: OxigraphEngine, pushed: Server) -> None:
    remote = open_engine(endpoint=pushed.url)
    sparql = "SELECT (COUNT(*) AS ?n) WHERE { ?edition ?p ?o }"
    for edition in (ox.NamedNode(GSE + "gse2022"), ox.Literal('no"such} thing')):
        bound = {"edition": edition}
        assert (
            remote.query(sparql, substitutions=bound).rows
            == local.query(sparql, substitutions=bound).rows
        )


@pytest.mark.server
def test_remote_queries_keep_the_local_safety_rules(pushed: Server) -> None:
    remote = open_engine(endpoint=pushed.url)
    with pytest.raises(InputError, match=r"^query:2:"):
        remote.query("SELECT *\nWHERE { ?s ?p }")
    with pytest.raises(InputError, match="update"):
        remote.query("DROP ALL")


@pytest.mark.server
def test_push_from_the_command_line(run_gsekg: object, tmp_path: Path) -> None:
    data = tmp_path / "g.trig"
    data.write_text(
        "<https://w3id.org/gsekg/claim/x> { <http://example.org/a> <http://example.org/p> 1 . }\n",
        encoding="utf-8",
    )
    with Server(tmp_path / "store", port=free_port(), read_only=False) as server:
        result = run_gsekg(  # type: ignore[operator]
            "push", "--endpoint", server.base + "/store", "--data", data, timeout=120
        )
        assert result.returncode == 0, result.stderr
        assert "Pushed 2 graphs (2 triples)" in result.stderr
        remote = open_engine(endpoint=server.url)
        assert remote.query("ASK { GRAPH claim:x { ?s ?p 1 } }").boolean is True
        assert remote.query("ASK { ?s ?p 1 }").boolean is True


@pytest.mark.server
def test_serve_answers_sparqlwrapper_in_every_format(local: OxigraphEngine) -> None:
    from SPARQLWrapper import CSV, JSON, POST, TSV, XML, SPARQLWrapper

    assert local.location is not None
    sparql = "SELECT ?claim WHERE { ?claim a <https://w3id.org/gsekg/ontology#Claim> }"
    expected = {row[0].value for row in local.query(sparql).rows}  # type: ignore[union-attr]
    with Server(local.location / "store", port=free_port()) as server:
        client = SPARQLWrapper(server.url)
        client.setQuery(sparql)
        client.setReturnFormat(JSON)
        bindings = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
        assert {b["claim"]["value"] for b in bindings} == expected
        client.setMethod(POST)
        client.setReturnFormat(XML)
        document = client.queryAndConvert()
        assert len(document.getElementsByTagName("result")) == len(expected)  # type: ignore[union-attr]
        for fmt in (CSV, TSV):
            client.setReturnFormat(fmt)
            lines = client.queryAndConvert().decode().strip().splitlines()  # type: ignore[union-attr]
            assert len(lines) == len(expected) + 1
        update = urllib.request.Request(
            server.base + "/update",
            data=b"INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }",
            headers={"Content-Type": "application/sparql-update"},
            method="POST",
        )
        with pytest.raises(urllib.error.HTTPError, match="403"):
            urllib.request.urlopen(update, timeout=10)


@pytest.mark.server
def test_serve_from_the_command_line(tmp_path: Path) -> None:
    from SPARQLWrapper import JSON, SPARQLWrapper

    data = tmp_path / "g.ttl"
    data.write_text("<http://example.org/a> <http://example.org/p> 42 .\n", encoding="utf-8")
    port = free_port()
    command = [sys.executable, "-m", "gsekg", "serve", "--port", str(port), "--data", str(data)]
    process = subprocess.Popen(
        [*command, "--cache-dir", str(tmp_path / "cache")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        client = SPARQLWrapper(f"http://127.0.0.1:{port}/query")
        client.setQuery("SELECT ?o WHERE { ?s ?p ?o }")
        client.setReturnFormat(JSON)
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            try:
                answer = client.queryAndConvert()
                break
            except OSError:
                assert time.monotonic() < deadline, "gsekg serve never answered"
                time.sleep(0.1)
        assert answer["results"]["bindings"][0]["o"]["value"] == "42"  # type: ignore[index]
    finally:
        process.terminate()
        try:
            process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
    # stopping gsekg serve stopped Oxigraph's server too
    with pytest.raises(OSError):
        client.query()


def test_the_oxigraph_server_is_installed() -> None:
    assert oxigraph_binary().is_file()


ONE_ROW = json.dumps(
    {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "1"}}]}}
).encode()


class _Handler(http.server.BaseHTTPRequestHandler):
    """A fake endpoint: its behaviour comes from the server's ``mode``."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        server: _FakeServer = self.server  # type: ignore[assignment]
        server.seen.append(dict(self.headers))
        if server.mode == "slow":
            time.sleep(3)
        status = {"fail": 500, "auth": 401}.get(server.mode, 200)
        body = b"boom: the store is on fire" if status != 200 else ONE_ROW
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test)

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


class _FakeServer(http.server.ThreadingHTTPServer):
    mode = "ok"
    seen: list[dict[str, str]]
    daemon_threads = True


@pytest.fixture
def fake() -> Iterator[_FakeServer]:
    server = _FakeServer(("127.0.0.1", 0), _Handler)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def url_of(server: _FakeServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/sparql"


def test_a_dead_endpoint_is_an_engine_error() -> None:
    engine: Engine = open_engine(endpoint=f"http://127.0.0.1:{free_port()}/sparql")
    with pytest.raises(EngineError, match="cannot reach") as caught:
        engine.query("ASK {}", timeout=5)
    assert caught.value.exit_code == 4


def test_a_slow_endpoint_times_out(fake: _FakeServer) -> None:
    fake.mode = "slow"
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match=r"did not answer within 0\.5 s"):
        open_engine(endpoint=url_of(fake)).query("SELECT ?x WHERE { ?x ?p ?o }", timeout=0.5)
    assert time.monotonic() - started < 2.5


def test_a_failing_endpoint_reports_status_and_body(fake: _FakeServer) -> None:
    fake.mode = "fail"
    with pytest.raises(EngineError, match=r"HTTP 500.*store is on fire"):
        open_engine(endpoint=url_of(fake)).query("SELECT ?x WHERE { ?x ?p ?o }")


def test_refused_credentials_point_at_the_environment(fake: _FakeServer) -> None:
    fake.mode = "auth"
    with pytest.raises(EngineError, match=r"HTTP 401.*GSEKG_ENDPOINT_TOKEN"):
        open_engine(endpoint=url_of(fake)).query("SELECT ?x WHERE { ?x ?p ?o }")


def test_credentials_come_from_the_environment(
    fake: _FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = open_engine(endpoint=url_of(fake))
    result = engine.query("SELECT ?x WHERE { ?x ?p ?o }")
    assert result.rows == [(ox.Literal("1"),)]
    assert "Authorization" not in fake.seen[-1]
    monkeypatch.setenv("GSEKG_ENDPOINT_USER", "ada")
    monkeypatch.setenv("GSEKG_ENDPOINT_PASSWORD", "s3cret")
    engine.query("SELECT ?x WHERE { ?x ?p ?o }")
    assert fake.seen[-1]["Authorization"] == "Basic YWRhOnMzY3JldA=="
    monkeypatch.setenv("GSEKG_ENDPOINT_TOKEN", "tok")
    engine.query("SELECT ?x WHERE { ?x ?p ?o }")
    assert fake.seen[-1]["Authorization"] == "Bearer tok"


def test_a_bad_endpoint_url_is_a_bad_input() -> None:
    with pytest.raises(InputError, match="not an http"):
        Client("ftp://example.org/sparql")


def test_help_shows_no_credential_flag() -> None:
    from typer.testing import CliRunner

    from gsekg.cli.app import app

    for command in ("push", "serve"):
        text = CliRunner().invoke(app, [command, "--help"]).stdout
        assert "--password" not in text and "--token" not in text and "--user" not in text
