"""Output helpers every command shares: format choice, JSON, TSV, tables and notes.

The rule every command follows: on a terminal, output is for people (tables that
fit the width, drawn by :mod:`gsekg.cli.table`; ``why``: annotated text). When
stdout is not a terminal, output is complete and machine-readable, never cut or
folded: rows as TSV with one header line (``query``: the W3C SPARQL results CSV),
a document (``describe``) as JSON. ``--format`` overrides either default.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

ROWS_FORMATS = ("table", "tsv", "json")
"""The formats of a command that prints rows (see :func:`print_rows`); TSV when piped."""

RowsFormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format", "-f", help="table (default on a terminal), tsv (default when piped) or json."
    ),
]


def pick_format(requested: str | None, allowed: Sequence[str], piped: str) -> str:
    """``requested`` if allowed, else ``allowed[0]`` on a terminal and ``piped`` otherwise.

    Raises:
        typer.BadParameter: ``requested`` is not one of ``allowed`` (a usage error, exit 2,
            as for every other option value typer checks).
    """
    if requested is None:
        return allowed[0] if sys.stdout.isatty() else piped
    if requested not in allowed:
        raise typer.BadParameter(
            f"{requested!r} is not one of {', '.join(allowed)}", param_hint="'--format'"
        )
    return requested


def console() -> Console:
    """A rich console on stdout (plain, no colour, when piped; honours NO_COLOR)."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=not sys.stdout.isatty())


def reason(error: Exception) -> str:
    """Why a file could not be read, for people: ``No such file or directory``, not the repr."""
    return error.strerror or str(error) if isinstance(error, OSError) else str(error)


def note(message: str) -> None:
    """A message for people, on stderr."""
    sys.stderr.write(f"Note: {message}\n")


def write_output(data: bytes, output: Path | None) -> None:
    """``data`` to the file ``output`` (atomically), or to stdout when there is none."""
    if output is None:
        typer.echo(data, nl=False)
        return
    from gsekg.atomic import write_bytes

    write_bytes(output, data)


def print_json(document: Any) -> None:
    """``document`` as indented JSON on stdout."""
    import json

    encoding = (getattr(sys.stdout, "encoding", None) or "utf-8").lower().replace("-", "")
    ascii_only = not encoding.startswith("utf")  # e.g. PYTHONIOENCODING=ascii: \u escapes
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=ascii_only) + "\n")


def print_tsv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """A header line and tab-separated rows (tabs and newlines in cells become spaces)."""

    def cell(value: object) -> str:
        return " ".join(str(value).split()) if value is not None else ""

    lines = ["\t".join(header)] + ["\t".join(cell(v) for v in row) for row in rows]
    sys.stdout.write("\n".join(lines) + "\n")


def print_table(
    title: str | None,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    optional: Sequence[str] = (),
) -> None:
    """A table on stdout that fits the terminal (see :mod:`gsekg.cli.table`)."""
    from gsekg.cli.table import show

    show(header, rows, title=title, optional=optional)


def print_rows(
    chosen: str,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    title: str | None = None,
    optional: Sequence[str] = (),
) -> None:
    """``rows`` as a JSON list of objects, TSV or a table, as ``chosen`` says.

    ``optional`` names columns a table may leave out to fit the terminal.
    """
    if chosen == "json":
        print_json([dict(zip(header, row, strict=True)) for row in rows])
    elif chosen == "tsv":
        print_tsv(header, rows)
    else:
        print_table(title, header, rows, optional)
