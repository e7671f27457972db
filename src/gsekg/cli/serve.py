"""Commands: ``serve`` (a read-only SPARQL endpoint) and ``push`` (upload to a graph store)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from gsekg.cli.app import command
from gsekg.cli.options import GraphOptions, finite_seconds, graph_options
from gsekg.errors import EngineError, InputError, UsageError

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
            callback=finite_seconds,
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
        typer.Option(
            "--timeout",
            min=0.001,
            callback=finite_seconds,
            help="Give up on an upload after this many seconds.",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say which graphs would be replaced; send nothing.")
    ] = False,
    replace_all: Annotated[
        bool,
        typer.Option(
            "--replace-all",
            help="Replace the WHOLE dataset on the server (graphs gsekg lacks are deleted); "
            "asks for confirmation unless --yes.",
        ),
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask before --replace-all.")] = False,
    *,
    graph: GraphOptions,
) -> None:
    """Upload the graph to a server: the default graph (the --view) and every claim, a PUT each.

    Each PUT replaces that one graph on the server; other graphs there are kept. The graphs
    to be replaced are listed on stderr first.
    """
    from gsekg.endpoint import plan_push, store_url

    store_url(endpoint)
    with graph.open() as opened:
        plan = plan_push(opened.quads(), endpoint, replace_all=replace_all)
    sys.stderr.write("".join(f"{line}\n" for line in plan.lines(None if dry_run else 10)))
    if dry_run:
        sys.stderr.write("Dry run: nothing was sent.\n")
        return
    if replace_all and not yes:
        if not sys.stdin.isatty():
            raise UsageError(
                "--replace-all deletes every graph on the server; add --yes to confirm "
                "(no terminal to ask on)"
            )
        if not typer.confirm(f"Delete everything at {endpoint} and write this graph?"):
            raise InputError("not confirmed; nothing was sent")
    report = plan.send(timeout=timeout)
    sys.stderr.write(f"Pushed {report.graphs} graphs ({report.triples} triples) to {endpoint}\n")
