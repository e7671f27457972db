"""Commands: ``query`` (run SPARQL) and the ``queries`` group (list and show saved queries)."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from gsekg.cli.app import command, fail
from gsekg.cli.completion import complete_params, complete_query_names
from gsekg.cli.options import GraphOptions, TimeoutOpt, graph_options
from gsekg.cli.output import note, reason, write_output
from gsekg.errors import InputError, NotFoundError
from gsekg.render import AnyFormat

if TYPE_CHECKING:
    from gsekg.engines import Engine
    from gsekg.queries import SavedQuery
    from gsekg.terms import QueryResult

_BARE_WORD = re.compile(r"[\w.~/\\-]+")


@dataclass(frozen=True)
class Source:
    """A query text and where it came from: ``query`` (inline), ``<stdin>`` or a file path."""

    text: str
    origin: str
    saved: SavedQuery | None = None
    shows_text: bool = True
    """Whether an error may quote the text (not for a file that is not a query file)."""


def resolve(query: str) -> Source:
    """The query QUERY names (see :func:`_resolve`), refused when larger than the size limit.

    The engine checks the size again; checking here refuses before a store is opened.

    Raises:
        InputError: Empty, too large, or an unreadable or missing file.
        NotFoundError: A bare word that names no saved query.
    """
    from gsekg.guard import check_size

    source = _resolve(query)
    try:
        check_size(source.text)
    except InputError as error:
        raise _located(error, source.origin) from None
    return source


def _resolve(query: str) -> Source:
    """Decide what QUERY names: ``-`` is stdin, then an existing file, then a saved query name,
    then inline SPARQL. A bare word that is none of these is an unknown saved query.

    Raises:
        InputError: Empty query, or an unreadable or missing file.
        NotFoundError: A bare word that names no saved query.
    """
    from gsekg import queries
    from gsekg.guard import Limits

    if query == "-":
        limit = Limits.from_environment().max_bytes
        try:
            text = sys.stdin.read(limit + 1)  # never more than the limit and one character
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"cannot read the query from stdin: {reason(error)}") from None
        if len(text) > limit:
            raise InputError(
                f"<stdin>: the query is more than {limit:,} bytes; the limit is {limit:,} "
                "(GSEKG_QUERY_MAX_BYTES)"
            )
        return Source(_non_empty(text, "stdin"), "<stdin>")
    if not query.strip():
        raise InputError("empty query")
    path = Path(query)
    kind = _kind(path)
    if kind == "file":
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"cannot read query file {query}: {reason(error)}") from None
        return Source(
            _non_empty(text, query), query, shows_text=path.suffix.lower() in QUERY_SUFFIXES
        )
    if kind == "folder":
        raise InputError(f"{query} is a folder, not a query file")
    if not _BARE_WORD.fullmatch(query):
        return Source(query, "query")
    if "/" in query or "\\" in query or path.suffix in (".rq", ".sparql"):
        raise InputError(f"no such query file: {query}")
    names = queries.saved_names()
    if query in names:
        saved = queries.load(query)
        return Source(saved.text, str(saved.path), saved)
    raise NotFoundError(
        f"{query!r} is not a saved query, a file or SPARQL", queries.nearest_names(query, names)
    )


def _kind(path: Path) -> str:
    """``file``, ``folder`` or ``""`` (nothing there, or not a valid path, like most SPARQL)."""
    try:
        return "file" if path.is_file() else "folder" if path.is_dir() else ""
    except (OSError, ValueError):
        return ""


QUERY_SUFFIXES = (".rq", ".sparql", ".ru")
"""Files taken as SPARQL: a syntax error in any other file shows its position, not its text."""


def _located(error: InputError, origin: str, *, show_text: bool = True) -> InputError:
    """The engine's ``query:LINE:COL: …`` message with the query's real origin.

    Without ``show_text`` (a file that is not a .rq/.sparql file, such as ``/etc/shadow``)
    only the position is kept: neither the offending line nor the parser's words about it.
    """
    message = str(error)
    if message.startswith("cannot write the output"):
        return error  # about stdout or -o, not the query's file
    position = re.match(r"query:\d+:\d+", message)
    if position and not show_text:
        message = (
            f"{origin}{position[0].removeprefix('query')}: not valid SPARQL (the text is not "
            f"shown for a file whose name does not end in {', '.join(QUERY_SUFFIXES)})"
        )
    elif message.startswith("query:"):
        message = origin + message.removeprefix("query")
    elif origin != "query":
        message = f"{origin}: {message}"
    return type(error)(message)


def _non_empty(text: str, where: str) -> str:
    if not text.strip():
        raise InputError(f"empty query (from {where})")
    return text


@command(
    "query",
    epilog="Output: a table on a terminal, W3C SPARQL CSV when piped (SELECT/ASK); "
    "Turtle for CONSTRUCT/DESCRIBE. Machine formats carry full IRIs; table and "
    "markdown show compact names like gse:unesco-iite.",
)
@graph_options()
def query_command(
    query: Annotated[
        str,
        typer.Argument(
            help="Inline SPARQL, a .rq/.sparql file, the name of a saved query, or - for stdin.",
            show_default=False,
            autocompletion=complete_query_names,
        ),
    ],
    fmt: Annotated[
        AnyFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="SELECT/ASK: table, csv, tsv, json, xml, markdown. CONSTRUCT/DESCRIBE: "
            "turtle, json-ld, ntriples, nquads, trig, xml. Default: from --output's extension, "
            "else table on a terminal, csv when piped, turtle for graphs.",
            show_default=False,
        ),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            help="NAME=VALUE for a declared parameter (repeatable; see gsekg queries --help).",
            autocompletion=complete_params,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write here (atomically) instead of stdout."),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", min=0, help="Show at most this many rows or triples."),
    ] = None,
    timeout: TimeoutOpt = None,
    allow_update: Annotated[
        bool, typer.Option("--allow-update", help="Allow SPARQL updates (INSERT, DROP, LOAD, …).")
    ] = False,
    allow_service: Annotated[
        bool, typer.Option("--allow-service", help="Allow SERVICE calls to other endpoints.")
    ] = False,
    *,
    graph: GraphOptions,
) -> None:
    """Run a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) on the graph."""
    from gsekg import queries, render

    source = resolve(query)
    header = source.saved.header if source.saved else queries.parse_header(source.text)
    engine = graph.open()
    try:
        bound = queries.bind_params(header, param or [], engine)
        for warning in queries.type_warnings(header, source.text, engine) if bound else ():
            note(warning)
        if _streamed(
            engine, source, fmt, output, limit, bound, timeout, allow_update, allow_service
        ):
            return
        try:
            result = engine.query(
                source.text,
                substitutions=bound or None,
                timeout=timeout,
                allow_update=allow_update,
                allow_service=allow_service,
                limit=limit,
            )
        except InputError as error:
            raise _located(error, source.origin, show_text=source.shows_text) from None
    finally:
        engine.close()
    if result.kind == "update":
        sys.stderr.write("Update applied to a private in-memory copy; nothing was saved.\n")
        return
    chosen = render.choose_format(result.kind, fmt, output, sys.stdout.isatty())
    if chosen == "table":
        _write_table(result, output, limit)
        return
    write_output(render.result_bytes(result, chosen, limit), output)


def _streamed(
    engine: Engine,
    source: Source,
    fmt: str | None,
    output: Path | None,
    limit: int | None,
    bound: dict[str, Any],
    timeout: float | None,
    allow_update: bool,
    allow_service: bool,
) -> bool:
    """Write the answer as it comes, where the engine streams the format; whether it did.

    The rows go straight from the engine to stdout or the output file (atomically), and
    with --timeout the forked query process writes them itself.
    """
    from gsekg import guard, render
    from gsekg.engines import result_kind

    if allow_update:
        return False
    if output is None and not hasattr(sys.stdout, "buffer"):
        return False  # stdout closed or replaced: the ordinary path says so
    try:
        form = guard.check(source.text, allow_update=False, allow_service=allow_service).form
    except InputError:
        return False  # the ordinary path reports it, with the query's origin
    kind = result_kind(form)
    chosen = render.choose_format(kind, fmt, output, sys.stdout.isatty())
    if not engine.streams(kind, chosen):
        return False

    def write(sink: IO[bytes]) -> None:
        engine.stream(
            source.text,
            chosen,
            sink,
            substitutions=bound or None,
            timeout=timeout,
            allow_service=allow_service,
            limit=limit,
        )

    try:
        if output is None:
            try:
                write(sys.stdout.buffer)
            except InputError as error:
                if str(error).startswith("cannot write the output"):
                    _drop_stdout()
                raise
        else:
            from gsekg.atomic import open_atomic

            with open_atomic(output, "wb") as sink:
                write(sink)
    except InputError as error:
        raise _located(error, source.origin, show_text=source.shows_text) from None
    return True


def _drop_stdout() -> None:
    """Point stdout at /dev/null: what could not be written must not fail again at exit."""
    import os

    with open(os.devnull, "wb") as devnull:
        os.dup2(devnull.fileno(), sys.stdout.fileno())


def _write_table(result: QueryResult, output: Path | None, limit: int | None) -> None:
    from gsekg.cli.table import console, print_result

    if output is None:
        print_result(result, console(), limit)
        return
    import io

    from gsekg.atomic import write_text

    buffer = io.StringIO()
    print_result(result, console(width=200, file=buffer), limit)
    write_text(output, buffer.getvalue())


QUERIES_HELP = """List the saved queries (gsekg queries), or print one (gsekg queries NAME).

