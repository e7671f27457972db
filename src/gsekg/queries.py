"""Saved queries: the ``queries/NAME.rq`` catalog, its ``#+`` headers and typed parameters.

A saved query starts with header lines::

    #+ title: Short title
    #+ description: One or more sentences (repeat the line to continue).
    #+ param: NAME TYPE [= DEFAULT] [-- what it means]
    #+ ordered: true
    #+ example: NAME=VALUE   (the parameter values the expected result is for)

and its expected result sits beside it in ``queries/NAME.expected.csv``. The
same header is honoured in any query text (a file, stdin, inline), so an ad-hoc
``.rq`` file can declare parameters too.
"""

from __future__ import annotations

import csv
import datetime
import difflib
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from gsekg.errors import InputError, NotFoundError
from gsekg.namespaces import PREFIXES, compact
from gsekg.resources import queries_dir

if TYPE_CHECKING:
    from pyoxigraph import Literal, NamedNode

    from gsekg.engines import Engine
    from gsekg.terms import QueryResult

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES = ("iri", "string", "integer", "decimal", "boolean", "date", "gYear")
HEADER_KEYS = ("title", "description", "param", "ordered", "example")

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
_PARAM = re.compile(
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>\S+)"
    r"(?:\s*=\s*(?P<default>.*?))?(?:\s+--\s+(?P<description>\S.*))?"
)
_OBJECT_OF = r"(?P<predicate>[A-Za-z][\w.-]*:[\w.-]*|<[^<>\s]+>)\s+[?$]{name}\b"
"""A triple pattern with the parameter as object: ``gso:year ?year``."""
_VALUE_TYPES = """
SELECT DISTINCT ?kind WHERE {
  { SELECT ?o WHERE { ?s <%s> ?o } LIMIT 200 }
  BIND(IF(isLiteral(?o), STR(DATATYPE(?o)), "iri") AS ?kind)
}
"""
_LEXICAL = {
    "integer": re.compile(r"[+-]?[0-9]+"),
    "decimal": re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"),
    "gYear": re.compile(r"-?[0-9]{4,}"),
    "date": re.compile(r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}"),
}
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_BOOLEANS = {"true": "true", "1": "true", "false": "false", "0": "false"}


@dataclass(frozen=True)
class Param:
    """A parameter declared by ``#+ param:``; ``default`` is text, ``None`` when required."""

    name: str
    type: str
    default: str | None
    description: str


@dataclass(frozen=True)
class Header:
    """The ``#+`` header of a query."""

    title: str = ""
    description: str = ""
    params: tuple[Param, ...] = ()
    ordered: bool = False
    example: tuple[str, ...] = ()
    """``NAME=VALUE`` parameter values the expected result was written for."""


@dataclass(frozen=True)
class SavedQuery:
    """One file of the catalog; ``error`` says why it cannot be used (malformed header or body)."""

    name: str
    path: Path
    text: str
    header: Header = field(default_factory=Header)
    error: str | None = None

    @property
    def expected_path(self) -> Path:
        """The expected-result file beside the query."""
        return self.path.with_name(f"{self.name}.expected.csv")


def parse_header(text: str) -> Header:
    """Read the ``#+`` lines at the top of ``text``.

    Raises:
        InputError: A header line is malformed, names an unknown key or type,
            declares a parameter twice, or gives a default of the wrong type.
    """
    fields: dict[str, list[str]] = {key: [] for key in HEADER_KEYS}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#+"):
            break
        key, colon, value = line[2:].partition(":")
        key, value = key.strip(), value.strip()
        if not colon or key not in fields:
            raise InputError(
                f"header line {number}: expected '#+ KEY: VALUE' with KEY one of "
                f"{', '.join(HEADER_KEYS)}, got {line.strip()!r}"
            )
        if not value:
            raise InputError(f"header line {number}: '{key}' has no value")
        fields[key].append(value)
    params = tuple(_parse_param(line) for line in fields["param"])
    names = [p.name for p in params]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InputError(f"header declares parameter {', '.join(duplicates)} more than once")
    ordered = fields["ordered"][-1].lower() if fields["ordered"] else "false"
    if ordered not in ("true", "false"):
        raise InputError(f"header 'ordered' must be true or false, got {ordered!r}")
    if len(fields["title"]) > 1:
        raise InputError("header has more than one 'title' line")
    header = Header(
        title="".join(fields["title"]),
        description=" ".join(fields["description"]),
        params=params,
        ordered=ordered == "true",
        example=tuple(fields["example"]),
    )
    if header.example:
        bind_params(header, header.example)
    return header


