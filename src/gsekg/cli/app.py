"""The typer application, its global options, and the one place errors become exit codes."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from gsekg import __version__
from gsekg.errors import GsekgError

app = typer.Typer(
    name="gsekg",
    help="Query the knowledge graph of the Global Smart Education Conference series and GSENet.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

F = TypeVar("F", bound=Callable[..., Any])

_state = {"debug": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gsekg {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a traceback when something fails.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Query the knowledge graph of the Global Smart Education Conference series and GSENet."""
    _state["debug"] = debug


def fail(error: GsekgError) -> NoReturn:
    """Print ``Error: …`` on stderr and exit with the error's code."""
    if _state["debug"]:
        raise error
    sys.stderr.write(f"Error: {error}\n")
    raise typer.Exit(error.exit_code)


def command(*args: Any, on: typer.Typer | None = None, **kwargs: Any) -> Callable[[F], F]:
    """Like ``app.command`` (or ``on.command`` for a sub-group), mapping errors to exit codes.

    A :class:`GsekgError` becomes ``Error: …`` on stderr and the error's exit code.
    Every command is registered through this decorator: it is the one place where
    library errors meet exit codes.
    """

    def decorator(function: F) -> F:
        @functools.wraps(function)
        def wrapper(*a: Any, **kw: Any) -> Any:
            try:
                return function(*a, **kw)
            except GsekgError as error:
                fail(error)

        group = app if on is None else on
        registered: F = group.command(*args, **kwargs)(wrapper)  # type: ignore[assignment]
        return registered

    return decorator


def main() -> None:
    """Entry point of the ``gsekg`` console script."""
    import gsekg.cli  # noqa: F401  (registers every command)

    app()
