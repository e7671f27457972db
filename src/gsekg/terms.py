"""The value types every module shares: RDF terms and query results.

A module of its own so that the engines, the endpoint client, the build and the
renderers can all use them without importing one another.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Literal, TypeAlias

from pyoxigraph import (
    BlankNode,
    NamedNode,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    Triple,
)
from pyoxigraph import Literal as RdfLiteral

Term: TypeAlias = NamedNode | BlankNode | RdfLiteral | Triple
"""Any RDF term pyoxigraph gives (a quoted triple included)."""
Substitutions: TypeAlias = Mapping[str, Term]
"""Values for query variables: name without ``?`` -> term."""


@dataclass(frozen=True)
class QueryResult:
    """The answer to a query, whatever its form.

    ``kind`` is ``select`` (``variables`` and ``rows``), ``ask`` (``boolean``), ``graph``
    (CONSTRUCT/DESCRIBE: ``triples``) or ``update`` (an allowed update: nothing).
    """

    kind: Literal["select", "ask", "graph", "update"]
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Triple] = field(default_factory=list)

    @classmethod
    def of(
        cls, answer: QueryBoolean | QuerySolutions | QueryTriples, limit: int | None = None
    ) -> QueryResult:
        """The result of a pyoxigraph answer, its first ``limit`` rows or triples only."""
        if isinstance(answer, QueryBoolean):
            return cls("ask", boolean=bool(answer))
        if isinstance(answer, QuerySolutions):
            variables = list(answer.variables)
            rows = [tuple(solution[v] for v in variables) for solution in islice(answer, limit)]
            return cls("select", [v.value for v in variables], rows)
        return cls("graph", triples=list(islice(answer, limit)))

    def head(self, limit: int | None) -> QueryResult:
        """This result with its first ``limit`` rows or triples only (all of them: ``None``)."""
        if limit is None:
            return self
        return replace(self, rows=self.rows[:limit], triples=self.triples[:limit])

    def column(self, name: str) -> list[Term | None]:
        """The values of one variable of a SELECT, row by row (``None`` where unbound)."""
        index = self.variables.index(name)
        return [row[index] for row in self.rows]

    def records(self) -> list[dict[str, Term | None]]:
        """The rows of a SELECT as dictionaries: variable -> value (``None`` where unbound)."""
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Solutions:
    """The rows of a SELECT answer as they are read: variable names, then one tuple a row."""

    variables: list[str]
    rows: Iterator[tuple[Term | None, ...]]
