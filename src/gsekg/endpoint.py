"""A SPARQL 1.1 Protocol client and a Graph Store Protocol push, over urllib.

Credentials come from the environment, never from a command-line flag:
``GSEKG_ENDPOINT_TOKEN`` (sent as ``Authorization: Bearer …``) or ``GSEKG_ENDPOINT_USER``
and ``GSEKG_ENDPOINT_PASSWORD`` (HTTP Basic).
"""

from __future__ import annotations

import base64
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    NamedNode,
    Quad,
    QueryResultsFormat,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
    serialize,
)

from gsekg.errors import EngineError, InputError, QueryTimeoutError
from gsekg.namespaces import sparql_prologue

if TYPE_CHECKING:
    from gsekg.terms import QueryResult

_VIRTUOSO_BNODE = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")nodeID://')
"""Virtuoso names blank nodes ``nodeID://b123`` in JSON results, which is not a valid label."""
DEFAULT_TIMEOUT = 120.0
"""Seconds to wait for each network operation when no ``timeout`` is given."""
USER_AGENT = "gsekg (SPARQL 1.1 Protocol client)"
RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"


@dataclass(frozen=True)
class PushReport:
    """What a push sent."""

    graphs: int
    triples: int


class Client:
    """Talks to one SPARQL endpoint (queries, updates) or graph store (push)."""

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise InputError(f"not an http(s) URL: {url!r}")
        self.url = url

    def query(self, sparql: str, *, form: str, timeout: float | None = None) -> QueryResult:
        """Send a query (with the gsekg prefixes predeclared) and parse the answer."""
        from gsekg.terms import QueryResult

        graph_form = form in {"CONSTRUCT", "DESCRIBE"}
        body = urllib.parse.urlencode({"query": sparql_prologue() + sparql}).encode()
        content_type, payload = self._send(
            "POST",
            self.url,
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": f"{N_TRIPLES}, text/turtle;q=0.9" if graph_form else RESULTS_JSON,
            },
            timeout,
        )
        try:
            if graph_form:
                fmt = RdfFormat.from_media_type(content_type) or RdfFormat.N_TRIPLES
                triples = [q.triple for q in parse(payload, format=fmt)]
                return QueryResult("graph", triples=triples)
            results_format = QueryResultsFormat.from_media_type(content_type)
            payload = _VIRTUOSO_BNODE.sub(rb"\1", payload)
            answer = parse_query_results(payload, format=results_format or QueryResultsFormat.JSON)
            return QueryResult.of(answer)
        except (SyntaxError, ValueError) as error:
            raise EngineError(f"{self.url} sent an answer gsekg cannot read: {error}") from None

    def update(self, sparql: str, *, timeout: float | None = None) -> None:
        """Send a SPARQL update."""
        body = (sparql_prologue() + sparql).encode()
        headers = {"Content-Type": "application/sparql-update"}
        self._send("POST", self.url, body, headers, timeout)

    def put_graph(
        self,
        graph: NamedNode | BlankNode | DefaultGraph,
        triples: Iterable[Triple],
        timeout: float | None,
    ) -> None:
        """Replace one graph of a Graph Store Protocol endpoint with ``triples``."""
        if isinstance(graph, BlankNode):
            raise InputError("a graph named by a blank node cannot be pushed")
        selector = (
            "default"
            if isinstance(graph, DefaultGraph)
            else urllib.parse.urlencode({"graph": graph.value})
        )
        url = f"{self.url}{'&' if '?' in self.url else '?'}{selector}"
        body = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
        self._send("PUT", url, body, {"Content-Type": N_TRIPLES}, timeout)

    def _send(
        self,
        method: str,
        url: str,
        body: bytes,
        headers: Mapping[str, str],
        timeout: float | None,
    ) -> tuple[str, bytes]:
        """Send a request; return the answer's media type and body, or raise a gsekg error.

        With ``timeout`` the whole exchange must end in time; without it each network
        operation may take :data:`DEFAULT_TIMEOUT`.
        """
        request = urllib.request.Request(url, data=body, method=method)
        for name, value in {**headers, **credentials(), "User-Agent": USER_AGENT}.items():
            request.add_header(name, value)
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            with urllib.request.urlopen(request, timeout=timeout or DEFAULT_TIMEOUT) as answer:
                chunks = []
                while chunk := answer.read(1 << 16):
                    chunks.append(chunk)
                    if deadline is not None and time.monotonic() > deadline:
                        raise TimeoutError
                media_type = answer.headers.get_content_type()
                return media_type, b"".join(chunks)
        except urllib.error.HTTPError as error:
            raise _http_error(url, error) from None
        except TimeoutError:
            raise _timed_out(url, timeout) from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError | socket.timeout):
                raise _timed_out(url, timeout) from None
            raise EngineError(f"cannot reach {url}: {error.reason}") from None
        except (OSError, ValueError) as error:
            raise EngineError(f"cannot talk to {url}: {error}") from None


def credentials() -> dict[str, str]:
    """The ``Authorization`` header from the environment, or nothing."""
    token = os.environ.get("GSEKG_ENDPOINT_TOKEN")
    if token:
        return {"Authorization": f"Bearer {token}"}
    user = os.environ.get("GSEKG_ENDPOINT_USER")
    if user:
        secret = f"{user}:{os.environ.get('GSEKG_ENDPOINT_PASSWORD', '')}".encode()
        return {"Authorization": "Basic " + base64.b64encode(secret).decode("ascii")}
    return {}


def _timed_out(url: str, timeout: float | None) -> QueryTimeoutError:
    return QueryTimeoutError(f"{url} did not answer within {timeout or DEFAULT_TIMEOUT:g} s")


def _http_error(url: str, error: urllib.error.HTTPError) -> EngineError:
    try:
        detail = " ".join(error.read(2000).decode("utf-8", "replace").split())[:300]
    except OSError:
        detail = ""
    hint = ""
    if error.code in {401, 403}:
        hint = (
            " (credentials come from GSEKG_ENDPOINT_TOKEN, or GSEKG_ENDPOINT_USER and "
            "GSEKG_ENDPOINT_PASSWORD)"
        )
    message = f"{url} answered HTTP {error.code} {error.reason}{hint}"
    return EngineError(f"{message}: {detail}" if detail else message)


def push(quads: Iterable[Quad], url: str, *, timeout: float | None = None) -> PushReport:
    """Upload a dataset with the SPARQL 1.1 Graph Store Protocol, one PUT per graph.

    The default graph (the simple view, with inferred triples) goes to ``url?default`` and
    each named (claim) graph to ``url?graph=<name>``. PUT replaces a graph, so pushing twice
    gives the same server state; graphs on the server that the dataset lacks are left alone.

    Args:
        quads: the dataset, grouped by graph (as :meth:`gsekg.engines.Engine.quads` gives it).
        url: the graph store endpoint (Oxigraph: ``http://host:port/store``).
        timeout: seconds allowed for each request.
    """
    client = Client(url)
    graphs: dict[NamedNode | BlankNode | DefaultGraph, list[Triple]] = {DefaultGraph(): []}
    for quad in quads:
        graphs.setdefault(quad.graph_name, []).append(quad.triple)
    for name, triples in graphs.items():
        client.put_graph(name, triples, timeout)
    return PushReport(graphs=len(graphs), triples=sum(len(t) for t in graphs.values()))
