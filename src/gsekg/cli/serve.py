"""Commands: ``serve`` (a read-only SPARQL endpoint) and ``push`` (upload to a graph store)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from gsekg.cli.app import command
from gsekg.cli.options import GraphOptions, TimeoutOpt, graph_options
from gsekg.errors import EngineError

_LOCAL_ONLY = ("engine", "endpoint")
"""Both commands read the local graph with Oxigraph."""


@command()
@graph_options(omit=_LOCAL_ONLY)
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 7878,
    timeout: TimeoutOpt = None,
    *,
    graph: GraphOptions,
) -> None:
    """Serve the graph as a read-only SPARQL 1.1 Protocol endpoint (Oxigraph's server).

    Queries go to http://HOST:PORT/query by GET or POST; results come in the W3C formats
    (JSON, XML, CSV, TSV) the client asks for. Stop it with Ctrl-C.
    """
    from gsekg.engines import OxigraphEngine
    from gsekg.server import Server

    with graph.open() as opened:
        location = opened.location if isinstance(opened, OxigraphEngine) else None
    if location is None:
        raise EngineError("serve needs the on-disk store, but the cache folder is not writable")
    server = Server(location / "store", host, port, timeout=timeout).start()
    sys.stderr.write(f"SPARQL endpoint: {server.url} (read-only; Ctrl-C to stop)\n")
    raise typer.Exit(server.wait())


@command()
@graph_options(omit=_LOCAL_ONLY)
def push(
    endpoint: Annotated[
        str,
        typer.Option(
            "--endpoint",
            help="Graph Store Protocol URL (Oxigraph: http://HOST:PORT/store; "
            "credentials from GSEKG_ENDPOINT_TOKEN or GSEKG_ENDPOINT_USER/PASSWORD).",
        ),
    ],
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", min=0.001, help="Give up on an upload after this many seconds."),
    ] = None,
    *,
    graph: GraphOptions,
) -> None:
    """Upload the graph to a server: the default graph and every claim graph, one PUT each."""
    from gsekg.endpoint import push as push_dataset

    with graph.open() as opened:
        report = push_dataset(opened.quads(), endpoint, timeout=timeout)
    sys.stderr.write(f"Pushed {report.graphs} graphs ({report.triples} triples) to {endpoint}\n")
