"""The source articles, read at build time only: passages around the cited spans.

The project stores no article text; a page shows a passage only when the corpus
folder is given (or found) when the site is built. An article whose SHA-256 differs
from the checksum the graph records for it is not used: its spans may no longer
point at the right words.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from gsekg.errors import InputError
from gsekg.site.data import Source, Span

CONTEXT = 100
"""Characters of article text shown either side of a cited span."""


@dataclass
class Passage:
    """Article text around a span: ``before``, the cited ``text``, ``after``."""

    before: str
    text: str
    after: str


class Corpus:
    """Reads source articles on demand; remembers which could not be read and why."""

    def __init__(self, folder: Path | None, sources: dict[str, Source]) -> None:
        self.folder = folder
        self.sources = sources
        self.texts: dict[str, str | None] = {}
        self.problems: dict[str, str] = {}

    def text(self, source_id: str) -> str | None:
        """The article's text, or ``None`` (no corpus, missing file, wrong checksum)."""
        if self.folder is None:
            return None
        if source_id not in self.texts:
            self.texts[source_id] = self._read(source_id)
        return self.texts[source_id]

    def _read(self, source_id: str) -> str | None:
        from gsekg.provenance import corpus_file, read_article

        assert self.folder is not None
        path = corpus_file(self.folder, source_id)
        try:
            text = read_article(path)
        except InputError as error:
            self.problems[source_id] = str(error)
            return None
        source = self.sources.get(source_id)
        if source is not None and source.checksum:
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            if digest != source.checksum.lower():
                self.problems[source_id] = f"{path}: checksum differs from the graph's record"
                return None
        return text

    def passage(self, span: Span) -> Passage | None:
        """The passage around ``span``, or ``None`` when the article cannot be read."""
        from gsekg.provenance import passage

        text = self.text(span.source)
        if text is None:
            return None
        try:
            found = passage(text, (span.start, span.end), CONTEXT)
        except InputError as error:
            self.problems[f"{span.source} {span.start}-{span.end}"] = str(error)
            return None
        return Passage(found.before, found.text, found.after)
