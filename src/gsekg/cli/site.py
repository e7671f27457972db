"""Command: ``site`` (a static, self-contained website of the graph)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gsekg.cli.app import command
from gsekg.cli.options import CorpusOpt, GraphOptions, corpus_folder, graph_options
from gsekg.cli.output import note


@command(
    "site",
    epilog="The site needs no network access to be viewed: open DIR/index.html from disk or "
    "copy DIR to any static host. The same graph gives byte-identical files.",
)
@graph_options()
def site_command(
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="Folder to write the site into (created; a site built there before is replaced).",
        ),
    ],
    corpus: CorpusOpt = None,
    *,
    graph: GraphOptions,
) -> None:
    """Write a browsable website of the graph: index, a page per entity and source, network,
    timeline, differences between sources, ontology; each page with its data as JSON-LD.

    With the articles (--corpus, $GSEKG_CORPUS, or ../shared/corpus) every cited span
    is shown in its passage, highlighted.
    """
    from gsekg.site import build_site

    folder = corpus_folder(corpus, "the pages show spans without their passages")
    with graph.open() as opened:
        summary = build_site(opened, output, folder)
    for where, problem in summary.problems.items():
        note(f"{where}: {problem}")
    typer.echo(
        f"{summary.folder}/index.html\t{summary.pages} pages\t{summary.entities} entities\t"
        f"{summary.passages} passages shown\t{summary.missing_passages} not shown"
    )
