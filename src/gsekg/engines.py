"""Query engines: one API over Oxigraph (default, cached on disk), rdflib, and remote endpoints.

Every engine sees the same dataset: the default graph is a view (``union``, the simple view:
every claim graph's triples; or ``best``, the best-ranked claims'; each with the ontology,
entities, provenance, rule output and inferred triples), and each claim is a named graph.
Queries are read-only unless updates are allowed, SERVICE is refused unless allowed, the
prefixes of :data:`gsekg.namespaces.PREFIXES` are predeclared, and a ``timeout`` stops a
runaway query (:class:`gsekg.errors.QueryTimeoutError`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, ClassVar

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    Store,
    Triple,
    Variable,
)

from gsekg import guard, streaming
from gsekg.errors import EngineError, InputError, UsageError
from gsekg.loader import syntax_error
from gsekg.namespaces import PREFIXES, VIEWS
from gsekg.terms import QueryResult, Solutions, Substitutions, Term

if TYPE_CHECKING:
    from gsekg.build import Progress
    from gsekg.endpoint import Client
    from gsekg.store import Inputs

ENGINES = ("oxigraph", "rdflib")


class Engine(ABC):
    """What every engine offers; use it as a context manager or call :meth:`close`."""

    name: str
    build_stats: dict[str, Any] | None = None
    """What the build of a local store reported (:class:`gsekg.build.BuildStats`), if known."""
    default_graph: NamedNode | None = None
    """A named graph that holds the default graph (servers without one, such as Virtuoso):
    not a claim, however ``GRAPH ?g`` finds it."""

    def query(
        self,
        sparql: str,
        *,
        substitutions: Substitutions | None = None,
        timeout: float | None = None,
        allow_update: bool = False,
        allow_service: bool = False,
        limit: int | None = None,
    ) -> QueryResult:
        """Run a SPARQL query.

        Args:
            sparql: the query; the gsekg prefixes are predeclared.
            substitutions: values for variables (name without ``?`` -> term), never pasted
                into the text: pyoxigraph substitutes them (SEP-0007; a variable the SELECT
                does not project gets a VALUES block of serialised terms instead), rdflib
                takes them as ``initBindings``, an endpoint as a VALUES block.
            timeout: stop the query after this many seconds (:class:`QueryTimeoutError`). Local
                engines evaluate in a forked child that is killed on expiry; updates are
                not time-limited.
            allow_update: run a SPARQL update (on a private in-memory copy for local engines).
            allow_service: allow SERVICE calls to other endpoints.
            limit: keep the first rows or triples only; Oxigraph and endpoints read no
                further (the query is not rewritten).

        Raises:
            InputError: malformed query (``query:line:column: …``).
            ForbiddenQueryError: an update or SERVICE that was not allowed.
            QueryTimeoutError: the time ran out.
            EngineError: the engine or endpoint failed.
        """
        request = guard.check(sparql, allow_update=allow_update, allow_service=allow_service)
        if request.is_update:
            return self._update(sparql, timeout)
        return self._evaluate(sparql, request, substitutions or {}, timeout, limit)

    streamed: ClassVar[dict[str, tuple[str, ...]]] = {}
    """Answer kind (``select``, ``ask``, ``graph``) -> the formats :meth:`stream` writes as
    they come (none: this engine does not stream)."""

    def streams(self, kind: str, fmt: str) -> bool:
        """Whether :meth:`stream` writes a ``kind`` answer in ``fmt`` as it comes."""
        return fmt in self.streamed.get(kind, ())

    def stream(
        self,
        sparql: str,
        fmt: str,
        sink: IO[bytes],
        *,
        substitutions: Substitutions | None = None,
        timeout: float | None = None,
        allow_service: bool = False,
        limit: int | None = None,
    ) -> str | None:
        """Write the answer to ``sink`` in ``fmt`` as it comes, without holding it in memory.

        Only where :meth:`streams` says so (see :mod:`gsekg.streaming`); ``limit`` keeps the
        first rows or triples only. Returns the result's kind (``select``, ``ask`` or
        ``graph``), or ``None`` when the query or format is not one this engine streams (the
        caller then uses :meth:`query`). A write that fails (a full disk, a closed pipe) is
        an :class:`InputError` ``cannot write the output: …``.

        Raises:
            The errors of :meth:`query`.
        """
        request = guard.check(sparql, allow_update=False, allow_service=allow_service)
        kind = result_kind(request.form)
        if not self.streams(kind, fmt):
            return None
        writer = streaming.Output(sink)
        self._stream(sparql, request, kind, fmt, writer, substitutions or {}, timeout, limit)
        return kind

    def _stream(  # noqa: B027  (only engines whose streams() says yes are asked)
        self,
        sparql: str,
        request: guard.Request,
        kind: str,
        fmt: str,
        sink: streaming.Sink,
        substitutions: Substitutions,
        timeout: float | None,
        limit: int | None,
    ) -> None:
        """Write an answer :meth:`streams` accepts."""

    @abstractmethod
    def _evaluate(
        self,
        sparql: str,
        request: guard.Request,
        substitutions: Substitutions,
        timeout: float | None,
        limit: int | None,
    ) -> QueryResult:
        """Answer a query that :func:`gsekg.guard.check` allowed."""

    @abstractmethod
    def _update(self, sparql: str, timeout: float | None) -> QueryResult:
        """Apply an allowed update."""

    @abstractmethod
    def quads(self) -> Iterator[Quad]:
        """Every quad: the default graph (simple view) then the named (claim) graphs."""

    def named_graphs(self) -> list[NamedNode | BlankNode]:
        """The names of the named graphs (the claims), sorted."""
        result = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g {} }")
        names = [row[0] for row in result.rows if isinstance(row[0], NamedNode | BlankNode)]
        return sorted(names, key=str)

    def close(self) -> None:  # noqa: B027  (engines without resources have nothing to free)
        """Free the engine's resources."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class OxigraphEngine(Engine):
    """Queries a pyoxigraph store (read-only on disk, or in memory)."""

    name = "oxigraph"

    def __init__(self, store: Store, *, location: Path | None = None) -> None:
        self._store: Store | None = store
        self._private = location is None
        self.location = location
        """The cached store folder, or ``None`` when the store lives in memory."""

    @property
    def store(self) -> Store:
        """The underlying store."""
        if self._store is None:
            raise EngineError("the engine is closed")
        return self._store

    def _evaluate(
        self,
        sparql: str,
        request: guard.Request,
        substitutions: Substitutions,
        timeout: float | None,
        limit: int | None,
    ) -> QueryResult:
        bindings = {Variable(k.lstrip("?$")): term for k, term in substitutions.items()}
        store = self.store

        def run() -> QueryResult:
            try:
                return _evaluate(store, sparql, bindings, limit)
            except _NotProjectedError:
                # pyoxigraph substitutes only projected variables; bind the others with VALUES
                return _evaluate(store, guard.with_values(sparql, substitutions), {}, limit)

        return guard.run_with_timeout(run, timeout)

    def _update(self, sparql: str, timeout: float | None) -> QueryResult:
        """Apply an update to a private in-memory copy, never to the cached store."""
        if not self._private:
            copy = Store()
            copy.extend(self.store)
            self._store, self._private = copy, True
        try:
            self.store.update(sparql, prefixes=PREFIXES)
        except SyntaxError as error:
            raise syntax_error("update", error, sparql) from None
        except (OSError, RuntimeError, ValueError) as error:
            raise EngineError(f"update failed: {error}") from None
        return QueryResult("update")

    streamed: ClassVar[dict[str, tuple[str, ...]]] = {
        "select": streaming.SOLUTION_FORMATS,
        "graph": streaming.GRAPH_FORMATS,
    }

    def _stream(
        self,
        sparql: str,
        request: guard.Request,
        kind: str,
        fmt: str,
        sink: streaming.Sink,
        substitutions: Substitutions,
        timeout: float | None,
        limit: int | None,
    ) -> None:
        """With a ``timeout`` the forked child writes (``sink`` must be a real file)."""
        store = self.store
        bindings = {Variable(k.lstrip("?$")): t for k, t in substitutions.items()}

        def answer() -> QueryBoolean | QuerySolutions | QueryTriples:
            try:
                return _answer(store, sparql, bindings)
            except _NotProjectedError:
                return _answer(store, guard.with_values(sparql, substitutions), {})

        def triples() -> QueryTriples:
            found = answer()
            assert isinstance(found, QueryTriples)
            return found

        def write() -> None:
            try:
                if kind == "select":
                    solutions = answer()
                    assert isinstance(solutions, QuerySolutions)
                    streaming.write_solutions(solutions, fmt, sink, limit)
                else:
                    streaming.write_triples(triples, fmt, sink, limit)
                sink.flush()
            except (SyntaxError, ValueError, RuntimeError, OSError) as error:
                raise EngineError(f"query failed: {error}") from None

        sink.flush()
        guard.run_with_timeout(write, timeout)

    def quads(self) -> Iterator[Quad]:
        store = self.store
        yield from store.quads_for_pattern(None, None, None, DefaultGraph())
        for graph in store.named_graphs():
            yield from store.quads_for_pattern(None, None, None, graph)

    def named_graphs(self) -> list[NamedNode | BlankNode]:
        return sorted(self.store.named_graphs(), key=str)

    def close(self) -> None:
        self._store = None


