"""Booleans and durations a server answers in its own encoding (Virtuoso 7: ``0``/``1``, months,
seconds) come back in the canonical form the embedded store prints."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from gsekg.canonical import canonical
from gsekg.endpoint import Client

XSD = "http://www.w3.org/2001/XMLSchema#"

# (what the data says, its datatype, what Virtuoso 7.2 answers, canonical form)
ENCODED = [
    ("false", "boolean", "0", "false"),
    ("true", "boolean", "1", "true"),
    ("P2Y", "duration", "24", "P2Y"),
    ("P1Y6M", "duration", "18", "P1Y6M"),
    ("P24M", "duration", "24", "P2Y"),
    ("-P1Y", "duration", "-12", "-P1Y"),
    ("P2Y", "yearMonthDuration", "24", "P2Y"),
    ("P0Y", "yearMonthDuration", "0", "P0M"),
    ("P3D", "duration", "259200.0", "P3D"),
    ("PT5H", "duration", "18000.0", "PT5H"),
    ("-PT90M", "duration", "-5400.0", "-PT1H30M"),
    ("PT1.5S", "duration", "1.5", "PT1.5S"),
    ("P0D", "duration", "0.0", "PT0S"),
    ("P100000000D", "duration", "8.64e+12", "P100000000D"),
    ("PT5H", "dayTimeDuration", "18000.0", "PT5H"),
]


def literal(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


@pytest.mark.parametrize(("stated", "datatype", "encoded", "expected"), ENCODED)
def test_a_server_encoding_reads_back_canonical(
    stated: str, datatype: str, encoded: str, expected: str
) -> None:
    assert canonical(literal(encoded, datatype)) == literal(expected, datatype)


@pytest.mark.parametrize(("stated", "datatype", "encoded", "expected"), ENCODED)
def test_the_canonical_form_is_the_embedded_stores(
    stated: str, datatype: str, encoded: str, expected: str
) -> None:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), literal(stated, datatype)))
    [row] = store.query("SELECT ?o WHERE { ?s ?p ?o }")
    assert row["o"] == literal(expected, datatype)


@pytest.mark.parametrize(
    "term",
    [
        literal("true", "boolean"),
        literal("P1Y2M3DT4H", "duration"),  # Virtuoso keeps a mixed duration as written
        literal("PT0.001S", "duration"),
        literal("24", "integer"),
        literal("1", "string"),
        ox.Literal("24"),
        literal("12", "dayTimeDuration"),  # no day-time duration is a whole number of months
        literal("9" * 30, "duration"),  # more months than fit: left as it came
        literal("1e999", "duration"),  # more seconds than a Decimal divides
        literal("nan", "duration"),
    ],
    ids=str,
)
def test_other_literals_are_left_alone(term: ox.Literal) -> None:
    assert canonical(term) is term


class _Virtuoso(http.server.BaseHTTPRequestHandler):
    """Answers every query as Virtuoso 7.2 does for a boolean and a duration."""

    def do_POST(self) -> None:
        query = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if b"CONSTRUCT" in query:
            kind = "application/n-triples"
            body = f'<urn:s> <urn:p> "24"^^<{XSD}duration> .\n'.encode()
        else:
            kind = "application/sparql-results+json"
            cells = {
                "b": {"type": "typed-literal", "datatype": XSD + "boolean", "value": "0"},
                "d": {"type": "typed-literal", "datatype": XSD + "duration", "value": "24"},
            }
            body = json.dumps({"head": {"vars": ["b", "d"]}, "results": {"bindings": [cells]}})
            body = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


@pytest.fixture
def virtuoso_like() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Virtuoso)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_endpoint_answers_are_read_in_canonical_form(virtuoso_like: str) -> None:
    client = Client(virtuoso_like)
    rows = client.query("SELECT ?b ?d WHERE {}", form="SELECT", timeout=10).rows
    assert rows == [(literal("false", "boolean"), literal("P2Y", "duration"))]
    triples = client.query("CONSTRUCT {} WHERE {}", form="CONSTRUCT", timeout=10).triples
    assert [t.object for t in triples] == [literal("P2Y", "duration")]
