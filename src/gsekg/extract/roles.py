"""Role statements from their wording: organised by, co-organised by, hosted / jointly hosted
by, sponsored by, with the support of, in collaboration with, launched, prepared, presented,
delivered a speech or opening remarks, keynote, on behalf of, founding members."""

from __future__ import annotations

import re
from collections.abc import Iterator

from gsekg.extract.candidates import Article, Candidate, Mention
from gsekg.extract.known import Entity

_BY = [
    (r"co-?organi[sz]ed by|jointly organi[sz]ed by", "co-organiser"),
    (r"organi[sz]ed in (?:collaboration|cooperation) (?:between|with)", "organiser"),
    (r"organi[sz]ed by|held\b[^.;\n]{0,120}? by", "organiser"),
    (r"co-?hosted by|jointly hosted by", "co-host"),
    (r"hosted by", "host"),
    (r"sponsored by|(?:general )?sponsors (?:were|are|included|include)", "sponsor"),
    (r"with the support of|supported by", "supporter"),
    (r"in (?:collaboration|cooperation) (?:with|between)", "collaborator"),
    (r"in partnership with|(?:several |other )?partners including", "partner"),
    (r"initiated\b[^.;\n]{0,40}? by", "initiator"),
    (r"with (?:\w+ )?(?:founding )?partners", "founding-partner"),
    (r"implemented (?:jointly )?by", "implementer"),
    (r"developed with|built by|created by", "developer"),
    (r"prepared by", "preparer"),
    (r"launched by", "launcher"),
    (r"developed by", "developer"),
    (r"adopted by", "adopter"),
    (r"implemented by", "implementer"),
    (r"founding (?:members|partners) (?:are|were|include|included)", "founding-member"),
]
_ACTIVE = [
    (r"(?:jointly|co-)\s?organi[sz]ed", "co-organiser"),
    (r"(?:jointly )?launched", "launcher"),
    (r"(?:jointly )?prepared", "preparer"),
    (r"adopted", "adopter"),
    (r"developed", "developer"),
    (r"initiated", "initiator"),
]
_SPEECH = [
    (r"as an? keynote speaker|delivered an? keynote|keynote speech", "keynote-speaker"),
    (r"delivered (?:a|an|the)? ?(?:speech|opening remarks|remarks|address)", "speaker"),
    (r"(?:delivered|gave|made) (?:a|an) presentation", "presenter"),
    (r"welcomed the participants", "speaker"),
]
_BY_RE = re.compile("|".join(f"(?P<b{i}>\\b(?:{p})\\b)" for i, (p, _) in enumerate(_BY)), re.I)
_ACTIVE_RE = re.compile(
    "|".join(f"(?P<a{i}>\\b(?:{p})\\b)(?! by)" for i, (p, _) in enumerate(_ACTIVE)), re.I
)
_SPEECH_RE = re.compile("|".join(f"(?P<s{i}>{p})" for i, (p, _) in enumerate(_SPEECH)), re.I)
_CLAUSE_END = re.compile(r"[;.](?:\s|$)|\n|, (?:which|who|and with|to|aimed|in order)\b")
_NOT_AGENT = (
    "ConferenceEdition", "ConferenceSeries", "SubEvent", "Forum", "OpeningSession", "Meeting",
    "Outcome", "Declaration", "Initiative", "ResearchProject", "Project", "Publication",
    "Report", "Platform", "Competition", "Programme", "Goal", "Recommendation", "Place",
    "City", "Country", "Approval", "ProgrammeEdition", "Event",
)  # fmt: skip
_OUTCOME_KINDS = {"launcher", "developer", "adopter", "implementer", "preparer"}
_THING = (
    "ConferenceEdition", "Forum", "OpeningSession", "Meeting", "Declaration", "Initiative",
    "ResearchProject", "Project", "Publication", "Report", "Platform", "Competition",
    "Programme", "Recommendation", "Network", "Event", "ProgrammeEdition",
)  # fmt: skip


def find_roles(article: Article) -> Iterator[Candidate]:
    """One candidate per (agent, role, event) the wording states."""
    text = article.norm.text
    passive = list(_BY_RE.finditer(text))
    for index, match in enumerate(passive):
        kind = _kind(match, _BY, "b")
        start, _ = article.norm.sentence(match.start())
        if kind == "collaborator" and re.search(r"organi[sz]ed", text[start : match.start()]):
            kind = "organiser-in-cooperation"
        thing = _thing_before(article, match.start(), start)
        if thing is not None and kind in _OUTCOME_KINDS and not isinstance(thing, Mention):
            thing = None
        if isinstance(thing, Mention) and kind in _OUTCOME_KINDS:
            thing = None if thing.entity.is_a("ConferenceEdition") else thing
        if thing is None:
            _, sentence_end = article.norm.sentence(match.start())
            later = [
                m
                for m in article.mentions_in(match.end(), sentence_end)
                if m.entity.is_a(*_THING) and not m.entity.is_a("ConferenceEdition")
            ]
            if not later:
                continue
            thing = later[0]
        if kind.startswith("founding"):
            end = _list_end(text, match.end())
        else:
            stop = _CLAUSE_END.search(text, match.end())
            end = stop.start() if stop else len(text)
        if index + 1 < len(passive):
            end = min(end, passive[index + 1].start())
        for agent in _agents(article, match.end(), end):
            yield _role(article, agent, kind, thing, match, 0.85)
    for match in _ACTIVE_RE.finditer(text):
        kind = _kind(match, _ACTIVE, "a")
        start, end = article.norm.sentence(match.start())
        things = [
            m
            for m in article.mentions_in(match.end(), end)
            if m.entity.is_a(*_THING) or m.kind == "new"
        ]
        if not things:
            continue
        thing = things[0]
        if kind == "co-organiser" and not thing.entity.is_a(
            "Forum", "ConferenceEdition", "Meeting"
        ):
            continue
        for agent in _agents(article, start, match.start()):
            yield _role(article, agent, kind, thing, match, 0.75)
    for match in _SPEECH_RE.finditer(text):
        kind = _kind(match, _SPEECH, "s")
        start, end = article.norm.sentence(match.start())
        people = [m for m in article.mentions_in(start, match.start()) if m.entity.is_a("Person")]
        if not people:
            continue
        event = _speech_event(article, match, start, end)
        if event is None:
            continue
        candidate = _role(article, people[-1], kind, event, match, 0.8)
        behalf = re.search(r"\bon behalf of\b", text[match.end() : end])
        if behalf:
            after = match.end() + behalf.end()
            principals = [m for m in article.mentions_in(after, end) if m.entity.is_a("Person")]
            if principals:
                _add_behalf(article, candidate, principals[0])
        yield candidate


