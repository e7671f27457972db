"""Writing query answers as they come: rows and triples go to a binary sink one at a time.

The bytes are those :mod:`gsekg.render` writes for a whole result: ``render.result_bytes``
uses the writers here, and the prefix scan below follows ``render.used_prefixes`` to the
letter (tests/test_streaming_formats.py compares every format). Python holds one row or
triple at a time; Oxigraph itself still keeps a set of the CONSTRUCT triples it has
written, to drop duplicates. JSON-LD is not streamed: pyld compacts a whole document.

Turtle, TriG and RDF/XML declare only the prefixes the triples use, which are known only
at the end; they read the answer twice (:func:`write_triples` takes a function that runs
the query again): a first pass writes N-Triples into a scanner that notes the namespaces,
the second writes the real output with those prefixes.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import IO, TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from pyoxigraph import QuerySolutions, Triple

    from gsekg.terms import Term


class Sink(Protocol):
    """Where answers are written: a binary file, or anything with its ``write`` and ``flush``."""

    def write(self, data: bytes, /) -> int:
        """Write ``data``; return how many bytes were written."""

    def flush(self) -> None:
        """Push what is buffered to its destination."""


SOLUTION_FORMATS = ("csv", "tsv", "json", "xml", "markdown")
"""SELECT formats written row by row (not the table: its widths depend on every row)."""
GRAPH_FORMATS = ("ntriples", "nquads", "turtle", "trig", "xml")
"""CONSTRUCT/DESCRIBE formats written triple by triple (not JSON-LD)."""
PREFIXED_FORMATS = ("turtle", "trig", "xml")
"""Graph formats that declare prefixes first: they read the answer twice."""
ONE_PASS_GRAPH_FORMATS = ("ntriples", "nquads")
"""Graph formats an answer that can be read only once (an endpoint's reply) can stream."""
RESULTS_FORMAT_NAMES = {"csv": "CSV", "tsv": "TSV", "json": "JSON", "xml": "XML"}
RDF_FORMAT_NAMES = {
    "turtle": "TURTLE",
    "ntriples": "N_TRIPLES",
    "nquads": "N_QUADS",
    "trig": "TRIG",
    "xml": "RDF_XML",
}
"""gsekg's format names -> pyoxigraph's (``QueryResultsFormat`` above, ``RdfFormat`` here)."""


def write_solutions(
    solutions: QuerySolutions, fmt: str, sink: Sink, limit: int | None = None
) -> None:
    """Write SELECT solutions in ``fmt`` (:data:`SOLUTION_FORMATS`), the first ``limit`` only.

    Without a limit pyoxigraph writes them itself, no Python on the way; with one (or in
    Markdown) they go through :func:`write_rows`, and the query stops after ``limit``.
    """
    from pyoxigraph import QueryResultsFormat

    if limit is not None or fmt == "markdown":
        variables = [v.value for v in solutions.variables]
        write_rows(variables, (tuple(s) for s in solutions), fmt, sink, limit)
        return
    ending = _LastByte(sink)
    solutions.serialize(_io(ending), getattr(QueryResultsFormat, RESULTS_FORMAT_NAMES[fmt]))
    if ending.last not in (None, b"\n"):
        sink.write(b"\n")


def write_rows(
    variables: Sequence[str],
    rows: Iterable[Sequence[Term | None]],
    fmt: str,
    sink: Sink,
    limit: int | None = None,
) -> None:
    """Write rows of terms in ``fmt`` (:data:`SOLUTION_FORMATS`), the first ``limit`` only.

    Markdown is written here; the W3C formats by pyoxigraph, the rows reaching it through
    a JSON bridge (:func:`solutions_from_rows`), one at a time.
    """
    kept = islice(rows, limit)
    if fmt == "markdown":
        write_markdown(variables, kept, sink)
    else:
        write_solutions(solutions_from_rows(variables, kept), fmt, sink)


def solutions_from_rows(
    variables: Sequence[str], rows: Iterable[Sequence[Term | None]]
) -> QuerySolutions:
    """pyoxigraph solutions over rows of terms, read lazily (as SPARQL JSON results)."""
    from pyoxigraph import QueryResultsFormat, QuerySolutions, parse_query_results

    parsed = parse_query_results(
        io.BufferedReader(_Chunks(_json_results(variables, rows))), QueryResultsFormat.JSON
    )
    assert isinstance(parsed, QuerySolutions)
    return parsed


def _json_results(
    variables: Sequence[str], rows: Iterable[Sequence[Term | None]]
) -> Iterator[bytes]:
    import json

    yield b'{"head":{"vars":' + json.dumps(list(variables)).encode() + b'},"results":{"bindings":['
    separator = b""
    for row in rows:
        binding = {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
        yield separator + json.dumps(binding).encode()
        separator = b","
    yield b"]}}"


def _json_term(term: Term) -> dict[str, Any]:
    """A term as in the SPARQL 1.1 JSON results format."""
    from pyoxigraph import BlankNode, Literal, NamedNode

    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
            if term.direction is not None:
                out["its:dir"] = term.direction.value
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def write_markdown(
    variables: Sequence[str], rows: Iterable[Sequence[Term | None]], sink: Sink
) -> None:
    """A Markdown table, compact names in its cells, written a row at a time."""
    from gsekg.render import display

    sink.write(_markdown_line(variables))
    sink.write(_markdown_line(["---"] * len(variables)))
    for row in rows:
        sink.write(_markdown_line([display(t) for t in row]))


def _markdown_line(cells: Sequence[str]) -> bytes:
    escaped = (c.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ") for c in cells)
    return ("| " + " | ".join(escaped) + " |\n").encode()


def write_triples(
    answer: Callable[[], Iterable[Triple]],
    fmt: str,
    sink: Sink,
    limit: int | None = None,
) -> None:
    """Write CONSTRUCT/DESCRIBE triples in ``fmt`` (:data:`GRAPH_FORMATS`), with the prefixes
    they use, the first ``limit`` only.

    ``answer`` gives the triples afresh on each call, in the same order: Turtle, TriG and
    RDF/XML call it twice (the first pass only notes namespaces), the other formats once.
    """
    from pyoxigraph import RdfFormat, serialize

    prefixes = used_prefixes(islice(answer(), limit)) if fmt in PREFIXED_FORMATS else {}
    rdf_format = getattr(RdfFormat, RDF_FORMAT_NAMES[fmt])
    triples = answer() if limit is None else islice(answer(), limit)
    if fmt in ONE_PASS_GRAPH_FORMATS and hasattr(triples, "serialize"):
        triples.serialize(_io(sink), rdf_format)  # the store's own answer: no Python on the way
    else:
        serialize(triples, _io(sink), rdf_format, prefixes=prefixes)


def used_prefixes(triples: Iterable[Triple]) -> dict[str, str]:
    """The predeclared prefixes ``triples`` need (as :func:`gsekg.render.used_prefixes` says),
    found by scanning their N-Triples instead of looking at every term in Python."""
    from pyoxigraph import RdfFormat, serialize

    from gsekg.namespaces import PREFIXES

    scan = _PrefixScan()
    try:
        if hasattr(triples, "serialize"):
            triples.serialize(_io(scan), RdfFormat.N_TRIPLES)
        else:
            serialize(triples, _io(scan), RdfFormat.N_TRIPLES)
        scan.finish()
    except _EveryPrefixFoundError:
        pass
    return {p: iri for p, iri in PREFIXES.items() if p in scan.found}


class _EveryPrefixFoundError(Exception):
    """Every predeclared prefix is needed: the first pass can stop."""


class _PrefixScan:
    """A sink for N-Triples that notes which predeclared prefixes the triples need.

    Each namespace is looked for with a plain byte search (``<`` and the namespace; an
    RDF 1.2 direction ``--ltr``/``--rtl`` for ``rdf:``); a line where one occurs is parsed
    and judged by :func:`gsekg.render.used_prefixes` itself, so a namespace inside a
    literal, an IRI no prefix can shorten, or ``rdf:type`` (written ``a``) count as they do
    there. A namespace, once found, is no longer looked for.
    """

    def __init__(self) -> None:
        from gsekg.namespaces import PREFIXES
        from gsekg.render import WRITTEN_WITHOUT_PREFIX

        self.found: set[str] = set()
        self._needles = {p: [b"<" + iri.encode()] for p, iri in PREFIXES.items()}
        if "rdf" in self._needles:
            self._needles["rdf"] += [b"--ltr ", b"--rtl "]
        self._unprefixed = tuple(b"<" + iri.encode() + b">" for iri in WRITTEN_WITHOUT_PREFIX)
        """IRIs that never need a prefix (``rdf:type`` is ``a``): not worth a look."""
        self._carry = b""

    def write(self, data: bytes) -> int:
        block = self._carry + bytes(data)
        end = block.rfind(b"\n") + 1
        self._carry = block[end:]
        self._scan(block[:end])
        return len(data)

    def flush(self) -> None:
        """Nothing is buffered but a partial line."""

    def finish(self) -> None:
        """Scan what is left (a last line without a line break)."""
        if self._carry:
            self._scan(self._carry + b"\n")
            self._carry = b""

    def _scan(self, block: bytes) -> None:
        for prefix, needles in self._needles.items():
            for needle in needles:
                start = block.find(needle)
                while start >= 0 and prefix not in self.found:
                    if block.startswith(self._unprefixed, start):
                        start = block.find(needle, start + 1)
                        continue
                    line_start = block.rfind(b"\n", 0, start) + 1
                    line_end = block.index(b"\n", start) + 1
                    self.found.update(_line_prefixes(block[line_start:line_end]))
                    start = block.find(needle, line_end)
        if self.found.intersection(self._needles):
            self._needles = {p: n for p, n in self._needles.items() if p not in self.found}
            if not self._needles:
                raise _EveryPrefixFoundError


def _line_prefixes(line: bytes) -> set[str]:
    from pyoxigraph import RdfFormat, parse

    from gsekg.render import used_prefixes as prefixes_of

    return set(prefixes_of(q.triple for q in parse(line, RdfFormat.N_TRIPLES)))


class _LastByte:
    """A sink that remembers the last byte written through it."""

    def __init__(self, sink: Sink) -> None:
        self._sink = sink
        self.last: bytes | None = None

    def write(self, data: bytes) -> int:
        if data:
            self.last = bytes(data[-1:])
        return self._sink.write(data)

    def flush(self) -> None:
        self._sink.flush()


class _Chunks(io.RawIOBase):
    """A readable binary file over an iterator of byte strings."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = memoryview(chunk)
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


class Output:
    """A binary sink whose failures (a full disk, a closed pipe) are :class:`InputError`\\ s,
    whichever writer meets them: they pass through pyoxigraph's serialisers unchanged."""

    def __init__(self, sink: Sink) -> None:
        self._sink = sink

    def write(self, data: bytes) -> int:
        try:
            return self._sink.write(data)
        except (OSError, ValueError) as error:
            raise _write_error(error) from None

    def flush(self) -> None:
        try:
            self._sink.flush()
        except (OSError, ValueError) as error:
            raise _write_error(error) from None


def _write_error(error: OSError | ValueError) -> Exception:
    from gsekg.errors import InputError

    reason = error.strerror if isinstance(error, OSError) and error.strerror else error
    return InputError(f"cannot write the output: {reason}")


def _io(sink: Sink) -> IO[bytes]:
    """``sink`` as pyoxigraph's serialisers are typed to take it (they call write and flush)."""
    return cast("IO[bytes]", sink)
