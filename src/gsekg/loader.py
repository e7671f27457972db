"""Reading RDF files: which files, which syntax, and errors that point at the offending text."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, cast

from pyoxigraph import Quad, RdfFormat, parse

from gsekg.errors import InputError
from gsekg.limits import TOKEN_LIMIT_MB, check_tree_file

FORMATS: dict[str, RdfFormat] = {
    ".ttl": RdfFormat.TURTLE,
    ".trig": RdfFormat.TRIG,
    ".nt": RdfFormat.N_TRIPLES,
    ".nq": RdfFormat.N_QUADS,
    ".rdf": RdfFormat.RDF_XML,
    ".owl": RdfFormat.RDF_XML,
    ".xml": RdfFormat.RDF_XML,
    ".jsonld": RdfFormat.JSON_LD,
    ".n3": RdfFormat.N3,
}

_TREE_SYNTAXES = {RdfFormat.JSON_LD: "json-ld", RdfFormat.RDF_XML: "rdf-xml"}
"""Syntaxes parsed recursively: bounded in size and depth before parsing."""

_POSITION = re.compile(
    r"^(?:Parser )?error at "
    r"(?:line (\d+) (?:between )?columns? (\d+)(?: and (\d+))?|(\d+):(\d+))\s*:\s*",
    re.IGNORECASE,
)


def rdf_format(path: Path) -> RdfFormat:
    """The RDF syntax of a file, from its extension."""
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        known = " ".join(sorted(FORMATS))
        raise InputError(f"{path}: unknown RDF file extension (known: {known})") from None


def expand(paths: Iterable[Path]) -> list[Path]:
    """The RDF files named by ``paths``: files as given, folders searched recursively.

    Inside a folder only files with a known RDF extension are taken, in a stable order.

    Raises:
        InputError: a path that is missing, not a file or folder, or a folder without RDF.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.suffix.lower() in FORMATS and p.is_file()
            )
            if not found:
                known = " ".join(sorted(FORMATS))
                raise InputError(f"{path}: a folder with no RDF file in it (looked for {known})")
            files += found
        elif path.is_file():
            rdf_format(path)
            files.append(path)
        elif path.exists():
            raise InputError(
                f"{path}: not a regular file or folder (a device, FIFO or socket); "
                "gsekg reads RDF from files"
            )
        elif path.is_symlink():
            raise InputError(f"{path}: a symbolic link to nothing (broken link)")
        else:
            raise InputError(f"{path}: no such file or folder")
    return files


def base_iri(path: Path) -> str:
    """The base IRI relative IRIs of a file resolve against: the file's own URI."""
    return path.resolve().as_uri()


def parse_file(path: Path, source: io.RawIOBase | None = None) -> Iterator[Quad]:
    """The quads of one RDF file; a syntax error becomes an :class:`InputError` with its position.

    Args:
        path: the file (its extension gives the syntax).
        source: an open binary stream of the file to read instead of opening ``path``.
    """
    fmt = rdf_format(path)
    try:
        if fmt in _TREE_SYNTAXES:
            check_tree_file(path, _TREE_SYNTAXES[fmt])
        if source is None:
            yield from parse(path=path, format=fmt, base_iri=base_iri(path))
        else:
            yield from parse(cast("IO[bytes]", source), format=fmt, base_iri=base_iri(path))
    except SyntaxError as error:
        raise syntax_error(str(path), error, _read_text(path)) from None
    except OSError as error:
        raise unreadable(path, error) from None
    except MemoryError:  # pyoxigraph: "Reached the buffer maximal size"
        raise InputError(
            f"{path}: a single term (a literal or IRI) is longer than {TOKEN_LIMIT_MB} MB, "
            "the parser's limit"
        ) from None


def unreadable(path: Path, error: OSError) -> InputError:
    """An :class:`InputError` ``path: reason`` for a file that cannot be opened or read."""
    return InputError(f"{path}: {error.strerror or error}")


def syntax_error(where: str, error: SyntaxError, text: str | None) -> InputError:
    """An :class:`InputError` ``where:line:column: reason`` followed by the offending line.

    Args:
        where: the file name, or a word such as ``query``.
        error: the parser's error; its position comes from its attributes or its message.
        text: the parsed text, to quote the offending line (``None`` when unavailable).
    """
    message = str(error.args[0]) if error.args else str(error)
    line, column, end = error.lineno, error.offset, error.end_offset
    match = _POSITION.match(message)
    if match:
        message = message[match.end() :]
        if line is None:
            line = int(match.group(1) or match.group(4))
            column = int(match.group(2) or match.group(5))
            end = int(match.group(3)) if match.group(3) else None
    message = " ".join(message.split())
    if len(message) > 160:
        message = message[:159] + "…"
    if line is None or column is None:
        return InputError(f"{where}: {message}")
    quoted = _quote(text, line, column, end)
    return InputError(f"{where}:{line}:{column}: {message}{quoted}")


def _quote(text: str | None, line: int, column: int, end: int | None) -> str:
    """The offending line and a caret line under the offending text, or ``""``."""
    lines = text.splitlines() if text is not None else []
    if not 0 < line <= len(lines):
        return ""
    source = lines[line - 1].expandtabs(1)
    start = max(column - 1, 0)
    width = max((end or column) - column, 1)
    return f"\n  {source}\n  {' ' * start}{'^' * width}"


def _read_text(path: Path) -> str | None:
    """The file's text for quoting, or ``None`` when it cannot be read as UTF-8."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
