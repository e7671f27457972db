"""The article as the rules see it: normalised text with a map back to the original offsets.

Curly quotes become straight ones, dashes a hyphen, and every run of whitespace
(line breaks, no-break spaces, tabs) one space, so that a name split across a line
break or typed with a no-break space still matches. Every character of the
normalised text remembers where it came from, so a match maps back to an exact
span of the original article (Python code points, end exclusive).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cached_property

_REPLACE = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u00ad": "",
    "\u200b": "",
    "\ufeff": "",
}


def normalise(text: str) -> str:
    """``text`` normalised as the rules see it (no offset map): for names and checks."""
    return Normalised.of(text).text


@dataclass(frozen=True)
class Normalised:
    """Normalised text and, for each of its characters, the index of its original character."""

    original: str
    text: str
    origin: tuple[int, ...] = field(repr=False)

    @classmethod
    def of(cls, original: str) -> Normalised:
        """Normalise ``original``, keeping the offset map."""
        chars: list[str] = []
        origin: list[int] = []
        newlines = 0
        for index, char in enumerate(original):
            char = _REPLACE.get(char, char)
            if not char:
                continue
            if char.isspace():
                newlines += char == "\n"
                if chars and chars[-1] in " \n":
                    if _breaks(chars, newlines):
                        chars[-1] = "\n"
                    continue
                chars.append("\n" if _breaks(chars, newlines) else " ")
                origin.append(index)
                continue
            newlines = 0
            chars.append(char)
            origin.append(index)
        return cls(original, "".join(chars), tuple(origin))

    @property
    def lower(self) -> str:
        """The normalised text in lower case, one character for one, line breaks as spaces."""
        return "".join(
            " " if c == "\n" else c.lower() if len(c.lower()) == 1 else c for c in self.text
        )

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the normalised ``text[start:end]``."""
        return self.origin[start], self.origin[end - 1] + 1

    def sentence(self, position: int) -> tuple[int, int]:
        """The normalised bounds of the sentence (or list line) around ``position``."""
        stops = self._stops
        before = bisect_left(stops, position - 1)
        start = stops[before - 1] + 1 if before else 0
        # a stop just before ``position`` ends the sentence even when no space follows it
        if position and _SENTENCE_END.match(self.text, position - 1, position):
            start = position
        after = bisect_left(stops, position)
        end = stops[after] + 1 if after < len(stops) else len(self.text)
        return start, end

    @cached_property
    def _stops(self) -> list[int]:
        """Where the sentences end (each stop is one character), found once per article."""
        return [match.start() for match in _SENTENCE_END.finditer(self.text)]

    def index(self, original: int) -> int:
        """The first normalised position whose character comes at or after ``original``."""
        return bisect_left(self.origin, original)


def _breaks(chars: list[str], newlines: int) -> bool:
    """Whether a whitespace run ends a paragraph: a blank line, or a line break after a stop."""
    before = next((c for c in reversed(chars) if c not in " \n"), "")
    return newlines >= 2 or (newlines == 1 and before in '.;:!?"')


_SENTENCE_END = re.compile(r"(?<![A-Z][a-z])(?<!\b[A-Z])(?<!\be\.g)[.;!?](?=\s|$)|\n|\u2022")


def is_word_char(char: str) -> bool:
    """Whether ``char`` continues a word (a name must not start or end inside one)."""
    return char.isalnum() or char == "_"
