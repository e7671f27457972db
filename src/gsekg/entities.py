"""Finding entities by name: the name index, exact resolution and fuzzy search.

An entity is found by its IRI, its compact name (``gse:unesco-iite``), its bare
slug (``unesco-iite``), or any of its names: ``skos:prefLabel``,
``skos:altLabel``, ``gso:acronym``, ``gso:misspelling``, ``schema:name``,
``rdfs:label`` or ``skos:hiddenLabel``. Names are compared case- and accent-insensitively with
whitespace normalised.

An alias shared by several entities is ambiguous, unless exactly one of them
has it as its preferred label: then that one wins. Otherwise
:class:`AmbiguousNameError` lists the candidates (exit 1) and the user asks again
with a compact name; guessing would show facts about the wrong thing.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

from gsekg.errors import InputError, NotFoundError
from gsekg.namespaces import GSE, PREFIXES, SRC, compact
from gsekg.snapshot import PREF_LABEL, SUBCLASS_OF, Snapshot, node

LABEL_KINDS: dict[NamedNode, str] = {
    PREF_LABEL: "prefLabel",
    node("gso:acronym"): "acronym",
    node("gso:misspelling"): "misspelling",
    node("skos:altLabel"): "altLabel",
    node("schema:name"): "name",
    node("rdfs:label"): "label",
    node("skos:hiddenLabel"): "hiddenLabel",
}
"""Name properties, most specific first (an acronym is also an inferred altLabel)."""


MISSPELLING_PENALTY = 10.0
"""Points a misspelling loses in fuzzy search, so that the right spelling is suggested."""


class AmbiguousNameError(InputError):
    """A name shared by several entities; the message lists them."""

    def __init__(self, name: str, candidates: Sequence[str]) -> None:
        self.candidates = list(candidates)
        super().__init__(
            f"{name!r} names {len(candidates)} entities: {', '.join(candidates)}; "
            "ask again with one of these compact names"
        )


def normalise(text: str) -> str:
    """``text`` casefolded, without accents, with whitespace runs as single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


@dataclass(frozen=True)
class Name:
    """One name of one entity."""

    entity: NamedNode
    text: str
    kind: str


@dataclass(frozen=True)
class Match:
    """A search hit: the entity, the name that matched, and how well (0 to 100)."""

    entity: NamedNode
    label: str
    matched: str
    kind: str
    score: float
    types: tuple[str, ...]


class NameIndex:
    """Every name of every entity (``gse:`` and ``src:`` IRIs) in a snapshot, by normalised form.

    Ontology terms and role kinds are not entities; they are still found by IRI.
    """

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        rank = list(LABEL_KINDS.values())
        by_pair: dict[tuple[NamedNode, str], str] = {}
        for triple in snapshot.facts:
            kind = LABEL_KINDS.get(triple.predicate)
            subject, value = triple.subject, triple.object
            if (
                kind is None
                or not isinstance(subject, NamedNode)
                or not isinstance(value, Literal)
                or not subject.value.startswith((GSE, SRC))
            ):
                continue
            known = by_pair.get((subject, value.value))
            if known is None or rank.index(kind) < rank.index(known):
                by_pair[(subject, value.value)] = kind
        self.names = sorted(
            (Name(entity, text, kind) for (entity, text), kind in by_pair.items()),
            key=lambda n: (n.entity.value, n.text),
        )
        self.by_key: dict[str, list[Name]] = defaultdict(list)
        for name in self.names:
            self.by_key[normalise(name.text)].append(name)
        self.entities = sorted({n.entity for n in self.names}, key=lambda e: e.value)

    def resolve(self, name: str) -> NamedNode:
        """The entity ``name`` refers to.

        Raises:
            NotFoundError: nothing is called ``name`` (with the nearest names).
            AmbiguousNameError: several entities share the name and none has it as preferred label.
        """
        iri = self._as_iri(name.strip())
        if iri is not None:
            return iri
        hits = self.by_key.get(normalise(name), [])
        entities = sorted({h.entity for h in hits}, key=lambda e: e.value)
        if len(entities) > 1:
            preferred = {h.entity for h in hits if h.kind == "prefLabel"}
            if len(preferred) == 1:
                return preferred.pop()
            raise AmbiguousNameError(name, [compact(e.value) for e in entities])
        if entities:
            return entities[0]
        suggestions = [f"{m.matched} ({compact(m.entity.value)})" for m in self.search(name, 3)]
        raise NotFoundError(f"no entity is called {name!r}", suggestions)

    def _as_iri(self, name: str) -> NamedNode | None:
        """The IRI ``name`` spells (full, ``<full>``, compact or bare ``gse:`` slug), if known."""
        return next(
            (i for i in iri_spellings(name) if i in self.snapshot.out or i in self.snapshot.into),
            None,
        )

    def search(self, text: str, limit: int = 10) -> list[Match]:
        """Entities whose names best match ``text``, best first, one hit per entity."""
        from rapidfuzz import fuzz, process

        query = normalise(text)
        if not query:
            return []
        keys = list(self.by_key)
        scored = process.extract(query, keys, scorer=fuzz.WRatio, limit=None, score_cutoff=60)
        best: dict[NamedNode, Match] = {}
        for key, score, _ in scored:
            if key == query:
                score = 100.0
            for name in self.by_key[key]:
                penalised = name.kind == "misspelling" and key != query
                points = score - MISSPELLING_PENALTY if penalised else score
                current = best.get(name.entity)
                if current is None or points > current.score:
                    best[name.entity] = self._match(name, float(points))
        ranked = sorted(best.values(), key=lambda m: (-m.score, len(m.matched), m.entity.value))
        return ranked[:limit]

    def _match(self, name: Name, score: float) -> Match:
        types = sorted(compact(t.value) for t in most_specific_types(self.snapshot, name.entity))
        return Match(
            entity=name.entity,
            label=self.snapshot.label(name.entity),
            matched=name.text,
            kind=name.kind,
            score=round(score, 1),
            types=tuple(types),
        )


