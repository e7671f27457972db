"""Every pattern of docs/cookbook.md gives, on the bundled graph, the table printed under it.

The tables were written from the articles; a failure means the cookbook, the
data or the model changed. A pattern whose vocabulary the ontology does not
(yet) declare is skipped with the term it needs as the reason.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from gsekg.engines import Engine, open_engine
from gsekg.namespaces import PREFIXES
from gsekg.queries import normalise

COOKBOOK = Path(__file__).resolve().parents[1] / "docs" / "cookbook.md"
_BLOCK = re.compile(r"^## (?P<title>.+?)$.*?^```sparql\n(?P<query>.*?)^```\n", re.M | re.S)
_TERM = re.compile(r"\b(gso):([A-Za-z][\w-]*)")
_DATA = re.compile(r"<!-- data: (?P<path>\S+) -->")
ROOT = COOKBOOK.parents[1]


@dataclass(frozen=True)
class Pattern:
    """One cookbook pattern: its heading, query and the table printed under it."""

    title: str
    query: str
    header: list[str]
    rows: list[tuple[str, ...]]
    data: str | None = None
    """A checkout path the pattern runs on instead of the bundled graph (``<!-- data: … -->``)."""


def _table(text: str) -> tuple[list[str], list[tuple[str, ...]]]:
    """The first Markdown table at the start of ``text`` (after blank lines)."""
    lines = []
    for line in text.lstrip("\n").splitlines():
        if not line.startswith("|"):
            break
        lines.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    assert len(lines) >= 2 and set("".join(lines[1])) <= {"-", " "}, "no result table"
    return lines[0], [tuple(row) for row in lines[2:]]


def patterns() -> list[Pattern]:
    text = COOKBOOK.read_text(encoding="utf-8")
    found = []
    for match in _BLOCK.finditer(text):
        header, rows = _table(text[match.end() :])
        data = _DATA.search(match.group(0))
        found.append(
            Pattern(match["title"], match["query"], header, rows, data["path"] if data else None)
        )
    return found


PATTERNS = patterns()


@pytest.fixture(scope="module")
def engine(cache_dir: object) -> Iterator[Engine]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GSEKG_CACHE_DIR", str(cache_dir))
        kg = open_engine()
    yield kg
    kg.close()


@pytest.fixture(scope="module")
def declared(engine: Engine) -> set[str]:
    """The gso: terms the bundled ontology declares."""
    result = engine.query(
        "SELECT DISTINCT ?t WHERE { ?t rdfs:isDefinedBy <https://w3id.org/gsekg/ontology> }"
    )
    _, rows = normalise(result)
    return {row[0] for row in rows}


def test_the_cookbook_has_at_least_ten_patterns() -> None:
    assert len(PATTERNS) >= 10
    assert COOKBOOK.read_text(encoding="utf-8").count("```sparql") == len(PATTERNS)
    assert len({p.title for p in PATTERNS}) == len(PATTERNS)


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.title for p in PATTERNS])
def test_pattern_gives_the_printed_table(
    engine: Engine, declared: set[str], pattern: Pattern, cache_dir: Path
) -> None:
    needed = {f"{p}:{local}" for p, local in _TERM.findall(pattern.query)}
    missing = sorted(needed - declared)
    if missing:
        pytest.skip(f"the ontology does not declare {', '.join(missing)} yet")
    if pattern.data is None:
        header, rows = normalise(engine.query(pattern.query))
    else:
        with open_engine(
            data=[ROOT / pattern.data], with_bundled=False, cache_dir=cache_dir
        ) as other:
            header, rows = normalise(other.query(pattern.query))
    assert header == pattern.header
    if "ORDER BY" in pattern.query:
        assert rows == pattern.rows
    else:
        assert Counter(rows) == Counter(pattern.rows)


def test_the_table_parser_reads_empty_cells_and_empty_tables() -> None:
    header, rows = _table("\n| a | b |\n| --- | --- |\n| x |  |\n\nafter")
    assert (header, rows) == (["a", "b"], [("x", "")])
    assert _table("| a |\n| --- |\n") == (["a"], [])


def test_the_prefixes_the_cookbook_relies_on_are_predeclared() -> None:
    used = set(re.findall(r"\b([a-z]+):[A-Za-z]", "\n".join(p.query for p in PATTERNS)))
    assert used <= set(PREFIXES), used - set(PREFIXES)
