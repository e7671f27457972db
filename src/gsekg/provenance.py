"""Claims and their evidence: which article and which span state each triple.

Everything is asked of the engine through :class:`gsekg.reader.GraphReader`; passages
are read from the corpus at run time (no article text is stored).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, NamedNode, Triple

from gsekg.derivation import Step, explain, text, triple_json
from gsekg.errors import InputError
from gsekg.reader import Fact, GraphReader, sparql_term
from gsekg.render import and_list, display

Span = tuple[int, int]


@dataclass(frozen=True)
class Evidence:
    """One claim and the facts about an entity it states, with its source and spans."""

    claim: NamedNode | BlankNode
    source: NamedNode | None
    source_id: str | None
    spans: tuple[Span, ...]
    triples: tuple[Triple, ...]
    rank: str | None = None
    """``preferred``, ``normal`` or ``deprecated`` (``None`` where no rank is stated)."""
    rank_reason: str | None = None
    stated_by: NamedNode | None = None
    """Whose statement the claim reports (reported speech)."""
    editorial: bool = False
    """The curators' inference from several source claims, not one article's statement."""
    basis: tuple[NamedNode, ...] = ()
    """The source claims an editorial claim is derived from."""
    source_ids: tuple[str, ...] = ()
    """Every article the claim rests on (one, except for an editorial claim)."""
    located: tuple[tuple[str | None, Span], ...] = ()
    """Each span with the id of its article (set when the spans lie in several)."""

    def spans_in(self) -> list[tuple[str | None, Span]]:
        """Each span with the id of the article it lies in."""
        return list(self.located) or [(self.source_id, span) for span in self.spans]

    def attribution(self) -> str:
        """Who says it: ``source 002_…``, or ``curators' inference from 002 and 004``."""
        return attribution(self.source_ids or (self.source_id or "?",), editorial=self.editorial)


def attribution(source_ids: Sequence[str], *, editorial: bool) -> str:
    """``source 002_…`` for a source claim (its first source), or for an editorial claim
    ``curators' inference from 002 and 004`` (the 3-digit prefixes of its articles)."""
    if not editorial:
        return f"source {source_ids[0] if source_ids else '?'}"
    return "curators' inference from " + and_list([s[:3] for s in source_ids])


def stated_facts(reader: GraphReader, entity: NamedNode) -> list[Fact]:
    """The stated triples about ``entity``: as subject or object, and those of its n-ary nodes.

    An n-ary node (a role where the entity is the agent, a post it holds…) is
    followed one step, so ``why`` also shows the role kind and target of a role.
    """
    out, into = reader.facts_about(entity)
    stated = [f for f in [*out, *into] if f.claims]
    nary: dict[Any, list[Fact]] = {}
    for fact in [
        *reader.nary_facts(entity, incoming=False),
        *reader.nary_facts(entity, incoming=True),
    ]:
        nary.setdefault(fact.triple.subject, []).append(fact)
    seen = {f.triple for f in stated}
    for fact in list(stated):
        triple = fact.triple
        other = triple.object if triple.subject == entity else triple.subject
        if other == entity:
            continue
        for extra in sorted(nary.get(other, ()), key=lambda f: str(f.triple)):
            if extra.claims and extra.triple not in seen:
                seen.add(extra.triple)
                stated.append(extra)
    return stated


def evidence_for(
    reader: GraphReader,
    entity: NamedNode,
    predicate: NamedNode | None = None,
    value: Any = None,
) -> list[Evidence]:
    """The claims stating facts about ``entity`` (only ``predicate`` and ``value`` when given)."""
    stated: dict[NamedNode | BlankNode, list[Triple]] = {}
    for fact in stated_facts(reader, entity):
        if not _wanted(fact.triple, entity, predicate, value):
            continue
        for name in fact.claims:
            stated.setdefault(name, []).append(fact.triple)
    claims = reader.claims(stated)
    rows = []
    for name, triples in stated.items():
        info = claims[name]
        rows.append(
            Evidence(
                claim=name,
                source=info.source,
                source_id=info.source_id,
                spans=info.spans,
                triples=tuple(triples),
                rank=info.rank,
                rank_reason=info.rank_reason,
                stated_by=info.stated_by,
                editorial=info.editorial,
                basis=info.basis,
                source_ids=info.source_ids,
                located=info.located,
            )
        )
    return sorted(rows, key=lambda e: (e.editorial, e.source_id or "", str(e.claim)))