Run one with gsekg query NAME [--param NAME=VALUE ...]. Any .rq file may carry
the same header (gsekg query my.rq --param ...). A header is a block of #+ lines
at the very top of the file:

\b
  #+ title: Co-organisers of an edition
  #+ description: One or more sentences; repeat the line to go on.
  #+ param: edition iri = gse:gse2020 -- the edition
  #+ param: year gYear
  #+ ordered: true
  #+ example: edition=gse:gse2022

\b
title        one line (required in saved queries)
description  required in saved queries; several lines are joined
param        NAME TYPE [= DEFAULT] [-- what it means]; no default = required;
             the query uses it as ?NAME, bound as a typed RDF term
             (never pasted into the text)
ordered      true if the row order is part of the answer (tests compare it)
example      NAME=VALUE the expected result (NAME.expected.csv) was written for

\b
TYPE is one of: iri (a full IRI or a compact name such as gse:bnu),
string, integer, decimal, boolean, date (YYYY-MM-DD), gYear (YYYY).
Declare the type of the property the parameter is compared with:
schema:startDate is a date, gso:year a gYear (an integer never equals a
gYear, so gsekg warns when it sees one bound to such a property).
Quote a string default to keep spaces or leave it empty: = "".
"""


def _complete_queries_words(incomplete: str) -> list[str]:
    return ["show"] * "show".startswith(incomplete) + complete_query_names(incomplete)


@command("queries", help=QUERIES_HELP)
def queries_command(
    words: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[show] [NAME]",
            help="A saved query's name: print it.",
            show_default=False,
            autocompletion=_complete_queries_words,
        ),
    ] = None,
) -> None:
    given = list(words or [])
    if given[:1] == ["show"]:
        given = given[1:]
        if not given:
            raise typer.BadParameter("Missing argument 'NAME'.", param_hint="'[show] [NAME]'")
    if len(given) > 1:
        raise typer.BadParameter(
            f"one saved query at a time, got {' '.join(given)}", param_hint="'[show] [NAME]'"
        )
    if given:
        _show_saved(given[0])
    else:
        _list_saved()


def _list_saved() -> None:
    """List the saved queries: name, title, parameters (and errors, if any)."""
    from gsekg import queries
    from gsekg.cli.output import print_tsv
    from gsekg.cli.table import show

    catalog = queries.catalog()
    rows = [
        (
            q.name,
            q.header.title,
            " ".join(
                f"{p.name}:{p.type}" + ("" if p.default is None else f"={p.default}")
                for p in q.header.params
            ),
            q.error or "",
        )
        for q in catalog
    ]
    broken = [q.name for q in catalog if q.error]
    if sys.stdout.isatty():
        header = ("name", "title", "parameters", "error")
        one_per_line = [(n, t, p.replace(" ", "\n"), e) for n, t, p, e in rows]
        show(header if broken else header[:3], [r if broken else r[:3] for r in one_per_line])
    else:
        print_tsv(("name", "title", "parameters", "error"), rows)
    if broken:
        fail(InputError(f"{len(broken)} saved queries are malformed: {', '.join(broken)}"))


def _show_saved(name: str) -> None:
    """Print a saved query (with syntax highlighting on a terminal)."""
    from gsekg import queries

    try:
        saved = queries.load(name)
    except InputError:  # a malformed query: show it anyway, that is how one fixes it
        saved = next(q for q in queries.catalog() if q.name == name)
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.syntax import Syntax

        Console().print(Syntax(saved.text, "sparql", line_numbers=False))
    else:
        typer.echo(saved.text, nl=not saved.text.endswith("\n"))