def _evaluate(
    store: Store, sparql: str, bindings: dict[Variable, Term], limit: int | None
) -> QueryResult:
    answer = _answer(store, sparql, bindings)
    try:
        return QueryResult.of(answer, limit)
    except (OSError, RuntimeError, ValueError) as error:
        raise EngineError(f"query failed: {error}") from None


def _answer(
    store: Store,
    sparql: str,
    bindings: dict[Variable, Term],
) -> QueryBoolean | QuerySolutions | QueryTriples:
    """pyoxigraph's answer (evaluated as it is read), errors as gsekg errors."""
    try:
        return store.query(sparql, prefixes=PREFIXES, substitutions=bindings or None)
    except SyntaxError as error:
        raise syntax_error("query", error, sparql) from None
    except RuntimeError as error:
        if bindings and "projection" in str(error):
            raise _NotProjectedError from None
        raise EngineError(f"query failed: {error}") from None
    except (OSError, ValueError) as error:
        raise EngineError(f"query failed: {error}") from None


class _NotProjectedError(Exception):
    """pyoxigraph refused a substitution for a variable the SELECT does not project."""


class RdflibEngine(Engine):
    """Runs queries with rdflib on an in-memory copy of the dataset."""

    name = "rdflib"

    def __init__(self, quads: Iterable[Quad]) -> None:
        """Hold ``quads`` (their default graph is the one queries read)."""
        from gsekg.bridge import to_rdflib_dataset

        self._dataset = to_rdflib_dataset(quads)

    def _evaluate(
        self,
        sparql: str,
        request: guard.Request,
        substitutions: Substitutions,
        timeout: float | None,
        limit: int | None,
    ) -> QueryResult:
        from gsekg.bridge import to_rdflib

        bindings = {name.lstrip("?$"): to_rdflib(t) for name, t in substitutions.items()}
        return guard.run_with_timeout(lambda: self._answer(sparql, bindings).head(limit), timeout)

    def _answer(self, sparql: str, bindings: dict[str, Any]) -> QueryResult:
        import rdflib.plugins.sparql as rdflib_sparql

        from gsekg.bridge import from_rdflib, quiet_rdflib

        loading = rdflib_sparql.SPARQL_LOAD_GRAPHS
        rdflib_sparql.SPARQL_LOAD_GRAPHS = False  # FROM <iri> must never fetch from the web
        try:
            with quiet_rdflib():
                answer = self._dataset.query(sparql, initNs=PREFIXES, initBindings=bindings)
                if answer.type == "ASK":
                    return QueryResult("ask", boolean=bool(answer.askAnswer))
                if answer.type == "SELECT":
                    variables = [str(v) for v in answer.vars or ()]
                    rows = [
                        tuple(None if t is None else from_rdflib(t) for t in row)  # type: ignore[union-attr]
                        for row in answer
                    ]
                    return QueryResult("select", variables, rows)  # type: ignore[arg-type]
                triples = [
                    Triple(from_rdflib(s), from_rdflib(p), from_rdflib(o))  # type: ignore[arg-type]
                    for s, p, o in answer.graph or ()
                ]
                return QueryResult("graph", triples=triples)
        except Exception as error:  # rdflib raises bare Exception for bad queries (prefixes…)
            raise _rdflib_error(error, sparql) from None
        finally:
            rdflib_sparql.SPARQL_LOAD_GRAPHS = loading

    def _update(self, sparql: str, timeout: float | None) -> QueryResult:
        from gsekg.bridge import quiet_rdflib

        try:
            with quiet_rdflib():
                self._dataset.update(sparql, initNs=PREFIXES)
        except Exception as error:
            raise _rdflib_error(error, sparql) from None
        return QueryResult("update")

    def quads(self) -> Iterator[Quad]:
        from gsekg.bridge import from_rdflib, quiet_rdflib

        with quiet_rdflib():
            default = self._dataset.default_graph.identifier
            found = list(self._dataset.quads((None, None, None, None)))
        for s, p, o, g in found:
            identifier = getattr(g, "identifier", g)
            name = DefaultGraph() if identifier in (None, default) else from_rdflib(identifier)
            yield Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o), name)  # type: ignore[arg-type]

    def named_graphs(self) -> list[NamedNode | BlankNode]:
        from gsekg.bridge import from_rdflib, quiet_rdflib

        with quiet_rdflib():
            default = self._dataset.default_graph.identifier
            names = [from_rdflib(g.identifier) for g in self._dataset.graphs()]
        named = (
            n for n in names if isinstance(n, NamedNode | BlankNode) and n != from_rdflib(default)
        )
        return sorted(named, key=str)


