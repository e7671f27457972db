"""Rendering query results and RDF: W3C formats for machines, tables for people.

Machine formats use full IRIs and pyoxigraph's serialisers (SPARQL 1.1 results
in CSV, TSV, JSON, XML; RDF in its W3C syntaxes). Tables and Markdown show
compact names (``gse:unesco-iite``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, get_args

from gsekg.errors import InputError
from gsekg.namespaces import PREFIXES, compact
from gsekg.streaming import RDF_FORMAT_NAMES, RESULTS_FORMAT_NAMES

if TYPE_CHECKING:
    from pyoxigraph import Quad, Triple

    from gsekg.terms import QueryResult

SelectFormat = Literal["table", "csv", "tsv", "json", "xml", "markdown"]
GraphFormat = Literal["turtle", "json-ld", "ntriples", "nquads", "trig", "xml"]
AnyFormat = Literal[SelectFormat, GraphFormat]
SELECT_FORMATS: tuple[str, ...] = get_args(SelectFormat)
GRAPH_FORMATS: tuple[str, ...] = get_args(GraphFormat)
DATASET_FORMATS = ("nquads", "trig")
PIPE_SELECT_FORMAT = "csv"
"""SELECT/ASK format when stdout is not a terminal: W3C SPARQL CSV, read by any spreadsheet."""
GRAPH_DEFAULT_FORMAT = "turtle"

_SELECT_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".json": "json",
    ".srj": "json",
    ".xml": "xml",
    ".srx": "xml",
    ".md": "markdown",
    ".txt": "table",
}
_GRAPH_EXTENSIONS = {
    ".ttl": "turtle",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".nt": "ntriples",
    ".nq": "nquads",
    ".trig": "trig",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
WRITTEN_WITHOUT_PREFIX = frozenset({_RDF + "type", _RDF + "langString", _XSD_STRING})
"""``a``, ``"x"@en`` and ``"x"`` need no prefix in Turtle, TriG or JSON-LD."""


def graph_format_for(path: Path) -> str | None:
    """The RDF format a file name's extension stands for (``None`` when unknown)."""
    return _GRAPH_EXTENSIONS.get(path.suffix.lower())


def choose_format(kind: str, requested: str | None, output: Path | None, tty: bool) -> str:
    """The format to write: as requested, else from ``output``'s extension, else a default.

    The default is a table on a terminal, CSV when piped (SELECT/ASK), and Turtle
    for CONSTRUCT/DESCRIBE.

    Raises:
        InputError: ``requested`` does not fit the kind of result, or ``output`` has an
            extension that names no format of that kind (``out.xyz``).
    """
    graph = kind == "graph"
    allowed = GRAPH_FORMATS if graph else SELECT_FORMATS
    if requested is not None:
        if requested not in allowed:
            what = "CONSTRUCT/DESCRIBE" if graph else "SELECT/ASK"
            choices = ", ".join(allowed)
            raise InputError(f"format {requested!r} does not fit a {what} result; use {choices}")
        return requested
    if output is not None:
        by_extension = _GRAPH_EXTENSIONS if graph else _SELECT_EXTENSIONS
        found = by_extension.get(output.suffix.lower())
        if found:
            return found
        if output.suffix:
            what = "CONSTRUCT/DESCRIBE" if graph else "SELECT/ASK"
            raise InputError(
                f"cannot tell the format of {output.name} from its extension "
                f"{output.suffix}: use --format, or for a {what} result one of "
                f"{' '.join(sorted(by_extension))}"
            )
    if graph:
        return GRAPH_DEFAULT_FORMAT
    return "table" if tty and output is None else PIPE_SELECT_FORMAT


def result_bytes(result: QueryResult, fmt: str, limit: int | None = None) -> bytes:
    """``result`` in a machine format or Markdown (anything but ``table``)."""
    import io

    from gsekg import streaming

    if result.kind == "graph":
        return rdf_bytes(result.triples[:limit], fmt)
    buffer = io.BytesIO()
    if result.kind == "ask":
        _write_boolean(bool(result.boolean), fmt, buffer)
    else:
        streaming.write_rows(result.variables, result.rows, fmt, buffer, limit)
    return buffer.getvalue()


