"""Bounds on hostile input, checked before a parser sees it.

Tree-shaped RDF syntaxes (JSON-LD, RDF/XML) are parsed recursively: a file nested a few
thousand levels deep makes the parser run out of stack, and RDF/XML entities that
expand into each other ("billion laughs") make a small file gigabytes long. So those files
are scanned first, cheaply, and refused past a limit. (Query texts have their own limits:
:class:`gsekg.guard.Limits`.)

Each limit can be raised with an environment variable:

- ``GSEKG_MAX_NESTING`` (default 256): how deep JSON-LD objects and arrays, and RDF/XML
  elements, may nest.
- ``GSEKG_MAX_INPUT_MB`` (default 256): the size of a JSON-LD or RDF/XML file, entity
  expansion included.
"""

from __future__ import annotations

import itertools
import os
import re
from pathlib import Path

from gsekg.errors import InputError

DEFAULT_NESTING = 256
DEFAULT_INPUT_MB = 256
TOKEN_LIMIT_MB = 16
"""The longest single term (literal or IRI) the Oxigraph parsers accept, in MB."""


def limit(variable: str, default: int) -> int:
    """A positive whole number from the environment variable ``variable``, else ``default``.

    Raises:
        InputError: the variable is set to something else.
    """
    text = os.environ.get(variable, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) == 0:
        raise InputError(f"{variable} must be a positive whole number, not {text!r}")
    return int(text)


def max_nesting() -> int:
    """How deep JSON-LD and RDF/XML may nest (``GSEKG_MAX_NESTING``)."""
    return limit("GSEKG_MAX_NESTING", DEFAULT_NESTING)


def max_input_bytes() -> int:
    """How large a JSON-LD or RDF/XML file may be (``GSEKG_MAX_INPUT_MB``)."""
    return limit("GSEKG_MAX_INPUT_MB", DEFAULT_INPUT_MB) * 1024 * 1024


def check_tree_file(path: Path, syntax: str) -> None:
    """Refuse a JSON-LD or RDF/XML file too large or too deeply nested to parse safely.

    Args:
        path: the file.
        syntax: ``json-ld`` or ``rdf-xml``.

    Raises:
        InputError: the file is over a limit (the message names the variable to raise).
    """
    size = path.stat().st_size
    if size > max_input_bytes():
        raise _too_large(path, size)
    data = path.read_bytes()
    if syntax == "json-ld":
        depth = json_depth(data)
    else:
        data = _without_markup_noise(data)
        _check_entities(path, data, size)
        depth = xml_depth(data)
    if depth > max_nesting():
        raise InputError(
            f"{path}: nested {depth} levels deep, more than the limit of {max_nesting()} "
            "(raise it with GSEKG_MAX_NESTING)"
        )


def _too_large(path: Path, size: int) -> InputError:
    return InputError(
        f"{path}: {size / 1024 / 1024:,.1f} MB, more than the {max_input_bytes() >> 20:,} MB "
        "limit for JSON-LD and RDF/XML (raise it with GSEKG_MAX_INPUT_MB)"
    )


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def json_depth(data: bytes) -> int:
    """How deep the arrays and objects of a JSON text nest (strings are skipped)."""
    brackets = _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    return max(itertools.accumulate(map(_STEP.__getitem__, brackets)), default=0)


_XML_NOISE = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>", re.DOTALL)
_XML_TAG = re.compile(rb"<(/?)[A-Za-z_][^<>]*?(/?)>")
_ENTITY = re.compile(rb"<!ENTITY\s+([^\s%]+)\s+(?:\"([^\"]*)\"|'([^']*)')")
_REFERENCE = re.compile(rb"&([A-Za-z_][\w.-]*);")


def _without_markup_noise(data: bytes) -> bytes:
    return _XML_NOISE.sub(b"", data)


def xml_depth(data: bytes) -> int:
    """How deep the elements of an XML text nest (comments, CDATA and PIs removed first)."""
    depth = deepest = 0
    for match in _XML_TAG.finditer(data):
        if match[1]:
            depth -= 1
        elif not match[2]:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def _check_entities(path: Path, data: bytes, size: int) -> None:
    """Refuse entities that refer to themselves or expand the file past the size limit."""
    declared = {m[1]: m[2] if m[2] is not None else m[3] for m in _ENTITY.finditer(data)}
    if not declared:
        return
    lengths: dict[bytes, int] = {}
    budget = max_input_bytes()

    def expanded(name: bytes, seen: tuple[bytes, ...]) -> int:
        if name in seen:
            raise InputError(
                f"{path}: the XML entity {name.decode(errors='replace')} refers to itself"
            )
        if name not in lengths:
            text = declared[name]
            total = len(text)
            for ref in _REFERENCE.findall(text):
                if ref in declared:
                    total += expanded(ref, (*seen, name)) - len(ref) - 2
                    if total > budget:
                        break
            lengths[name] = total
        return lengths[name]

    body = data[data.rfind(b"]>") + 2 :] if b"<!DOCTYPE" in data else data
    total = size
    for ref in _REFERENCE.findall(body):
        if ref in declared:
            try:
                total += expanded(ref, ())
            except RecursionError:
                raise InputError(f"{path}: XML entities nested too deeply") from None
            if total > budget:
                raise InputError(
                    f"{path}: its XML entities expand it past the {budget >> 20:,} MB limit "
                    "for JSON-LD and RDF/XML (an entity bomb?; raise it with GSEKG_MAX_INPUT_MB)"
                )
