"""The language-model plug-in: its answers pass the same grounding check, or are dropped.

A stand-in OpenAI-compatible server on 127.0.0.1 (a free port, stopped by the test)
answers with canned facts: some grounded, some not.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from gsekg.errors import EngineError
from gsekg.extract import extract
from gsekg.extract.known import KnownIndex

DATA = Path(__file__).resolve().parents[1] / "data"
TEXT = (
    "GSE 2022 was held in Beijing from 18 to 20 August 2022. "
    "It was sponsored by Lenovo, among others."
)
FACTS = [
    # grounded: evidence verbatim, names known, the date's parts inside the span
    {"subject": "GSE 2022", "property": "endDate", "value": "2022-08-20",
     "evidence": "GSE 2022 was held in Beijing from 18 to 20 August 2022"},
    # evidence not in the article: dropped
    {"subject": "GSE 2022", "property": "sponsor", "value": "iFlytek",
     "evidence": "It was sponsored by iFlytek"},
    # evidence real, but the date it states is not in it: dropped by the grounding check
    {"subject": "GSE 2022", "property": "startDate", "value": "2022-09-01",
     "evidence": "GSE 2022 was held in Beijing"},
    # an unknown name: dropped
    {"subject": "GSE 2022", "property": "sponsor", "value": "Acme Learning",
     "evidence": "It was sponsored by Lenovo"},
    # not a property we take: dropped
    {"subject": "GSE 2022", "property": "weather", "value": "sunny",
     "evidence": "GSE 2022 was held in Beijing"},
]  # fmt: skip


class _Handler(BaseHTTPRequestHandler):
    answer: bytes = b""
    asked: ClassVar[list[dict[str, object]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.asked.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.answer)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def server() -> Iterator[tuple[str, type[_Handler]]]:
    handler = type("Handler", (_Handler,), {"asked": []})
    httpd = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1", handler
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _chat(content: str) -> bytes:
    return json.dumps({"choices": [{"message": {"content": content}}]}).encode()


@pytest.mark.server
def test_only_grounded_model_facts_are_kept(server: tuple[str, type[_Handler]]) -> None:
    url, handler = server
    handler.answer = _chat(json.dumps({"facts": FACTS}))
    known = KnownIndex.from_files(
        sorted(p for p in DATA.iterdir() if p.suffix in {".ttl", ".trig"})
    )
    found = [
        c
        for c in extract("900_0", TEXT, known, llm=(url, "test-model"))
        if c.rule.startswith("llm.")
    ]
    assert [(c.kind, c.triples) for c in found] == [
        ("date", [("gse:gse2022", "schema:endDate", '"2022-08-20"^^xsd:date')])
    ]
    assert found[0].rule == "llm.test-model" and found[0].confidence < 0.8
    (request,) = handler.asked
    assert request["model"] == "test-model"


@pytest.mark.server
@pytest.mark.parametrize("answer", [b"not json", _chat("no facts here"), b'{"choices": []}'])
def test_a_bad_answer_is_an_engine_error(server: tuple[str, type[_Handler]], answer: bytes) -> None:
    url, handler = server
    handler.answer = answer
    known = KnownIndex.from_files([DATA / "entities.ttl"])
    with pytest.raises(EngineError, match="not the JSON asked for"):
        extract("900_0", TEXT, known, llm=(url, "m"))


def test_no_endpoint_is_an_engine_error() -> None:
    known = KnownIndex.from_files([DATA / "entities.ttl"])
    with pytest.raises(EngineError, match=r"language model at http://127\.0\.0\.1:9/v1"):
        extract("900_0", TEXT, known, llm=("http://127.0.0.1:9/v1", "m"))