def _parse_param(line: str) -> Param:
    match = _PARAM.fullmatch(line)
    if not match:
        raise InputError(
            f"malformed parameter {line!r}: expected 'NAME TYPE [= DEFAULT] [-- what it means]' "
            f"with TYPE one of {', '.join(PARAM_TYPES)}"
        )
    meaning = (match["description"] or "").strip()
    param = Param(match["name"], match["type"], match["default"], meaning)
    if param.type not in PARAM_TYPES:
        raise InputError(
            f"parameter {param.name}: unknown type {param.type!r} (one of {', '.join(PARAM_TYPES)})"
        )
    if param.default is not None:
        param_term(param, param.default)
    return param


def param_term(param: Param, value: str) -> NamedNode | Literal:
    """The RDF term for ``value`` of ``param``'s type.

    Raises:
        InputError: ``value`` is not a valid value of the type.
    """
    from pyoxigraph import Literal, NamedNode

    def bad(why: str) -> InputError:
        return InputError(f"parameter {param.name}: {value!r} is not {why}")

    kind = param.type
    if kind == "iri":
        return NamedNode(expand_iri(value, error=bad("an IRI or a compact name like gse:gse2022")))
    if kind == "string":
        return Literal(_unquote(value))
    if kind == "boolean":
        if value.lower() not in _BOOLEANS:
            raise bad("a boolean (true or false)")
        return Literal(_BOOLEANS[value.lower()], datatype=NamedNode(XSD + "boolean"))
    if not _LEXICAL[kind].fullmatch(value):
        raise bad(f"a valid {kind}")
    if kind == "date":
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            raise bad("a calendar date (YYYY-MM-DD)") from None
    return Literal(value, datatype=NamedNode(XSD + kind))


