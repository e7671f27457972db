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


def data_dir() -> Path:
    """The bundled ``data/`` folder."""
    return bundled_root() / "data"


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
    for candidate in (
        _SOURCE_TREE.parent / "shared" / "corpus",
        Path.cwd().parent / "shared" / "corpus",
    ):
        if candidate.is_dir():
            return candidate
    return None
