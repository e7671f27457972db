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

EXPORT_HELP = """Export the whole graph (ontology and data) in an RDF syntax.

\b
What each export holds:
- default (turtle, ntriples, xml; json-ld without --provenance): the simple
  view, one graph: ontology, entity registry, every claim's triples, and
  the claims' provenance records (source, character spans);
- --provenance (trig and nquads by default; json-ld on request): the same,
  but each claim's triples stay in its own named graph (claim:...), and the
  default graph holds the ontology, registry and provenance records;
- --inferred adds, to the default graph, the triples the simple-view rule
  (ontology/rules/simple-view.rq) and OWL-RL inference derive;
- --view best: the default export holds the best-ranked claims' triples
  (per subject and property) instead of every claim's; with --provenance the
  claims are all there, each in its named graph, whatever the view.
"""


@command(
    "export",
    epilog="Output is deterministic: blank nodes get canonical labels (RDFC-1.0) and statements "
    "are sorted, so two exports of the same graph are byte-identical.",
    help=EXPORT_HELP,
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
            help="Keep each claim as a named graph (trig, nquads: their default; json-ld: "
            "@graph objects). Turtle, N-Triples and RDF/XML always give the simple view.",
            show_default=False,
        ),
    ] = None,
    *,
    graph: GraphOptions,
) -> None:
    from gsekg.export import export_bytes
    from gsekg.render import choose_format, graph_format_for

    if fmt is None and output is not None and output.suffix and not graph_format_for(output):
        raise typer.BadParameter(
            f"cannot tell the RDF syntax from {output.name!r}: use .ttl, .trig, .nq, .nt, "
            ".jsonld, .rdf or give --format",
            param_hint="'--output'",
        )
    chosen = choose_format("graph", fmt, output, tty=False)
    with replace(graph, no_inference=not inferred).open() as opened:
        payload = export_bytes(opened, chosen, provenance=provenance, on_note=note)
    write_output(payload, output)