def _wanted(triple: Triple, entity: NamedNode, predicate: Any, value: Any) -> bool:
    if predicate is not None and triple.predicate != predicate:
        return False
    if value is None:
        return True
    other = triple.object if triple.subject == entity else triple.subject
    if isinstance(value, str):
        return text(other) == value or display(other) == value
    return bool(other == value)


def left_out(
    reader: GraphReader,
    entity: NamedNode,
    predicate: NamedNode | None = None,
    value: Any = None,
) -> list[NamedNode | BlankNode]:
    """The claims stating facts about ``entity`` (only ``predicate`` and ``value`` when
    given) that the view leaves out: with ``--view best``, the deprecated claims and the
    normal ones a preferred claim outranks. Sorted; empty in the union view."""
    e = sparql_term(entity)
    p = sparql_term(predicate) if predicate is not None else "?p"
    result = reader.select(
        f"SELECT DISTINCT ?s ?p ?o ?g WHERE {{ "
        f"{{ BIND({e} AS ?s) {reader.in_claim(f'{e} {p} ?o')} FILTER NOT EXISTS {{ {e} {p} ?o }} }}"
        f" UNION "
        f"{{ BIND({e} AS ?o) {reader.in_claim(f'?s {p} {e}')} FILTER NOT EXISTS {{ ?s {p} {e} }} }}"
        f"{f' BIND({p} AS ?p)' if predicate is not None else ''} }}"
    )
    found = {
        g
        for s, q, o, g in result.rows
        if isinstance(g, NamedNode | BlankNode)
        and isinstance(q, NamedNode)
        and s is not None
        and o is not None
        and _wanted(Triple(s, q, o), entity, predicate, value)  # type: ignore[arg-type]
    }
    return sorted(found, key=str)


@dataclass(frozen=True)
class Why:
    """Where facts about an entity come from: the claims, and the derivations of the rest."""

    evidence: list[Evidence]
    derived: list[Step] = field(default_factory=list)
    """For a property: how each fact that no claim states was derived (rule, inference)."""


def why(
    reader: GraphReader,
    entity: NamedNode,
    predicate: NamedNode | None = None,
    value: Any = None,
) -> Why:
    """The claims behind the facts about ``entity``, and with ``predicate`` the derivations.

    Facts of ``predicate`` (and ``value``) that no claim states are traced back to the rule
    or inference step that derived them and to the claims those rest on.
    """
    evidence = evidence_for(reader, entity, predicate, value)
    derived: list[Step] = []
    if predicate is not None:
        out, into = reader.facts_about(entity)
        unstated = [
            f.triple
            for f in [*out, *into]
            if not f.claims and _wanted(f.triple, entity, predicate, value)
        ]
        derived = [explain(reader, t) for t in unstated]
        derived = [s for s in derived if s.how != "registered"]
    return Why(evidence, derived)


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

    Line endings are kept as they are (no newline translation): a file with CRLF endings
    counts each ``\r``, exactly as ``gsekg source add`` and ``gsekg extract`` count.

    Raises:
        InputError: the file is missing or unreadable.
    """
    try:
        return path.read_bytes().decode("utf-8")
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


class PassageReader:
    """Reads passages from the corpus on demand; reports each unreadable article once."""

    def __init__(
        self, folder: Path | None, context: int = 60, warn: Callable[[str], None] | None = None
    ) -> None:
        self.folder = folder
        self.context = context
        self.warn = warn or (lambda _: None)
        self.texts: dict[str, str | None] = {}

    def passage(self, source_id: str | None, span: Span) -> Passage | None:
        """The passage of ``span`` in the article ``source_id``, or ``None`` if unreadable."""
        if self.folder is None or source_id is None:
            return None
        if source_id not in self.texts:
            try:
                self.texts[source_id] = read_article(corpus_file(self.folder, source_id))
            except InputError as error:
                self.warn(f"{error}: its passages are not shown")
                self.texts[source_id] = None
        article = self.texts[source_id]
        if article is None:
            return None
        try:
            return passage(article, span, self.context)
        except InputError as error:
            self.warn(f"{source_id}: {error}")
            return None

    def delimited(self, source_id: str | None, span: Span) -> str:
        """The passage with the span between « and », or ``""`` when it cannot be read."""
        found = self.passage(source_id, span)
        return found.delimited() if found else ""

    def spans_json(self, source_id: str | None, spans: tuple[Span, ...]) -> list[dict[str, Any]]:
        """Each span as start and end, with its passage when the article can be read."""
        return [self._span_json(source_id, span) for span in spans]

    def located_json(self, located: list[tuple[str | None, Span]]) -> list[dict[str, Any]]:
        """Each span of several articles as :meth:`spans_json` does, with its article's id."""
        return [{"source_id": i} | self._span_json(i, span) for i, span in located]

    def _span_json(self, source_id: str | None, span: Span) -> dict[str, Any]:
        found = self.passage(source_id, span)
        return {"start": span[0], "end": span[1]} | (
            {"before": found.before, "text": found.text, "after": found.after} if found else {}
        )


