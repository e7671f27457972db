"""Command: validate (SHACL shapes and integrity checks)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from gsekg.cli.app import command
from gsekg.cli.options import CacheDirOpt, CorpusOpt, DataDirOpt, EngineOpt, corpus_folder
from gsekg.cli.output import console, note, pick_format, print_json, print_table, print_tsv
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
        typer.Option(
            "--format",
            "-f",
            help="text (default: the findings as a table on a terminal, tab-separated when "
            "piped, then the verdict) or json.",
        ),
    ] = None,
    data: Annotated[
        list[Path] | None,
        typer.Option(
            "--data", "-d", help="Validate these RDF files or folders too (same as PATH)."
        ),
    ] = None,
    shapes: Annotated[
        Path | None,
        typer.Option("--shapes", help="SHACL shapes file (default: the bundled shapes)."),
    ] = None,
    corpus: CorpusOpt = None,
    engine: EngineOpt = "oxigraph",
    cache_dir: CacheDirOpt = None,
    data_dir: DataDirOpt = None,  # its callback selects the folder
) -> None:
    """Check the asserted data against the SHACL shapes and the integrity rules of the model.

    The files are checked as written, before any rule or inference (cardinalities per
    source); with a corpus, each article's checksum first, then every span. Exit 0 when it
    conforms (warnings allowed), 3 on violations, 1 on unreadable input. --engine and
    --cache-dir are accepted for compatibility and not needed.
    """
    from gsekg.engines import inputs
    from gsekg.loader import expand
    from gsekg.resources import SHAPES_FILE, ontology_dir, ontology_files
    from gsekg.validation import validate_files

    del engine, cache_dir  # validation reads the files, not a built store
    chosen = pick_format(fmt, ("text", "json"), "text")
    shapes_file = shapes or ontology_dir() / SHAPES_FILE
    given = [*(paths or []), *(data or [])]
    files = [*ontology_files(), *expand(given)] if given else list(inputs(()).files)
    folder = corpus_folder(corpus, "spans are not checked against the articles")
    if not shapes_file.is_file():
        note(f"no shapes file {shapes_file}: only the integrity checks run")
    report = validate_files(
        files,
        shapes=shapes_file if shapes_file.is_file() else None,
        corpus=folder,
    )
    if chosen == "json":
        print_json(report.to_json())
    else:
        if report.findings:
            header = ("severity", "check", "focus", "path", "message")
            rows = [(f.severity, f.check, f.focus, f.path, f.message) for f in report.findings]
            if sys.stdout.isatty():
                print_table(None, header, rows)
            else:
                print_tsv(header, rows)
        counts = ", ".join(f"{n} {severity}s" for severity, n in report.counts().items())
        verdict = "conforms" if report.conforms else "does not conform"
        console().print(f"{verdict}: {counts}", markup=False)
    if not report.conforms:
        raise ValidationError(f"{report.counts()['violation']} violations")
