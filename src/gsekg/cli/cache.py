"""Commands: ``cache info``, ``cache build`` and ``cache clear`` (the on-disk store cache)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from gsekg.cli.app import app, command
from gsekg.cli.options import CacheDirOpt, GraphOptions, graph_options
from gsekg.cli.output import note
from gsekg.errors import EngineError

cache_app = typer.Typer(
    name="cache",
    help="Inspect, build or clear the on-disk store cache.",
    no_args_is_help=True,
)
app.add_typer(cache_app, name="cache")


@command("info", on=cache_app)
def info(cache_dir: CacheDirOpt = None) -> None:
    """List the cached stores: key, build date, quads, view, size, inputs and state.

    Every byte of each store is checked against its build; a damaged one shows
    ``damaged: WHY`` and is rebuilt by the next command that reads it.
    """
    from gsekg import store

    root = store.cache_root(cache_dir)
    found = store.entries(cache_dir)
    damaged = sum(1 for entry in found if entry.get("damaged"))
    count = f"{len(found)} store" + ("" if len(found) == 1 else "s")
    sys.stderr.write(f"Cache folder: {root} ({count})\n")
    _print(found)
    if damaged:
        note(f"{damaged} damaged: the next command that reads one moves it aside and rebuilds it")
    if unused := sum(1 for entry in found if _state(entry).startswith("unused")):
        plural = "" if unused == 1 else "s"
        note(f"gsekg cache clear removes the {unused} unused (old-format) store{plural}")


@command("build", on=cache_app)
@graph_options(omit=("engine", "endpoint"))
def build(
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild even if the store is cached.")
    ] = False,
    *,
    graph: GraphOptions,
) -> None:
    """Build the store for the graph now (the bundled graph unless --data is given)."""
    from gsekg import store
    from gsekg.cli.progress import load_progress

    cache_dir = graph.cache_dir
    wanted = graph.inputs()
    location: Path | None
    with load_progress() as progress:
        if force:
            location = store.build_entry(wanted, cache_dir=cache_dir, progress=progress)
        else:
            location = store.open_store(wanted, cache_dir=cache_dir, progress=progress).path
    built = store.entry(location) if location is not None else None
    if built is None:
        raise EngineError("the cache folder is not writable: the graph was built in memory only")
    _print([built])


@command("clear", on=cache_app)
def clear(cache_dir: CacheDirOpt = None) -> None:
    """Delete every cached store."""
    from gsekg import store

    try:
        removed = store.clear(cache_dir)
    except OSError as error:
        raise EngineError(f"cannot clear the cache: {error}") from None
    sys.stderr.write(f"Removed {removed} cached store folders from {store.cache_root(cache_dir)}\n")


def _print(entries: list[dict[str, Any]]) -> None:
    """Tab-separated lines when piped; on a terminal a table without the (long) store paths."""
    if not sys.stdout.isatty():
        for entry in entries:
            typer.echo(_line(entry))
        return
    from gsekg.cli.table import show

    header = ("key", "built on", "quads", "graphs", "inference", "view", "MB", "inputs", "state")
    rows = [(key, built[:10], *rest) for key, built, *rest in (_values(e)[:-1] for e in entries)]
    show(header, rows, optional=("inputs", "graphs"), complete="piped: every column")


def _line(entry: dict[str, Any]) -> str:
    """One tab-separated line: key, build date, quads, graphs, inference, view, MB, files,
    state, path."""
    key, built, quads, graphs, inference, view, size, inputs, state, path = _values(entry)
    return "\t".join(
        (
            key,
            built,
            f"{quads} quads",
            f"{graphs} graphs",
            f"inference={inference}",
            f"view={view}",
            f"{size:.1f} MB",
            f"{inputs} files",
            state,
            path,
        )
    )


def _values(entry: dict[str, Any]) -> tuple[str, str, int, int, str, str, float, int, str, str]:
    stats = entry.get("stats", {})
    return (
        str(entry.get("key", ""))[:16],
        str(entry.get("built_at", "")),
        int(stats.get("quads", 0)),
        int(stats.get("named_graphs", 0)),
        str(stats.get("inference", "none")),
        str(entry.get("view", "-")),
        round(entry.get("size_bytes", 0) / 1e6, 1),
        len(entry.get("inputs", [])),
        _state(entry),
        str(entry.get("path", "")),
    )


def _state(entry: dict[str, Any]) -> str:
    """``ok``, ``damaged: WHY``, or why this gsekg never reads the store."""
    from gsekg.store import CACHE_FORMAT

    if entry.get("damaged"):
        return f"damaged: {entry['damaged']}"
    if "format" in entry and entry["format"] != CACHE_FORMAT:
        return f"unused (old format {entry['format']})"
    return "ok"
