"""Options shared by the commands that read the graph, and the helper that opens it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from gsekg.engines import Engine

DataOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--data",
        "-d",
        help="Read these RDF files or folders instead of the bundled graph (repeatable).",
    ),
]
WithBundledOpt = Annotated[
    bool,
    typer.Option("--with-bundled", help="With --data: read the bundled graph too."),
]
NoInferenceOpt = Annotated[
    bool,
    typer.Option("--no-inference", help="Leave out inferred triples and the simple-view rules."),
]
EngineOpt = Annotated[
    str,
    typer.Option("--engine", help="Query engine: oxigraph (default, cached on disk) or rdflib."),
]
EndpointOpt = Annotated[
    str | None,
    typer.Option(
        "--endpoint",
        help="Query this SPARQL 1.1 endpoint instead of a local graph "
        "(credentials from GSEKG_ENDPOINT_USER / GSEKG_ENDPOINT_PASSWORD).",
    ),
]
CacheDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir", envvar="GSEKG_CACHE_DIR", help="Where the on-disk store is cached."
    ),
]
TimeoutOpt = Annotated[
    float | None,
    typer.Option("--timeout", min=0.001, help="Stop a query after this many seconds."),
]
CorpusOpt = Annotated[
    Path | None,
    typer.Option(
        "--corpus",
        envvar="GSEKG_CORPUS",
        help="Folder of the source articles (default: ../shared/corpus when it exists).",
    ),
]


def open_graph(
    data: list[Path] | None = None,
    with_bundled: bool = False,
    no_inference: bool = False,
    engine: str = "oxigraph",
    endpoint: str | None = None,
    cache_dir: Path | None = None,
) -> Engine:
    """Open the graph the options describe, with a progress bar if a slow build is needed."""
    from gsekg.cli.progress import load_progress
    from gsekg.engines import open_engine

    with load_progress() as progress:
        return open_engine(
            engine=engine,
            data=tuple(data or ()),
            with_bundled=with_bundled or not data,
            inference=not no_inference,
            endpoint=endpoint,
            cache_dir=cache_dir,
            progress=progress,
        )
