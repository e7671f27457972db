"""Print the character offsets of a phrase in a corpus article (an authoring aid).

Usage: python tools/span.py SOURCE_PREFIX "phrase" [--all] [--evidence]
       python tools/span.py SOURCE_PREFIX --checksum

``--evidence`` prints each occurrence as a ``gso:evidence`` block (an ``oa:SpecificResource``
with its source and text position selector); ``--checksum`` prints the ``spdx:checksum``
block of the article for its source record.

Offsets are Python string indices (Unicode code points) into the file read
as UTF-8, end exclusive: the convention of the ``oa:start``/``oa:end`` values in
``data/``.
"""

from __future__ import annotations

import hashlib
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
    if phrase == "--checksum":
        digest = hashlib.sha256(matches[0].read_bytes()).hexdigest()
        print(
            "spdx:checksum [ a spdx:Checksum ; spdx:algorithm spdx:checksumAlgorithm_sha256 ;\n"
            f'    spdx:checksumValue "{digest}" ]'
        )
        return 0
    source = f"src:{matches[0].stem}"
    text = matches[0].read_bytes().decode("utf-8")  # line endings as they are
    start = text.find(phrase)
    if start < 0:
        print(f"not found in {matches[0].name}: {phrase!r}", file=sys.stderr)
        return 1
    while start >= 0:
        if "--evidence" in argv:
            print(
                f"[ a oa:SpecificResource ; oa:hasSource {source} ;\n"
                f"    oa:hasSelector [ a oa:TextPositionSelector ; oa:start {start} ; "
                f"oa:end {start + len(phrase)} ] ]"
            )
        else:
            print(start, start + len(phrase))
        if "--all" not in argv:
            break
        start = text.find(phrase, start + 1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
