"""Literals from a SPARQL server in the canonical form the embedded store prints.

An Oxigraph store keeps booleans and durations as values and prints them in their
canonical form (``"1"^^xsd:boolean`` comes back as ``true``, ``"P24M"`` as ``P2Y``).
Virtuoso 7 also keeps them as values, but answers in its own encoding: a boolean as
``0`` or ``1`` in JSON results, a year-month duration as its number of months
(``"24"^^xsd:duration``) and a day-time duration as its number of seconds
(``"18000.0"^^xsd:duration``). A bare number is not a valid duration, so no other
server sends one; reading both encodings back gives the answers of the embedded store.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from pyoxigraph import Literal, NamedNode, Triple

from gsekg.terms import QueryResult, Term

XSD = "http://www.w3.org/2001/XMLSchema#"
BOOLEAN = NamedNode(XSD + "boolean")
DURATION = NamedNode(XSD + "duration")
YEAR_MONTH = NamedNode(XSD + "yearMonthDuration")
DAY_TIME = NamedNode(XSD + "dayTimeDuration")
_MARKERS = (b"XMLSchema#boolean", b"XMLSchema#duration", b"Duration")
"""Bytes that an answer holding such a literal contains (a cheap test before the rows)."""
_MONTHS = re.compile(r"-?[0-9]+")
_SECONDS = re.compile(r"-?[0-9]{1,30}(?:\.[0-9]{1,30})?(?:[eE][-+]?[0-9]{1,3})?")
"""Virtuoso writes the seconds of a day-time duration as a double: ``18000.0``, ``8.64e+12``."""
_BOOLEANS = {"1": "true", "0": "false"}


def canonical_answer(result: QueryResult, payload: bytes) -> QueryResult:
    """``result``, read from ``payload``, with its booleans and durations in canonical form."""
    if not any(marker in payload for marker in _MARKERS):
        return result
    if result.kind == "select":
        rows = [tuple(_cell(term) for term in row) for row in result.rows]
        return QueryResult("select", result.variables, rows)
    if result.kind == "graph":
        triples = [
            Triple(t.subject, t.predicate, canonical(t.object))
            if isinstance(t.object, Literal)
            else t
            for t in result.triples
        ]
        return QueryResult("graph", triples=triples)
    return result


def canonical(term: Literal) -> Literal:
    """``term`` itself, or the canonical form of a boolean or duration in a server's encoding."""
    datatype, value = term.datatype, term.value
    if datatype == BOOLEAN and value in _BOOLEANS:
        return Literal(_BOOLEANS[value], datatype=BOOLEAN)
    if datatype not in (DURATION, YEAR_MONTH, DAY_TIME):
        return term
    if _MONTHS.fullmatch(value):
        if datatype == DAY_TIME or len(value) > 19:
            return term
        return Literal(duration(months=int(value), zero=datatype == YEAR_MONTH), datatype=datatype)
    if datatype != YEAR_MONTH and _SECONDS.fullmatch(value):
        try:
            return Literal(duration(seconds=Decimal(value)), datatype=datatype)
        except InvalidOperation:  # more days than a Decimal holds: left as it came
            return term
    return term


def _cell(term: Term | None) -> Term | None:
    return canonical(term) if isinstance(term, Literal) else term


def duration(*, months: int = 0, seconds: Decimal = Decimal(0), zero: bool = False) -> str:
    """The canonical lexical form of a duration of ``months`` and ``seconds`` (same sign).

    ``zero`` gives ``P0M`` (an ``xsd:yearMonthDuration``) rather than ``PT0S`` for nothing.
    """
    sign = "-" if months < 0 or seconds < 0 else ""
    years, months = divmod(abs(months), 12)
    days, rest = divmod(abs(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, rest = divmod(rest, 60)
    date = _parts((years, "Y"), (months, "M"), (days, "D"))
    time = _parts((hours, "H"), (minutes, "M"), (rest, "S"))
    if not date and not time:
        return "P0M" if zero else "PT0S"
    return f"{sign}P{date}" + (f"T{time}" if time else "")


def _parts(*parts: tuple[int | Decimal, str]) -> str:
    return "".join(f"{_number(amount)}{unit}" for amount, unit in parts if amount)


def _number(amount: int | Decimal) -> str:
    if isinstance(amount, int):
        return str(amount)
    return format(amount.normalize(), "f")
