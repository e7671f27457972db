"""Tables for people on a terminal: they fit the width, and never cut a name or a word.

Every command that draws a table comes here. The rules:

- a column is never narrower than its longest word, so text wraps at word
  boundaries and an identifier or a label is never cut;
- numbers are right-aligned; literals show their text (no language tag);
- when the columns cannot fit side by side, optional columns (an id beside a
  label) are left out first, with a note; if it still does not fit, each row is
  drawn as a small record (``column  value`` lines), which always fits;
- multi-valued results (rows that differ in one column only) can be folded into
  one row, one value per line in the cell;
- long reports can be summarised per group, with a flag for the rest.

Machine formats (TSV, CSV, JSON) never come here: they are complete, never folded
or shortened.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from gsekg.terms import QueryResult

_NUMERIC_TYPES = frozenset(
    "http://www.w3.org/2001/XMLSchema#" + name
    for name in (
        "integer",
        "decimal",
        "double",
        "float",
        "int",
        "long",
        "short",
        "nonNegativeInteger",
        "positiveInteger",
    )
)
_MIN_VALUE_WIDTH = 20
"""The narrowest value column a record layout accepts before it folds long words."""


@dataclass(frozen=True)
class Cell:
    """The text of one cell and whether it is a number (right-aligned)."""

    text: str
    number: bool = False


def cell(value: object) -> Cell:
    """A Python value as a cell: numbers right-aligned, ``None`` empty."""
    if value is None:
        return Cell("")
    if isinstance(value, Cell):
        return value
    if isinstance(value, bool):
        return Cell("true" if value else "false")
    if isinstance(value, int | float | Decimal):
        return Cell(str(value), number=True)
    return Cell(str(value))


def term_cell(term: Any) -> Cell:
    """An RDF term for people: compact name, literal text without language tag or datatype."""
    from pyoxigraph import Literal

    from gsekg.render import display

    if isinstance(term, Literal):
        return Cell(term.value, number=term.datatype.value in _NUMERIC_TYPES)
    return Cell(display(term))


def result_rows(result: QueryResult, limit: int | None = None) -> list[list[Cell]]:
    """The rows of a SELECT result as cells."""
    return [[term_cell(t) for t in row] for row in result.rows[:limit]]


def fold(rows: Sequence[Sequence[Cell]]) -> list[list[Cell]]:
    """Rows that differ in one column only become one row, that column's values one per line.

    The first column (the thing a row is about) is never folded; rows that
    differ in two columns keep their pairing. Row order follows first appearance.
    """
    current = [list(r) for r in rows]
    width = len(current[0]) if current else 0
    for column in range(1, width):
        groups: dict[tuple[str, ...], list[list[Cell]]] = {}
        for row in current:
            key = tuple(c.text for i, c in enumerate(row) if i != column)
            groups.setdefault(key, []).append(row)
        folded = []
        for members in groups.values():
            values = list(dict.fromkeys(m[column].text for m in members if m[column].text))
            first = list(members[0])
            first[column] = Cell("\n".join(values), number=members[0][column].number)
            folded.append(first)
        current = folded
    return current


def summarise(rows: Sequence[Sequence[Cell]], keep: int, flag: str) -> tuple[list[list[Cell]], int]:
    """At most ``keep`` rows of each group (same first cell), a ``+N more`` row for the rest.

    Returns the rows and how many were left out.
    """
    shown: list[list[Cell]] = []
    counts: dict[str, int] = {}
    for row in rows:
        counts[row[0].text] = counts.get(row[0].text, 0) + 1
    seen: dict[str, int] = {}
    left_out = 0
    for row in rows:
        group = row[0].text
        seen[group] = seen.get(group, 0) + 1
        if seen[group] <= keep:
            shown.append(list(row))
        elif seen[group] == keep + 1:
            rest = counts[group] - keep
            left_out += rest
            filler = [Cell("") for _ in row[2:]]
            shown.append([row[0], Cell(f"+{rest} more ({flag})"), *filler])
    return shown, left_out


def blank_repeats(rows: Sequence[Sequence[Cell]]) -> list[list[Cell]]:
    """The first cell left empty where it repeats the row above (grouped reports)."""
    out: list[list[Cell]] = []
    previous: str | None = None
    for row in rows:
        first = row[0] if row[0].text != previous else Cell("")
        previous = row[0].text
        out.append([first, *row[1:]])
    return out


def _words(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


def _lines(text: str) -> int:
    return max((len(line) for line in text.splitlines()), default=0)


def column_widths(
    header: Sequence[str], rows: Sequence[Sequence[Cell]], available: int
) -> list[int] | None:
    """Widths that fit ``available`` characters of content, or ``None`` when they cannot.

    Each column gets at least its longest word; spare room is shared fairly
    (max-min): columns that need little to fit on one line get it, the rest
    share what is left.
    """
    columns = list(zip(header, *rows, strict=True)) if rows else [(h,) for h in header]
    texts = [[c if isinstance(c, str) else c.text for c in column] for column in columns]
    least = [max(_words(t) for t in column) for column in texts]
    most = [
        max(max(_lines(t) for t in column), low) for column, low in zip(texts, least, strict=True)
    ]
    spare = available - sum(least)
    if spare < 0:
        return None
    widths = list(least)
    wanting = sorted(range(len(widths)), key=lambda i: most[i] - least[i])
    for left, i in enumerate(wanting):
        share = min(most[i] - widths[i], spare // (len(wanting) - left))
        widths[i] += share
        spare -= share
    return widths


def console(width: int | None = None, file: Any = None) -> Console:
    """A rich console on stdout (or ``file``): plain when piped, honours NO_COLOR and COLUMNS."""
    from rich.console import Console

    return Console(
        highlight=False,
        soft_wrap=False,
        width=width,
        file=file,
        no_color=file is not None or None,
    )


def show(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    title: str | None = None,
    optional: Sequence[str] = (),
    footer: str | None = None,
    out: Console | None = None,
    complete: str = "-f tsv shows every column",
) -> None:
    """Draw ``rows`` so that they fit the console's width (see the module's rules).

    Args:
        header: Column names.
        rows: Values (str, numbers, None) or :class:`Cell` objects.
        title: A line above the table.
        optional: Columns that may be left out to fit (an id beside a label).
        footer: A dim line below (a row count).
        out: The console (default: stdout).
        complete: How to see the columns left out (said in the note).
    """
    from rich.text import Text

    target = out or console()
    cells = [[cell(v) for v in row] for row in rows]
    names = list(header)
    dropped: list[str] = []
    widths = _fit(names, cells, target.width)
    for name in optional:
        if widths is not None:
            break
        if name in names:
            index = names.index(name)
            names.pop(index)
            cells = [row[:index] + row[index + 1 :] for row in cells]
            dropped.append(name)
            widths = _fit(names, cells, target.width)
    if title:
        target.print(Text(title, style="bold"))
    if widths is None:
        _records(names, cells, target)
    else:
        _table(names, cells, widths, target)
    if footer:
        target.print(Text(footer, style="dim"))
    if dropped and (out is None or out.file is sys.stdout):
        from gsekg.cli.output import note

        left = ", ".join(dropped)
        note(f"column {left} left out to fit {target.width} columns ({complete})")


_OVERHEAD_PER_COLUMN = 3
"""Padding either side and a separator, as rich draws a boxed table."""


def _fit(header: Sequence[str], rows: Sequence[Sequence[Cell]], width: int) -> list[int] | None:
    return column_widths(header, rows, width - 1 - _OVERHEAD_PER_COLUMN * len(header))


def _table(
    header: Sequence[str], rows: Sequence[Sequence[Cell]], widths: Sequence[int], out: Console
) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    numeric = [
        bool(rows) and all(r[i].number or not r[i].text for r in rows) for i in range(len(header))
    ]
    numeric = [n and any(r[i].text for r in rows) for i, n in enumerate(numeric)]
    table = Table(box=box.HEAVY_HEAD, highlight=False)
    for name, width, number in zip(header, widths, numeric, strict=True):
        table.add_column(name, width=width, overflow="fold", justify="right" if number else "left")
    for row in rows:
        table.add_row(*(Text(c.text) for c in row))
    out.print(table)


def _records(header: Sequence[str], rows: Sequence[Sequence[Cell]], out: Console) -> None:
    """Each row as ``column  value`` lines, values wrapped at words; a blank line between rows."""
    from rich.table import Table
    from rich.text import Text

    key_width = max(len(h) for h in header)
    value_width = max(out.width - key_width - 2, _MIN_VALUE_WIDTH)
    for number, row in enumerate(rows):
        if number:
            out.print()
        for name, value in zip(header, row, strict=True):
            if not value.text:
                continue
            grid = Table.grid(padding=(0, 2))
            grid.add_column(width=key_width, style="bold", no_wrap=True)
            grid.add_column(max_width=value_width, overflow="fold")
            grid.add_row(Text(name), Text(value.text))
            out.print(grid)


def print_result(result: QueryResult, out: Console, limit: int | None = None) -> None:
    """A SELECT result as a table (multi-valued rows folded), its row count below; ASK as a word."""
    from rich.text import Text

    if result.kind == "ask":
        out.print(Text("true" if result.boolean else "false"))
        return
    rows = result_rows(result, limit)
    folded = fold(rows)
    count = f"{len(rows)} row{'s' if len(rows) != 1 else ''}"
    if len(folded) != len(rows):
        count = f"{len(rows)} results in {len(folded)} rows (cells with several values folded)"
    show(result.variables, folded, footer=count, out=out)


def print_report(header: Sequence[str], rows: Sequence[Sequence[object]], keep: int | None) -> None:
    """A grouped report (first column the group): at most ``keep`` rows a group, then a note."""
    cells = [[cell(v) for v in row] for row in rows]
    left_out = 0
    if keep is not None:
        cells, left_out = summarise(cells, keep, "--all")
    footer = f"{left_out} rows left out: --all shows them, -f tsv or json gives them all"
    show(header, blank_repeats(cells), footer=footer if left_out else None)
