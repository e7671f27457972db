"""``gsekg why``: the claims, sources and spans behind each fact, and the passages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MINI, mini_reader
from gsekg.cli import app
from gsekg.errors import InputError
from gsekg.provenance import evidence_for, passage
from gsekg.snapshot import node

READER = mini_reader()
THEME = "Education Transformation and Data Governance"


def invoke(runner: CliRunner, *args: str, data: bool = True) -> tuple[int, str, str]:
    extra = ["--data", str(MINI)] if data else []
    result = runner.invoke(app, ["why", *args, *extra])
    return result.exit_code, result.stdout, result.stderr


def test_evidence_for_one_property() -> None:
    (row,) = evidence_for(READER, node("gse:gse2023"), node("gso:theme"))
    assert row.claim == node("claim:000-gse2023")
    assert row.source_id == "000_e16defdeedae4764"
    assert row.spans == ((332, 350), (390, 434))
    assert [t.predicate for t in row.triples] == [node("gso:theme")]


def test_evidence_follows_role_nodes_and_keeps_each_source() -> None:
    rows = evidence_for(READER, node("gse:alecso"))
    by_claim = {r.claim.value.rsplit("/", 1)[-1]: r for r in rows}
    assert set(by_claim) == {"000-alecso-names", "000-jemni-post", "004-co-organisers"}
    role = by_claim["004-co-organisers"]
    assert node("gso:roleKind") in {t.predicate for t in role.triples}
    assert node("gso:roleIn") in {t.predicate for t in role.triples}


def test_evidence_of_a_fact_from_two_sources() -> None:
    rows = evidence_for(READER, node("gse:netdragon"), node("gso:builtBy"))
    assert [r.source_id for r in rows] == ["002_2b3a093da3c925aa", "003_9a262aed049202bf"]


def test_passage_cuts_at_spaces_and_flattens_whitespace() -> None:
    text = "one two  three\nfour five six seven"
    found = passage(text, (9, 19), context=5)
    assert found.text == "three four"
    assert found.before == "…two "
    assert found.after == " five…"


def test_passage_out_of_range_is_an_input_error() -> None:
    with pytest.raises(InputError):
        passage("short", (2, 99))


def test_cli_without_corpus_lists_spans_and_notes_it(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("gsekg.resources.corpus_dir", lambda explicit=None: None)
    code, out, err = invoke(runner, "gse:gse2023", "theme", "-f", "text")
    assert code == 0
    assert "passages are not shown" in err
    assert "[390-434]" in out
    assert "«" not in out


def test_cli_json_without_corpus(runner: CliRunner, tmp_path: Path) -> None:
    code, out, _ = invoke(runner, "gse2023", "gso:theme", "-f", "json", "--corpus", str(tmp_path))
    assert code == 0
    (row,) = json.loads(out)
    assert row["claim"] == "claim:000-gse2023"
    assert row["facts"] == [{"subject": "gse:gse2023", "property": "gso:theme", "value": THEME}]
    assert row["spans"] == [{"start": 332, "end": 350}, {"start": 390, "end": 434}]


def test_cli_unknown_property_exits_5(runner: CliRunner) -> None:
    code, _, err = invoke(runner, "gse:gse2023", "stratDate")
    assert code == 5
    assert "schema:startDate" in err


def test_cli_unknown_entity_exits_5(runner: CliRunner) -> None:
    code, _, _ = invoke(runner, "gse:nobody")
    assert code == 5


@pytest.mark.corpus
def test_cli_piped_passage_delimits_the_span(runner: CliRunner, corpus: Path) -> None:
    code, out, err = invoke(
        runner, "gse:gse2023", "gso:theme", "-f", "text", "--corpus", str(corpus)
    )
    assert code == 0, err
    assert f"«{THEME}»" in out
    assert "«August 18-20, 2023»" in out
    assert "source 000_e16defdeedae4764" in out


@pytest.mark.corpus
def test_cli_tsv_has_one_row_per_fact_and_span(runner: CliRunner, corpus: Path) -> None:
    code, out, _ = invoke(runner, "gse:netdragon", "builtBy", "-f", "tsv", "--corpus", str(corpus))
    assert code == 0
    header, *rows = (line.split("\t") for line in out.splitlines())
    assert header[:3] == ["subject", "property", "value"]
    assert [(r[4], r[5], r[6]) for r in rows] == [
        ("002_2b3a093da3c925aa", "5228", "5262"),
        ("003_9a262aed049202bf", "2670", "2700"),
    ]
    assert "«in partnership with Net Dragon»" in rows[1][7]


# --- the bundled graph (competency question 19) -------------------------------------------


@pytest.mark.corpus
def test_bundled_theme_of_gse2023_comes_from_000(runner: CliRunner, corpus: Path) -> None:
    code, out, err = invoke(
        runner, "gse:gse2023", "gso:theme", "-f", "json", "--corpus", str(corpus), data=False
    )
    assert code == 0, err
    rows = json.loads(out)
    assert {r["source_id"] for r in rows} == {"000_e16defdeedae4764"}
    spans = [s for r in rows for s in r["spans"]]
    assert any(THEME in " ".join(s["text"].split()) for s in spans)


def test_cli_names_a_missing_corpus_folder(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "absent"
    code, out, err = invoke(runner, "gse:gse2023", "theme", "-f", "text", "--corpus", str(missing))
    assert code == 0
    assert f"corpus folder {missing} does not exist: passages are not shown" in err
    assert "[390-434]" in out
