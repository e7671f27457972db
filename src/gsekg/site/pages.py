"""The pages of things: one per entity and per source article, and the parts they share.

:class:`Pages` builds them from :class:`gsekg.site.data.SiteData` by plain string
building; every text from the graph or the corpus is escaped
(:func:`gsekg.site.markup.esc`). Its links, value cells, source badges, evidence
blocks and side-by-side tables are reused by the site-wide pages
(:mod:`gsekg.site.lists`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode

from gsekg.namespaces import GSE, GSO, PREFIXES, compact
from gsekg.render import and_list
from gsekg.site.corpus import Corpus
from gsekg.site.data import (
    LABEL_PROPERTIES,
    RDF_TYPE,
    Claim,
    Entity,
    SiteData,
    Source,
    Span,
    sort_key,
)
from gsekg.site.differences import Difference, differences
from gsekg.site.jsonld import claim_jsonld, triples_jsonld
from gsekg.site.markup import esc, page, table, tag
from gsekg.terms import Term

_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$")
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
            if claim.editorial:
                badges.append(self._editorial_badge(claim, root, local))
                continue
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

    def _editorial_badge(self, claim: Claim, root: str, local: bool) -> str:
        """One badge for the curators' inference, naming the articles it rests on."""
        articles = [s[:3] for s in claim.sources]
        href = f"#{claim_anchor(claim)}"
        if not local:
            href = root + source_path(claim.sources[0]) + href if claim.sources else href
        return tag(
            "a",
            esc("curators"),
            href=href,
            class_="src editorial",
            title=f"{claim.name} (curators' inference from {and_list(articles)})",
        )

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
            attribution = "Source: " + (sources or "unknown")
            if claim.editorial:
                attribution = (
                    "Curators' inference from "
                    + (sources or "unknown")
                    + "; derived from "
                    + ", ".join(tag("code", esc(compact(c))) for c in claim.basis)
                )
            blocks.append(
                tag(
                    "section",
                    tag("h3", head)
                    + tag("p", attribution)
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
            else self.prop(NamedNode(expand(found.what)), root)
        )
        header = ["value", *(f"{s[:3]} · {self._source_title(s)}" for s in found.sources)]
        if found.view_chooses:
            header.append("this view")
        rows = []
        for row in found.rows:
            cells = [self.link(row.value, root)]
            for source in found.sources:
                claims = row.claims.get(source, ())
                cells.append(self.sources_cell(claims, root, local=local) if claims else "—")
            if found.view_chooses:
                cells.append("keeps" if row.kept else "leaves out")
            rows.append(cells)
        note = (
            tag(
                "p",
                "The sources differ; the view this site was built from (ranked claims) "
                "keeps only some of the values.",
                class_="viewnote",
            )
            if found.view_chooses
            else ""
        )
        return tag(
            "div",
            tag("h3", what) + note + table(header, rows, "sidebyside"),
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
            ("claims", esc(sum(1 for c in claims if not c.editorial))),
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


_DERIVED = "not stated by a claim: the entity registry, a simple-view rule or inference"


def _key(term: Term) -> str:
    return term.value if isinstance(term, Literal) else sort_key(term)


def _strip_tags(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


def expand(name: str) -> str:
    """The full IRI of a compact name (``gso:theme``), or the IRI inside ``<…>``."""
    prefix, _, local = name.partition(":")
    return PREFIXES[prefix] + local if prefix in PREFIXES else name.strip("<>")
