"""Commands: stats and timeline."""

from __future__ import annotations

from typing import Annotated

import typer

from gsekg.cli.app import command
from gsekg.cli.options import GraphOptions, graph_options
from gsekg.cli.output import ROWS_FORMATS, RowsFormatOpt, pick_format, print_json, print_rows


@command()
@graph_options()
def stats(
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="table (terminal default), json (piped) or tsv."),
    ] = None,
    *,
    graph: GraphOptions,
) -> None:
    """Counts: triples, entities per class, facts (claims) per source and per property.

    The inferred count is what the build added with rules and inference (not
    known for a remote endpoint).
    """
    from gsekg.stats import compute

    chosen = pick_format(fmt, ("table", "json", "tsv"), "json")
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
    for source in result.facts_per_source:
        rows += [
            ("claims per source", source.source, source.claims),
            ("claim triples per source", source.source, source.triples),
        ]
    rows += [("claim triples per property", k, v) for k, v in result.facts_per_property.items()]
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
    print_rows(chosen, ("date", "subject", "label", "property", "context", "sources"), rows)
