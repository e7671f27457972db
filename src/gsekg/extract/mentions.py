"""Mentions of known entities (every name, acronym, misspelling) and candidate new entities.

Known names are found in one pass with an Aho-Corasick automaton (pyahocorasick)
over the normalised text, so a name split across a line break or written with
curly quotes or no-break spaces still matches; the longest match wins. Words
that look like a misspelt acronym are compared with the known acronyms by
rapidfuzz. New names (an organisation name with its acronym in brackets, a
capitalised name ending in University, Institute, Centre…, a person with an
honorific or a post) become candidate entities with a guessed class; when one
resembles a known entity it is flagged for the reviewer, never merged.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator

from gsekg.extract.candidates import Article, Candidate, Mention, NewEntity, literal, slug
from gsekg.extract.known import Entity
from gsekg.extract.text import is_word_char, normalise
from gsekg.namespaces import GSE

_EDITION = re.compile(
    r"\b(?:(?P<y1>20\d\d)\s+Global Smart Education Conference"
    r"|(?:Global|World) Smart Education Conference\s+(?P<y2>20\d\d)"
    r"|GSE\s?(?P<y3>20\d\d))\b"
)
_SERIES = re.compile(r"\b(?:Global|World) Smart Education Conference\b")
_ORG_WORDS = (
    "University|Institute|Centre|Center|Ministry|Organization|Organisation|Network|"
    "Laboratory|Association|Society|Department|Council|Foundation|Agency|Academy|"
    "College|Bureau|Commission|Alliance|Federation"
)
_CAP = r"(?:[A-Z][\w'-]*|[A-Z]{2,}\d*)"
_LINK = r"(?:of|for|and|the|on|in|&)"
_ORG = re.compile(
    rf"(?:{_CAP}\s(?:{_LINK}\s){{0,2}}){{0,7}}(?:{_ORG_WORDS})\b"
    rf"(?:\s(?:of|for|on)(?:\s(?:the|and)?\s?{_CAP})+)?"
)
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z]*[A-Z][A-Z0-9-]*)\)")
_HONORIFIC = re.compile(
    r"\b(?P<title>Mr|Ms|Mrs|Dr|Prof|Professor|H\.E)\.?\s+"
    r"(?P<name>[A-Z][a-z'-]+(?:\s[A-Z][a-z'-]+){0,3})"
)
_CLASS_BY_WORD = {
    "University": "gso:University",
    "College": "gso:University",
    "Institute": "gso:ResearchInstitute",
    "Centre": "gso:ResearchInstitute",
    "Center": "gso:ResearchInstitute",
    "Laboratory": "gso:Laboratory",
    "Academy": "gso:ResearchInstitute",
    "Ministry": "gso:GovernmentBody",
    "Department": "gso:MinistryDepartment",
    "Bureau": "gso:GovernmentBody",
    "Commission": "gso:GovernmentBody",
    "Network": "gso:Network",
    "Association": "gso:Association",
    "Society": "gso:Association",
    "Alliance": "gso:Association",
    "Federation": "gso:Association",
}
_PLACES = ("Place", "City", "Country", "AdministrativeArea", "Continent")
_SKIP_NAME = {"the", "a", "an", "conference", "forum", "project", "declaration"}


def find_mentions(article: Article) -> list[Candidate]:
    """Every mention of a known entity and every candidate new entity, as candidates.

    Fills ``article.mentions`` (other rules read it) and returns the claims.
    """
    found = list(_editions(article))
    found += _known(article, taken=[(m.start, m.end) for m, _ in found])
    found += _fuzzy(article, taken=[(m.start, m.end) for m, _ in found])
    found += _openings(article, found)
    found += _new_entities(article, taken=[(m.start, m.end) for m, _ in found])
    found.sort(key=lambda pair: (pair[0].start, pair[0].end))
    article.mentions = [m for m, _ in found]
    return [c for _, c in found]


def _editions(article: Article) -> Iterator[tuple[Mention, Candidate]]:
    """Editions named with their year; an unknown year gives a new edition entity."""
    text = article.norm.text
    explicit = list(_EDITION.finditer(text))
    for match in explicit:
        year = match.group("y1") or match.group("y2") or match.group("y3")
        yield _edition(article, match, year, "editions.year-in-name", 0.9)
    for match in _SERIES.finditer(text):
        if any(match.start() < m.end() and m.start() < match.end() for m in explicit):
            continue
        _, end = article.norm.sentence(match.start())
        year = re.search(r"\b(20\d\d)\b", text[match.end() : end])
        if year is not None:
            yield _edition(
                article,
                match,
                year.group(1),
                "editions.year-in-sentence",
                0.75,
                year_end=match.end() + year.end(),
            )


def _edition(
    article: Article,
    match: re.Match[str],
    year: str,
    rule: str,
    confidence: float,
    year_end: int | None = None,
) -> tuple[Mention, Candidate]:
    iri = f"https://w3id.org/gsekg/id/gse{year}"
    known = article.known.entities.get(iri)
    label = f"Global Smart Education Conference {year}"
    entity = known or Entity(iri, {"https://w3id.org/gsekg/ontology#ConferenceEdition"})
    if not known:
        entity.names.append((label, "prefLabel"))
    mention = Mention(entity, match.start(), match.end(), match.group(), "edition")
    triples = [
        (entity.compact, "schema:superEvent", "gse:gse-series"),
        (entity.compact, "gso:year", literal(year, datatype="xsd:gYear")),
    ]
    names = {normalise(n).lower() for n, _ in entity.names}
    if year_end is None and normalise(match.group()).lower() not in names:
        triples.append((entity.compact, "skos:altLabel", literal(match.group())))
    keys: list[tuple[str, ...]] = [("mention", iri)]
    if "Smart Education Conference" in match.group():
        keys.append(("mention", GSE + "gse-series"))
    candidate = Candidate(
        "edition",
        rule,
        confidence,
        [article.span(match.start(), year_end or match.end())],
        [match.group(), year],
        triples,
        new=[] if known else [NewEntity(iri, "gso:ConferenceEdition", label)],
        keys=keys,
    )
    return mention, candidate


def _openings(
    article: Article, found: list[tuple[Mention, Candidate]]
) -> list[tuple[Mention, Candidate]]:
    """ "the opening session" / "ceremony" of the edition the article is about, when known."""
    editions = [m.entity.iri for m, _ in found if m.entity.is_a("ConferenceEdition")]
    if not editions:
        return []
    best = max(sorted(set(editions)), key=editions.count)
    edition = next(m.entity for m, _ in found if m.entity.iri == best)
    opening = article.known.entities.get(edition.iri + "-opening")
    if opening is None:
        return []
    out = []
    for match in re.finditer(r"\bopening (?:session|ceremony)\b", article.norm.text, re.I):
        mention = Mention(opening, match.start(), match.end(), match.group(), "hiddenLabel")
        claim = _mention_claim(article, mention, 0.7)
        claim.rule = "mentions.opening-of-edition"
        claim.triples = [(f"src:{article.source_id}", "schema:mentions", opening.compact)]
        claim.note = f"the opening of {edition.label}, the edition the article names most"
        out.append((mention, claim))
    return out


def _known(article: Article, taken: list[tuple[int, int]]) -> list[tuple[Mention, Candidate]]:
    import ahocorasick

    automaton = ahocorasick.Automaton()
    names: dict[str, list[tuple[Entity, str, str]]] = {}
    for entity in article.known.entities.values():
        variants = [
            (re.sub(r"(?<=[a-z])(?=[A-Z])", " ", n), "altLabel")
            for n, _ in entity.names
            if re.fullmatch(r"[A-Z][a-z]+(?:[A-Z][a-z]+)+", n)
        ]
        for text, kind in [*entity.names, *variants]:
            key = normalise(text).lower().replace("\n", " ")
            if len(key) < 2 or key in _SKIP_NAME or not any(c.isupper() for c in text):
                continue
            names.setdefault(key, []).append((entity, text, kind))
    if not names:
        return []
    for key, owners in names.items():
        automaton.add_word(key, (key, owners))
    automaton.make_automaton()
    lower, text = article.norm.lower, article.norm.text
    hits: list[tuple[int, int, list[tuple[Entity, str, str]]]] = []
    for end_index, (key, owners) in automaton.iter(lower):
        start, end = end_index - len(key) + 1, end_index + 1
        if (start > 0 and is_word_char(lower[start - 1])) or (
            end < len(lower) and is_word_char(lower[end])
        ):
            continue
        owners = [o for o in owners if not _case_mismatch(o[1], text[start:end])]
        if re.match(r" [A-Z]{3,}\b", text[end : end + 12]) and not any(
            c.islower() for c in text[start:end]
        ):
            continue  # "UNESCO" in "UNESCO INRULED": part of another name
        if len({o[0].iri for o in owners}) == 1:
            hits.append((start, end, owners))
    chosen: list[tuple[Mention, Candidate]] = []
    occupied = list(taken)
    starts = sorted((h[0], i) for i, h in enumerate(hits))
    for start, end, owners in sorted(hits, key=lambda h: (-(h[1] - h[0]), h[0])):
        if any(start < e and s < end for s, e in occupied):
            continue
        occupied.append((start, end))
        entity, _, kind = owners[0]
        mention = Mention(entity, start, end, text[start:end], kind)
        confidence = 0.95 if kind != "hiddenLabel" else 0.7
        chosen.append((mention, _mention_claim(article, mention, confidence)))
        chosen += _nested(article, hits, starts, start, end, entity)
    return chosen


def _nested(
    article: Article,
    hits: list[tuple[int, int, list[tuple[Entity, str, str]]]],
    starts: list[tuple[int, int]],
    start: int,
    end: int,
    outer: Entity,
) -> list[tuple[Mention, Candidate]]:
    """Organisations named inside a longer name ("Beijing Normal University" in the name of
    one of its institutes): mentions too, of several words, never places.

    ``starts`` (each hit's start and index, sorted) finds the hits inside by bisection: an
    article has thousands of hits.
    """
    out = []
    first, last = bisect_left(starts, (start,)), bisect_left(starts, (end,))
    for index in sorted(i for _, i in starts[first:last]):
        s, e, owners = hits[index]
        entity = owners[0][0]
        inner = article.norm.text[s:e]
        if not (start <= s and e <= end and (s, e) != (start, end)) or entity.iri == outer.iri:
            continue
        if len(inner.split()) < 2 or entity.is_a(*_PLACES, "ConferenceSeries"):
            continue
        mention = Mention(entity, s, e, inner, owners[0][2])
        claim = _mention_claim(article, mention, 0.7)
        claim.rule = "mentions.nested"
        out.append((mention, claim))
    return out


def _case_mismatch(name: str, surface: str) -> bool:
    """An acronym (all capitals) matches only as written: "COL" is not "col"."""
    letters = [c for c in name if c.isalpha()]
    return (
        bool(letters)
        and all(c.isupper() for c in letters)
        and len(letters) <= 8
        and (normalise(name) != surface)
    )


def _mention_claim(article: Article, mention: Mention, confidence: float) -> Candidate:
    """The claim a mention supports: a new name of the entity, or that the article names it."""
    entity = mention.entity
    known = {normalise(n).lower() for n, _ in entity.names}
    surface = mention.surface
    if normalise(surface).lower() in known and mention.kind != "fuzzy":
        triple = (f"src:{article.source_id}", "schema:mentions", entity.compact)
        rule = f"mentions.known-{mention.kind}"
    elif mention.kind == "fuzzy":
        triple = (entity.compact, "gso:misspelling", literal(surface))
        rule = "mentions.fuzzy-acronym"
    else:
        triple = (entity.compact, "skos:altLabel", literal(surface))
        rule = "mentions.variant"
    return Candidate(
        "mention",
        rule,
        confidence,
        [article.span(mention.start, mention.end)],
        [surface],
        [triple],
        keys=[("mention", entity.iri)],
    )


def _fuzzy(article: Article, taken: list[tuple[int, int]]) -> list[tuple[Mention, Candidate]]:
    """Capitalised words one or two letters away from a known acronym: likely misspellings."""
    from rapidfuzz import fuzz

    acronyms = [
        (text, entity)
        for entity in article.known.entities.values()
        for text, kind in entity.names
        if kind in {"acronym", "misspelling"} and len(text) >= 4 and text.isupper()
    ]
    out: list[tuple[Mention, Candidate]] = []
    for match in re.finditer(r"\b[A-Z]{4,9}\b", article.norm.text):
        start, end, word = match.start(), match.end(), match.group()
        if any(start < e and s < end for s, e in taken) or article.known.lookup(word):
            continue
        scored = [(fuzz.ratio(word, text), text, entity) for text, entity in acronyms]
        scored = [s for s in scored if s[0] >= 80]
        if len({s[2].iri for s in scored}) != 1:
            continue
        entity = max(scored, key=lambda s: s[0])[2]
        mention = Mention(entity, start, end, word, "fuzzy")
        candidate = _mention_claim(article, mention, 0.6)
        candidate.note = f"{word!r} looks like a misspelling of {entity.label}"
        out.append((mention, candidate))
    return out


def _new_entities(
    article: Article, taken: list[tuple[int, int]]
) -> list[tuple[Mention, Candidate]]:
    text = article.norm.text
    proposals: list[tuple[int, int, str, str, str | None]] = []
    for match in _ACRONYM.finditer(text):
        name_start = _name_start(text, match.start(), match.group(1))
        if name_start is not None:
            name = text[name_start : match.start()].strip()
            proposals.append((name_start, match.end(), name, _guess_class(name), match.group(1)))
    for match in _ORG.finditer(text):
        name, start = match.group().strip(), match.start()
        while name.split(" ", 1)[0] in {"The", "the", "A", "An"}:
            name, start = name.split(" ", 1)[1], start + len(name.split(" ", 1)[0]) + 1
        if len(name.split()) >= 2:
            proposals.append((start, match.end(), name, _guess_class(name), None))
    out: list[tuple[Mention, Candidate]] = []
    occupied = list(taken)
    for match in _HONORIFIC.finditer(text):
        start, end = match.start("name"), match.end()
        person = _known_person(article, match.group("name"))
        if any(start < e and s < end for s, e in occupied):
            continue
        if person is None:
            proposals.append((start, end, match.group("name"), "schema:Person", None))
            continue
        mention = Mention(person, start, end, match.group("name"), "surname")
        claim = _mention_claim(article, mention, 0.8)
        claim.rule = "mentions.honorific-surname"
        claim.triples = [(f"src:{article.source_id}", "schema:mentions", person.compact)]
        occupied.append((start, end))
        out.append((mention, claim))
    for start, end, name, cls, acronym in sorted(proposals, key=lambda p: (p[0], -p[1])):
        name_end = start + len(name)
        if any(start < e and s < name_end for s, e in occupied):
            continue
        known = article.known.lookup(name) or (article.known.lookup(acronym) if acronym else [])
        occupied.append((start, end))
        if not known:
            out.append(_new_entity(article, start, end, name, cls, acronym))
            continue
        entity = known[0]
        mention = Mention(entity, start, start + len(name), name, "altLabel")
        claim = _mention_claim(article, mention, 0.85)
        claim.spans = [article.span(start, end)]
        if acronym and not article.known.lookup(acronym):
            claim.triples.append((entity.compact, "gso:acronym", literal(acronym)))
            claim.stated.append(acronym)
        out.append((Mention(entity, start, end, text[start:end], "altLabel"), claim))
    return out


def _new_entity(
    article: Article, start: int, end: int, name: str, cls: str, acronym: str | None
) -> tuple[Mention, Candidate]:
    from rapidfuzz import fuzz, process

    iri = "https://w3id.org/gsekg/id/" + slug(name, 60)
    entity = Entity(iri, {cls.replace("gso:", "https://w3id.org/gsekg/ontology#")})
    entity.names.append((name, "prefLabel"))
    if acronym:
        entity.names.append((acronym, "acronym"))
    choices = {
        f"{e.iri} {n}": n for e in article.known.entities.values() for n, _ in e.names if len(n) > 6
    }
    best = process.extractOne(name, choices, scorer=fuzz.token_set_ratio, score_cutoff=75)
    org_word = re.search(rf"\b(?:{_ORG_WORDS})\b", name) is not None
    note, confidence = "", 0.75 if org_word or cls == "schema:Person" else 0.45
    if best is not None:
        other = article.known.entities[best[2].split(" ", 1)[0]]
        note = f"near-duplicate of {other.compact} ({other.label}): check before accepting"
        confidence = 0.4
    triples = [(f"src:{article.source_id}", "schema:mentions", entity.compact)]
    stated = [name]
    if acronym:
        triples.append((entity.compact, "gso:acronym", literal(acronym)))
        stated.append(acronym)
    claim = Candidate(
        "entity",
        "entities.name-with-acronym" if acronym else f"entities.{cls.split(':')[1].lower()}",
        confidence,
        [article.span(start, end)],
        stated,
        triples,
        new=[NewEntity(iri, cls, name)],
        keys=[("mention", iri)],
        note=note,
    )
    return Mention(entity, start, end, name, "new"), claim


def _known_person(article: Article, name: str) -> Entity | None:
    """The one known person whose name is ``name`` or ends with it (a surname after Ms.)."""
    key = normalise(name).lower()
    people = [
        e
        for e in article.known.of_class("Person")
        if any(
            normalise(n).lower() == key or normalise(n).lower().endswith(" " + key)
            for n, _ in e.names
        )
    ]
    return people[0] if len(people) == 1 else None


def _name_start(text: str, bracket: int, acronym: str) -> int | None:
    """Where a capitalised name ending just before ``bracket`` starts, if it is one.

    Of the possible starts (each capitalised word back to the first lower-case word), the
    one whose initials best spell the acronym; when none does, the name stops at a comma.
    """
    from rapidfuzz import fuzz

    window_start = max(0, bracket - 200)
    window = text[window_start:bracket]
    cut = max(window.rfind(c) for c in '"\n()')
    words = [w for w in re.finditer(r"[\w'.-]+,?", window) if w.start() > cut]
    starts: list[tuple[int, bool]] = []
    comma = False
    for word in reversed(words):
        token = word.group().rstrip(",")
        if word.group().endswith(",") and word is not words[-1]:
            comma = True
        if token[:1].isupper() or token[:1].isdigit():
            starts.append((window_start + word.start(), comma))
        elif token not in {"of", "for", "and", "the", "on", "in", "&", "de"}:
            break
    if not starts:
        return None
    letters = "".join(c for c in acronym.upper() if c.isalpha())

    def initials(start: int) -> str:
        words = re.findall(r"[\w'-]+", text[start:bracket])
        return "".join(w[0] for w in words if w[0].isupper())

    scored = [(fuzz.ratio(initials(s), letters), s) for s, _ in starts]
    best, start = max(scored, key=lambda pair: (pair[0], -pair[1]))
    if best < 70:
        start = min(s for s, crossed in starts if not crossed)
    while text[start:].split(" ", 1)[0] in {"The", "the"}:
        start += 4
    return start


def _guess_class(name: str) -> str:
    """A class from the name's key word (the last one that says), else gso:Organisation."""
    words = re.findall(r"[A-Za-z]+", name)
    for word in reversed(words):
        if word in _CLASS_BY_WORD:
            return _CLASS_BY_WORD[word]
    if "UNESCO" in name:
        return "gso:UnescoInstitute"
    return "gso:Organisation"
