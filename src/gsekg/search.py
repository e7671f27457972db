"""Full-text search over the graph: names, acronyms, titles, themes, topics, posts and types.

A few targeted SPARQL queries (never a dump of the whole graph) gather, for each
entity of the registry, the texts that describe it, each tagged with its field.
Entities are ranked with BM25 (the ``bm25s`` library) over those texts, the
name fields counting more than the others, blended with how close the query is
to one of the entity's names (``rapidfuzz``), so that a misspelt name is still
found. Each hit says which field matched and with which text, and a result
whose best score is low is flagged as "no good match".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gsekg.entities import normalise
from gsekg.namespaces import compact

if TYPE_CHECKING:
    from gsekg.engines import Engine

GOOD_MATCH = 50.0
"""Below this score (0 to 100) the best hit is flagged as no good match."""

FIELD_WEIGHTS = {
    "name": 3,
    "acronym": 3,
    "altLabel": 3,
    "hiddenLabel": 2,
    "misspelling": 1,
    "type": 2,
    "theme": 2,
    "title": 2,
    "post": 1,
    "topic": 1,
    "text": 1,
}
"""How many times a field's words count in an entity's document (a field boost)."""

_NAME_FIELDS = ("name", "acronym", "altLabel", "hiddenLabel", "misspelling")
_LEXICAL_SHARE = 0.6
"""The share of the score that BM25 gives; the rest is the closeness of the best name."""

_CLOSE_NAME = 0.8
"""A name this close to the query (rapidfuzz ratio / 100) is a match even without a shared word."""
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
    ]
)
_WORD = re.compile(r"\w+")

_NAMES = """
SELECT ?e ?field ?text WHERE {
  VALUES (?p ?field) {
    (skos:prefLabel "name") (gso:acronym "acronym") (skos:altLabel "altLabel")
    (skos:hiddenLabel "hiddenLabel") (gso:misspelling "misspelling")
  }
  ?e ?p ?text .
  FILTER(isIRI(?e) && STRSTARTS(STR(?e), STR(gse:)))
}
"""
_TEXTS = """
SELECT ?e ?field ?text WHERE {
  VALUES (?p ?field) {
    (gso:theme "theme") (gso:talkTitle "title") (dcterms:title "title") (gso:topic "topic")
    (gso:aim "text") (skos:definition "text") (gso:objective "text") (gso:mission "text")
    (gso:vision "text") (gso:expectedOutcome "text") (gso:memberBenefit "text")
    (gso:plannedActivity "text") (gso:agentDescription "text")
  }
  { ?e ?p ?text . ?e skos:prefLabel [] }
  UNION { ?role gso:roleIn ?e ; ?p ?text }
  UNION { ?role gso:agent ?e ; ?p ?text }
  FILTER(isIRI(?e) && STRSTARTS(STR(?e), STR(gse:)) && isLiteral(?text))
}
"""
_POSTS_AND_TYPES = """
SELECT ?e ?field ?text WHERE {
  {
    ?post org:heldBy ?e .
    { ?post schema:jobTitle ?text } UNION { ?post skos:prefLabel ?text }
    BIND("post" AS ?field)
  } UNION {
    ?e skos:prefLabel [] ; a ?class .
    ?class rdfs:label ?text .
    FILTER(STRSTARTS(STR(?class), STR(gso:)))
    BIND("type" AS ?field)
  }
  FILTER(isIRI(?e) && STRSTARTS(STR(?e), STR(gse:)))
}
"""


@dataclass(frozen=True)
class Text:
    """One text that describes an entity, and the field it comes from."""

    field: str
    text: str


@dataclass(frozen=True)
class Hit:
    """A search result: the entity, its label, the score (0 to 100) and why it matched."""

    entity: str
    label: str
    score: float
    field: str
    matched: str


@dataclass(frozen=True)
class Results:
    """The hits, best first, and whether the best one is a good match."""

    query: str
    hits: tuple[Hit, ...]

    @property
    def good(self) -> bool:
        """Whether the best hit is a good match (shares words with, or closely spells, a name)."""
        return bool(self.hits) and self.hits[0].score >= GOOD_MATCH


def tokens(text: str) -> list[str]:
    """Words of ``text``: casefolded, without accents, without the commonest English words."""
    return [w for w in _WORD.findall(normalise(text)) if w not in _STOPWORDS]


def gather(engine: Engine) -> dict[str, list[Text]]:
    """The texts of each entity (full IRI), from three targeted queries."""
    found: dict[str, dict[Text, None]] = defaultdict(dict)
    for sparql in (_NAMES, _TEXTS, _POSTS_AND_TYPES):
        for entity, field, text in engine.query(sparql).rows:
            if entity is None or field is None or text is None:
                continue
            value = str(getattr(text, "value", ""))
            if value:
                kind = str(getattr(field, "value", ""))
                found[str(getattr(entity, "value", ""))][Text(kind, value)] = None
    return {entity: _most_specific(texts) for entity, texts in found.items()}


def _most_specific(texts: Iterable[Text]) -> list[Text]:
    """One field per text: an acronym or a misspelling is also an (inferred) altLabel."""
    order = ("name", "acronym", "misspelling", "hiddenLabel", "altLabel")
    kept: dict[str, Text] = {}
    for text in texts:
        known = kept.get(text.text)
        rank = order.index(text.field) if text.field in order else len(order)
        if known is None or rank < (order.index(known.field) if known.field in order else 99):
            kept[text.text] = text
    return list(kept.values())


def search(engine: Engine, query: str, limit: int = 10) -> Results:
    """The entities that best match ``query``, best first."""
    return rank(gather(engine), query, limit)


def rank(documents: dict[str, list[Text]], query: str, limit: int = 10) -> Results:
    """Rank ``documents`` (entity → texts) for ``query``; see the module docstring."""
    import bm25s
    from rapidfuzz import fuzz

    wanted = tokens(query)
    key = normalise(query)
    if not key or not documents:
        return Results(query, ())
    entities = sorted(documents)
    lexical = [0.0] * len(entities)
    if wanted:
        corpus = [_document(documents[e]) for e in entities]
        retriever = bm25s.BM25()
        retriever.index(corpus, show_progress=False)
        lexical = [float(s) for s in retriever.get_scores(wanted)]
    best_lexical = max(lexical) or 1.0
    hits = []
    for entity, score in zip(entities, lexical, strict=True):
        texts = documents[entity]
        names = [t for t in texts if t.field in _NAME_FIELDS]
        closeness, closest = max(
            ((_closeness(fuzz, key, t), t) for t in names),
            key=lambda pair: pair[0],
            default=(0.0, None),
        )
        total = 100 * (_LEXICAL_SHARE * score / best_lexical + (1 - _LEXICAL_SHARE) * closeness)
        if closeness >= _CLOSE_NAME:  # a name spelt (nearly) as asked: as good as that
            total = max(total, 100 * closeness - 10 * (closeness < 1))
        if total <= 0 or (score == 0 and closeness < 0.75):
            continue
        why = _why(texts, set(wanted)) if score > 0 else None
        reason = why or closest
        if reason is None:
            continue
        label = next((t.text for t in texts if t.field == "name"), compact(entity))
        hits.append(Hit(compact(entity), label, round(total, 1), reason.field, reason.text))
    hits.sort(key=lambda h: (-h.score, h.label.casefold(), h.entity))
    return Results(query, tuple(hits[:limit]))


def _document(texts: Iterable[Text]) -> list[str]:
    words: list[str] = []
    for text in texts:
        words += tokens(text.text) * FIELD_WEIGHTS.get(text.field, 1)
    return words or ["\u2205"]


def _closeness(fuzz: object, key: str, text: Text) -> float:
    """How close ``key`` is to a name (1 when equal); misspellings count a little less."""
    name = normalise(text.text)
    if name == key:
        return 1.0 if text.field != "misspelling" else 0.95
    ratio: float = fuzz.ratio(key, name) / 100  # type: ignore[attr-defined]
    return ratio * (0.9 if text.field == "misspelling" else 1.0)


def _why(texts: list[Text], wanted: set[str]) -> Text | None:
    """The text that matched most query words, name fields first on a tie."""
    order = list(FIELD_WEIGHTS)
    scored = [
        (len(wanted & set(tokens(t.text))), -order.index(t.field) if t.field in order else -99, t)
        for t in texts
    ]
    best = max(scored, key=lambda s: (s[0], s[1]), default=None)
    return best[2] if best and best[0] > 0 else None


__all__ = ["GOOD_MATCH", "Hit", "Results", "Text", "gather", "rank", "search", "tokens"]
