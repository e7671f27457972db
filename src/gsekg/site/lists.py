"""The site-wide pages: the index, the differences between sources, the timeline."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from pyoxigraph import NamedNode

from gsekg.site.data import CATEGORIES, OTHER, Entity
from gsekg.site.differences import Difference
from gsekg.site.jsonld import claim_jsonld
from gsekg.site.markup import esc, jsonld_id, page, table, tag
from gsekg.site.pages import Pages, entity_path, expand, source_path
from gsekg.terms import Term


def index_page(pages: Pages, counts: dict[str, int]) -> str:
    """The home page: what the site holds, editions, then every entity by category."""
    data, root = pages.data, ""
    groups: dict[str, list[Entity]] = defaultdict(list)
    for entity in data.entities.values():
        groups[entity.category].append(entity)
    intro = tag(
        "p",
        esc(
            f"{len(data.entities)} entities, {len(data.claims)} claims from "
            f"{len(data.sources)} source articles. Every fact links to the claims that "
            "state it and the passages of the articles they cite."
        ),
        class_="lead",
    )
    sections = [tag("h1", "Global Smart Education Conference: knowledge graph"), intro]
    sections.append(
        tag(
            "ul",
            "".join(
                tag("li", tag("a", esc(label), href=href) + esc(f" — {what}"))
                for href, label, what in (
                    ("network.html", "Partnership network", f"{counts['nodes']} organisations"),
                    ("timeline.html", "Timeline", f"{counts['events']} dated statements"),
                    (
                        "differences.html",
                        "Where the sources differ",
                        f"{counts['differences']} subjects and properties",
                    ),
                    ("ontology.html", "Ontology", "classes, properties and role kinds"),
                )
            ),
            class_="tiles",
        )
    )
    sections.append(tag("h2", "Editions", id="editions") + _editions(pages, groups["edition"]))
    for key, title, _ in (*CATEGORIES, (*OTHER, "")):
        if key == "edition" or not groups.get(key):
            continue
        items = sorted(groups[key], key=lambda e: (e.label.casefold(), e.iri))
        sections.append(
            tag("h2", esc(f"{title} ({len(items)})"), id=key)
            + tag(
                "ul",
                "".join(tag("li", tag("a", esc(e.label), href=entity_path(e.iri))) for e in items),
                class_="entities",
            )
        )
    own = [c for c in data.claims.values() if not c.editorial]  # editorial: the curators'
    sections.append(
        tag("h2", "Source articles", id="sources")
        + table(
            ("id", "title", "claims"),
            [
                (
                    tag("code", esc(s.id[:3])),
                    tag("a", esc(s.title), href=source_path(s.id)),
                    esc(sum(1 for c in own if s.id in c.sources)),
                )
                for s in data.sources.values()
            ],
        )
    )
    graph = [
        {
            "@id": jsonld_id(e.iri),
            "@type": [jsonld_id(t) for t in e.types],
            "skos:prefLabel": e.label,
        }
        for e in data.entities.values()
    ]
    return page(
        "Index",
        "\n".join(sections),
        root=root,
        current="index.html",
        jsonld=graph,
        description="Editions, organisations, people and outcomes of the GSE conferences",
    )


def _editions(pages: Pages, editions: list[Entity]) -> str:
    data = pages.data
    rows = []
    for entity in sorted(editions, key=lambda e: e.iri):
        subject = NamedNode(entity.iri)

        def first(name: str, subject: NamedNode = subject) -> str:
            values = data.objects(subject, NamedNode(expand(name)))
            return esc(min((data.label(v) for v in values), default=""))

        rows.append(
            (
                tag("a", esc(entity.label), href=entity_path(entity.iri)),
                first("schema:startDate"),
                first("schema:endDate"),
                first("gso:theme"),
            )
        )
    return table(("edition", "start", "end", "theme"), rows)


def differences_page(pages: Pages, found: list[Difference]) -> str:
    """Every difference between sources, grouped by entity."""
    root = ""
    parts = [
        tag("h1", "Where the sources differ"),
        tag(
            "p",
            "Values that two or more source articles give differently for the same thing and "
            "property (or the same family of roles), side by side: one column per source. "
            "Nothing is merged; each badge links to the source, with the claim's rank when "
            "it has one.",
            class_="lead",
        ),
    ]
    by_subject: dict[str, list[Difference]] = defaultdict(list)
    for item in found:
        by_subject[item.subject].append(item)
    for subject in sorted(by_subject, key=lambda s: (pages.data.entities[s].label, s)):
        parts.append(
            tag("h2", pages.link(NamedNode(subject), root))
            + "".join(pages.difference(d, root, local=False) for d in by_subject[subject])
        )
    if not found:
        parts.append(tag("p", "The sources agree on everything they share."))
    return page(
        "Where the sources differ",
        "\n".join(parts),
        root=root,
        current="differences.html",
        jsonld=[
            claim_jsonld(pages.data, c)
            for c in sorted(
                {c for d in found for r in d.rows for cs in r.claims.values() for c in cs},
                key=lambda c: c.iri,
            )
        ],
    )


def timeline_page(pages: Pages, rows: Sequence[tuple[str, Term, str, str]]) -> str:
    """The saved ``timeline`` query's answer, by year, each thing linked to its page."""
    root = ""
    by_year: dict[str, list[tuple[str, Term, str, str]]] = defaultdict(list)
    for row in rows:
        by_year[row[0][:4]].append(row)
    parts = [
        tag("h1", "Timeline"),
        tag(
            "p",
            "Every dated statement across the sources, from the saved query "
            + tag("code", "timeline")
            + "; one row per source that gives the date.",
            class_="lead",
        ),
    ]
    for year in sorted(by_year):
        table_rows = []
        for when, what, prop, source in by_year[year]:
            article = next((s for s in pages.data.sources if s.startswith(source)), None)
            source_cell = (
                tag("a", esc(source), href=source_path(article), class_="src")
                if article and source
                else esc(source)
            )
            table_rows.append((esc(when), pages.link(what, root), esc(prop), source_cell))
        parts.append(
            tag("h2", esc(year), id=f"y{year}")
            + table(("date", "what", "property", "source"), table_rows, "timeline")
        )
    graph = [
        {"@id": jsonld_id(what.value), "skos:prefLabel": pages.data.label(what)}
        for what in sorted({r[1] for r in rows if isinstance(r[1], NamedNode)}, key=str)
    ]
    return page("Timeline", "\n".join(parts), root=root, current="timeline.html", jsonld=graph)
