"""Where the bundled ontology, data, saved queries and the corpus are."""

from __future__ import annotations

import os
from pathlib import Path

SHAPES_FILE = "shapes.ttl"
"""The SHACL shapes: they validate the graph and are not part of it."""

_PACKAGE = Path(__file__).resolve().parent
_SOURCE_TREE = _PACKAGE.parents[1]


def bundled_root() -> Path:
    """The folder holding ``ontology/``, ``data/`` and ``queries/``.

    In an installed wheel they sit in ``gsekg/bundled``; in a source checkout
    (including an editable install) they are the project's top-level folders.
    """
    packaged = _PACKAGE / "bundled"
    return packaged if (packaged / "ontology").is_dir() else _SOURCE_TREE


def ontology_dir() -> Path:
    """The bundled ``ontology/`` folder."""
    return bundled_root() / "ontology"


_data_override: list[Path] = []


def use_data_dir(folder: str | os.PathLike[str] | None) -> None:
    """Read the graph's data from ``folder`` instead of the bundled ``data/`` (``None``: reset)."""
    _data_override[:] = [Path(folder)] if folder is not None else []


def data_dir() -> Path:
    """The graph's ``data/`` folder: the one set by :func:`use_data_dir`, else
    ``$GSEKG_DATA_DIR``, else the bundled one."""
    if _data_override:
        return _data_override[0]
    env = os.environ.get("GSEKG_DATA_DIR")
    return Path(env) if env else bundled_root() / "data"


def checkout_data_dir(cwd: Path | None = None) -> Path | None:
    """``./data`` when the working folder is a checkout of this project (never a package)."""
    here = cwd or Path.cwd()
    pyproject = here / "pyproject.toml"
    try:
        is_checkout = 'name = "gsekg"' in pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    folder = here / "data"
    return folder if is_checkout and folder.is_dir() else None


def queries_dir() -> Path:
    """The bundled ``queries/`` folder."""
    return bundled_root() / "queries"


def ontology_files() -> list[Path]:
    """The RDF files of the bundled ontology (not its SHACL shapes), in a stable order."""
    return sorted(p for p in ontology_dir().glob("*.ttl") if p.name != SHAPES_FILE)


def bundled_files() -> list[Path]:
    """Every RDF file of the bundled graph, in a stable order."""
    files = ontology_files()
    files += sorted(p for p in data_dir().iterdir() if p.suffix in {".ttl", ".trig"})
    return files


def corpus_dir(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The corpus folder, if one can be found.

    Order: the explicit argument, ``$GSEKG_CORPUS``, ``../shared/corpus`` beside
    the source tree, then ``../shared/corpus`` from the working directory.
    """
    if explicit is not None:
        return Path(explicit)
    env = os.environ.get("GSEKG_CORPUS")
    if env:
        return Path(env)
    return next(iter(shared_corpora()), None)


def shared_corpora() -> list[Path]:
    """The project's shared corpus folders that exist (``../shared/corpus`` beside the source
    tree, then from the working directory): read-only material, never written."""
    candidates = (
        _SOURCE_TREE.parent / "shared" / "corpus",
        Path.cwd().parent / "shared" / "corpus",
    )
    return [candidate for candidate in candidates if candidate.is_dir()]
