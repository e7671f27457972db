"""Bad inputs found in review of the view and curation changes: one clean ``Error:`` line
and the right exit code each (the shape of ``tests/test_bad_inputs.py``'s table)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MINI
from gsekg import resources
from gsekg.cli import app
from test_bad_inputs import Case, assert_clean_error  # the same table shape and check

ROOT = Path(__file__).resolve().parents[1]


CASES: dict[str, Case] = {
    # options that do not fit together are a usage error (exit 2), as everywhere else
    "--view best with --endpoint (query)": Case(
        ("query", "ASK {}", "--view", "best", "--endpoint", "http://127.0.0.1:9/sparql"),
        2,
        "--view best needs a local graph",
    ),
    "--view best with --endpoint (describe)": Case(
        ("describe", "gse2022", "--view", "best", "--endpoint", "http://127.0.0.1:9/sparql"),
        2,
        "--view best needs a local graph",
    ),
    # a folder inside the shared corpus is the shared corpus too: never written
    "--corpus inside the shared corpus": Case(
        ("source", "add", "@other.txt", "--data-dir", "@data", "--corpus", "@shared/corpus/mine"),
        1,
        "shared corpus, which is never written",
    ),
    # a publisher is an organisation or a person, not an edition or a place
    "--publisher an edition": Case(
        (
            "source",
            "add",
            "@other.txt",
            "--data-dir",
            "@data",
            "--corpus",
            "@mine",
            "--publisher",
            "gse:gse2022",
        ),
        1,
        "--publisher gse:gse2022 is a gso:ConferenceEdition, not an organisation or a person",
    ),
    "--publisher a city": Case(
        (
            "source",
            "add",
            "@other.txt",
            "--data-dir",
            "@data",
            "--corpus",
            "@mine",
            "--publisher",
            "beijing",
        ),
        1,
        "--publisher gse:beijing is a schema:City, not an organisation or a person",
    ),
}


@pytest.fixture(autouse=True)
def _reset_data_dir() -> Iterator[None]:
    yield
    resources.use_data_dir(None)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shared = tmp_path / "shared" / "corpus"
    (shared / "mine").mkdir(parents=True)
    # a stand-in for ../shared/corpus: no case may write the project's own material
    monkeypatch.setattr(resources, "shared_corpora", lambda: [shared])
    monkeypatch.delenv("GSEKG_CORPUS", raising=False)
    shutil.copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / "mine").mkdir()
    (tmp_path / "other.txt").write_text("GSE 2021 closed on 20 August 2021.\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input(runner: CliRunner, workspace: Path, case: Case) -> None:
    args = [str(workspace / a[1:]) if a.startswith("@") else a for a in case.args]
    if args[0] in {"query", "describe"} and "--endpoint" not in args:
        args += ["--data", str(MINI)]
    before = sorted((workspace / "shared").rglob("*"))
    result = runner.invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert_clean_error(result.exit_code, result.stdout, result.stderr, case)
    assert sorted((workspace / "shared").rglob("*")) == before
    assert not list((workspace / "mine").iterdir())
    assert not (workspace / "data" / "sources.ttl").exists()


def test_a_person_may_publish(runner: CliRunner, workspace: Path) -> None:
    where = ["--data-dir", str(workspace / "data"), "--corpus", str(workspace / "mine")]
    other = str(workspace / "other.txt")
    result = runner.invoke(app, ["source", "add", other, "--publisher", "mohamed-jemni", *where])
    assert result.exit_code == 0, result.stderr
    record = (workspace / "data" / "sources.ttl").read_text(encoding="utf-8")
    assert "dcterms:publisher gse:mohamed-jemni" in record


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("network", "ego", "beijing"), "Error: Beijing (gse:beijing) is not in the network: "),
        (("path", "alecso", "beijing"), "Error: Beijing (gse:beijing) is not in the network: "),
    ],
)
def test_an_entity_outside_the_network_is_named_by_its_label(
    runner: CliRunner, args: tuple[str, ...], message: str
) -> None:
    """A place no fact of the network links is named by its label, not by its id twice."""
    result = runner.invoke(app, list(args))
    assert result.exit_code == 5
    assert result.stderr.startswith(message), result.stderr