def _rdflib_error(error: Exception, sparql: str) -> Exception:
    """A gsekg error for an exception raised by rdflib while parsing or evaluating."""
    from pyparsing import ParseException

    if isinstance(error, InputError | EngineError):
        return error
    if isinstance(error, ParseException):
        position = SyntaxError(error.msg, (None, error.lineno, error.col, None, None, None))
        return syntax_error("query", position, sparql)
    return EngineError(f"query failed: {error}")


class EndpointEngine(Engine):
    """Sends queries to a SPARQL 1.1 Protocol endpoint."""

    name = "endpoint"

    def __init__(self, client: Client) -> None:
        import urllib.parse

        self.client = client
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(client.url).query)
        named = query.get("default-graph-uri", [])
        self.default_graph = NamedNode(named[0]) if len(named) == 1 else None

    def _evaluate(
        self,
        sparql: str,
        request: guard.Request,
        substitutions: Substitutions,
        timeout: float | None,
        limit: int | None,
    ) -> QueryResult:
        if not request.service:
            check_syntax(sparql)
        if substitutions:
            sparql = guard.with_values(sparql, substitutions)
        return self.client.query(sparql, form=request.form, timeout=timeout, limit=limit)

    streamed: ClassVar[dict[str, tuple[str, ...]]] = {
        "select": streaming.SOLUTION_FORMATS,
        "graph": streaming.ONE_PASS_GRAPH_FORMATS,  # two passes would send the query twice
    }

    def _stream(
        self,
        sparql: str,
        request: guard.Request,
        kind: str,
        fmt: str,
        sink: streaming.Sink,
        substitutions: Substitutions,
        timeout: float | None,
        limit: int | None,
    ) -> None:
        """Parse the response as it arrives and write each row or triple as it is parsed."""
        if not request.service:
            check_syntax(sparql)
        if substitutions:
            sparql = guard.with_values(sparql, substitutions)
        with self.client.answer(sparql, form=request.form, timeout=timeout) as answer:
            if isinstance(answer, Solutions):
                streaming.write_rows(answer.variables, answer.rows, fmt, sink, limit)
            elif not isinstance(answer, QueryBoolean):
                streaming.write_triples(lambda: answer, fmt, sink, limit)
        sink.flush()

    def _update(self, sparql: str, timeout: float | None) -> QueryResult:
        self.client.update(sparql, timeout=timeout)
        return QueryResult("update")

    def quads(self) -> Iterator[Quad]:
        result = self.query("SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
        positions = [result.variables.index(v) for v in ("s", "p", "o", "g")]
        for row in result.rows:
            s, p, o, g = (row[i] for i in positions)
            yield Quad(s, p, o, g if g is not None else DefaultGraph())  # type: ignore[arg-type]


def result_kind(form: str) -> str:
    """``select``, ``ask`` or ``graph`` (CONSTRUCT, DESCRIBE): the kind of a query's result."""
    return {"SELECT": "select", "ASK": "ask"}.get(form, "graph")


def check_syntax(sparql: str) -> None:
    """Raise an :class:`InputError` with line and column if pyoxigraph cannot parse ``sparql``.

    The query runs on an empty in-memory store, which costs nothing; it gives the same
    error positions as the local engines before anything is sent.
    """
    try:
        Store().query(sparql, prefixes=PREFIXES)
    except SyntaxError as error:
        raise syntax_error("query", error, sparql) from None


def open_engine(
    *,
    engine: str = "oxigraph",
    data: Sequence[str | Path] = (),
    with_bundled: bool = True,
    inference: bool = True,
    endpoint: str | None = None,
    cache_dir: str | Path | None = None,
    progress: Progress | None = None,
    view: str = "union",
) -> Engine:
    """Open the graph: the bundled files and/or ``data``, or a remote ``endpoint``.

    Args:
        engine: ``oxigraph`` (default; the built store is cached on disk) or ``rdflib``.
        data: RDF files or folders (any syntax, by extension) to read.
        with_bundled: read the bundled ontology and data too.
        inference: apply the simple-view rules and inference.
        endpoint: query this SPARQL endpoint instead (``engine``, ``data`` etc. are ignored).
        cache_dir: where the on-disk stores are cached (see :func:`gsekg.store.cache_root`).
        progress: a hook told how many bytes were read when the store has to be built.
        view: ``union`` (every claim; the default graph) or ``best`` (the best-ranked claims,
            see docs/model.md): which graph queries read as their default graph.
    """
    if view not in VIEWS:
        raise InputError(f"unknown view {view!r} (choose from: {', '.join(VIEWS)})")
    if endpoint:
        if view != "union":
            raise UsageError("--view best needs a local graph, not --endpoint")
        from gsekg.endpoint import Client

        return EndpointEngine(Client(endpoint))
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r} (choose from: {', '.join(ENGINES)})")
    from gsekg.store import open_store

    opened = open_store(
        inputs(data, with_bundled=with_bundled, inference=inference, view=view),
        cache_dir=Path(cache_dir) if cache_dir is not None else None,
        progress=progress,
    )
    chosen: Engine = (
        RdflibEngine(opened.store)
        if engine == "rdflib"
        else OxigraphEngine(opened.store, location=opened.path)
    )
    stats = opened.manifest.get("stats")
    chosen.build_stats = stats if isinstance(stats, dict) else None
    return chosen


def inputs(
    data: Sequence[str | Path] = (),
    *,
    with_bundled: bool = True,
    inference: bool = True,
    view: str = "union",
) -> Inputs:
    """The :class:`gsekg.store.Inputs` of a graph: bundled files, ``data`` files, and rules.

    The simple-view rules belong to the bundled ontology (they need its role scheme), so
    they run when the bundled graph is read and inference is on.
    """
    from gsekg import resources
    from gsekg.loader import expand
    from gsekg.store import Inputs

    files = list(resources.bundled_files()) if with_bundled else []
    files += expand(Path(p) for p in data)
    rules_dir = resources.ontology_dir() / "rules"
    rules = sorted(rules_dir.glob("*.rq")) if inference and with_bundled else []
    return Inputs(tuple(files), tuple(rules), inference, view)
