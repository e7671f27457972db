"""Commands: ``serve`` (a read-only SPARQL endpoint) and ``push`` (upload to a graph store)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from gsekg.cli.app import command
from gsekg.cli.options import GraphOptions, graph_options
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
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            min=0.001,
            max=86400,
            help="Answer 503 to a query not done after this many seconds, and stop it.",
        ),
    ] = 30.0,
    allow_update: Annotated[
        bool,
        typer.Option(
            "--allow-update",
            help="Allow SPARQL updates (INSERT, DROP, …) on a private copy, dropped on exit.",
        ),
    ] = False,
    allow_service: Annotated[
        bool,
        typer.Option(
            "--allow-service",
            help="Allow SERVICE calls to other endpoints (and LOAD, with --allow-update).",
        ),
    ] = False,
    *,
    graph: GraphOptions,
) -> None:
    """Serve the graph as a SPARQL 1.1 Protocol endpoint (Oxigraph's server, read-only).

    Queries go to http://HOST:PORT/query by GET or POST; results come in the W3C formats
    (JSON, XML, CSV, TSV) the client asks for. Each request is checked first: too large or
    too deeply nested (400 or 413), an update, SERVICE or LOAD not allowed (403), no answer
    within --timeout (503). Stop it with Ctrl-C.
    """
    import signal

    from gsekg import guard
    from gsekg.engines import OxigraphEngine
    from gsekg.front import Front, Policy

    policy = Policy(timeout, allow_update, allow_service, guard.Limits.from_environment())
    front = Front(host, port, policy=policy)  # an unusable address fails before the build
    try:
        with graph.open() as opened:
            location = opened.location if isinstance(opened, OxigraphEngine) else None
        if location is None:
            raise EngineError("serve needs the on-disk store, but the cache folder is not writable")
        front.start_engine(location / "store")
    except BaseException:
        front.close()
        raise
    mode = "updates on a private copy" if allow_update else "read-only"
    sys.stderr.write(
        f"SPARQL endpoint: {front.url} ({mode}; timeout {timeout:g} s; Ctrl-C to stop)\n"
    )
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        front.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        front.close()
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


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