def _write_boolean(value: bool, fmt: str, sink: IO[bytes]) -> None:
    """An ASK answer: a one-cell Markdown table, or a W3C results document."""
    import json

    from pyoxigraph import QueryResultsFormat, parse_query_results

    from gsekg import streaming

    if fmt == "markdown":
        streaming.write_markdown(["boolean"], [], sink)
        sink.write(f"| {'true' if value else 'false'} |\n".encode())
        return
    answer = parse_query_results(
        json.dumps({"head": {}, "boolean": value}), QueryResultsFormat.JSON
    )
    data = answer.serialize(format=getattr(QueryResultsFormat, RESULTS_FORMAT_NAMES[fmt])) or b""
    sink.write(data if data.endswith(b"\n") or not data else data + b"\n")


def display(term: Any) -> str:
    """A term for people: compact IRI, literal text, ``_:id``, ``""`` when unbound."""
    from pyoxigraph import BlankNode, Literal, NamedNode

    if term is None:
        return ""
    if isinstance(term, NamedNode):
        return compact(term.value)
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Literal):
        return f"{term.value}@{term.language}" if term.language else str(term.value)
    return f"<< {display(term.subject)} {display(term.predicate)} {display(term.object)} >>"


def used_prefixes(items: Iterable[Triple | Quad]) -> dict[str, str]:
    """The predeclared prefixes that ``items`` need, in PREFIXES order."""
    from pyoxigraph import Literal, NamedNode

    namespaces: set[str] = set()

    def visit(term: Any) -> None:
        if isinstance(term, NamedNode):
            iri = term.value
        elif isinstance(term, Literal):
            iri = term.datatype.value
        else:
            return
        if iri in WRITTEN_WITHOUT_PREFIX:
            return
        name = compact(iri)
        if not name.startswith("<"):
            namespaces.add(name.partition(":")[0])

    for item in items:
        visit(item.subject)
        visit(item.predicate)
        visit(item.object)
        visit(getattr(item, "graph_name", None))
    return {p: iri for p, iri in PREFIXES.items() if p in namespaces}


def rdf_bytes(items: Sequence[Triple] | Sequence[Quad], fmt: str) -> bytes:
    """Serialise triples (or quads, for TriG/N-Quads) with only the prefixes they use.

    JSON-LD is compacted with a ``@context`` of those prefixes.

    Raises:
        InputError: Quads were given for a triple-only format.
    """
    from pyoxigraph import RdfFormat, serialize

    prefixes = used_prefixes(items)
    if fmt == "json-ld":
        return _json_ld(items, prefixes)
    if fmt not in RDF_FORMAT_NAMES:
        raise InputError(f"unknown RDF format {fmt!r}; use one of {', '.join(GRAPH_FORMATS)}")
    try:
        data = serialize(items, format=getattr(RdfFormat, RDF_FORMAT_NAMES[fmt]), prefixes=prefixes)
    except (TypeError, ValueError) as error:
        raise InputError(f"cannot write {fmt}: {error}") from None
    return data or b""


def _json_ld(items: Sequence[Triple] | Sequence[Quad], prefixes: dict[str, str]) -> bytes:
    import json

    from pyld import jsonld  # type: ignore[import-untyped]
    from pyoxigraph import RdfFormat, Triple, serialize

    is_triples = all(isinstance(i, Triple) for i in items)
    nquads = serialize(items, format=RdfFormat.N_TRIPLES if is_triples else RdfFormat.N_QUADS)
    expanded = jsonld.from_rdf((nquads or b"").decode(), {"format": "application/n-quads"})
    document = jsonld.compact(expanded, {"@context": prefixes})
    return (json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode()


def and_list(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c`` (``?`` for none)."""
    if not items:
        return "?"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
