"""Commands: stats and timeline."""

from __future__ import annotations

from typing import Annotated

import typer

from gsekg.cli.app import command
from gsekg.cli.describe import (
    load_snapshot,
    pick_format,
    print_json,
    print_table,
    print_tsv,
)
from gsekg.cli.options import (
    CacheDirOpt,
    DataOpt,
    EndpointOpt,
    EngineOpt,
    NoInferenceOpt,
    WithBundledOpt,
)


@command()
def stats(
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="table (terminal default), json (piped) or tsv."),
    ] = None,
    data: DataOpt = None,
    with_bundled: WithBundledOpt = False,
    no_inference: NoInferenceOpt = False,
    engine: EngineOpt = "oxigraph",
    endpoint: EndpointOpt = None,
    cache_dir: CacheDirOpt = None,
) -> None:
    """Counts: triples, entities per class, facts (claims) per source and per property.

    The inferred count compares the graph with the same graph built without
    rules and inference (not known for a remote endpoint).
    """
    from gsekg.stats import compute

    chosen = pick_format(fmt, ("table", "json", "tsv"), "json")
    snapshot = load_snapshot(data, with_bundled, no_inference, engine, endpoint, cache_dir)
    inferred: int | None = 0 if no_inference else None
    if not no_inference and endpoint is None:
        plain = load_snapshot(data, with_bundled, True, engine, None, cache_dir)
        inferred = len(snapshot.default) - len(plain.default)
    result = compute(snapshot, inferred)
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
    if chosen == "tsv":
        print_tsv(("group", "key", "count"), rows)
    else:
        print_table(None, ("group", "key", "count"), ((g, k, str(v)) for g, k, v in rows))


@command()
def timeline(
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="table (terminal default), tsv (piped) or json."),
    ] = None,
    data: DataOpt = None,
    with_bundled: WithBundledOpt = False,
    no_inference: NoInferenceOpt = False,
    engine: EngineOpt = "oxigraph",
    endpoint: EndpointOpt = None,
    cache_dir: CacheDirOpt = None,
) -> None:
    """Every dated statement across the sources, in date order, with its sources."""
    from gsekg.timeline import timeline as events_of

    chosen = pick_format(fmt, ("table", "tsv", "json"), "tsv")
    snapshot = load_snapshot(data, with_bundled, no_inference, engine, endpoint, cache_dir)
    events = events_of(snapshot)
    if chosen == "json":
        print_json([e.to_json() for e in events])
        return
    header = ("date", "subject", "label", "property", "context", "sources")
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
    if short:
        print_table(None, header, rows)
    else:
        print_tsv(header, rows)
