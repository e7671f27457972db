"""One-off migration of data/*.trig claim provenance to the Web Annotation evidence shape.

Usage: python tools/migrate_evidence.py FILE.trig...

Rewrites, in place, every block

    claim:X a gso:Claim ; prov:wasDerivedFrom src:S ;
        oa:hasSelector [ a oa:TextPositionSelector ; oa:start N ; oa:end M ] , ... .

into

    claim:X a gso:Claim ; prov:wasDerivedFrom src:S ; gso:rank gso:NormalRank ;
        gso:evidence [ a oa:SpecificResource ; oa:hasSource src:S ;
            oa:hasSelector [ a oa:TextPositionSelector ; oa:start N ; oa:end M ] ] , ... .

and checks that every claim keeps its source and its spans (read back with pyoxigraph).
Kept in the repository as the record of how the data was migrated (issue 9).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pyoxigraph as ox

OA = "http://www.w3.org/ns/oa#"
_BLOCK = re.compile(
    r"(?P<head>(?P<claim>claim:\S+) a gso:Claim ; prov:wasDerivedFrom (?P<src>src:\S+) ;)"
    r"\s*\n\s*oa:hasSelector (?P<selectors>(?:\[ a oa:TextPositionSelector ; oa:start \d+ ; "
    r"oa:end \d+ \]\s*,?\s*)+)\."
)
_SELECTOR = re.compile(r"\[ a oa:TextPositionSelector ; oa:start (\d+) ; oa:end (\d+) \]")


def migrate(text: str) -> tuple[str, int]:
    """The migrated text and how many claim blocks were rewritten."""

    def block(match: re.Match[str]) -> str:
        source = match["src"]
        spans = _SELECTOR.findall(match["selectors"])
        evidence = " ,\n        ".join(
            f"[ a oa:SpecificResource ; oa:hasSource {source} ;\n"
            f"            oa:hasSelector [ a oa:TextPositionSelector ; "
            f"oa:start {start} ; oa:end {end} ] ]"
            for start, end in spans
        )
        return f"{match['head']} gso:rank gso:NormalRank ;\n    gso:evidence {evidence} ."

    return _BLOCK.subn(block, text)


def spans(path: Path, via_evidence: bool) -> dict[str, list[tuple[int, int]]]:
    """Each claim's sorted spans, read from the old or the new shape."""
    quads = list(ox.parse(path=str(path)))
    by_subject: dict[object, dict[str, object]] = {}
    for quad in quads:
        if isinstance(quad.graph_name, ox.DefaultGraph):
            by_subject.setdefault(quad.subject, {}).setdefault(quad.predicate.value, quad.object)
    found: dict[str, list[tuple[int, int]]] = {}
    hop = "https://w3id.org/gsekg/ontology#evidence" if via_evidence else OA + "hasSelector"
    for quad in quads:
        if quad.predicate.value != hop or not isinstance(quad.graph_name, ox.DefaultGraph):
            continue
        node = quad.object
        if via_evidence:
            node = by_subject[node][OA + "hasSelector"]  # type: ignore[assignment]
        values = by_subject[node]
        start, end = values[OA + "start"], values[OA + "end"]
        found.setdefault(quad.subject.value, []).append(
            (int(start.value), int(end.value))  # type: ignore[attr-defined]
        )
    return {claim: sorted(s) for claim, s in found.items()}


def main(argv: list[str]) -> int:
    """Migrate each file; fail if a claim's spans change or a block is left unmigrated."""
    for name in argv:
        path = Path(name)
        before = spans(path, via_evidence=False)
        text, count = migrate(path.read_text(encoding="utf-8"))
        if count != len(before):
            print(f"{path}: {count} blocks migrated, {len(before)} claims", file=sys.stderr)
            return 1
        path.write_text(text, encoding="utf-8")
        if spans(path, via_evidence=True) != before:
            print(f"{path}: spans changed", file=sys.stderr)
            return 1
        print(f"{path}: {count} claims migrated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
