"""Claims and their evidence: which article and which span state each triple.

A :class:`Snapshot` holds the quads of a graph in memory, indexed for the
entity-facing commands: the simple view (default graph), the claim graphs, and
each claim's source and text spans. Passages are read from the corpus at run
time; no article text is stored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Triple

from gsekg.engines import Term
from gsekg.errors import InputError
from gsekg.namespaces import BEST_VIEW, PREFIXES, SRC
from gsekg.render import display

Span = tuple[int, int]


def node(name: str) -> NamedNode:
    """The IRI of a compact name in a predeclared prefix, e.g. ``node("prov:wasDerivedFrom")``."""
    prefix, _, local = name.partition(":")
    return NamedNode(PREFIXES[prefix] + local)


RDF_TYPE = node("rdf:type")
SUBCLASS_OF = node("rdfs:subClassOf")
PREF_LABEL = node("skos:prefLabel")
CLAIM_CLASS = node("gso:Claim")
DERIVED_FROM = node("prov:wasDerivedFrom")
EVIDENCE = node("gso:evidence")
HAS_SELECTOR = node("oa:hasSelector")
RANK = node("gso:rank")
OA_START = node("oa:start")
OA_END = node("oa:end")
IDENTIFIER = node("dcterms:identifier")
NARY_CLASSES = frozenset(
    node(n)
    for n in (
        "gso:Role",
        "gso:RoleList",
        "org:Post",
        "gso:Quantity",
        "gso:Approval",
        "gso:Partnership",
        "schema:Schedule",
        "gso:Claim",
    )
)
"""Classes of n-ary nodes, structured values and claims: not entities in their own right."""


@dataclass(frozen=True)
class Claim:
    """One named graph and its provenance."""

    iri: NamedNode | BlankNode
    triples: frozenset[Triple]
    sources: tuple[NamedNode, ...]
    spans: tuple[Span, ...]
    typed: bool
    """Whether the graph is declared ``a gso:Claim``."""
    rank: NamedNode | None = None
    """``gso:PreferredRank``, ``gso:NormalRank`` or ``gso:DeprecatedRank`` (when stated)."""


class Snapshot:
    """A graph held in memory with the indexes describe, why, stats and timeline need.

    Attributes:
        default: the default graph's triples.
        graphs: each named graph's triples.
        facts: the simple view: the default graph plus every named graph's triples.
        claims: each named graph or ``gso:Claim`` with its provenance.
        claims_of: the claims stating each triple.
    """

    def __init__(
        self, default: set[Triple], graphs: dict[NamedNode | BlankNode, set[Triple]]
    ) -> None:
        self.default = default
        self.graphs = graphs
        self.facts = set(default).union(*graphs.values())
        self.out: dict[Term, list[Triple]] = defaultdict(list)
        self.into: dict[Term, list[Triple]] = defaultdict(list)
        for triple in sorted(self.facts, key=str):
            self.out[triple.subject].append(triple)
            self.into[triple.object].append(triple)
        self.claims = {name: self._claim(name) for name in self._claim_names()}
        self.claims_of: dict[Triple, list[Claim]] = defaultdict(list)
        for claim in self.claims.values():
            for triple in claim.triples:
                self.claims_of[triple].append(claim)

    @classmethod
    def from_quads(cls, quads: Iterable[Quad]) -> Snapshot:
        """Index ``quads`` (from :meth:`Engine.quads` or a parsed file); views are left out."""
        default: set[Triple] = set()
        graphs: dict[NamedNode | BlankNode, set[Triple]] = defaultdict(set)
        best = NamedNode(BEST_VIEW)
        for quad in quads:
            if quad.graph_name == best:
                continue
            if isinstance(quad.graph_name, DefaultGraph):
                default.add(quad.triple)
            else:
                graphs[quad.graph_name].add(quad.triple)
        return cls(default, dict(graphs))

    def _claim_names(self) -> list[NamedNode | BlankNode]:
        typed = {
            t.subject
            for t in self.into.get(CLAIM_CLASS, ())
            if t.predicate == RDF_TYPE and isinstance(t.subject, NamedNode | BlankNode)
        }
        return sorted(typed | set(self.graphs), key=str)

    def _claim(self, name: NamedNode | BlankNode) -> Claim:
        sources = tuple(o for o in self.objects(name, DERIVED_FROM) if isinstance(o, NamedNode))
        spans = []
        selectors = [s for e in self.objects(name, EVIDENCE) for s in self.objects(e, HAS_SELECTOR)]
        for selector in selectors:
            start, end = self.integer(selector, OA_START), self.integer(selector, OA_END)
            if start is not None and end is not None:
                spans.append((start, end))
        return Claim(
            iri=name,
            triples=frozenset(self.graphs.get(name, ())),
            sources=sources,
            spans=tuple(sorted(spans)),
            typed=Triple(name, RDF_TYPE, CLAIM_CLASS) in self.facts,
            rank=next((r for r in self.objects(name, RANK) if isinstance(r, NamedNode)), None),
        )

    def objects(self, subject: Term, predicate: NamedNode) -> list[Term]:
        """Every object of ``subject predicate ?o`` in the simple view, in a stable order."""
        return [t.object for t in self.out.get(subject, ()) if t.predicate == predicate]

    def subjects(self, predicate: NamedNode, obj: Term) -> list[Term]:
        """Every subject of ``?s predicate obj`` in the simple view, in a stable order."""
        return [t.subject for t in self.into.get(obj, ()) if t.predicate == predicate]

    def integer(self, subject: Term, predicate: NamedNode) -> int | None:
        """The first integer value of ``subject predicate``, if any."""
        for value in self.objects(subject, predicate):
            if isinstance(value, Literal):
                try:
                    return int(value.value)
                except ValueError:
                    continue
        return None

    def types(self, subject: Term) -> set[NamedNode]:
        """The classes ``subject`` is typed with (asserted or inferred)."""
        return {t for t in self.objects(subject, RDF_TYPE) if isinstance(t, NamedNode)}

    def is_nary(self, subject: Term) -> bool:
        """Whether ``subject`` is an n-ary node (role, post, quantity…), not an entity."""
        return bool(self.types(subject) & NARY_CLASSES) or isinstance(subject, BlankNode)

    def label(self, term: Term) -> str:
        """A short name for people: the preferred label, else the compact IRI or literal text."""
        for value in self.objects(term, PREF_LABEL):
            if isinstance(value, Literal):
                return value.value
        if isinstance(term, Literal):
            return term.value
        return display(term)

    def source_id(self, source: NamedNode) -> str:
        """The corpus file stem of a source article (its identifier, else its IRI's local name)."""
        for value in self.objects(source, IDENTIFIER):
            if isinstance(value, Literal):
                return value.value
        return source.value.removeprefix(SRC)

    def source_ids(self, claims: Iterable[Claim]) -> list[str]:
        """The sorted, distinct ids of the sources of ``claims``."""
        return sorted({self.source_id(s) for claim in claims for s in claim.sources})


@dataclass(frozen=True)
class Evidence:
    """One claim and the facts about an entity it states, with its source and spans."""

    claim: NamedNode | BlankNode
    source: NamedNode | None
    source_id: str | None
    spans: tuple[Span, ...]
    triples: tuple[Triple, ...]


def facts_about(snapshot: Snapshot, entity: Term) -> list[Triple]:
    """The stated triples about ``entity``: as subject or object, and those of its n-ary nodes.

    An n-ary node (a role where the entity is the agent, a post it holds…) is
    followed one step, so ``why`` also shows the role kind and target of a role.
    """
    stated = [t for t in snapshot.out.get(entity, ()) if t in snapshot.claims_of]
    stated += [t for t in snapshot.into.get(entity, ()) if t in snapshot.claims_of]
    seen = set(stated)
    for triple in list(stated):
        other = triple.object if triple.subject == entity else triple.subject
        if other == entity or not snapshot.is_nary(other):
            continue
        for extra in snapshot.out.get(other, ()):
            if extra in snapshot.claims_of and extra not in seen:
                seen.add(extra)
                stated.append(extra)
    return stated


def evidence_for(
    snapshot: Snapshot, entity: Term, predicate: NamedNode | None = None
) -> list[Evidence]:
    """The claims stating facts about ``entity`` (only ``predicate`` when given), by source."""
    stated: dict[NamedNode | BlankNode, list[Triple]] = defaultdict(list)
    for triple in facts_about(snapshot, entity):
        if predicate is None or triple.predicate == predicate:
            for claim in snapshot.claims_of[triple]:
                stated[claim.iri].append(triple)
    rows = []
    for name, triples in stated.items():
        claim = snapshot.claims[name]
        source = claim.sources[0] if claim.sources else None
        rows.append(
            Evidence(
                claim=name,
                source=source,
                source_id=snapshot.source_id(source) if source else None,
                spans=claim.spans,
                triples=tuple(triples),
            )
        )
    return sorted(rows, key=lambda e: (e.source_id or "", str(e.claim)))


@dataclass(frozen=True)
class Passage:
    """A span of an article with some context either side (text read at run time)."""

    before: str
    text: str
    after: str
    start: int
    end: int

    def delimited(self) -> str:
        """The passage as plain text with the span between « and »."""
        return f"{self.before}«{self.text}»{self.after}"


def corpus_file(corpus: Path, source_id: str) -> Path:
    """The corpus file of a source article."""
    return corpus / f"{source_id}.txt"


def read_article(path: Path) -> str:
    """An article's text as UTF-8 (offsets are code-point indices into it).

    Raises:
        InputError: the file is missing or unreadable.
    """
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read the article ({error})") from None


def passage(text: str, span: Span, context: int = 60) -> Passage:
    """The span of ``text`` and about ``context`` characters either side, cut at spaces.

    Raises:
        InputError: the span lies outside the text or is empty.
    """
    start, end = span
    if not 0 <= start < end <= len(text):
        raise InputError(f"span {start}-{end} lies outside the article (length {len(text)})")
    left = max(0, start - context)
    if left > 0 and not text[left - 1].isspace():
        space = _find_space(text, left, start)
        left = space + 1 if space >= 0 else left
    right = min(len(text), end + context)
    if right < len(text) and not text[right].isspace():
        space = _find_space(text, end, right, last=True)
        right = space if space >= 0 else right
    return Passage(
        before=("…" if left > 0 else "") + _flat(text[left:start]),
        text=_flat(text[start:end]),
        after=_flat(text[end:right]) + ("…" if right < len(text) else ""),
        start=start,
        end=end,
    )


def _find_space(text: str, start: int, end: int, last: bool = False) -> int:
    """The index of the first (or last) whitespace character in ``text[start:end]``, or -1."""
    positions = [i for i in range(start, end) if text[i].isspace()]
    if not positions:
        return -1
    return positions[-1] if last else positions[0]


def _flat(text: str) -> str:
    """Whitespace runs (newlines, no-break spaces) as single spaces, ends kept."""
    words = text.split()
    if not words:
        return " " if text else ""
    lead = " " if text[0].isspace() else ""
    trail = " " if text[-1].isspace() else ""
    return lead + " ".join(words) + trail
