"""Posts: "X, Director of Y", "X, Chief of the Unit of … at Y", "X, Senior Officer, Y"."""

from __future__ import annotations

import re
from collections.abc import Iterator

from gsekg.extract.candidates import Article, Candidate, Mention, NewEntity, literal, slug
from gsekg.namespaces import GSE

_TITLE = re.compile(
    r"(?:(?:Senior|Deputy|Vice|Acting|Executive|Assistant|Chief|General|National|Regional)\s)*"
    r"(?:Director(?:-General)?|Chief|Head|President|Vice-President|Minister|Secretary(?:-General)?"
    r"|Dean|Officer|Professor|Chair(?:man|person)?|Coordinator|Manager|Rector|Ambassador"
    r"|Representative|Adviser|Advisor|Founder|Project Officer|Programme Specialist)\b"
    r"[\w\s-]*?(?=\s+(?:of|at|in)\s|,|$)"
)
_PLACE = ("Place", "City", "Country")


def find_posts(article: Article) -> Iterator[Candidate]:
    """One candidate per (person, title, organisation) in an apposition after a name."""
    text = article.norm.text
    for person in [m for m in article.mentions if m.entity.is_a("Person")]:
        _, end = article.norm.sentence(person.end)
        end = min(end, _line_end(text, person.end))
        if not text.startswith(",", person.end):
            continue
        segments = _segments(text, person.end + 1, end)
        titles = [_TITLE.match(text, s, e) for s, e in segments]
        for index, (seg_start, seg_end) in enumerate(segments):
            title_match = titles[index]
            if title_match is None:
                break
            org = _org_in(article, title_match.end(), seg_end)
            if org is None:
                rest = [
                    segment
                    for segment, title in zip(
                        segments[index + 1 :], titles[index + 1 :], strict=True
                    )
                    if title is None
                ][:1]
                org = _org_in(article, *rest[0]) if rest else None
            if org is None or (org.end > seg_end and not _only_org(article, org)):
                continue
            yield _post(article, person, title_match.group().strip(), org, seg_start)


def _line_end(text: str, position: int) -> int:
    found = text.find("\n", position)
    return found if found >= 0 else len(text)


def _segments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The comma-separated parts of ``text[start:end]``, without their spaces."""
    out = []
    position = start
    for piece in text[start:end].split(","):
        left = position + len(piece) - len(piece.lstrip())
        out.append((left, position + len(piece.rstrip())))
        position += len(piece) + 1
    return [(s, e) for s, e in out if e > s]


def _only_org(article: Article, org: Mention) -> bool:
    """Whether the organisation's segment holds nothing but its name."""
    text = article.norm.text
    before = text[: org.start].rstrip()
    after = text[org.end :].lstrip()
    return before.endswith(",") and (not after or after[0] in ".,;\n")


def _org_in(article: Article, start: int, end: int) -> Mention | None:
    orgs = [
        m
        for m in article.mentions_in(start, end + 1)
        if not m.entity.is_a("Person", *_PLACE, "ConferenceEdition", "Forum")
    ]
    return orgs[0] if orgs else None


def _post(
    article: Article, person: Mention, title: str, org: Mention, title_start: int
) -> Candidate:
    local = person.entity.compact.removeprefix("gse:")
    known = article.known.posts.get((person.entity.iri, org.entity.iri))
    # a post the graph knows (same holder, same organisation) is that post, not a second one
    node = "gse:" + known.removeprefix(GSE) if known else f"gse:post-{local}-{slug(title, 32)}"
    bounds = [person.start, person.end, title_start, org.end]
    new = (
        []
        if known
        else [
            NewEntity(
                GSE + node.removeprefix("gse:"),
                "",
                f"{title} of {org.entity.label} ({person.entity.label})",
            )
        ]
    )
    return Candidate(
        "post",
        "posts.apposition",
        0.85,
        [article.span(min(bounds), max(bounds))],
        [person.surface, title, org.surface],
        [
            (node, "rdf:type", "org:Post"),
            (node, "org:heldBy", person.entity.compact),
            (node, "org:postIn", org.entity.compact),
            (node, "schema:jobTitle", literal(title)),
        ],
        new=new,
        keys=[("post", person.entity.iri, org.entity.iri)],
    )
