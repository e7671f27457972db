"""Commands: stats and timeline."""

from __future__ import annotations

from typing import Annotated

import typer

from gsekg.cli.app import command
from gsekg.cli.options import GraphOptions, graph_options
from gsekg.cli.output import ROWS_FORMATS, RowsFormatOpt, pick_format, print_json, print_rows
from gsekg.cli.table import print_report

_SHOWN_PER_GROUP = 5


@command()
@graph_options()
def stats(
    fmt: RowsFormatOpt = None,
    show_all: Annotated[
        bool,
        typer.Option("--all", help="Table: every row (default: the first rows of each group)."),
    ] = False,
    *,
    graph: GraphOptions,
) -> None:
    """Counts: triples, entities per class, facts (claims) per source and per property.

    The inferred count is what the build added with rules and inference (not
    known for a remote endpoint).
    """
    from gsekg.stats import compute

    chosen = pick_format(fmt, ROWS_FORMATS, "tsv")
    with graph.open() as engine:
        result = compute(engine)
    if chosen == "json":
        print_json(result.to_json())
        return
    rows = [
        ("triples", "total", result.quads),
        ("triples", "default graph", result.default_triples),
        ("triples", "named graphs", result.named_graph_triples),
        (
            "triples",
            "inferred",
            "?" if result.inferred_triples is None else result.inferred_triples,
        ),
        ("named graphs", "", result.named_graphs),
        ("entities", "", result.entities),
    ]
    rows += [("entities per class", k, v) for k, v in result.entities_per_class.items()]
    rows += [("claims per source", s.source, s.claims) for s in result.facts_per_source]
    rows += [("claim triples per source", s.source, s.triples) for s in result.facts_per_source]
    rows += [("claim triples per property", k, v) for k, v in result.facts_per_property.items()]
    if chosen == "table":
        print_report(("group", "key", "count"), rows, keep=None if show_all else _SHOWN_PER_GROUP)
    else:
        print_rows(chosen, ("group", "key", "count"), rows)


@command()
@graph_options()
def timeline(
    fmt: RowsFormatOpt = None,
    *,
    graph: GraphOptions,
) -> None:
    """Every dated statement across the sources, in date order, with its sources."""
    from gsekg.timeline import timeline as events_of

    chosen = pick_format(fmt, ROWS_FORMATS, "tsv")
    with graph.open() as engine:
        events = events_of(engine)
    if chosen == "json":
        print_json([e.to_json() for e in events])
        return
    short = chosen == "table"
    rows = [
        (
            e.date,
            e.subject,
            e.label,
            e.property,
            e.context,
            " ".join(s[:3] if short else s for s in e.sources),
        )
        for e in events
    ]
    header = ("date", "subject", "label", "property", "context", "sources")
    print_rows(chosen, header, rows, optional=("subject",))
