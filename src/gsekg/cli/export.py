"""Command: ``export`` (the whole graph in an RDF syntax)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from gsekg.cli.app import command
from gsekg.cli.options import GraphOptions, graph_options
from gsekg.cli.output import note, write_output
from gsekg.render import GraphFormat


@command(
    "export",
    epilog="Output is deterministic: blank nodes get canonical labels (RDFC-1.0) and statements "
    "are sorted, so two exports of the same graph are byte-identical.",
)
@graph_options(omit=("no_inference", "endpoint"))
def export_command(
    fmt: Annotated[
        GraphFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="RDF syntax. Default: from --output's extension, else turtle.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write here (atomically) instead of stdout."),
    ] = None,
    inferred: Annotated[
        bool,
        typer.Option(
            "--inferred/--no-inferred",
            help="Include the triples added by the simple-view rules and inference "
            "(default: only what the files state).",
        ),
    ] = False,
    provenance: Annotated[
        bool | None,
        typer.Option(
            "--provenance/--no-provenance",
            help="Keep each claim as a named graph (trig, nquads; their default). "
            "Other formats always give the simple view.",
            show_default=False,
        ),
    ] = None,
    *,
    graph: GraphOptions,
) -> None:
    """Export the whole graph (ontology and data) in an RDF syntax."""
    from gsekg.export import export_bytes
    from gsekg.render import choose_format

    chosen = choose_format("graph", fmt, output, tty=False)
    with replace(graph, no_inference=not inferred).open() as opened:
        payload = export_bytes(opened, chosen, provenance=provenance, on_note=note)
    write_output(payload, output)
