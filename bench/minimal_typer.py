"""The baseline for ``gsekg --help``: a one-command typer app with gsekg's help settings."""

from typing import Annotated

import typer

app = typer.Typer(
    name="minimal",
    help="A one-command app to time typer's own start-up.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.command()
def hello(name: Annotated[str, typer.Option(help="Who to greet.")] = "world") -> None:
    """Greet someone."""
    typer.echo(f"Hello {name}")


if __name__ == "__main__":
    app()
