"""The cookbook's SPARQL rule for the best view (docs/cookbook.md section 5) and the store's
best view (``gsekg.build.add_best_view``) keep and leave out the same claim triples.

Run on the bundled data, on ``tests/fixtures/many-sources`` (901's preferred start date
outranks 900's) and on ``tests/fixtures/unranked-graph``, where one claim has no rank: the
store counts it as normal, so its city is kept (also the triple a deprecated claim states
too), its start date is outranked by the preferred claim's. The rule is the cookbook's
own text: rows per claim triple instead of counts, and with ``NOT`` dropped for the kept
triples, as the section says.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph, Quad, Store

from conftest import FIXTURES
from gsekg.build import build, load
from gsekg.namespaces import PREFIXES
from gsekg.resources import data_dir
from test_cookbook import PATTERNS

RULE = next(p for p in PATTERNS if p.title == "5. The best view, derived from the ranks")
GSE = "https://w3id.org/gsekg/id/"
CLAIM = "https://w3id.org/gsekg/claim/"
SCHEMA = PREFIXES["schema"]
XSD = PREFIXES["xsd"]
UNRANKED = FIXTURES / "unranked-graph"


def per_triple(query: str, *, kept: bool) -> str:
    """The section's query listing claim triples (not counts); ``kept``: drop the NOT."""
    select = "SELECT ?claim ?rank (COUNT(*) AS ?triples) WHERE {"
    assert select in query and "GROUP BY ?claim ?rank\n" in query
    query = query.replace(select, "SELECT ?claim ?subject ?property ?value WHERE {")
    query = query.replace("GROUP BY ?claim ?rank\n", "")
    if kept:
        assert query.count("FILTER NOT EXISTS {\n    GRAPH ?kept") == 1
        query = query.replace(
            "FILTER NOT EXISTS {\n    GRAPH ?kept", "FILTER EXISTS {\n    GRAPH ?kept"
        )
    return query


def files(where: Path) -> list[Path]:
    return sorted(p for p in where.rglob("*") if p.suffix in (".ttl", ".trig"))


Claimed = set[tuple[str, str, str, str]]


def by_rule(store: Store, *, kept: bool) -> Claimed:
    answer = store.query(per_triple(RULE.query, kept=kept), prefixes=PREFIXES)
    return {tuple(str(term) for term in row) for row in answer}  # type: ignore[misc]


def by_store(paths: list[Path]) -> tuple[Store, Claimed, Claimed]:
    """The store's best view (no inference) and its claim triples, kept and left out."""
    best = Store()
    build(best, paths, inference=False, view="best")
    plain = Store()
    load(plain, paths, copy=False)
    default = DefaultGraph()
    own = {
        (q.subject, q.predicate, q.object)
        for q in plain.quads_for_pattern(None, None, None, default)
    }
    kept: Claimed = set()
    left_out: Claimed = set()
    for graph in best.named_graphs():
        for q in best.quads_for_pattern(None, None, None, graph):
            triple = (q.subject, q.predicate, q.object)
            assert triple not in own, "a claim triple also in a file's default graph"
            row = (str(graph), str(q.subject), str(q.predicate), str(q.object))
            (kept if Quad(*triple, default) in best else left_out).add(row)
    return best, kept, left_out


@pytest.mark.parametrize(
    "paths",  # the bundled data's ranks leave nothing out: every claim triple is kept
    [
        pytest.param(files(FIXTURES / "many-sources"), id="many-sources"),
        pytest.param(files(UNRANKED), id="unranked-graph"),
        pytest.param(files(data_dir()), id="bundled-data"),
    ],
)
def test_the_rule_and_the_store_agree(paths: list[Path]) -> None:
    store, kept, left_out = by_store(paths)
    assert kept
    assert by_rule(store, kept=False) == left_out
    assert by_rule(store, kept=True) == kept


def test_an_unranked_graph_counts_as_normal() -> None:
    """Hand-written from the fixture's comments: what the store and the rule leave out."""
    _, kept, left_out = by_store(files(UNRANKED))
    meeting = f"<{GSE}test-meeting-980>"
    start, location = f"<{SCHEMA}startDate>", f"<{SCHEMA}location>"
    assert left_out == {
        (f"<{CLAIM}980-unranked>", meeting, start, f'"2032-01-11"^^<{XSD}date>'),
        (f"<{CLAIM}980-deprecated>", meeting, location, f"<{GSE}test-city-b>"),
    }
    assert (f"<{CLAIM}980-unranked>", meeting, location, f"<{GSE}test-city-a>") in kept
    assert (f"<{CLAIM}980-deprecated>", meeting, location, f"<{GSE}test-city-a>") in kept