def _kind(match: re.Match[str], table: list[tuple[str, str]], letter: str) -> str:
    index = next(int(k[1:]) for k, v in match.groupdict().items() if v and k[0] == letter)
    return table[index][1]


def _list_end(text: str, position: int) -> int:
    """The end of a list that follows ``position`` (after a colon and line breaks)."""
    lead = re.compile(r"[\s:]*").match(text, position)
    begin = lead.end() if lead else position
    stop = re.compile(r"\.(?:\s|$)|\n").search(text, begin)
    return stop.start() if stop else len(text)


def _thing_before(article: Article, position: int, start: int) -> Mention | Entity | None:
    """What a passive role is in: the nearest event or outcome before, else the edition."""
    things = [m for m in article.mentions_in(start, position) if m.entity.is_a(*_THING)]
    if things:
        return things[-1]
    before = article.norm.text[start:position].lower()
    if re.match(r"\s*(?:it|this|they)\b", before) and start > 0:
        previous, _ = article.norm.sentence(start - 2)
        earlier = [m for m in article.mentions_in(previous, start) if m.entity.is_a(*_THING)]
        if earlier and not earlier[-1].entity.is_a("ConferenceEdition"):
            return earlier[-1]
    if re.search(r"\b(?:conference|event|it)\b", before):
        return article.main_edition()
    return None


def _agents(article: Article, start: int, end: int) -> list[Mention]:
    """The organisations and people named in ``[start, end)``, once each."""
    seen: set[str] = set()
    out: list[Mention] = []
    text = article.norm.text
    for m in article.mentions_in(start, end):
        if m.entity.is_a(*_NOT_AGENT) or m.entity.iri in seen:
            continue
        if re.search(r"\b(?:at|of|in)(?: the)?\s*$", text[max(start, m.start - 8) : m.start]):
            continue
        if any(o.start <= m.start and m.end <= o.end and o is not m for o in out):
            continue
        seen.add(m.entity.iri)
        out.append(m)
    return out


def _speech_event(
    article: Article, match: re.Match[str], start: int, end: int
) -> Mention | Entity | None:
    sentence = article.norm.text[start:end].lower()
    edition = article.main_edition()
    said = re.search(r"\bopening (?:session|ceremony)\b", sentence)
    if said and edition is not None and _kind(match, _SPEECH, "s") == "speaker":
        opening = article.known.entities.get(edition.iri + "-opening")
        if opening is not None:
            return opening
    forums = [
        m
        for m in article.mentions_in(start, end)
        if m.entity.is_a("Forum", "ConferenceEdition", "Meeting", "OpeningSession")
    ]
    if forums:
        return min(forums, key=lambda m: abs(m.start - match.start()))
    return edition


def _local(entity: Entity) -> str:
    return entity.compact.removeprefix("gse:")


def _role(
    article: Article,
    agent: Mention,
    kind: str,
    thing: Mention | Entity,
    match: re.Match[str],
    confidence: float,
) -> Candidate:
    event = thing.entity if isinstance(thing, Mention) else thing
    node = f"gse:{_local(event)}-{kind}-{_local(agent.entity)}"
    bounds = [agent.start, agent.end, match.start(), match.end()]
    stated = [agent.surface]
    if isinstance(thing, Mention):
        bounds += [thing.start, thing.end]
        stated.append(thing.surface)
    else:
        confidence -= 0.05
    return Candidate(
        "role",
        f"roles.{kind}",
        round(confidence, 2),
        [article.span(min(bounds), max(bounds))],
        stated,
        [
            (node, "rdf:type", "gso:Role"),
            (node, "gso:roleKind", f"roles:{kind}"),
            (node, "gso:agent", agent.entity.compact),
            (node, "gso:roleIn", event.compact),
        ],
        keys=[("role", agent.entity.iri, kind, event.iri)],
    )


def _add_behalf(article: Article, candidate: Candidate, principal: Mention) -> None:
    node = candidate.triples[0][0]
    candidate.triples.append((node, "gso:onBehalfOf", principal.entity.compact))
    candidate.stated.append(principal.surface)
    start, end = candidate.spans[0]
    candidate.spans = [(start, max(end, article.span(principal.start, principal.end)[1]))]
