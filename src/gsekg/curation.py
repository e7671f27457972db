"""The curator's data folder and the extraction of a registered source (no CLI here)."""

from __future__ import annotations

from pathlib import Path

from gsekg.errors import InputError


def curation_folder(explicit: Path | None) -> Path:
    """The data folder the curation commands write: ``--data-dir`` / ``$GSEKG_DATA_DIR``,
    else ``./data`` in a checkout of the project. Never a folder of an installed package.

    Raises:
        InputError: no folder given and the working folder is not a checkout, or the folder
            belongs to an installed package.
    """
    from gsekg.resources import checkout_data_dir

    folder = explicit or checkout_data_dir()
    if folder is None:
        raise InputError(
            "no data folder: give --data-dir DIR (or set GSEKG_DATA_DIR), or run in a checkout"
        )
    if not folder.is_dir():
        raise InputError(f"data folder {folder} does not exist")
    package = Path(__file__).resolve().parent
    resolved = folder.resolve()
    if resolved == package or package in resolved.parents or "site-packages" in resolved.parts:
        raise InputError(f"{folder} belongs to an installed package: give --data-dir DIR")
    return folder


def data_files(folder: Path) -> list[Path]:
    """The RDF files of a data folder, in a stable order."""
    return sorted(p for p in folder.iterdir() if p.suffix in {".ttl", ".trig"})


def extract_source(
    data_dir: Path, corpus: Path, name: str, llm: tuple[str, str] | None = None
) -> tuple[str, str]:
    """Extract candidate claims from a registered source: (source id, draft TriG).

    ``llm`` (API base URL, model name) adds the candidates of a language model, checked as
    the rules' are.

    Raises:
        NotFoundError: unknown source.
        InputError: its article is missing or changed since it was registered.
    """
    from gsekg import sources
    from gsekg.extract import extract
    from gsekg.extract.draft import write_draft
    from gsekg.extract.known import KnownIndex

    source = sources.find(data_dir, name)
    path = corpus / f"{source.id}.txt"
    text, digest = sources.read_article_file(path)
    if source.sha256 is not None and source.sha256 != digest:
        raise InputError(
            f"{path} changed since source {source.id} was registered (checksum differs)"
        )
    candidates = extract(source.id, text, KnownIndex.from_files(data_files(data_dir)), llm=llm)
    return source.id, write_draft(source.id, digest, candidates)