def evidence_json(e: Evidence, reader: PassageReader) -> dict[str, Any]:
    """One claim as JSON: claim, source, the facts it states, spans with passages.

    An editorial claim has no source of its own (``source`` and ``source_id`` are null):
    ``editorial`` is true, ``derived_from`` names the source claims, ``source_ids`` the
    articles, and each span carries the ``source_id`` of its article.
    """
    found: dict[str, Any] = {
        "claim": display(e.claim),
        "source": e.source.value if e.source and not e.editorial else None,
        "source_id": None if e.editorial else e.source_id,
        "rank": e.rank,
        "rank_reason": e.rank_reason,
        "stated_by": e.stated_by.value if e.stated_by else None,
        "facts": [triple_json(t) for t in e.triples],
        "spans": reader.spans_json(e.source_id, e.spans),
    }
    if e.editorial:
        found |= {
            "editorial": True,
            "derived_from": [display(c) for c in e.basis],
            "source_ids": list(e.source_ids),
            "spans": reader.located_json(e.spans_in()),
        }
    return found


def step_json(step: Step, reader: PassageReader) -> dict[str, Any]:
    """A derivation as JSON, the claims it rests on with their passages."""
    return {
        "fact": triple_json(step.triple),
        "how": step.how,
        "via": step.via,
        "claims": [
            {
                "claim": display(c.iri),
                "source_id": None if c.editorial else c.source_id,
                "rank": c.rank,
                "stated_by": c.stated_by.value if c.stated_by else None,
                "spans": reader.located_json(c.spans_in())
                if c.editorial
                else reader.spans_json(c.source_id, c.spans),
            }
            for c in step.claims
        ],
        "premises": [step_json(p, reader) for p in step.premises],
    }


def why_json(result: Why, reader: PassageReader) -> list[dict[str, Any]]:
    """The claims (as :func:`evidence_json`), then the derivations (as :func:`step_json`)."""
    return [evidence_json(e, reader) for e in result.evidence] + [
        {"derived": step_json(s, reader)} for s in result.derived
    ]


def why_rows(result: Why, reader: PassageReader) -> list[tuple[Any, ...]]:
    """Rows of subject, property, value, claim, source, start, end, passage, rank.

    A derived fact gets one row per span of each claim its derivation rests on.
    """
    rows: list[tuple[Any, ...]] = []
    for e in result.evidence:
        for t in e.triples:
            for source_id, span in e.spans_in():
                rows.append((*_row(t, e.claim, source_id, span, reader), e.rank))
    for step in result.derived:
        for claim in step.claims_within():
            for source_id, span in claim.spans_in():
                row = _row(step.triple, claim.iri, source_id, span, reader)
                rows.append((*row, claim.rank))
    return rows


def _row(
    t: Triple, claim: Any, source_id: str | None, span: Span, reader: PassageReader
) -> tuple[Any, ...]:
    return (
        text(t.subject),
        display(t.predicate),
        text(t.object),
        display(claim),
        source_id,
        span[0],
        span[1],
        reader.delimited(source_id, span),
    )
