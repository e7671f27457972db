"""The pages of the site: index, one page per entity and per source, differences, timeline.

Pages are built from :class:`gsekg.site.data.SiteData` by plain string building;
every text from the graph or the corpus is escaped (:func:`gsekg.site.markup.esc`).
Passages are read from the corpus at build time only; nothing of an article is
stored in the project.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from gsekg.engines import Term
from gsekg.errors import InputError
from gsekg.namespaces import GSE, GSO, PREFIXES, compact
from gsekg.site.data import (
    CATEGORIES,
    LABEL_PROPERTIES,
    OTHER,
    RDF_TYPE,
    Claim,
    Entity,
    SiteData,
    Source,
    Span,
    sort_key,
)
from gsekg.site.differences import Difference, differences
from gsekg.site.markup import esc, jsonld_id, page, table, tag

_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$")
_XSD_STRING = PREFIXES["xsd"] + "string"
_ROLE = GSO + "Role"
_ROLE_LIST = GSO + "RoleList"
_POST = PREFIXES["org"] + "Post"
_SHOWN_FIRST = {
    _ROLE: ("gso:roleKind", "gso:agent", "gso:agentDescription", "gso:roleIn"),
    _ROLE_LIST: ("gso:roleKind", "gso:roleIn"),
    _POST: ("schema:jobTitle", "org:heldBy", "org:postIn"),
}
"""For each kind of n-ary node, the properties that make its one-line summary."""
_RANK_NAMES = {
    GSO + "PreferredRank": "preferred",
    GSO + "NormalRank": "normal",
    GSO + "DeprecatedRank": "deprecated",
}
CONTEXT = 100
"""Characters of article text shown either side of a cited span."""


def slug(name: str) -> str:
    """A file name for ``name``: itself when safe, else a readable part and a short hash."""
    if _SAFE.match(name) and not name.endswith("."):
        return name
    readable = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")[:40] or "x"
    return f"{readable}-{hashlib.sha256(name.encode()).hexdigest()[:10]}"


def entity_path(iri: str) -> str:
    """The site path of an entity's page."""
    local = iri.removeprefix(GSE) if iri.startswith(GSE) else iri
    return f"entity/{slug(local)}.html"


def source_path(source_id: str) -> str:
    """The site path of a source article's page."""
    return f"source/{slug(source_id)}.html"


def claim_anchor(claim: Claim) -> str:
    """The fragment id of a claim on a page."""
    return "c-" + slug(claim.name.removeprefix("claim:"))


def rank_name(rank: str | None) -> str | None:
    """``preferred``, ``normal``, ``deprecated`` (or the compact IRI of another rank)."""
    return None if rank is None else _RANK_NAMES.get(rank, compact(rank))


@dataclass
class Passage:
    """Article text around a span: ``before``, the cited ``text``, ``after``."""

    before: str
    text: str
    after: str


class Corpus:
    """Reads source articles on demand; remembers which could not be read and why."""

    def __init__(self, folder: Path | None, sources: dict[str, Source]) -> None:
        self.folder = folder
        self.sources = sources
        self.texts: dict[str, str | None] = {}
        self.problems: dict[str, str] = {}

    def text(self, source_id: str) -> str | None:
        """The article's text, or ``None`` (no corpus, missing file, wrong checksum)."""
        if self.folder is None:
            return None
        if source_id not in self.texts:
            self.texts[source_id] = self._read(source_id)
        return self.texts[source_id]

    def _read(self, source_id: str) -> str | None:
        from gsekg.provenance import corpus_file, read_article

        assert self.folder is not None
        path = corpus_file(self.folder, source_id)
        try:
            text = read_article(path)
        except InputError as error:
            self.problems[source_id] = str(error)
            return None
        source = self.sources.get(source_id)
        if source is not None and source.checksum:
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            if digest != source.checksum.lower():
                self.problems[source_id] = f"{path}: checksum differs from the graph's record"
                return None
        return text

    def passage(self, span: Span) -> Passage | None:
        """The passage around ``span``, or ``None`` when the article cannot be read."""
        from gsekg.provenance import passage

        text = self.text(span.source)
        if text is None:
            return None
        try:
            found = passage(text, (span.start, span.end), CONTEXT)
        except InputError as error:
            self.problems[f"{span.source} {span.start}-{span.end}"] = str(error)
            return None
        return Passage(found.before, found.text, found.after)


