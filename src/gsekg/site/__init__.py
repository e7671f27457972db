"""A static, self-contained website of the graph: ``gsekg site -o DIR``.

The site holds an index (editions, organisations, people, outcomes…), one page per
entity with every fact grouped as ``describe`` groups them, each with its sources
and (when the articles are at hand) the cited passage; one page per source
article; the places where the sources differ, side by side; the partnership
network (pan, zoom, click a node to open its page); the timeline; and the
ontology. Every page embeds its data as JSON-LD. Nothing is fetched when the
site is viewed: it works from ``file://`` and any static host.

The same graph gives the same bytes: everything is sorted, no date is written,
and blank-node identifiers never reach the output.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from gsekg.errors import InputError

if TYPE_CHECKING:
    from gsekg.engines import Engine
    from gsekg.site.network_view import Drawing

MARKER = ".gsekg-site"
"""A file in every built site: a folder holding it may be replaced by a new build."""
ASSETS = ("site.css", "network.js")


@dataclass(frozen=True)
class Summary:
    """What a build wrote."""

    folder: Path
    pages: int
    entities: int
    sources: int
    passages: int
    """Cited spans shown with their passage."""
    missing_passages: int
    """Cited spans whose article could not be read (no corpus, missing file…)."""
    problems: dict[str, str] = field(default_factory=dict)
    """Why articles or spans could not be read, by source id (or ``id start-end``)."""


def render(engine: Engine, corpus: Path | None) -> tuple[dict[str, bytes], Summary]:
    """Every file of the site (relative path -> bytes) and a summary (its folder is ``.``)."""
    from gsekg import queries
    from gsekg.site import network_view
    from gsekg.site.corpus import Corpus
    from gsekg.site.data import collect
    from gsekg.site.differences import differences
    from gsekg.site.lists import differences_page, index_page, timeline_page
    from gsekg.site.markup import jsonld_id, page
    from gsekg.site.ontology import ontology_page
    from gsekg.site.pages import Pages, entity_path, source_path

    data = collect(engine)
    reader = Corpus(corpus, data.sources)
    pages = Pages(data, reader)
    files: dict[str, str] = {}
    for entity in data.entities.values():
        files[entity_path(entity.iri)] = pages.entity(entity)
    for source in data.sources.values():
        files[source_path(source.id)] = pages.source(source)
    found = [d for iri in data.entities for d in differences(data, iri)]
    files["differences.html"] = differences_page(pages, found)
    timeline = queries.load("timeline")
    answer = engine.query(timeline.text)
    rows = [
        (
            str(getattr(when, "value", "")),
            what,
            str(getattr(prop, "value", "")),
            str(getattr(source, "value", "")),
        )
        for when, what, prop, source in answer.rows
        if what is not None
    ]
    files["timeline.html"] = timeline_page(pages, rows)
    network = network_view.load(engine)
    drawing = network_view.draw(network, {iri: entity_path(iri) for iri in data.entities})
    files["network.html"] = page(
        "Partnership network",
        _network_body(drawing),
        root="",
        current="network.html",
        jsonld=[{"@id": jsonld_id(n["iri"]), "skos:prefLabel": n["label"]} for n in drawing.nodes],
        scripts=("assets/network.js",),
    )
    files["ontology.html"] = ontology_page(engine)
    files["index.html"] = index_page(
        pages,
        {
            "nodes": len(drawing.nodes),
            "events": len(rows),
            "differences": len(found),
        },
    )
    output = {path: text.encode("utf-8") for path, text in sorted(files.items())}
    assets = resources.files("gsekg.site") / "assets"
    for name in ASSETS:
        output[f"assets/{name}"] = (assets / name).read_bytes()
    output[MARKER] = b"gsekg site\n"
    shown = missing = 0
    for claim in data.claims.values():
        for span in claim.spans:
            if reader.passage(span) is None:
                missing += 1
            else:
                shown += 1
    summary = Summary(
        folder=Path("."),
        pages=sum(1 for p in output if p.endswith(".html")),
        entities=len(data.entities),
        sources=len(data.sources),
        passages=shown,
        missing_passages=missing,
        problems=dict(sorted(reader.problems.items())),
    )
    return dict(sorted(output.items())), summary


def _network_body(drawing: Drawing) -> str:
    from gsekg.site.markup import esc, tag
    from gsekg.site.pages import entity_path

    categories: dict[str, tuple[str, int]] = {}
    for node in drawing.nodes:
        colour, count = categories.get(node["category"], (node["colour"], 0))
        categories[node["category"]] = (colour, count + 1)
    legend = "".join(
        tag(
            "li",
            tag("span", "", class_="swatch", style=f"background:{colour}")
            + esc(f"{name} ({count})"),
        )
        for name, (colour, count) in sorted(categories.items(), key=lambda kv: (-kv[1][1], kv[0]))
    )
    listing = "".join(
        tag("li", tag("a", esc(n["label"]), href=entity_path(n["iri"])) + esc(f" ({n['links']})"))
        for n in sorted(drawing.nodes, key=lambda n: (str(n["label"]).casefold(), n["id"]))
    )
    return (
        tag("h1", "Partnership network")
        + tag(
            "p",
            esc(
                f"{len(drawing.nodes)} organisations, {drawing.edges} links. Two organisations "
                "are linked when an article puts them in a shared relation (co-hosting, "
                "co-organising, sponsoring, founding, launching, building…) or one is part of "
                "the other (saved query network-edges). Drag to pan, scroll or use the buttons "
                "to zoom, click an organisation to open its page; node size follows "
                "betweenness centrality, line width the number of facts."
            ),
            class_="lead",
        )
        + '<div class="toolbar" role="group" aria-label="zoom">'
        '<button type="button" data-zoom="in" title="Zoom in">+</button>'
        '<button type="button" data-zoom="out" title="Zoom out">&#8722;</button>'
        '<button type="button" data-zoom="reset" title="Show everything">Reset</button></div>\n'
        + tag("div", drawing.svg, class_="network")
        + tag("ul", legend, class_="legend")
        + tag("h2", "Organisations (links)")
        + tag("ul", listing, class_="entities")
    )


def build_site(engine: Engine, folder: Path, corpus: Path | None = None) -> Summary:
    """Write the site into ``folder``, replacing a site built there before.

    The site is written to a new folder beside ``folder`` and then swapped in, so a
    failed build leaves the old site whole.

    Raises:
        InputError: ``folder`` exists and is neither empty nor a site built by gsekg,
            or it cannot be written.
    """
    folder = Path(folder)
    if folder.exists() and (
        not folder.is_dir() or (any(folder.iterdir()) and not (folder / MARKER).is_file())
    ):
        raise InputError(
            f"{folder} exists and is not a site built by gsekg: choose a new or empty folder"
        )
    parent = folder.absolute().parent
    if not parent.is_dir():
        raise InputError(f"cannot write {folder}: folder {parent} does not exist")
    files, summary = render(engine, corpus)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=parent))
    except OSError as error:
        raise InputError(f"cannot write {folder}: {error.strerror}") from None
    try:
        for relative, content in files.items():
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        os.chmod(staging, 0o755)
        old = None
        if folder.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old.", dir=parent))
            os.replace(folder, old / "site")
        os.replace(staging, folder)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise InputError(f"cannot write {folder}: {error.strerror or error}") from None
    return replace(summary, folder=folder)
