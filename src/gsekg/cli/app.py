"""The typer application, its global options, and the one place errors become exit codes."""

from __future__ import annotations

import contextlib
import errno
import functools
import io
import os
import signal
import sys
from collections.abc import Callable
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from gsekg import __version__
from gsekg.errors import GsekgError, InputError

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


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: ``finally`` blocks run, temporary files are removed."""

    signum = signal.SIGTERM


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def stopped(error: KeyboardInterrupt) -> NoReturn:
    """One line on stderr and exit 130 (Ctrl-C) or 143 (SIGTERM), after the clean-up ran."""
    if _state["debug"]:
        raise error
    if isinstance(error, Terminated):
        sys.stderr.write("Error: terminated (SIGTERM); unfinished output was removed\n")
        raise typer.Exit(128 + Terminated.signum)
    sys.stderr.write("Error: interrupted (Ctrl-C); unfinished output was removed\n")
    raise typer.Exit(128 + signal.SIGINT)


def output_failed(error: OSError) -> NoReturn:
    """Writing stdout failed (a full disk, a closed stream): one line, exit 1, nothing more."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # the unwritten rest must not fail again at exit
    fail(InputError(f"cannot write the output: {error.strerror or error}"))


class ClosedStream(io.TextIOBase):
    """Stands for a standard stream the shell closed (``>&-``, ``<&-``): using it fails."""

    def __init__(self, name: str) -> None:
        self.name = name

    def _closed(self, *args: object) -> NoReturn:
        raise OSError(errno.EBADF, f"{self.name} is closed")

    read = readline = write = fileno = _closed

    def flush(self) -> None:
        """Nothing was written, so nothing to flush."""


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
                result = function(*a, **kw)
                sys.stdout.flush()  # a full disk or a closed stdout fails here, not at exit
            except GsekgError as error:
                fail(error)
            except KeyboardInterrupt as error:
                stopped(error)
            except OSError as error:
                if error.errno == errno.EPIPE:
                    raise  # a reader that stopped early (| head): click ends quietly
                output_failed(error)
            return result

        group = app if on is None else on
        registered: F = group.command(*args, **kwargs)(wrapper)  # type: ignore[assignment]
        return registered

    return decorator


def main() -> None:
    """Entry point of the ``gsekg`` console script."""
    import gsekg.cli  # noqa: F401  (registers every command)

    signal.signal(signal.SIGTERM, _terminate)
    if sys.stdout is None:
        sys.stdout = ClosedStream("stdout")
    if sys.stdin is None:
        sys.stdin = ClosedStream("stdin")
    encoding = (getattr(sys.stdout, "encoding", None) or "utf-8").lower().replace("-", "")
    if not encoding.startswith("utf") and isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="backslashreplace")  # e.g. PYTHONIOENCODING=ascii
    try:
        app(standalone_mode=True)
        sys.stdout.flush()
    except OSError as error:  # --help or --version onto a full or closed stdout
        if error.errno == errno.EPIPE:
            raise
        try:
            output_failed(error)
        except typer.Exit as done:
            sys.exit(done.exit_code)
