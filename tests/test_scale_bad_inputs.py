"""Bad input to the commands that now ask the engine (describe, why, stats, timeline) and to
streamed query output: one clean ``Error:`` line and its exit code each (the Case shape of
tests/test_bad_inputs.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MINI
from gsekg.cli import app
from test_bad_inputs import Case, assert_clean_error

DEAD = "http://127.0.0.1:9/sparql"
"""Nothing listens on the discard port: the connection is refused at once."""


def mini(*args: str, code: int, message: str) -> Case:
    return Case((*args, "--data", str(MINI)), code, message, data=False)


def remote(*args: str, code: int = 4, message: str = "cannot reach") -> Case:
    return Case((*args, "--endpoint", DEAD), code, message, data=False)


CASES: dict[str, Case] = {
    "why: unknown property": mini(
        "why", "gse:gse2020", "noSuchProperty", code=5, message="no property"
    ),
    "why: unknown entity with a value": mini(
        "why", "gse:nothing-here", "schema:sponsor", "gse:bnu", code=5, message="no entity"
    ),
    "describe: dead endpoint": remote("describe", "gse:alecso"),
    "why: dead endpoint": remote("why", "gse:alecso", "schema:sponsor"),
    "stats: dead endpoint": remote("stats"),
    "timeline: dead endpoint": remote("timeline"),
    "describe: endpoint not http": Case(
        ("describe", "gse:alecso", "--endpoint", "ftp://example.org/sparql"),
        1,
        "not an http(s) URL",
        data=False,
    ),
    "streamed query: missing output folder": mini(
        "query",
        "SELECT * WHERE { ?s ?p ?o }",
        "-o",
        "/nonexistent/dir/x.csv",
        code=1,
        message="does not exist",
    ),
    "streamed query: syntax error under --timeout": mini(
        "query",
        "SELECT * WHERE { ?s ?p",
        "-f",
        "csv",
        "--timeout",
        "5",
        code=1,
        message="query:1:",
    ),
    "streamed query: output is a folder": mini(
        "query",
        "SELECT * WHERE { ?s ?p ?o }",
        "-o",
        "/tmp",
        code=1,
        message="it is a folder",
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input(runner: CliRunner, case: Case, tmp_path: Path) -> None:
    result = runner.invoke(app, list(case.args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert_clean_error(result.exit_code, result.stdout, result.stderr, case)
