"""Commands: ``serve`` (a read-only SPARQL endpoint) and ``push`` (upload to a graph store)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from gsekg.cli.app import command
from gsekg.cli.options import (
    CacheDirOpt,
    DataOpt,
    NoInferenceOpt,
    TimeoutOpt,
    WithBundledOpt,
)
from gsekg.errors import EngineError


@command()
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 7878,
    data: DataOpt = None,
    with_bundled: WithBundledOpt = False,
    no_inference: NoInferenceOpt = False,
    cache_dir: CacheDirOpt = None,
    timeout: TimeoutOpt = None,
) -> None:
    """Serve the graph as a read-only SPARQL 1.1 Protocol endpoint (Oxigraph's server).

    Queries go to http://HOST:PORT/query by GET or POST; results come in the W3C formats
    (JSON, XML, CSV, TSV) the client asks for. Stop it with Ctrl-C.
    """
    from gsekg.cli.options import open_graph
    from gsekg.engines import OxigraphEngine
    from gsekg.server import Server

    with open_graph(data, with_bundled, no_inference, cache_dir=cache_dir) as graph:
        location = graph.location if isinstance(graph, OxigraphEngine) else None
    if location is None:
        raise EngineError("serve needs the on-disk store, but the cache folder is not writable")
    server = Server(location / "store", host, port, timeout=timeout).start()
    sys.stderr.write(f"SPARQL endpoint: {server.url} (read-only; Ctrl-C to stop)\n")
    raise typer.Exit(server.wait())


@command()
def push(
    endpoint: Annotated[
        str,
        typer.Option(
            "--endpoint",
            help="Graph Store Protocol URL (Oxigraph: http://HOST:PORT/store; "
            "credentials from GSEKG_ENDPOINT_TOKEN or GSEKG_ENDPOINT_USER/PASSWORD).",
        ),
    ],
    data: DataOpt = None,
    with_bundled: WithBundledOpt = False,
    no_inference: NoInferenceOpt = False,
    cache_dir: CacheDirOpt = None,
    timeout: TimeoutOpt = None,
) -> None:
    """Upload the graph to a server: the default graph and every claim graph, one PUT each."""
    from gsekg.cli.options import open_graph
    from gsekg.endpoint import push as push_dataset

    with open_graph(data, with_bundled, no_inference, cache_dir=cache_dir) as graph:
        report = push_dataset(graph.quads(), endpoint, timeout=timeout)
    sys.stderr.write(f"Pushed {report.graphs} graphs ({report.triples} triples) to {endpoint}\n")
