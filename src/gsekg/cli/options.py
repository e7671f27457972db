"""Options shared by the commands that read the graph, and the decorator that adds them."""

from __future__ import annotations

import functools
import inspect
import math
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

if TYPE_CHECKING:
    from gsekg.engines import Engine
    from gsekg.snapshot import Snapshot
    from gsekg.store import Inputs

T = TypeVar("T")

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


def one_of(*choices: str) -> Callable[[str], str]:
    """An option callback: a value outside ``choices`` is a usage error (exit 2)."""

    def check(value: str) -> str:
        if value not in choices:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(choices)}")
        return value

    return check


EngineOpt = Annotated[
    str,
    typer.Option(
        "--engine",
        metavar="[oxigraph|rdflib]",
        callback=one_of("oxigraph", "rdflib"),
        help="Query engine: oxigraph (default, cached on disk) or rdflib.",
    ),
]
EndpointOpt = Annotated[
    str | None,
    typer.Option(
        "--endpoint",
        help="Query this SPARQL 1.1 endpoint instead of a local graph (credentials from "
        "GSEKG_ENDPOINT_TOKEN, or GSEKG_ENDPOINT_USER / GSEKG_ENDPOINT_PASSWORD).",
    ),
]
CacheDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir", envvar="GSEKG_CACHE_DIR", help="Where the on-disk store is cached."
    ),
]
ViewOpt = Annotated[
    str,
    typer.Option(
        "--view",
        metavar="[union|best]",
        callback=one_of("union", "best"),
        help="Which graph queries read by default: union (every claim) or best (per subject "
        "and property, the preferred claims if any, else the normal ones; never deprecated).",
    ),
]
MAX_TIMEOUT = 7 * 24 * 3600.0
"""The longest ``--timeout`` accepted (a week), in seconds."""


def finite_seconds(value: float | None) -> float | None:
    """A ``--timeout`` callback: refuse ``nan``, ``inf`` and absurd values as a usage error."""
    if value is not None and not (math.isfinite(value) and value <= MAX_TIMEOUT):
        raise typer.BadParameter(
            f"{value} is not a number of seconds between 0.001 and {MAX_TIMEOUT:g}"
        )
    return value


TimeoutOpt = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        min=0.001,
        callback=finite_seconds,
        help="Stop a query after this many seconds.",
    ),
]


def _use_data_dir(folder: Path | None) -> Path | None:
    from gsekg.resources import use_data_dir

    use_data_dir(folder)
    return folder


DataDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        envvar="GSEKG_DATA_DIR",
        callback=_use_data_dir,
        exists=True,
        file_okay=False,
        help="Data folder (source registry, entities, claims) read in place of the bundled data.",
    ),
]
CorpusOpt = Annotated[
    Path | None,
    typer.Option(
        "--corpus",
        envvar="GSEKG_CORPUS",
        help="Folder of the source articles (default: ../shared/corpus when it exists).",
    ),
]


def corpus_folder(explicit: Path | None, unless_found: str) -> Path | None:
    """The corpus folder (``--corpus``, ``$GSEKG_CORPUS`` or the default), if it exists.

    Otherwise ``None``, after a note that says which folder is missing and ``unless_found``:
    what the command leaves out without it.
    """
    from gsekg.cli.output import note
    from gsekg.resources import corpus_dir

    folder = corpus_dir(explicit)
    if folder is None:
        note(f"no corpus folder found (use --corpus or GSEKG_CORPUS): {unless_found}")
    elif not folder.is_dir():
        note(f"corpus folder {folder} does not exist: {unless_found}")
    else:
        return folder
    return None


@dataclass(frozen=True)
class GraphOptions:
    """The graph the shared options describe: the bundled graph, ``data`` files or an endpoint."""

    data: list[Path] | None = None
    with_bundled: bool = False
    no_inference: bool = False
    engine: str = "oxigraph"
    endpoint: str | None = None
    cache_dir: Path | None = None
    view: str = "union"
    data_dir: Path | None = None

    def open(self) -> Engine:
        """Open the graph, with a progress bar if a slow build is needed."""
        from gsekg.cli.progress import load_progress
        from gsekg.engines import open_engine

        with load_progress() as progress:
            return open_engine(
                engine=self.engine,
                data=tuple(self.data or ()),
                with_bundled=self.bundled,
                inference=not self.no_inference,
                endpoint=self.endpoint,
                cache_dir=self.cache_dir,
                progress=progress,
                view=self.view,
            )

    @property
    def bundled(self) -> bool:
        """Whether the bundled graph is read: without --data, or with --with-bundled."""
        return self.with_bundled or not self.data

    def inputs(self) -> Inputs:
        """The files and rules the local graph is built from."""
        from gsekg.engines import inputs

        return inputs(
            self.data or (),
            with_bundled=self.bundled,
            inference=not self.no_inference,
            view=self.view,
        )

    def snapshot(self) -> Snapshot:
        """Open the graph and hold it in memory."""
        from gsekg.snapshot import Snapshot

        with self.open() as graph:
            return Snapshot.from_quads(graph.quads())


_GRAPH_OPTIONS = {
    "data": DataOpt,
    "with_bundled": WithBundledOpt,
    "no_inference": NoInferenceOpt,
    "engine": EngineOpt,
    "endpoint": EndpointOpt,
    "cache_dir": CacheDirOpt,
    "view": ViewOpt,
    "data_dir": DataDirOpt,
}


def option(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    """A keyword-only parameter for a generated command signature."""
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


def expand_parameter(
    name: str, options: Sequence[inspect.Parameter], build: Callable[..., T]
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Replace the command's parameter ``name`` by ``options``, and fill it from their values.

    Typer sees ``options`` (appended to the command's own parameters, with their help);
    the command receives ``name=build(**values_of_options)``.
    """

    def decorator(function: Callable[..., None]) -> Callable[..., None]:
        parameters = inspect.signature(function).parameters
        # The replaced parameter's class may be imported lazily: do not resolve it.
        hints = typing.get_type_hints(
            function, localns={str(parameters[name].annotation): object}, include_extras=True
        )
        own = [p.replace(annotation=hints[p.name]) for p in parameters.values() if p.name != name]

        @functools.wraps(function)
        def wrapper(**kwargs: Any) -> None:
            values = {p.name: kwargs.pop(p.name) for p in options}
            function(**kwargs, **{name: build(**values)})

        signature = [*own, *options]
        wrapper.__signature__ = inspect.Signature(signature)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in signature}
        return wrapper

    return decorator


def graph_parameters(omit: Sequence[str] = ()) -> list[inspect.Parameter]:
    """The shared graph options (less ``omit``) as parameters of a generated signature."""
    defaults = {f.name: f.default for f in fields(GraphOptions)}
    return [
        option(name, annotation, defaults[name])
        for name, annotation in _GRAPH_OPTIONS.items()
        if name not in omit
    ]


def graph_options(
    omit: Sequence[str] = (),
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Give a command the shared graph options; it receives them as ``graph: GraphOptions``.

    Args:
        omit: options the command does not offer (they keep their defaults).
    """
    return expand_parameter("graph", graph_parameters(omit), GraphOptions)