def _unquote(value: str) -> str:
    """A default may be quoted to keep spaces or be empty: ``= "Global Smart"``."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def expand_iri(value: str, *, error: Exception) -> str:
    """The full IRI for ``gse:bnu``, ``<https://…>``, ``https://…`` or ``urn:…``.

    Raises:
        Exception: ``error``, when ``value`` is none of these (e.g. an unknown prefix).
    """
    from pyoxigraph import NamedNode

    text = value.strip()
    prefix, colon, local = text.partition(":")
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    elif colon and prefix in PREFIXES and not local.startswith("//"):
        text = PREFIXES[prefix] + local
    elif not (local.startswith("//") or prefix.lower() == "urn"):
        raise error
    if not _ABSOLUTE_IRI.match(text) or any(c in text for c in ' <>"{}|\\^`'):
        raise error
    try:
        NamedNode(text)
    except ValueError:
        raise error from None
    return text


def bind_params(
    header: Header,
    values: Sequence[str] | Mapping[str, str],
    engine: Engine | None = None,
) -> dict[str, NamedNode | Literal]:
    """Typed substitutions for the declared parameters, defaults filled in.

    Args:
        header: The query's header.
        values: ``NAME=VALUE`` strings (as given to ``--param``) or a mapping.
        engine: When given, an ``iri`` parameter also takes the name of an
            entity (label, acronym or other name, any case): ``edition="GSE 2022"``.

    Raises:
        InputError: A value is malformed, ill-typed, names an undeclared
            parameter, or a parameter without a default has no value.
    """
    given = dict(values) if isinstance(values, Mapping) else _split_assignments(values)
    declared = {p.name: p for p in header.params}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        known = ", ".join(declared) or "none"
        raise InputError(f"unknown parameter {', '.join(unknown)} (this query declares: {known})")
    bound: dict[str, NamedNode | Literal] = {}
    for param in header.params:
        value = given.get(param.name, param.default)
        if value is None:
            meaning = f": {param.description}" if param.description else ""
            raise InputError(
                f"missing parameter {param.name} ({param.type}{meaning}); "
                f"give it with --param {param.name}=VALUE"
            )
        if engine is not None and param.type == "iri" and not _spells_an_iri(value):
            bound[param.name] = _entity_named(engine, param, value)
        else:
            bound[param.name] = param_term(param, value)
    return bound


def _spells_an_iri(value: str) -> bool:
    try:
        expand_iri(value, error=InputError(""))
    except InputError:
        return False
    return True


_ENTITY_BY_NAME = """
SELECT DISTINCT ?e ?preferred WHERE {
  VALUES ?p { skos:prefLabel skos:altLabel gso:acronym skos:hiddenLabel gso:misspelling }
  ?e ?p ?name .
  FILTER(isIRI(?e) && STRSTARTS(STR(?e), STR(gse:)) && LCASE(STR(?name)) = LCASE(?wanted))
  BIND(EXISTS { ?e skos:prefLabel ?name } AS ?preferred)
}
"""


def _entity_named(engine: Engine, param: Param, value: str) -> NamedNode:
    """The one entity called ``value``; its preferred label wins over others' other names.

    Raises:
        InputError: No entity or several entities have that name.
    """
    from pyoxigraph import Literal, NamedNode

    rows = engine.query(_ENTITY_BY_NAME, substitutions={"wanted": Literal(value)}).rows
    found = {str(getattr(e, "value", "")): bool(getattr(p, "value", "") == "true") for e, p in rows}
    preferred = [e for e, is_preferred in found.items() if is_preferred]
    chosen = preferred if len(preferred) == 1 else sorted(found)
    if len(chosen) == 1:
        return NamedNode(chosen[0])
    if not chosen:
        raise InputError(
            f"parameter {param.name}: {value!r} is not an IRI, a compact name like "
            "gse:gse2022 or the name of an entity"
        )
    names = ", ".join(compact(e) for e in chosen)
    raise InputError(f"parameter {param.name}: {value!r} names several entities: {names}")


def type_warnings(header: Header, text: str, engine: Engine) -> list[str]:
    """Parameters whose declared type no value of the property they are matched with has.

    A parameter used as the object of a triple pattern (``?e gso:year ?year``) is
    matched term for term: an ``integer`` never equals a ``gYear``, a plain string
    never equals a string with a language tag. Looks at up to 200 values of
    each such property in ``engine``'s graph.
    """
    warnings = []
    for param in header.params:
        wanted = "iri" if param.type == "iri" else XSD + param.type
        for match in re.finditer(_OBJECT_OF.format(name=re.escape(param.name)), text):
            try:
                predicate = expand_iri(match["predicate"], error=InputError(""))
            except InputError:
                continue
            # expand_iri refused any character that could leave the <…>
            result = engine.query(_VALUE_TYPES % predicate)
            kinds = {str(getattr(row[0], "value", "")) for row in result.rows}
            if kinds and wanted not in kinds:
                found = ", ".join(sorted(compact(k) if k != "iri" else "IRIs" for k in kinds))
                warnings.append(
                    f"parameter {param.name} is declared {param.type} but "
                    f"{compact(predicate)} holds {found}: it can match nothing"
                )
    return warnings


def _split_assignments(assignments: Sequence[str]) -> dict[str, str]:
    given: dict[str, str] = {}
    for assignment in assignments:
        name, equals, value = assignment.partition("=")
        if not equals or not name.strip():
            raise InputError(f"--param expects NAME=VALUE, got {assignment!r}")
        if name.strip() in given:
            raise InputError(f"parameter {name.strip()} given more than once")
        given[name.strip()] = value
    return given


def check_syntax(text: str) -> None:
    """Parse ``text`` as a SPARQL query (predeclared prefixes allowed) without touching data.

    Raises:
        InputError: The query does not parse; the message has the line and column.
    """
    from gsekg.engines import check_syntax as parse

    try:
        parse(text)
    except InputError as error:
        raise InputError(f"malformed SPARQL: {error}") from None


def _load(path: Path) -> SavedQuery:
    """Read and check one file; problems go into ``error`` rather than raising."""
    name = path.name.removesuffix(".rq")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return SavedQuery(name, path, "", error=f"cannot read {path}: {error}")
    header = Header()
    try:
        if not _NAME.fullmatch(name):
            raise InputError("name must be lower-case letters, digits, '-' or '_'")
        header = parse_header(text)
        for missing in ("title", "description"):
            if not getattr(header, missing):
                raise InputError(f"header has no '#+ {missing}:' line")
        for param in header.params:
            if not re.search(rf"[?$]{param.name}\b", text):
                raise InputError(f"parameter {param.name} is not used as ?{param.name}")
        check_syntax(text)
    except InputError as error:
        return SavedQuery(name, path, text, header, error=str(error))
    return SavedQuery(name, path, text, header)


def catalog(folder: Path | None = None) -> list[SavedQuery]:
    """Every saved query of ``folder`` (default: the bundled ``queries/``), by name.

    Files with a malformed header or body are included, with their ``error`` set.
    """
    root = queries_dir() if folder is None else folder
    if not root.is_dir():
        return []
    return [_load(path) for path in sorted(root.glob("*.rq"))]


def saved_names(folder: Path | None = None) -> list[str]:
    """The names of the saved queries, without reading them."""
    root = queries_dir() if folder is None else folder
    return sorted(p.name.removesuffix(".rq") for p in root.glob("*.rq")) if root.is_dir() else []


def nearest_names(name: str, names: Sequence[str], limit: int = 3) -> list[str]:
    """Up to ``limit`` of ``names`` closest to ``name``: close spellings, then containing it."""
    close = difflib.get_close_matches(name, names, n=limit, cutoff=0.5)
    containing = [n for n in names if name.lower() in n and n not in close]
    return (close + containing)[:limit]


def load(name: str, folder: Path | None = None) -> SavedQuery:
    """The saved query called ``name``.

    Raises:
        NotFoundError: No such query; the message suggests the nearest names.
        InputError: The query exists but is malformed.
    """
    root = queries_dir() if folder is None else folder
    path = root / f"{name}.rq"
    if not _NAME.fullmatch(name) or not path.is_file():
        names = saved_names(root)
        raise NotFoundError(f"no saved query named {name!r}", nearest_names(name, names))
    query = _load(path)
    if query.error:
        raise InputError(f"saved query {name} ({path}) is malformed: {query.error}")
    return query


def normalise_term(term: object) -> str:
    """A cell as in ``*.expected.csv``: compact IRI, literal lexical form, ``""`` if unbound."""
    from pyoxigraph import BlankNode, NamedNode

    if term is None:
        return ""
    if isinstance(term, NamedNode):
        return compact(term.value)
    if isinstance(term, BlankNode):
        return "_:b"
    return str(getattr(term, "value", term))


def normalise(result: QueryResult) -> tuple[list[str], list[tuple[str, ...]]]:
    """Header and rows of ``result`` normalised like ``*.expected.csv``.

    ASK gives one column ``boolean``; CONSTRUCT/DESCRIBE give ``subject,predicate,object``.
    """
    if result.kind == "ask":
        return ["boolean"], [("true" if result.boolean else "false",)]
    if result.kind == "graph":
        rows: list[tuple[str, ...]] = [
            (normalise_term(t.subject), normalise_term(t.predicate), normalise_term(t.object))
            for t in result.triples
        ]
        return ["subject", "predicate", "object"], rows
    return list(result.variables), [tuple(normalise_term(c) for c in row) for row in result.rows]


def run_saved(
    name: str,
    engine: Engine,
    params: Mapping[str, str] | None = None,
    folder: Path | None = None,
) -> tuple[list[str], list[tuple[str, ...]]]:
    """Run the saved query ``name`` on ``engine`` and return its normalised header and rows.

    Without ``params``, the header's ``example`` values (and the defaults) are used:
    the values its expected result was written for.
    """
    query = load(name, folder)
    bound = bind_params(query.header, query.header.example if params is None else params)
    return normalise(engine.query(query.text, substitutions=bound or None))


def read_expected(query: SavedQuery) -> tuple[list[str], list[tuple[str, ...]]]:
    """Header and rows of the query's ``NAME.expected.csv``.

    Raises:
        InputError: The file is missing or a row has the wrong number of cells.
    """
    try:
        with query.expected_path.open(encoding="utf-8", newline="") as handle:
            table = list(csv.reader(handle))
    except OSError as error:
        raise InputError(f"cannot read {query.expected_path}: {error.strerror}") from None
    if not table:
        raise InputError(f"{query.expected_path} is empty (it needs at least a header line)")
    header, rows = table[0], [tuple(row) for row in table[1:]]
    for number, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise InputError(
                f"{query.expected_path} line {number}: {len(row)} cells, header has {len(header)}"
            )
    return header, rows


def same_rows(
    actual: Sequence[tuple[str, ...]], expected: Sequence[tuple[str, ...]], *, ordered: bool
) -> bool:
    """Whether two row lists match, in order or as multisets."""
    return list(actual) == list(expected) if ordered else Counter(actual) == Counter(expected)
