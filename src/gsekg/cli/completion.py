"""Shell completion: saved-query names, ``--param`` names and entity names.

Completion must be quick and silent: any failure completes nothing.
"""

from __future__ import annotations

import typer

from gsekg.errors import GsekgError

NETWORK_PARAMS = ("edition", "source", "kind", "exclude")
"""What ``--param NAME=VALUE`` may set on the network commands (same as their options)."""

_ENTITY_NAMES = """
SELECT DISTINCT ?name WHERE {
  VALUES ?p { skos:prefLabel gso:acronym skos:altLabel }
  ?entity ?p ?name .
  FILTER(STRSTARTS(STR(?entity), "https://w3id.org/gsekg/id/"))
  FILTER(STRSTARTS(LCASE(STR(?name)), LCASE(?prefix)))
}
ORDER BY LCASE(STR(?name)) LIMIT 200
"""


def complete_query_names(incomplete: str) -> list[str]:
    """The saved queries whose name starts with ``incomplete``."""
    from gsekg.queries import saved_names

    try:
        return [n for n in saved_names() if n.startswith(incomplete)]
    except (OSError, GsekgError):
        return []


def complete_params(ctx: typer.Context, incomplete: str) -> list[str]:
    """``NAME=`` for the parameters of the query being run (or the network filters)."""
    names: list[str] = list(NETWORK_PARAMS)
    # while an option's value is being completed, the query may still sit in ctx.args
    query = ctx.params.get("query") or next(iter(ctx.args), None)
    if ctx.command.name == "query":
        names = []
        if isinstance(query, str):
            from gsekg import queries

            try:
                header = queries.load(query).header if query in queries.saved_names() else None
            except (OSError, GsekgError):
                header = None
            names = [p.name for p in header.params] if header else []
    return [f"{n}=" for n in names if f"{n}=".startswith(incomplete)]


def complete_entity(incomplete: str) -> list[str]:
    """Labels and acronyms of entities starting with ``incomplete`` (from the cached store)."""
    from pyoxigraph import Literal

    from gsekg.engines import open_engine

    try:
        with open_engine() as engine:
            result = engine.query(_ENTITY_NAMES, substitutions={"prefix": Literal(incomplete)})
    except (OSError, GsekgError):
        return []
    return [str(getattr(row[0], "value", "")) for row in result.rows if row[0] is not None]
