"""``gsekg validate``: SHACL shapes and the integrity checks, with exit codes 0, 1 and 3."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from conftest import FIXTURES, MINI
from gsekg.cli import app
from gsekg.loader import parse_file
from gsekg.snapshot import Snapshot
from gsekg.validation import integrity_findings

BAD = FIXTURES / "bad-claims.trig"


def invoke(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["validate", *args])
    return result.exit_code, result.stdout, result.stderr


def report(runner: CliRunner, *args: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = invoke(runner, *args, "-f", "json")
    document: dict[str, Any] = json.loads(out)
    return code, document


def problems(findings: list[dict[str, str]], check: str) -> set[tuple[str, str]]:
    return {(f["focus"], f["message"]) for f in findings if f["check"] == check}


def test_integrity_on_the_mini_graph_is_clean(corpus: Path) -> None:
    snapshot = Snapshot.from_quads(parse_file(MINI))
    assert integrity_findings(snapshot, corpus) == []
    (note,) = integrity_findings(snapshot, None)
    assert (note.severity, note.check) == ("info", "claim")


def test_mini_conforms_with_warnings_only(runner: CliRunner, corpus: Path) -> None:
    code, doc = report(runner, str(MINI), "--corpus", str(corpus))
    assert code == 0
    assert doc["conforms"] is True
    assert doc["counts"]["violation"] == 0
    assert doc["counts"]["warning"] >= 1


def test_each_broken_rule_is_reported(runner: CliRunner, corpus: Path) -> None:
    code, doc = report(runner, str(BAD), "--corpus", str(corpus))
    assert code == 3
    assert doc["conforms"] is False
    claims = problems(doc["findings"], "claim")
    assert (
        "claim:000-no-source",
        "has 0 sources (prov:wasDerivedFrom); exactly one is needed",
    ) in claims
    assert (
        "claim:000-two-sources",
        "has 2 sources (prov:wasDerivedFrom); exactly one is needed",
    ) in claims
    assert ("claim:000-no-selector", "has no evidence (gso:evidence)") in claims
    assert ("claim:000-backwards", "span 50-10 is not 0 <= start < end") in claims
    assert ("claim:000-empty", "the claim graph is empty") in claims
    assert any(focus == "claim:000-past-the-end" and "ends after" in m for focus, m in claims)
    assert {focus for focus, _ in problems(doc["findings"], "named-graph")} == {"claim:000-stray"}
    assert {focus for focus, _ in problems(doc["findings"], "registry")} == {"gse:ghost-company"}
    assert ("gse:nameless", "has no skos:prefLabel") in problems(doc["findings"], "entity")
    shacl = {f["focus"] for f in doc["findings"] if f["check"] == "shacl"}
    assert "claim:000-two-sources" in shacl


def test_span_bounds_need_the_corpus(runner: CliRunner, tmp_path: Path) -> None:
    code, doc = report(runner, str(BAD), "--corpus", str(tmp_path / "absent"))
    assert code == 3
    assert not any("ends after" in f["message"] for f in doc["findings"])
    assert any(f["severity"] == "info" and "not checked" in f["message"] for f in doc["findings"])


def test_text_report_counts_by_severity(runner: CliRunner) -> None:
    code, out, err = invoke(runner, str(BAD), "--shapes", str(FIXTURES / "no-such-shapes.ttl"))
    assert code == 3
    assert "only the integrity checks run" in err
    assert "does not conform:" in out
    assert "violations" in out
    assert err.rstrip().endswith("violations")


def test_malformed_input_exits_1(runner: CliRunner) -> None:
    code, out, err = invoke(runner, str(FIXTURES / "bad-syntax.trig"))
    assert code == 1
    assert out == ""
    assert "bad-syntax.trig:2:" in err


def test_missing_file_exits_1(runner: CliRunner) -> None:
    code, _, err = invoke(runner, "no/such/file.ttl")
    assert code == 1
    assert "no such file" in err


def test_bundled_graph_has_no_integrity_violations(runner: CliRunner, corpus: Path) -> None:
    _, doc = report(runner, "--corpus", str(corpus))
    integrity = [
        f for f in doc["findings"] if f["check"] != "shacl" and f["severity"] == "violation"
    ]
    assert integrity == []


def test_piped_text_report_is_tab_separated_without_boxes(runner: CliRunner, corpus: Path) -> None:
    code, out, _ = invoke(runner, str(BAD), "--corpus", str(corpus))
    assert code == 3
    lines = out.splitlines()
    assert lines[0] == "severity\tcheck\tfocus\tpath\tmessage"
    assert "violation\tclaim\tclaim:000-empty\t\tthe claim graph is empty" in lines
    assert lines[-1].startswith("does not conform: 22 violations")
    assert not any(box in out for box in "┏━┃│└")
