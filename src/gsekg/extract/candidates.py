"""Candidate claims: what a rule proposes, with its spans, confidence and grounding check."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gsekg.extract.known import Entity, KnownIndex
from gsekg.extract.text import Normalised, normalise

Span = tuple[int, int]
Triple = tuple[str, str, str]
"""Subject, predicate, object as Turtle terms (compact names or literals)."""


@dataclass(frozen=True)
class NewEntity:
    """An entity a candidate introduces: registered with its class and name when accepted
    (a post with its name only: its class is stated by the claim)."""

    iri: str
    cls: str
    label: str


@dataclass
class Candidate:
    """One proposed claim.

    Attributes:
        kind: mention, entity, date, figure, title, role, post, edition or forum.
        rule: the rule that proposed it (``dates.range``…).
        confidence: 0..1.
        spans: original-text spans (code points, end exclusive).
        stated: each name, number and date the claim states, as written in the article:
            the grounding check requires each inside the spans.
        triples: the claim's triples.
        new: entities to register when the claim is accepted.
        keys: what the claim states, for scoring (``("date", "2021-08-18")``…).
        note: a remark for the reviewer (a near-duplicate, a guessed subject…).
    """

    kind: str
    rule: str
    confidence: float
    spans: list[Span]
    stated: list[str]
    triples: list[Triple]
    new: list[NewEntity] = field(default_factory=list)
    keys: list[tuple[str, ...]] = field(default_factory=list)
    note: str = ""

    def grounded(self, text: str) -> bool:
        """Whether every stated name, number and date lies inside the claim's spans."""
        if not self.spans or not all(0 <= s < e <= len(text) for s, e in self.spans):
            return False
        inside = " ".join(normalise(text[s:e]).lower() for s, e in self.spans)
        inside = inside.replace("\n", " ")
        return all(normalise(item).lower().replace("\n", " ") in inside for item in self.stated)


@dataclass(frozen=True)
class Mention:
    """A known (or proposed) entity named at a normalised position of the article."""

    entity: Entity
    start: int
    end: int
    surface: str
    kind: str
    """prefLabel, altLabel, acronym, misspelling, hiddenLabel, fuzzy or new."""


@dataclass
class Article:
    """What every rule reads: the source id, the text, and the mentions found so far."""

    source_id: str
    norm: Normalised
    known: KnownIndex
    mentions: list[Mention] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The original text."""
        return self.norm.original

    def span(self, start: int, end: int) -> Span:
        """The original span of normalised ``[start, end)``."""
        return self.norm.span(start, end)

    def surface(self, start: int, end: int) -> str:
        """The normalised text of ``[start, end)``."""
        return self.norm.text[start:end]

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        """The mentions inside normalised ``[start, end)``, in text order."""
        return [m for m in self.mentions if m.start >= start and m.end <= end]

    def nearest(self, position: int, *classes: str, before: bool = True) -> Mention | None:
        """The closest mention of an entity of one of ``classes`` before (or after) position."""
        pool = [m for m in self.mentions if m.entity.is_a(*classes)]
        if before:
            earlier = [m for m in pool if m.end <= position]
            return max(earlier, key=lambda m: m.end) if earlier else None
        later = [m for m in pool if m.start >= position]
        return min(later, key=lambda m: m.start) if later else None

    def main_edition(self) -> Entity | None:
        """The edition the article names most often (ties: the first named)."""
        counts: dict[str, int] = {}
        first: dict[str, int] = {}
        for m in self.mentions:
            if m.entity.is_a("ConferenceEdition"):
                counts[m.entity.iri] = counts.get(m.entity.iri, 0) + 1
                first.setdefault(m.entity.iri, m.start)
        if not counts:
            return None
        best = max(counts, key=lambda i: (counts[i], -first[i]))
        return next(m.entity for m in self.mentions if m.entity.iri == best)


def literal(text: str, lang: str | None = "en", datatype: str | None = None) -> str:
    """A Turtle literal with escapes, a language tag or a datatype."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if datatype:
        return f'"{escaped}"^^{datatype}'
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def slug(text: str, limit: int = 48) -> str:
    """A readable IRI slug: lower-case words joined by hyphens."""
    words = re.findall(r"[a-z0-9]+", normalise(text).lower())
    out = ""
    for word in words:
        if len(out) + len(word) + 1 > limit:
            break
        out = f"{out}-{word}" if out else word
    while out.rsplit("-", 1)[-1] in {"of", "for", "and", "the", "on", "in", "at"} and "-" in out:
        out = out.rsplit("-", 1)[0]
    return out or "x"
