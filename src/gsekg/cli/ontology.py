"""The ``ontology`` group: the model picture and the HTML documentation, made from ``ontology/``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gsekg.cli.app import app, command
from gsekg.cli.output import write_output
from gsekg.errors import InputError

ontology_app = typer.Typer(
    name="ontology",
    help="The ontology shown: a picture of the model and HTML documentation of every term.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(ontology_app, name="ontology")

OntologyOpt = Annotated[
    Path | None,
    typer.Option(
        "--ontology",
        metavar="DIR",
        help="Read the ontology (*.ttl, shapes included) from DIR instead of the bundled one.",
    ),
]


def _read(folder: Path | None):  # type: ignore[no-untyped-def]
    from gsekg.vocabulary import ontology_graph, read_vocabulary

    if folder is not None and not folder.is_dir():
        raise InputError(f"ontology folder {folder} does not exist")
    return read_vocabulary(ontology_graph(folder))


@command("picture", on=ontology_app)
def picture(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="An .svg (or .dot) file; stdout when left out."),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="svg (needs Graphviz) or dot; default from the file name."
        ),
    ] = None,
    ontology: OntologyOpt = None,
) -> None:
    """Draw the model: classes, the role, post, figure, list and claim nodes and how they attach.

    The same ontology gives the same DOT text, and Graphviz the same SVG bytes.
    """
    from gsekg.schema_picture import PICTURE_FORMATS, model_dot, render_svg

    suffix = output.suffix.lstrip(".").lower() if output else ""
    if output is not None and fmt is None and suffix not in ("svg", "dot", "gv"):
        raise typer.BadParameter(
            f"{output.name!r}: the picture is SVG or Graphviz DOT; name an .svg, .dot or .gv "
            "file, or choose with --format",
            param_hint="'--output'",
        )
    chosen = fmt or ("dot" if suffix in ("dot", "gv") else "svg")
    if chosen not in PICTURE_FORMATS:
        raise typer.BadParameter(
            f"{chosen!r} is not one of {', '.join(PICTURE_FORMATS)}", param_hint="'--format'"
        )
    dot = model_dot(_read(ontology))
    write_output(dot.encode("utf-8") if chosen == "dot" else render_svg(dot), output)


@command("docs", on=ontology_app)
def docs(
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="A folder (gets index.html; made if missing, not its parents) or an .html file.",
        ),
    ],
    ontology: OntologyOpt = None,
) -> None:
    """Write one self-contained HTML page documenting every class, property and role kind."""
    from gsekg.atomic import write_text
    from gsekg.ontodoc import render_html

    page = render_html(_read(ontology))
    if output.suffix.lower() in (".html", ".htm"):
        target = output
    else:
        if output.exists() and not output.is_dir():
            raise InputError(f"cannot write into {output}: it is not a folder")
        if not output.parent.is_dir():
            raise InputError(f"cannot write {output}: folder {output.parent} does not exist")
        output.mkdir(exist_ok=True)
        target = output / "index.html"
    write_text(target, page)
    typer.echo(str(target), err=True)