def iri_spellings(name: str) -> list[NamedNode]:
    """The IRIs ``name`` may spell, in order: itself (or ``<itself>``), then its compact
    expansion or, for a bare word, the ``gse:`` slug. Text that is no IRI (braces, pipes,
    quotes, control characters) spells none: it is a name."""
    candidates = [name.removeprefix("<").removesuffix(">")]
    prefix, colon, local = name.partition(":")
    if colon and prefix in PREFIXES:
        candidates.append(PREFIXES[prefix] + local)
    elif not colon:
        candidates.append(GSE + name)
    found = []
    for candidate in candidates:
        scheme, colon, rest = candidate.partition(":")
        if not (colon and scheme.isalpha() and rest and " " not in candidate):
            continue
        try:
            found.append(NamedNode(candidate))
        except ValueError:
            continue
    return found


def most_specific_types(snapshot: Snapshot, entity: NamedNode) -> list[NamedNode]:
    """The classes of ``entity`` that are not superclasses of another of its classes."""
    types = snapshot.types(entity)
    supers: set[NamedNode] = set()
    for cls in types:
        stack = [cls]
        seen = {cls}
        while stack:
            for parent in snapshot.objects(stack.pop(), SUBCLASS_OF):
                if isinstance(parent, NamedNode) and parent not in seen:
                    seen.add(parent)
                    supers.add(parent)
                    stack.append(parent)
    specific = sorted((t for t in types if t not in supers), key=lambda t: t.value)
    return specific or sorted(types, key=lambda t: t.value)


def resolve_property(snapshot: Snapshot, name: str) -> NamedNode:
    """The property ``name`` means: an IRI, a compact name, or a local name such as ``startDate``.

    Only properties used in the graph are known; local names compare
    case-insensitively.

    Raises:
        NotFoundError: no property in use has that name (with the nearest ones).
        AmbiguousNameError: the local name belongs to several namespaces.
    """
    return match_property(name, sorted({t.predicate for t in snapshot.facts}, key=str))


def property_iri(name: str) -> str:
    """``name`` as an IRI text: ``<…>`` unwrapped, a predeclared prefix expanded."""
    text = name.strip().removeprefix("<").removesuffix(">")
    prefix, colon, local = text.partition(":")
    return PREFIXES[prefix] + local if colon and prefix in PREFIXES else text


def match_property(name: str, used: Sequence[NamedNode]) -> NamedNode:
    """The one of the ``used`` properties that ``name`` means (IRI, compact or local name).

    Raises:
        NotFoundError: none has that name (with the nearest ones).
        AmbiguousNameError: the local name belongs to several namespaces.
    """
    text = property_iri(name)
    for predicate in used:
        if predicate.value == text:
            return predicate
    wanted = normalise(name).replace(" ", "")
    hits = [p for p in used if normalise(_local_name(p.value)) == wanted]
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise AmbiguousNameError(name, [compact(p.value) for p in hits])
    from rapidfuzz import process

    names = {compact(p.value): _local_name(p.value) for p in used}
    near = process.extract(name, names, limit=3, score_cutoff=60)
    raise NotFoundError(f"no property {name!r} is used in the graph", [k for _, _, k in near])


def _local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
