"""Themes and titles in quotation marks: an edition's theme, a talk's title, a named thing."""

from __future__ import annotations

import re
from collections.abc import Iterator

from gsekg.extract.candidates import Article, Candidate, literal

_QUOTED = re.compile(r'"(?P<t>[^"\n]{4,160}?)[,.]?"')
_THEME = re.compile(r"(?i)\b(?:theme[ds]?|topic|motto|dedicated to)\b[^.\"]{0,30}$")
_TALK = re.compile(
    r"(?i)\b(?:entitled|titled|presentation|speech|talk|lecture|report)\b[^.\"]{0,30}$"
)
_EVENT = ("ConferenceEdition", "Forum", "Meeting", "Event", "ProgrammeEdition")


def find_titles(article: Article) -> Iterator[Candidate]:
    """One candidate per quoted title with at least two words, one a capital."""
    text = article.norm.text
    for match in _QUOTED.finditer(text):
        title = match.group("t").strip()
        if len(title.split()) < 2 or not any(w[:1].isupper() for w in title.split()):
            continue
        before = text[max(0, match.start() - 60) : match.start()]
        start, end = article.norm.sentence(match.start())
        if _THEME.search(before):
            near = article.nearest(match.start(), *_EVENT)
            if near is None or near.start < start:
                near = article.nearest(match.end(), *_EVENT, before=False)
                near = near if near is not None and near.end <= end else None
            subject = near.entity if near else article.main_edition()
            bounds = [match.start(), match.end()] + ([near.start, near.end] if near else [])
            yield Candidate(
                "title",
                "titles.theme",
                0.9 if near else 0.8 if subject else 0.4,
                [article.span(min(bounds), max(bounds))],
                [title] + ([near.surface] if near else []),
                [(subject.compact if subject else "gse:unlinked", "gso:theme", literal(title))],
                keys=[("title", title.lower())],
            )
        elif _TALK.search(before):
            yield Candidate(
                "title",
                "titles.talk",
                0.6,
                [article.span(match.start(), match.end())],
                [title],
                [("gse:unlinked", "gso:talkTitle", literal(title))],
                keys=[("title", title.lower())],
                note="the talk's speaker role is proposed by the role rules; link it there",
            )
        else:
            yield Candidate(
                "title",
                "titles.quoted-name",
                0.3,
                [article.span(match.start(), match.end())],
                [title],
                [("gse:unlinked", "skos:altLabel", literal(title))],
                keys=[("title", title.lower())],
                note="a quoted name: link it to the entity it names",
            )
