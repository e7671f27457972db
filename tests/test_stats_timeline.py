"""``gsekg stats`` and ``gsekg timeline``: counts and dated events (mini and bundled graphs)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import MINI, mini_reader
from gsekg.cli import app
from gsekg.stats import compute
from gsekg.timeline import sort_key, timeline

ENGINE = mini_reader().engine
S000, S002, S003, S004 = (
    "000_e16defdeedae4764",
    "002_2b3a093da3c925aa",
    "003_9a262aed049202bf",
    "004_c4d78ee7870e79d4",
)


def invoke_json(runner: CliRunner, *args: str, data: bool = True) -> Any:
    extra = ["--data", str(MINI)] if data else []
    result = runner.invoke(app, [*args, "-f", "json", *extra])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_claims_and_triples_per_source() -> None:
    stats = compute(ENGINE)
    per_source = {s.source: (s.claims, s.triples) for s in stats.facts_per_source}
    # counted by hand in tests/fixtures/mini.trig
    assert per_source == {S000: (4, 12), S002: (1, 2), S003: (1, 2), S004: (3, 14)}
    assert stats.named_graphs == 9
    assert stats.named_graph_triples == 30


def test_facts_per_property_and_entities_per_class() -> None:
    stats = compute(ENGINE)
    assert stats.facts_per_property["gso:builtBy"] == 3
    assert stats.facts_per_property["gso:misspelling"] == 2
    assert stats.entities_per_class["gso:ConferenceEdition"] == 2
    assert stats.entities_per_class["gso:OrganisationalUnit"] == 3
    assert "gso:Role" not in stats.entities_per_class


def test_sort_key_orders_years_before_their_dates() -> None:
    dates = ["2020-08-20", "2019-11", "2020", "2021-12", "2020-08"]
    assert sorted(dates, key=sort_key) == ["2019-11", "2020", "2020-08", "2020-08-20", "2021-12"]


def test_timeline_of_the_mini_graph() -> None:
    events = [(e.date, e.subject, e.property, e.sources) for e in timeline(ENGINE)]
    assert events == [
        ("2020", "gse:gse2020", "gso:year", (S004,)),
        ("2020-08-20", "gse:gse2020", "schema:startDate", (S004,)),
        ("2020-08-22", "gse:gse2020", "schema:endDate", (S004,)),
        ("2023", "gse:gse2023", "gso:year", (S000,)),
        ("2023-08-18", "gse:gse2023", "schema:startDate", (S000,)),
        ("2023-08-20", "gse:gse2023", "schema:endDate", (S000,)),
        ("2024-12-12", "src:003_9a262aed049202bf", "dcterms:date", (S003,)),
    ]


def test_cli_stats_json(runner: CliRunner) -> None:
    doc = invoke_json(runner, "stats")
    triples = doc["triples"]
    assert triples["total"] == triples["default_graph"] + triples["named_graphs"]
    assert triples["named_graphs"] == 30
    assert isinstance(triples["inferred"], int)
    assert doc["named_graphs"] == 9


def test_cli_stats_without_inference_reports_none_inferred(runner: CliRunner) -> None:
    assert invoke_json(runner, "stats", "--no-inference")["triples"]["inferred"] == 0


def test_cli_timeline_tsv_when_piped(runner: CliRunner) -> None:
    result = runner.invoke(app, ["timeline", "--data", str(MINI)])
    assert result.exit_code == 0
    header, first, *_ = (line.split("\t") for line in result.stdout.splitlines())
    assert header == ["date", "subject", "label", "property", "context", "sources"]
    assert first[:2] == ["2020", "gse:gse2020"]
    assert first[5] == S004


# --- the bundled graph (competency question 20) -------------------------------------------


@pytest.fixture(scope="module")
def bundled_events(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    runner = CliRunner(env={"GSEKG_CACHE_DIR": str(tmp_path_factory.mktemp("cache"))})
    result = runner.invoke(app, ["timeline", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    events: list[dict[str, Any]] = json.loads(result.stdout)
    return events


EDITIONS = {"gse:gse2020", "gse:gse2022", "gse:gse2023", "gse:gse2024"}


def first_date(events: list[dict[str, Any]], subject: str) -> str:
    return next(e["date"] for e in events if e["subject"] == subject)


def test_bundled_timeline_order(bundled_events: list[dict[str, Any]]) -> None:
    expected_order = [
        ("gse:unesco-oer-recommendation", "2019-11"),
        ("gse:gse2020", "2020"),
        ("gse:arab-code-week-2021", "2021"),
        ("gse:arab-ministers-conference-18", "2021-12"),
        ("gse:transforming-education-summit", "2022"),
        ("gse:gse2022", "2022"),
        ("gse:gse2023", "2023"),
        ("gse:beijing-declaration", "2023-08-18"),
        ("gse:gse2024", "2024"),
    ]
    found = [(s, first_date(bundled_events, s)) for s, _ in expected_order]
    assert found == expected_order
    dates = [sort_key(e["date"]) for e in bundled_events]
    assert dates == sorted(dates)


def test_bundled_edition_dates_and_sources(bundled_events: list[dict[str, Any]]) -> None:
    starts = {
        e["subject"]: (e["date"], e["sources"])
        for e in bundled_events
        if e["property"] == "schema:startDate" and e["subject"] in EDITIONS
    }
    assert starts == {
        "gse:gse2020": ("2020-08-20", [S004]),
        "gse:gse2022": ("2022-08-18", [S002]),
        "gse:gse2023": ("2023-08-18", [S000]),
        "gse:gse2024": ("2024-08-18", ["001_ec682e7534bf026a"]),
    }


def test_stats_count_the_view_they_are_asked_for(runner: CliRunner) -> None:
    """Each view is its own store: the total is every quad of that store. In the bundled
    graph the one preferred claim (002's initiative reading) beats no other claim's value
    (the plan reading is about another subject), so the best view holds what the union does."""
    every = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
    found = {}
    for view in ("union", "best"):
        doc = runner.invoke(app, ["stats", "--view", view, "-f", "json"])
        triples = found[view] = json.loads(doc.stdout)["triples"]
        counted = runner.invoke(app, ["query", "--view", view, every, "-f", "csv"])
        assert counted.stdout.split() == ["n", str(triples["total"])]
    assert found["best"] == found["union"]