class Pages:
    """Builds the HTML of each page from the site data."""

    def __init__(self, data: SiteData, corpus: Corpus) -> None:
        self.data = data
        self.corpus = corpus

    # Links and values ----------------------------------------------------------------------

    def link(self, term: Term, root: str) -> str:
        """A term as HTML: a link to its page when it has one, else its label."""
        data = self.data
        if isinstance(term, NamedNode):
            label = esc(data.label(term))
            if term.value in data.entities:
                return tag("a", label, href=root + entity_path(term.value))
            source = next((s for s in data.sources.values() if s.iri == term.value), None)
            if source is not None:
                return tag("a", esc(source.title), href=root + source_path(source.id))
            name = compact(term.value)
            if name.startswith(("gso:", "roles:")):
                anchor = name.replace(":", "-", 1)
                return tag("a", label, href=f"{root}ontology.html#{anchor}", title=name)
            return tag("span", label, title=name)
        if isinstance(term, Literal):
            return esc(term.value)
        if isinstance(term, BlankNode):
            return self.details(term, root) or "(node)"
        return esc(str(term))

    def prop(self, predicate: NamedNode, root: str, inverse: bool = False) -> str:
        """A property as its label, with its compact name on hover and a link to its doc."""
        name = compact(predicate.value)
        label = self.data.labels.get(predicate.value) or name
        text = ("← " if inverse else "") + label
        if name.startswith("gso:"):
            anchor = name.replace(":", "-", 1)
            return tag("a", esc(text), href=f"{root}ontology.html#{anchor}", title=name)
        return tag("span", esc(text), title=name)

    def details(self, node: Term, root: str, skip: Iterable[str] = ()) -> str:
        """The properties of an n-ary node, as ``property value`` items."""
        skipped = set(skip)
        items = [
            tag("span", self.prop(t.predicate, root) + " " + self.link(t.object, root), class_="kv")
            for t in self.data.stated(node)
            if compact(t.predicate.value) not in skipped
        ]
        return "; ".join(items)

    def sources_cell(
        self, claims: Iterable[Claim], root: str, local: bool = True, none: str = "derived"
    ) -> str:
        """Source badges for ``claims``: each links to the claim's evidence (on this page)."""
        badges = []
        for claim in sorted(set(claims), key=lambda c: (c.sources, c.iri)):
            for source in claim.sources or ("?",):
                rank = rank_name(claim.rank)
                if rank == "normal":
                    rank = None  # the default: a badge marks only preferred and deprecated
                href = f"#{claim_anchor(claim)}" if local else root + source_path(source)
                badges.append(
                    tag(
                        "a",
                        esc(source[:3])
                        + (" " + tag("span", esc(rank), class_="rank") if rank else ""),
                        href=href,
                        class_=f"src rank-{rank}" if rank else "src",
                        title=f"{claim.name} ({self.data.sources[source].title})"
                        if source in self.data.sources
                        else claim.name,
                    )
                )
        return " ".join(badges) or tag("span", esc(none), class_="none", title=_DERIVED)

    def passage_html(self, span: Span) -> str:
        """The passage of ``span`` with the cited words marked, or a note that it is missing."""
        where = f"{span.source[:3]} [{span.start}-{span.end}]"
        found = self.corpus.passage(span)
        if found is None:
            return tag(
                "p",
                esc(f"{where}: the article was not available when the site was built"),
                class_="nopassage",
            )
        return tag(
            "blockquote",
            tag("span", esc(where), class_="where")
            + " "
            + esc(found.before)
            + tag("mark", esc(found.text))
            + esc(found.after),
            class_="passage",
        )

    def evidence(self, claims: Iterable[Claim], root: str, relevant: set[Term]) -> str:
        """One block per claim: source, rank, what it states here, and its passages."""
        blocks = []
        for claim in sorted(set(claims), key=lambda c: (c.sources, c.iri)):
            rank = rank_name(claim.rank)
            head = tag("code", esc(claim.name))
            if rank:
                head += " " + tag("span", esc(rank), class_=f"rank rank-{rank}")
            sources = ", ".join(
                tag("a", esc(f"{s[:3]} · {self.data.sources[s].title}"), href=root + source_path(s))
                if s in self.data.sources
                else esc(s)
                for s in claim.sources
            )
            states = [
                tag(
                    "li",
                    self.link(t.subject, root)
                    + " "
                    + tag("span", self.prop(t.predicate, root), class_="p")
                    + " "
                    + self.link(t.object, root),
                )
                for t in claim.triples
                if not relevant or t.subject in relevant or t.object in relevant
            ]
            notes = "".join(
                tag("p", esc(f"{label}: {text}"), class_="note")
                for label, text in (("Rank reason", claim.rank_reason), ("Note", claim.note))
                if text
            )
            blocks.append(
                tag(
                    "section",
                    tag("h3", head)
                    + tag("p", "Source: " + (sources or "unknown"))
                    + (tag("ul", "".join(states), class_="states") if states else "")
                    + notes
                    + "".join(self.passage_html(span) for span in claim.spans),
                    class_="claim",
                    id=claim_anchor(claim),
                )
            )
        return "\n".join(blocks)

    # Entity pages --------------------------------------------------------------------------

    def entity(self, entity: Entity) -> str:
        """The page of one entity."""
        data, root = self.data, "../"
        subject = NamedNode(entity.iri)
        cited: list[Claim] = []
        relevant: set[Term] = {subject}
        types = ", ".join(self.link(NamedNode(t), root) for t in entity.types) or "—"
        body = [
            tag("h1", esc(entity.label)),
            tag(
                "p",
                tag("code", esc(compact(entity.iri)))
                + " · "
                + types
                + " · "
                + tag("a", esc(entity.iri), href=entity.iri, class_="iri"),
                class_="meta",
            ),
        ]
        names = self._names(subject)
        if names:
            rows = []
            for text, kind, claims in names:
                cited += claims
                rows.append(
                    (esc(text), esc(kind), self.sources_cell(claims, root, none="registry"))
                )
            body.append(tag("h2", "Names") + table(("name", "kind", "sources"), rows))
        facts = self._facts(subject, root, cited, relevant)
        if facts:
            body.append(
                tag("h2", "Facts") + table(("property", "value", "sources"), facts, "facts")
            )
        nodes = self._nodes(subject, root, cited, relevant)
        if nodes:
            body.append(
                tag("h2", "Roles, posts and other linked nodes")
                + table(("kind", "summary", "details", "sources"), nodes, "nodes")
            )
        found = differences(data, entity.iri)
        if found:
            body.append(
                tag("h2", "Where the sources differ", id="differences")
                + "".join(self.difference(d, root, local=True) for d in found)
            )
            cited += [c for d in found for r in d.rows for cs in r.claims.values() for c in cs]
        if cited:
            body.append(
                tag("h2", "Evidence", id="evidence")
                + tag(
                    "p",
                    "Each claim with its source article and, when the articles were available "
                    "at build time, the passage that states it (cited words highlighted).",
                    class_="hint",
                )
                + self.evidence(cited, root, relevant)
            )
        return page(
            entity.label,
            "\n".join(body),
            root=root,
            current="",
            jsonld=self.entity_jsonld(subject, relevant, cited),
            description=f"{entity.label}: every fact of the GSE knowledge graph, with sources",
        )

    def _names(self, subject: NamedNode) -> list[tuple[str, str, list[Claim]]]:
        """Each name of ``subject`` with its most specific kind and the claims stating it."""
        found: dict[str, tuple[int, list[Claim]]] = {}
        for triple in self.data.out.get(subject, ()):
            if triple.predicate in LABEL_PROPERTIES and isinstance(triple.object, Literal):
                rank = LABEL_PROPERTIES.index(triple.predicate)
                known, claims = found.get(triple.object.value, (rank, []))
                claims = claims + self.data.claims_of.get(triple, [])
                found[triple.object.value] = (min(rank, known), claims)
        ordered = sorted(found.items(), key=lambda kv: (kv[1][0], kv[0].casefold(), kv[0]))
        return [
            (text, LABEL_PROPERTIES[rank].value.rsplit("#", 1)[-1].rsplit("/", 1)[-1], claims)
            for text, (rank, claims) in ordered
        ]

    def _facts(
        self, subject: NamedNode, root: str, cited: list[Claim], relevant: set[Term]
    ) -> list[tuple[str, str, str]]:
        data = self.data
        rows = []
        outgoing = [
            t
            for t in data.out.get(subject, ())
            if t.predicate != RDF_TYPE and t.predicate not in LABEL_PROPERTIES
        ]
        for triple in sorted(outgoing, key=lambda t: (compact(t.predicate.value), _key(t.object))):
            claims = data.claims_of.get(triple, [])
            cited += claims
            value = self.link(triple.object, root)
            if data.is_nary(triple.object):
                relevant.add(triple.object)
                extra = self.details(triple.object, root, skip=())
                value = tag("span", value, class_="node") + (
                    tag("div", extra, class_="details") if extra else ""
                )
                for inner in data.stated(triple.object):
                    cited += data.claims_of.get(inner, [])
            rows.append((self.prop(triple.predicate, root), value, self.sources_cell(claims, root)))
        incoming = [
            t
            for t in data.into.get(subject, ())
            if not data.is_nary(t.subject) and t.subject != subject and t.predicate != RDF_TYPE
        ]
        for triple in sorted(incoming, key=lambda t: (compact(t.predicate.value), _key(t.subject))):
            claims = data.claims_of.get(triple, [])
            cited += claims
            rows.append(
                (
                    self.prop(triple.predicate, root, inverse=True),
                    self.link(triple.subject, root),
                    self.sources_cell(claims, root),
                )
            )
        return rows

    def _nodes(
        self, subject: NamedNode, root: str, cited: list[Claim], relevant: set[Term]
    ) -> list[tuple[str, str, str, str]]:
        """Roles, posts and other n-ary nodes pointing at ``subject``, one row each."""
        data = self.data
        linked = sorted(
            {t.subject for t in data.into.get(subject, ()) if data.is_nary(t.subject)},
            key=sort_key,
        )
        rows = []
        for node in linked:
            relevant.add(node)
            types = data.types(node)
            kind = next((k for k in (_ROLE, _POST, _ROLE_LIST) if k in types), None)
            shown = _SHOWN_FIRST.get(kind or "", ())
            summary = " · ".join(
                self.link(t.object, root)
                for name in shown
                for t in data.stated(node)
                if compact(t.predicate.value) == name and t.object != subject
            ) or self.link(node, root)
            claims = [c for t in data.stated(node) for c in data.claims_of.get(t, [])]
            cited += claims
            label = {_ROLE: "role", _POST: "post", _ROLE_LIST: "role list"}.get(kind or "")
            if label is None:
                label = min((compact(t) for t in types), default="node")
            rows.append(
                (
                    esc(label),
                    summary,
                    self.details(node, root, skip=shown),
                    self.sources_cell(claims, root),
                )
            )
        return sorted(rows, key=lambda r: (r[0], _strip_tags(r[1]), r[1]))

    def difference(self, found: Difference, root: str, local: bool) -> str:
        """One difference, sources side by side: a row per value, a column per source."""
        what = (
            f"{self.link(NamedNode(PREFIXES['roles'] + found.what[6:]), root)} (and narrower roles)"
            if found.is_role
            else self.prop(NamedNode(_expand(found.what)), root)
        )
        header = ["value", *(f"{s[:3]} · {self._source_title(s)}" for s in found.sources)]
        rows = []
        for row in found.rows:
            cells = [self.link(row.value, root)]
            for source in found.sources:
                claims = row.claims.get(source, ())
                cells.append(self.sources_cell(claims, root, local=local) if claims else "—")
            rows.append(cells)
        return tag(
            "div",
            tag("h3", what) + table(header, rows, "sidebyside"),
            class_="difference",
        )

    def _source_title(self, source_id: str) -> str:
        source = self.data.sources.get(source_id)
        return source.title if source else source_id

    def entity_jsonld(
        self, subject: NamedNode, relevant: set[Term], cited: Sequence[Claim]
    ) -> list[dict[str, Any]]:
        """The entity, its n-ary nodes and the claims cited on its page, as JSON-LD nodes."""
        nodes = [self.node_jsonld(subject)]
        nodes += [
            self.node_jsonld(n)
            for n in sorted(relevant - {subject}, key=sort_key)
            if isinstance(n, NamedNode)
        ]
        nodes += [claim_jsonld(self.data, c) for c in sorted(set(cited), key=lambda c: c.iri)]
        return nodes

    def node_jsonld(self, subject: NamedNode) -> dict[str, Any]:
        """A node object with every simple-view property of ``subject`` (not blank values)."""
        return triples_jsonld(subject, self.data.out.get(subject, ()))

    # Source pages ----------------------------------------------------------------------------

    def source(self, source: Source) -> str:
        """The page of one source article: its record and every claim it supports."""
        root = "../"
        claims = [c for c in self.data.claims.values() if source.id in c.sources]
        facts = [
            ("identifier", esc(source.id)),
            ("title", esc(source.title)),
            ("publisher", self.link(NamedNode(source.publisher), root) if source.publisher else ""),
            ("date", esc(source.date or "")),
            ("address", tag("a", esc(source.url), href=source.url) if source.url else ""),
            ("SHA-256 of the text", tag("code", esc(source.checksum)) if source.checksum else ""),
            ("claims", esc(len(claims))),
        ]
        problem = self.corpus.problems.get(source.id)
        if self.corpus.text(source.id) is None:
            problem = problem or "no corpus folder was given"
        body = (
            tag("h1", esc(source.title))
            + table((), [(esc(k), v) for k, v in facts if v], "record")
            + (
                tag("p", esc(f"Passages are not shown: {problem}."), class_="nopassage")
                if problem
                else ""
            )
            + tag("h2", "Claims")
            + self.evidence(claims, root, set())
        )
        graph = [
            triples_jsonld(NamedNode(source.iri), self.data.out.get(NamedNode(source.iri), ()))
        ]
        graph += [claim_jsonld(self.data, c) for c in claims]
        return page(source.title, body, root=root, current="", jsonld=graph)

    # Index and lists ---------------------------------------------------------------------------

    def index(self, counts: dict[str, int]) -> str:
        """The home page: what the site holds, editions, then every entity by category."""
        data, root = self.data, ""
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
        sections.append(tag("h2", "Editions", id="editions") + self._editions(groups["edition"]))
        for key, title, _ in (*CATEGORIES, (*OTHER, "")):
            if key == "edition" or not groups.get(key):
                continue
            items = sorted(groups[key], key=lambda e: (e.label.casefold(), e.iri))
            sections.append(
                tag("h2", esc(f"{title} ({len(items)})"), id=key)
                + tag(
                    "ul",
                    "".join(
                        tag("li", tag("a", esc(e.label), href=entity_path(e.iri))) for e in items
                    ),
                    class_="entities",
                )
            )
        sections.append(
            tag("h2", "Source articles", id="sources")
            + table(
                ("id", "title", "claims"),
                [
                    (
                        tag("code", esc(s.id[:3])),
                        tag("a", esc(s.title), href=source_path(s.id)),
                        esc(sum(1 for c in data.claims.values() if s.id in c.sources)),
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

    def _editions(self, editions: list[Entity]) -> str:
        data = self.data
        rows = []
        for entity in sorted(editions, key=lambda e: e.iri):
            subject = NamedNode(entity.iri)

            def first(name: str, subject: NamedNode = subject) -> str:
                values = data.objects(subject, NamedNode(_expand(name)))
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

    def differences_page(self, found: list[Difference]) -> str:
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
        for subject in sorted(by_subject, key=lambda s: (self.data.entities[s].label, s)):
            parts.append(
                tag("h2", self.link(NamedNode(subject), root))
                + "".join(self.difference(d, root, local=False) for d in by_subject[subject])
            )
        if not found:
            parts.append(tag("p", "The sources agree on everything they share."))
        return page(
            "Where the sources differ",
            "\n".join(parts),
            root=root,
            current="differences.html",
            jsonld=[
                claim_jsonld(self.data, c)
                for c in sorted(
                    {c for d in found for r in d.rows for cs in r.claims.values() for c in cs},
                    key=lambda c: c.iri,
                )
            ],
        )

    def timeline_page(self, rows: Sequence[tuple[str, Term, str, str]]) -> str:
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
                article = next((s for s in self.data.sources if s.startswith(source)), None)
                source_cell = (
                    tag("a", esc(source), href=source_path(article), class_="src")
                    if article and source
                    else esc(source)
                )
                table_rows.append((esc(when), self.link(what, root), esc(prop), source_cell))
            parts.append(
                tag("h2", esc(year), id=f"y{year}")
                + table(("date", "what", "property", "source"), table_rows, "timeline")
            )
        graph = [
            {"@id": jsonld_id(what.value), "skos:prefLabel": self.data.label(what)}
            for what in sorted({r[1] for r in rows if isinstance(r[1], NamedNode)}, key=str)
        ]
        return page("Timeline", "\n".join(parts), root=root, current="timeline.html", jsonld=graph)


_DERIVED = "not stated by a claim: the entity registry, a simple-view rule or inference"


def _key(term: Term) -> str:
    return term.value if isinstance(term, Literal) else sort_key(term)


def _strip_tags(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


def _expand(name: str) -> str:
    prefix, _, local = name.partition(":")
    return PREFIXES[prefix] + local if prefix in PREFIXES else name.strip("<>")


def term_jsonld(term: Term) -> Any:
    """A JSON-LD value object for ``term`` (``None`` for a blank node or quoted triple)."""
    if isinstance(term, NamedNode):
        return {"@id": jsonld_id(term.value)}
    if isinstance(term, Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == _XSD_STRING:
            return {"@value": term.value}
        return {"@value": term.value, "@type": jsonld_id(term.datatype.value)}
    return None


def triples_jsonld(subject: NamedNode, triples: Iterable[Triple]) -> dict[str, Any]:
    """A node object for ``subject`` holding ``triples`` (those with it as subject)."""
    node: dict[str, Any] = {"@id": jsonld_id(subject.value)}
    values: dict[str, list[Any]] = defaultdict(list)
    for triple in triples:
        if triple.subject != subject:
            continue
        if triple.predicate == RDF_TYPE and isinstance(triple.object, NamedNode):
            values["@type"].append(jsonld_id(triple.object.value))
            continue
        value = term_jsonld(triple.object)
        if value is not None:
            values[jsonld_id(triple.predicate.value)].append(value)
    for key, found in sorted(values.items()):
        unique = sorted({_json_key(v): v for v in found}.items())
        node[key] = [v for _, v in unique]
    return node


def _json_key(value: Any) -> str:
    import json

    return json.dumps(value, sort_keys=True)


def claim_jsonld(data: SiteData, claim: Claim) -> dict[str, Any]:
    """A claim as a named graph node: its triples, sources, spans and rank."""
    subjects = sorted(
        {t.subject for t in claim.triples if isinstance(t.subject, NamedNode)}, key=str
    )
    node: dict[str, Any] = {
        "@id": jsonld_id(claim.iri),
        "@type": "gso:Claim",
        "@graph": [triples_jsonld(s, claim.triples) for s in subjects],
        "prov:wasDerivedFrom": [
            {"@id": jsonld_id(data.sources[s].iri)} for s in claim.sources if s in data.sources
        ],
    }
    evidence = [
        {
            "@type": "oa:SpecificResource",
            "oa:hasSource": {"@id": jsonld_id(data.sources[span.source].iri)},
            "oa:hasSelector": {
                "@type": "oa:TextPositionSelector",
                "oa:start": span.start,
                "oa:end": span.end,
            },
        }
        for span in claim.spans
        if span.source in data.sources
    ]
    if evidence:
        node["gso:evidence"] = evidence
    if claim.rank:
        node["gso:rank"] = {"@id": jsonld_id(claim.rank)}
    return node
