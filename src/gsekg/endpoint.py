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
from typing import TYPE_CHECKING, TypeAlias

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
N_QUADS = "application/n-quads"
GRAPH_SELECTORS = ("graph", "default")
"""The Graph Store Protocol query parameters that pick one graph."""


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
        from gsekg.canonical import canonical_answer
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
                return canonical_answer(QueryResult("graph", triples=triples), payload)
            results_format = QueryResultsFormat.from_media_type(content_type)
            payload = _VIRTUOSO_BNODE.sub(rb"\1", payload)
            answer = parse_query_results(payload, format=results_format or QueryResultsFormat.JSON)
            return canonical_answer(QueryResult.of(answer), payload)
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
        body = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
        self._send("PUT", graph_url(self.url, graph), body, {"Content-Type": N_TRIPLES}, timeout)

    def put_dataset(self, quads: Iterable[Quad], timeout: float | None) -> None:
        """Replace the whole dataset of a Graph Store Protocol endpoint, every graph of it."""
        body = serialize(quads, format=RdfFormat.N_QUADS) or b""
        self._send("PUT", store_url(self.url), body, {"Content-Type": N_QUADS}, timeout)

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


def store_url(url: str) -> str:
    """``url`` checked as a Graph Store Protocol URL: the dataset as a whole.

    Raises:
        InputError: not http(s), no host, a fragment (``#…``), spaces or control characters,
            or a query string that already picks a graph (``graph=`` or ``default``).
    """
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise InputError(f"not a usable URL (spaces or control characters): {url!r}")
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError as error:
        raise InputError(f"not a usable URL: {url!r} ({error})") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InputError(f"not an http(s) URL with a host: {url!r}")
    if "#" in url:
        raise InputError(
            f"the graph store URL has a fragment ({url!r}): everything after # is never sent, "
            "so the graph selector would be lost; give the URL without #…"
        )
    chosen = [k for k, _ in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)]
    if any(key in GRAPH_SELECTORS for key in chosen):
        raise InputError(
            f"the graph store URL already picks a graph ({url!r}): give the store itself "
            "(Oxigraph: http://HOST:PORT/store); push adds graph= and default per graph"
        )
    return url


def graph_url(url: str, graph: NamedNode | BlankNode | DefaultGraph) -> str:
    """The URL of one graph of the store at ``url``: ``?default`` or ``?graph=<IRI>``.

    Raises:
        InputError: a bad store URL (see :func:`store_url`) or a graph named by a blank node.
    """
    if isinstance(graph, BlankNode):
        raise InputError("a graph named by a blank node cannot be pushed")
    parts = urllib.parse.urlsplit(store_url(url))
    selector = (
        "default"
        if isinstance(graph, DefaultGraph)
        else urllib.parse.urlencode({"graph": graph.value})
    )
    target = urllib.parse.urlunsplit(
        parts._replace(query=f"{parts.query}&{selector}" if parts.query else selector)
    )
    picked = urllib.parse.parse_qsl(urllib.parse.urlsplit(target).query, keep_blank_values=True)
    if sum(key in GRAPH_SELECTORS for key, _ in picked) != 1:  # never the whole dataset
        raise InputError(f"cannot build a one-graph URL from {url!r}")
    return target


GraphName: TypeAlias = NamedNode | BlankNode | DefaultGraph


@dataclass(frozen=True)
class PushPlan:
    """What a push will send: the graphs (each replaced on the server) and how."""

    url: str
    graphs: dict[GraphName, list[Triple]]
    replace_all: bool = False

    @property
    def triples(self) -> int:
        """How many triples the push sends."""
        return sum(len(t) for t in self.graphs.values())

    def lines(self, limit: int | None = None) -> list[str]:
        """The plan for people: a heading and one line per graph (at most ``limit`` of them)."""
        count = len(self.graphs)
        if self.replace_all:
            heading = (
                f"Will replace the WHOLE dataset at {self.url}: every graph there is deleted, "
                f"then {count} graphs ({self.triples} triples) are written:"
            )
        else:
            heading = (
                f"Will replace {count} graphs ({self.triples} triples) at {self.url}; "
                "graphs there that are not listed are kept:"
            )
        ordered = sorted(self.graphs.items(), key=lambda item: _graph_order(item[0]))
        shown = ordered[: limit if limit is not None else count]
        lines = [heading]
        for name, triples in shown:
            label = "the default graph" if isinstance(name, DefaultGraph) else str(name)
            lines.append(f"  {label} ({_count(len(triples), 'triple')})")
        if len(shown) < count:
            lines.append(f"  ... and {count - len(shown)} more (--dry-run lists them all)")
        return lines

    def send(self, *, timeout: float | None = None) -> PushReport:
        """Carry the plan out: one PUT per graph, or one PUT of the whole dataset."""
        client = Client(self.url)
        if self.replace_all:
            client.put_dataset(
                (
                    Quad(t.subject, t.predicate, t.object, name)
                    for name, triples in self.graphs.items()
                    for t in triples
                ),
                timeout,
            )
        else:
            for name, triples in self.graphs.items():
                client.put_graph(name, triples, timeout)
        return PushReport(graphs=len(self.graphs), triples=self.triples)


def _graph_order(name: GraphName) -> tuple[bool, str]:
    """The default graph first, then the named graphs by name."""
    return (not isinstance(name, DefaultGraph), str(name))


def plan_push(quads: Iterable[Quad], url: str, *, replace_all: bool = False) -> PushPlan:
    """The push of a dataset to the graph store at ``url``, checked but not sent.

    The default graph (the simple view, with inferred triples) goes to ``url?default`` and
    each named (claim) graph to ``url?graph=<name>``. PUT replaces a graph, so pushing twice
    gives the same server state; graphs on the server that the dataset lacks are left alone.
    Only with ``replace_all`` is the whole dataset replaced (one PUT to ``url`` itself).

    Raises:
        InputError: a bad store URL (see :func:`store_url`) or a graph named by a blank node.
    """
    store_url(url)
    graphs: dict[GraphName, list[Triple]] = {DefaultGraph(): []}
    for quad in quads:
        graphs.setdefault(quad.graph_name, []).append(quad.triple)
    if any(isinstance(name, BlankNode) for name in graphs):
        raise InputError("a graph named by a blank node cannot be pushed")
    return PushPlan(url, graphs, replace_all)


def push(
    quads: Iterable[Quad],
    url: str,
    *,
    timeout: float | None = None,
    replace_all: bool = False,
) -> PushReport:
    """Upload a dataset with the SPARQL 1.1 Graph Store Protocol (see :func:`plan_push`).

    Args:
        quads: the dataset, grouped by graph (as :meth:`gsekg.engines.Engine.quads` gives it).
        url: the graph store endpoint (Oxigraph: ``http://host:port/store``).
        timeout: seconds allowed for each request.
        replace_all: replace the whole dataset on the server, graphs the push lacks included.
    """
    return plan_push(quads, url, replace_all=replace_all).send(timeout=timeout)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
