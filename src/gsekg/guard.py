"""Query safety: what a SPARQL text asks for, how large it is, and a time limit that stops it.

The text is scanned with comments, strings, IRIs, variables and prefixed names blanked out, so
a keyword is only found where it is a keyword: ``?delete`` or ``ex:load`` do not count.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import re
import select
import signal
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from pyoxigraph import Literal, NamedNode

from gsekg.errors import EngineError, ForbiddenQueryError, GsekgError, InputError, QueryTimeoutError

if TYPE_CHECKING:
    from gsekg.terms import Term

T = TypeVar("T")

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")

_NOISE = re.compile(
    r"""
    '''(?:[^'\\]|\\.|'(?!''))*'''      # long strings
    | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
    | '(?:[^'\\\n]|\\.)*'               # short strings
    | "(?:[^"\\\n]|\\.)*"
    | <[^<>"{}|^`\\\s]*>                # IRIs
    | \#[^\n]*                          # comments
    | [?$]\w+                          # variables (\w is Unicode-aware)
    | [\w.\-\u00b7]*:[\w.\-:%\u00b7]*     # prefixed names, blank nodes
    | @[a-zA-Z]+(?:-[a-zA-Z0-9]+)*      # language tags
    """,
    re.VERBOSE,
)
_WORD = re.compile(r"[A-Za-z]+")
_BRACKET = re.compile(r"[{}()\[\]]")
_OPERATOR = re.compile(
    r"""\b(?:UNION|OPTIONAL|MINUS)\b     # graph pattern operators
    | \|\| | && | != | <= | >=          # expression operators
    | [=<>+\-*/|^!]
    | [;,] | (?<![0-9])\.(?![0-9])       # triple pattern separators (not a decimal point)
    """,
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(frozen=True)
class Request:
    """What a SPARQL text is: a query of some form or an update, and whether it uses SERVICE."""

    form: str
    """``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE`` or ``UPDATE`` (``""`` when unknown)."""
    service: bool
    load: bool = False
    """Whether an update uses LOAD (a fetch over the network)."""

    @property
    def is_update(self) -> bool:
        """Whether the text is a SPARQL update."""
        return self.form == "UPDATE"


def mask(sparql: str) -> str:
    """``sparql`` with comments, strings, IRIs, variables and prefixed names blanked out.

    The result has the same length, so an index into it is an index into ``sparql``.
    """
    return _NOISE.sub(lambda m: " " * len(m.group()), sparql)


def keywords(sparql: str) -> list[str]:
    """The bare words of a SPARQL text, upper-cased, in order."""
    return [w.upper() for w in _WORD.findall(mask(sparql))]


def inspect(sparql: str) -> Request:
    """Classify a SPARQL text without parsing it fully."""
    words = keywords(sparql)
    form = next((w for w in words if w in QUERY_FORMS), "")
    if any(w in UPDATE_KEYWORDS for w in words):
        form = "UPDATE"
    return Request(form=form, service="SERVICE" in words, load="LOAD" in words)


@dataclass(frozen=True)
class Limits:
    """How large and deep a SPARQL text may be before it reaches an engine.

    The engines parse and evaluate recursively: a few thousand nested groups or chained
    operators overflow their stack and kill the process. Real queries stay far below these.
    """

    max_depth: int = 200
    """Nesting of ``{}``, ``()`` and ``[]``."""
    max_operators: int = 5000
    """UNION, OPTIONAL, MINUS, expression operators and triple pattern separators."""
    max_bytes: int = 1 << 20
    """Size of the text in UTF-8."""

    @classmethod
    def from_environment(cls) -> Limits:
        """The defaults, overridden by ``GSEKG_QUERY_MAX_DEPTH``, ``…_OPERATORS``, ``…_BYTES``."""
        values = {}
        for name in ("max_depth", "max_operators", "max_bytes"):
            variable = "GSEKG_QUERY_" + name.upper()
            text = os.environ.get(variable)
            if text is None:
                continue
            try:
                values[name] = int(text)
            except ValueError:
                raise InputError(f"{variable} must be a whole number, not {text!r}") from None
            if values[name] < 1:
                raise InputError(f"{variable} must be at least 1, not {text}")
        return cls(**values)


def check_size(sparql: str, limits: Limits | None = None) -> None:
    """Refuse a text too large, too deeply nested or with too many operators for the engines.

    Brackets and operators are counted outside strings, IRIs and comments.

    Raises:
        InputError: a limit is exceeded (the message names it and its setting).
    """
    limits = limits or Limits.from_environment()
    size = len(sparql.encode("utf-8", errors="surrogatepass"))
    if size > limits.max_bytes:
        raise InputError(
            f"the query is {size:,} bytes; the limit is {limits.max_bytes:,} "
            "(GSEKG_QUERY_MAX_BYTES)"
        )
    masked = mask(sparql)
    depth = deepest = 0
    for bracket in _BRACKET.finditer(masked):
        depth += 1 if bracket.group() in "{([" else -1
        deepest = max(deepest, depth)
    if deepest > limits.max_depth:
        raise InputError(
            f"the query nests brackets {deepest} deep; the limit is {limits.max_depth} "
            "(GSEKG_QUERY_MAX_DEPTH)"
        )
    operators = sum(1 for _ in _OPERATOR.finditer(masked))
    if operators > limits.max_operators:
        raise InputError(
            f"the query has {operators:,} operators (UNION, OPTIONAL, &&, +, ., …); "
            f"the limit is {limits.max_operators:,} (GSEKG_QUERY_MAX_OPERATORS)"
        )


def check(
    sparql: str, *, allow_update: bool, allow_service: bool, limits: Limits | None = None
) -> Request:
    """Classify a SPARQL text and refuse what was not allowed or is too large to parse safely.

    Raises:
        InputError: the text exceeds ``limits`` (see :func:`check_size`).
        ForbiddenQueryError: an update (INSERT, DELETE, LOAD, CLEAR, …) without ``allow_update``,
            or a SERVICE call or LOAD (both reach out over the network) without
            ``allow_service``.
    """
    check_size(sparql, limits)
    request = inspect(sparql)
    if request.is_update and not allow_update:
        raise ForbiddenQueryError(
            "this is a SPARQL update (INSERT/DELETE/LOAD/CLEAR/DROP/CREATE/…); "
            "the graph is read-only unless updates are explicitly allowed"
        )
    if request.service and not allow_service:
        raise ForbiddenQueryError(
            "SERVICE calls other endpoints over the network; refused unless explicitly allowed"
        )
    if request.load and not allow_service:
        raise ForbiddenQueryError(
            "LOAD fetches a document over the network; refused unless SERVICE calls "
            "(network access) are explicitly allowed too"
        )
    return request


def with_values(sparql: str, substitutions: Mapping[str, Term]) -> str:
    """``sparql`` with a VALUES block binding ``substitutions`` at the top of its WHERE clause.

    Each value is serialised by pyoxigraph (IRIs are validated, strings escaped), so no text
    the user gave is pasted into the query.
    """
    names, values = [], []
    for name, term in substitutions.items():
        variable = name.lstrip("?$")
        if not re.fullmatch(r"\w+", variable):
            raise InputError(f"not a variable name: {name!r}")
        if not isinstance(term, NamedNode | Literal):
            raise InputError(f"?{variable}: only IRIs and literals can be sent as parameters")
        names.append(f"?{variable}")
        values.append(str(term))
    block = f" VALUES ({' '.join(names)}) {{ ({' '.join(values)}) }} "
    where = _where_brace(sparql)
    return sparql[: where + 1] + block + sparql[where + 1 :]


def _where_brace(sparql: str) -> int:
    """The index of the ``{`` that opens the query's WHERE clause."""
    masked = mask(sparql)
    form = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", masked, re.IGNORECASE)
    if form is None:
        raise InputError("parameters need a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    position = form.end()
    if form.group(1).upper() == "CONSTRUCT":
        if re.match(r"\s*WHERE\b", masked[position:], re.IGNORECASE):
            raise InputError("parameters cannot be used with the short form CONSTRUCT WHERE { … }")
        position = _after_group(masked, masked.find("{", position))
    brace = masked.find("{", position)
    if brace < 0:
        raise InputError("parameters need a query with a WHERE clause")
    return brace


def _after_group(masked: str, start: int) -> int:
    """The index just after the ``}`` closing the group opened at ``start``."""
    depth = 0
    for index in range(start, len(masked)):
        if masked[index] == "{":
            depth += 1
        elif masked[index] == "}":
            depth -= 1
            if depth == 0:
                return index + 1
    raise InputError("unbalanced braces in the query")


def run_with_timeout(function: Callable[[], T], timeout: float | None) -> T:
    """Call ``function`` and return its result, stopping it after ``timeout`` seconds.

    Neither pyoxigraph nor rdflib can interrupt a running query, so the call runs in a forked
    child process that is killed when time is up; the result comes back pickled through a
    pipe. The child shares the parent's memory copy-on-write, so the fork is cheap.

    Raises:
        QueryTimeoutError: the time ran out; the child was killed.
    """
    if timeout is None:
        return function()
    if not hasattr(os, "fork"):
        raise EngineError("--timeout needs os.fork, which this platform does not have")
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads: we only exec
        pid = os.fork()
    if pid == 0:  # pragma: no cover  (child; coverage cannot follow it)
        os.close(read_end)
        _child(function, write_end)
    os.close(write_end)
    try:
        payload = _read_until(read_end, time.monotonic() + timeout)
    except BaseException:
        _kill(pid)
        raise
    finally:
        os.close(read_end)
    if payload is None:
        _kill(pid)
        raise QueryTimeoutError(f"the query ran longer than {timeout:g} s and was stopped")
    os.waitpid(pid, 0)
    if not payload:
        raise EngineError("the query process died without an answer")
    ok, value = pickle.loads(payload)
    if ok:
        result: T = value
        return result
    raise value


def _child(function: Callable[[], object], write_end: int) -> None:  # pragma: no cover
    """Run in the forked child: send ``(ok, value)`` pickled, then exit without cleanup."""
    try:
        try:
            message = pickle.dumps((True, function()))
        except GsekgError as error:
            message = pickle.dumps((False, error))
        except Exception as error:  # any failure goes back to the parent
            message = pickle.dumps((False, EngineError(f"query failed: {error}")))
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(message)
    finally:
        os._exit(0)


def _read_until(fd: int, deadline: float) -> bytes | None:
    """Everything written to ``fd`` until end of file, or ``None`` if the deadline passes."""
    chunks: list[bytes] = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            return None
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _kill(pid: int) -> None:
    """Kill the child and reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
