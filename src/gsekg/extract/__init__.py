"""Candidate claims from an article: rules that find mentions, dates, figures, titles, roles
and posts, each with exact spans into the article, a confidence and the rule's name.

Every candidate passes the grounding check (each name, number and date it states lies
inside its spans) or is dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import count
from pathlib import Path

from gsekg.extract.candidates import Article, Candidate
from gsekg.extract.known import KnownIndex
from gsekg.extract.text import Normalised

__all__ = ["Article", "Candidate", "KnownIndex", "extract"]


Progress = Callable[[int, int], None]
"""Called with (steps done, steps in all) as the rules run."""


def extract(
    source_id: str,
    text: str,
    known: KnownIndex,
    *,
    llm: tuple[str, str] | None = None,
    progress: Progress | None = None,
) -> list[Candidate]:
    """Every grounded candidate claim the rules find in ``text``, in text order.

    ``llm`` (an OpenAI-compatible API base URL and a model name) adds a language model's
    candidates; they pass the same grounding check. ``progress`` hears of each rule done.
    """
    from gsekg.extract.dates import find_dates
    from gsekg.extract.figures import find_figures
    from gsekg.extract.mentions import find_mentions
    from gsekg.extract.posts import find_posts
    from gsekg.extract.roles import find_roles
    from gsekg.extract.titles import find_titles

    total, steps = (8 if llm is None else 9), count(1)

    def done() -> None:
        if progress is not None:
            progress(next(steps), total)

    article = Article(source_id, Normalised.of(text), known)
    done()
    found = find_mentions(article)
    done()
    dates = list(find_dates(article))
    date_spans = [_normalised_span(article, c) for c in dates]
    found += dates
    done()
    found += find_figures(article, date_spans)
    done()
    found += find_titles(article)
    done()
    found += find_roles(article)
    done()
    found += find_posts(article)
    done()
    if llm is not None:
        from gsekg.extract.llm import ask, candidates

        found += candidates(article, ask(llm[0], llm[1], text), llm[1])
        done()
    kept = [c for c in found if c.grounded(text)]
    done()
    return _distinct(sorted(kept, key=lambda c: (c.spans[0], c.kind, c.rule)))


def _normalised_span(article: Article, candidate: Candidate) -> tuple[int, int]:
    start, end = candidate.spans[0]
    return article.norm.index(start), article.norm.index(end)


def _distinct(candidates: Sequence[Candidate]) -> list[Candidate]:
    """One candidate per (triples, spans): the same mention found twice counts once."""
    seen: set[tuple[object, ...]] = set()
    out = []
    for c in candidates:
        key = (tuple(c.triples), tuple(c.spans))
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def known_index(files: Sequence[Path]) -> KnownIndex:
    """The known-entity index of these RDF files."""
    return KnownIndex.from_files(files)
