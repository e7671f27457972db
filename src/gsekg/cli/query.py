"""Commands: ``query`` (run SPARQL) and the ``queries`` group (list and show saved queries)."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gsekg.cli.app import app, command, fail
from gsekg.cli.options import GraphOptions, TimeoutOpt, graph_options
from gsekg.cli.output import reason, write_output
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


def resolve(query: str) -> Source:
    """Decide what QUERY names: ``-`` is stdin, then an existing file, then a saved query name,
    then inline SPARQL. A bare word that is none of these is an unknown saved query.

    Raises:
        InputError: Empty query, or an unreadable or missing file.
        NotFoundError: A bare word that names no saved query.
    """
    from gsekg import queries

    if query == "-":
        return Source(_non_empty(sys.stdin.read(), "stdin"), "<stdin>")
    if not query.strip():
        raise InputError("empty query")
    path = Path(query)
    kind = _kind(path)
    if kind == "file":
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"cannot read query file {query}: {reason(error)}") from None
        return Source(_non_empty(text, query), query)
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


def _located(error: InputError, origin: str) -> InputError:
    """The engine's ``query:LINE:COL: …`` message with the query's real origin."""
    message = str(error)
    if message.startswith("query:"):
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
        typer.Option("--param", "-p", help="NAME=VALUE for a declared parameter (repeatable)."),
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
    bound = queries.bind_params(header, param or [])
    engine = graph.open()
    try:
        if _streamed(
            engine, source, fmt, output, limit, bound, timeout, allow_update, allow_service
        ):
            return
        result = engine.query(
            source.text,
            substitutions=bound or None,
            timeout=timeout,
            allow_update=allow_update,
            allow_service=allow_service,
        )
    except InputError as error:
        raise _located(error, source.origin) from None
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
    """Write the answer as it comes (Oxigraph, a machine format, no --limit); whether it was.

    The rows go straight from the store to stdout or the output file (atomically), and
    with --timeout the forked query process writes them itself.
    """
    from gsekg import guard, render
    from gsekg.engines import OxigraphEngine

    if not isinstance(engine, OxigraphEngine) or limit is not None or allow_update:
        return False
    try:
        form = guard.check(source.text, allow_update=False, allow_service=allow_service).form
    except InputError:
        return False  # the ordinary path reports it, with the query's origin
    kind = {"SELECT": "select", "ASK": "ask"}.get(form, "graph")
    chosen = render.choose_format(kind, fmt, output, sys.stdout.isatty())
    try:
        if output is None:
            try:
                done = engine.stream(
                    source.text,
                    chosen,
                    sys.stdout.buffer,
                    substitutions=bound or None,
                    timeout=timeout,
                    allow_service=allow_service,
                )
            except InputError as error:
                if str(error).startswith("cannot write the output"):
                    _drop_stdout()
                raise
            return done is not None
        from gsekg.atomic import open_atomic
        from gsekg.engines import STREAM_FORMATS

        if chosen not in STREAM_FORMATS.get(kind, {}):
            return False
        with open_atomic(output, "wb") as sink:
            done = engine.stream(
                source.text,
                chosen,
                sink,
                substitutions=bound or None,
                timeout=timeout,
                allow_service=allow_service,
            )
        return done is not None
    except InputError as error:
        raise _located(error, source.origin) from None


def _drop_stdout() -> None:
    """Point stdout at /dev/null: what could not be written must not fail again at exit."""
    import os

    with open(os.devnull, "wb") as devnull:
        os.dup2(devnull.fileno(), sys.stdout.fileno())


def _write_table(result: QueryResult, output: Path | None, limit: int | None) -> None:
    from rich.console import Console

    from gsekg import render

    if output is None:
        render.print_table(result, Console(), limit)
        return
    import io

    from gsekg.atomic import write_text

    buffer = io.StringIO()
    render.print_table(result, Console(file=buffer, width=200, no_color=True), limit)
    write_text(output, buffer.getvalue())


queries_app = typer.Typer(
    name="queries",
    help="List the saved queries, or show one.",
    no_args_is_help=False,
    rich_markup_mode=None,
)
app.add_typer(queries_app, name="queries")


@queries_app.callback(invoke_without_command=True)
def queries_list(ctx: typer.Context) -> None:
    """List the saved queries: name, title, parameters (and errors, if any)."""
    if ctx.invoked_subcommand is not None:
        return
    from gsekg import queries

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
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        table = Table("name", "title", "parameters", "error", highlight=False)
        for row in rows:
            table.add_row(*(Text(cell) for cell in row[:3]), Text(row[3], style="red"))
        Console().print(table)
    else:
        typer.echo("name\ttitle\tparameters\terror")
        for row in rows:
            typer.echo("\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in row))
    broken = [q.name for q in catalog if q.error]
    if broken:
        fail(InputError(f"{len(broken)} saved queries are malformed: {', '.join(broken)}"))


@command("show", on=queries_app)
def queries_show(
    name: Annotated[str, typer.Argument(help="The saved query's name.", show_default=False)],
) -> None:
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
