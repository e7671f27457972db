"""Print the character offsets of a phrase in a corpus article (an authoring aid).

Usage: python tools/span.py SOURCE_PREFIX "phrase" [--all]

Offsets are Python string indices (Unicode code points) into the file read
as UTF-8, end exclusive: the convention of the ``oa:start``/``oa:end`` values in
``data/``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def corpus_dir() -> Path:
    """The corpus folder: $GSEKG_CORPUS or ../shared/corpus beside the project."""
    env = os.environ.get("GSEKG_CORPUS")
    return Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def main(argv: list[str]) -> int:
    """Print ``start end`` for each occurrence (the first unless ``--all``)."""
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    prefix, phrase = argv[0], argv[1]
    matches = sorted(corpus_dir().glob(f"{prefix}*.txt"))
    if len(matches) != 1:
        print(f"no single corpus file starts with {prefix!r}", file=sys.stderr)
        return 1
    text = matches[0].read_text(encoding="utf-8")
    start = text.find(phrase)
    if start < 0:
        print(f"not found in {matches[0].name}: {phrase!r}", file=sys.stderr)
        return 1
    while start >= 0:
        print(start, start + len(phrase))
        if "--all" not in argv:
            break
        start = text.find(phrase, start + 1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
