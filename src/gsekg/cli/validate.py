"""Command: validate (SHACL shapes and integrity checks)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gsekg.cli.app import command
from gsekg.cli.describe import console, load_snapshot, note, pick_format, print_json, print_table
from gsekg.cli.options import CacheDirOpt, CorpusOpt, EngineOpt
from gsekg.errors import ValidationError


@command()
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[PATH]...",
            help="Validate these RDF files or folders (with the ontology) instead of the "
            "bundled graph.",
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="text (default) or json."),
    ] = None,
    shapes: Annotated[
        Path | None,
        typer.Option("--shapes", help="SHACL shapes file (default: the bundled shapes)."),
    ] = None,
    corpus: CorpusOpt = None,
    engine: EngineOpt = "oxigraph",
    cache_dir: CacheDirOpt = None,
) -> None:
    """Check the graph against the SHACL shapes and the integrity rules of the data model.

    The graph is built as for queries (simple view, rules, inference). Exit 0 when
    it conforms (warnings allowed), 3 on violations, 1 on unreadable input.
    """
    from gsekg.resources import corpus_dir, ontology_dir
    from gsekg.validation import validate as run

    chosen = pick_format(fmt, ("text", "json"), "text")
    shapes_file = shapes or ontology_dir() / "shapes.ttl"
    ontology = sorted(p for p in ontology_dir().glob("*.ttl") if p != shapes_file)
    data = [*ontology, *paths] if paths else None
    snapshot = load_snapshot(data, False, False, engine, None, cache_dir)
    folder = corpus_dir(corpus)
    if folder is not None and not folder.is_dir():
        note(f"corpus folder {folder} does not exist: spans are not checked against the articles")
        folder = None
    if not shapes_file.is_file():
        note(f"no shapes file {shapes_file}: only the integrity checks run")
    report = run(
        snapshot,
        shapes=shapes_file if shapes_file.is_file() else None,
        corpus=folder,
    )
    if chosen == "json":
        print_json(report.to_json())
    else:
        if report.findings:
            print_table(
                None,
                ("severity", "check", "focus", "path", "message"),
                ((f.severity, f.check, f.focus, f.path, f.message) for f in report.findings),
            )
        counts = ", ".join(f"{n} {severity}s" for severity, n in report.counts().items())
        verdict = "conforms" if report.conforms else "does not conform"
        console().print(f"{verdict}: {counts}", markup=False)
    if not report.conforms:
        raise ValidationError(f"{report.counts()['violation']} violations")
