"""``gsekg validate`` refuses identity asserted with ``owl:sameAs`` inside a claim (a ranked
``skos:exactMatch`` claim says it, docs/model.md) and a statement delivered for no one
(``gso:deliveredBy`` without ``gso:statedBy``); the bundled data still conforms."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from conftest import FIXTURES
from gsekg.cli import app

BAD = FIXTURES / "bad-identity.trig"


def violations(runner: CliRunner, *args: str) -> tuple[int, set[tuple[str, str, str]]]:
    result = runner.invoke(app, ["validate", *args, "-f", "json"])
    findings = json.loads(result.stdout)["findings"]
    found = {(f["check"], f["focus"], f["path"]) for f in findings if f["severity"] == "violation"}
    return result.exit_code, found


def test_same_as_in_a_claim_and_delivered_for_no_one_are_violations(runner: CliRunner) -> None:
    code, found = violations(runner, str(BAD))
    assert code == 3
    assert found == {
        ("claim", "claim:000-same-company", ""),
        ("shacl", "claim:000-delivered-for-no-one", "gso:statedBy"),
    }


def test_the_same_as_message_names_the_triple_and_the_remedy(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", str(BAD)])
    line = next(x for x in result.stdout.splitlines() if "claim:000-same-company" in x)
    assert "gse:netdragon owl:sameAs gse:netdragon-websoft" in line
    assert "skos:exactMatch" in line


def test_the_bundled_data_still_conforms(runner: CliRunner, corpus: Path) -> None:
    code, found = violations(runner, "--corpus", str(corpus))
    assert (code, found) == (0, set())
