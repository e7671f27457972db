"""``gsekg describe``: everything about one entity, grouped, each fact with its sources."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import MINI, mini_reader
from gsekg.cli import app
from gsekg.description import describe
from gsekg.snapshot import node

READER = mini_reader()


def invoke(runner: CliRunner, *args: str, data: bool = True) -> tuple[int, str, str]:
    extra = ["--data", str(MINI)] if data else []
    result = runner.invoke(app, ["describe", *args, *extra])
    return result.exit_code, result.stdout, result.stderr


def described(runner: CliRunner, name: str, data: bool = True) -> dict[str, Any]:
    code, out, err = invoke(runner, name, data=data)
    assert code == 0, err
    document: dict[str, Any] = json.loads(out)
    return document


def test_names_mark_misspellings_with_their_sources() -> None:
    d = describe(READER, node("gse:alecso"))
    assert d.types == ("gso:IntergovernmentalOrganisation",)
    kinds = {label.text: (label.kind, label.sources) for label in d.labels}
    assert kinds["ASLECSO"] == ("misspelling", ("004_c4d78ee7870e79d4",))
    assert kinds["ALSCO"] == ("misspelling", ("000_e16defdeedae4764",))
    assert d.labels[0].kind == "prefLabel"


def test_role_where_the_entity_is_agent_reads_kind_at_target() -> None:
    d = describe(READER, node("gse:alecso"))
    (role,) = d.nodes
    assert (role.kind, role.via) == ("role", "gso:agent")
    assert role.headline == "co-organiser at Global Smart Education Conference 2020"
    assert role.sources == ("004_c4d78ee7870e79d4",)


def test_roles_at_a_target_list_their_agents() -> None:
    d = describe(READER, node("gse:gse2020"))
    assert sorted(n.headline for n in d.nodes) == [
        "co-organiser: Arab League Educational, Cultural and Scientific Organization",
        "co-organiser: UNESCO Institute for Information Technologies in Education",
    ]


def test_post_reads_title_at_unit() -> None:
    (post,) = describe(READER, node("gse:mohamed-jemni")).nodes
    assert (post.kind, post.headline) == ("post", "Director at ALECSO ICT Department")


def test_a_fact_stated_by_two_sources_lists_both() -> None:
    d = describe(READER, node("gse:netdragon"))
    (built,) = [f for f in d.incoming if f.predicate == "gso:builtBy"]
    assert built.value.term == "gse:e-library-for-teachers"
    assert built.sources == ("002_2b3a093da3c925aa", "003_9a262aed049202bf")
    assert built.claims == ("claim:002-e-library", "claim:003-e-library")


def test_outgoing_facts_keep_values_and_sources() -> None:
    d = describe(READER, node("gse:gse2023"))
    facts = {(f.predicate, f.value.text): f.sources for f in d.outgoing}
    assert facts[("gso:theme", "Education Transformation and Data Governance")] == (
        "000_e16defdeedae4764",
    )
    assert facts[("schema:location", "Beijing")] == ("000_e16defdeedae4764",)
    assert ("schema:startDate", "2023-08-18") in facts


def test_cli_json_when_piped(runner: CliRunner) -> None:
    d = described(runner, "ASLECSO")
    assert (d["name"], d["iri"]) == ("gse:alecso", "https://w3id.org/gsekg/id/alecso")
    assert {"text": "ASLECSO", "kind": "misspelling", "sources": ["004_c4d78ee7870e79d4"]} in d[
        "labels"
    ]
    assert d["nodes"][0]["headline"].startswith("co-organiser at ")


def test_cli_table_marks_the_misspelling(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "aslecso", "-f", "table")
    assert code == 0
    assert "(gse:alecso)" in out
    assert "misspelling (typo)" in out
    assert "co-organiser at Global Smart Education" in out


def test_cli_unknown_name_exits_5_with_suggestions(runner: CliRunner) -> None:
    code, out, err = invoke(runner, "Net Dragonn Co")
    assert code == 5
    assert out == ""
    assert err.startswith("Error: no entity is called 'Net Dragonn Co' (did you mean:")
    assert "gse:netdragon" in err


def test_cli_ambiguous_name_exits_1_with_candidates(runner: CliRunner) -> None:
    code, _, err = invoke(runner, "Digital Unit")
    assert code == 1
    assert "gse:bnu-digital-unit, gse:iite-digital-unit" in err


def test_cli_missing_data_file_exits_1(runner: CliRunner) -> None:
    result = runner.invoke(app, ["describe", "x", "--data", "no/such/file.trig"])
    assert result.exit_code == 1
    assert "no such file" in result.stderr


# --- the bundled graph --------------------------------------------------------------------


def test_bundled_aslecso_is_alecso_and_marks_the_misspelling(runner: CliRunner) -> None:
    d = described(runner, "ASLECSO", data=False)
    assert d["name"] == "gse:alecso"
    kinds = {label["text"]: label for label in d["labels"]}
    assert kinds["ASLECSO"]["kind"] == "misspelling"
    assert "004_c4d78ee7870e79d4" in kinds["ASLECSO"]["sources"]
    assert kinds["ALSCO"]["kind"] == "misspelling"
    headlines = {n["headline"] for n in d["nodes"]}
    assert "co-organiser at Global Smart Education Conference 2020" in headlines


def test_bundled_jemni_post(runner: CliRunner) -> None:
    d = described(runner, "Mohamed Jemni", data=False)
    posts = [n for n in d["nodes"] if n["kind"] == "post"]
    assert any(p["headline"].startswith("Director") and "ICT" in p["headline"] for p in posts)


@pytest.mark.parametrize("flag", [[], ["--inferred"]])
def test_bundled_gse2022_sponsors(runner: CliRunner, flag: list[str]) -> None:
    code, out, err = invoke(runner, "gse:gse2022", *flag, data=False)
    assert code == 0, err
    d = json.loads(out)
    sponsors = {n["headline"] for n in d["nodes"] if n["headline"].startswith("sponsor: ")}
    assert sponsors == {
        "sponsor: NetDragon Huayu Education",
        "sponsor: Unisplendour Wisdom Education",
        "sponsor: H3C Group",
        "sponsor: Lenovo",
        "sponsor: iFlytek",
    }
    derived = [f for f in d["incoming"] + d["outgoing"] if f["property"] == "schema:sponsor"]
    assert bool(derived) == bool(flag)
