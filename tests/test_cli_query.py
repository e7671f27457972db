"""``gsekg query`` and ``gsekg queries``: resolution, formats, parameters, output files."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from conftest import MINI, RunGsekg
from gsekg import queries
from gsekg.cli import app
from gsekg.namespaces import GSE

DATES = "SELECT ?edition ?start WHERE { ?edition schema:startDate ?start } ORDER BY ?edition"
SAVED = """#+ title: Editions by start date
#+ description: Each edition with its start date.
#+ param: edition iri = gse:gse2020 -- the edition
#+ param: label string = "none" -- a label to echo back
#+ ordered: true
SELECT ?edition ?start ?label WHERE { ?edition schema:startDate ?start }
"""


@pytest.fixture
def saved_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A queries/ folder holding ``start-date`` and a broken query, in place of the bundled one."""
    folder = tmp_path / "queries"
    folder.mkdir()
    (folder / "start-date.rq").write_text(SAVED, encoding="utf-8")
    monkeypatch.setattr(queries, "queries_dir", lambda: folder)
    return folder


def invoke(runner: CliRunner, *args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["query", *args, "--data", str(MINI)], input=input)
    return result.exit_code, result.stdout, result.stderr


def test_default_when_piped_is_w3c_csv(runner: CliRunner) -> None:
    code, out, err = invoke(runner, DATES)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "edition,start",
        f"{GSE}gse2020,2020-08-20",
        f"{GSE}gse2023,2023-08-18",
    ]


def test_table_and_markdown_show_compact_names(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, DATES, "--format", "table")
    assert code == 0
    assert "gse:gse2020" in out and GSE not in out and "2 rows" in out
    code, out, _ = invoke(runner, DATES, "-f", "markdown")
    assert out.splitlines()[2] == "| gse:gse2020 | 2020-08-20 |"


def test_json_and_tsv(runner: CliRunner) -> None:
    _, out, _ = invoke(runner, DATES, "-f", "json")
    bindings = json.loads(out)["results"]["bindings"]
    assert bindings[0]["edition"]["value"] == GSE + "gse2020"
    _, out, _ = invoke(runner, DATES, "-f", "tsv")
    assert out.splitlines()[1].startswith(f"<{GSE}gse2020>\t")


def test_ask_and_construct(runner: CliRunner) -> None:
    assert invoke(runner, "ASK { gse:gse2020 schema:startDate ?d }")[1] == "true\n"
    code, out, _ = invoke(runner, "CONSTRUCT WHERE { gse:gse2020 schema:startDate ?d }")
    assert code == 0
    assert "@prefix gse:" in out and 'gse:gse2020 schema:startDate "2020-08-20"^^xsd:date' in out
    _, out, _ = invoke(runner, "DESCRIBE gse:gse2020", "-f", "ntriples")
    assert out.startswith(f"<{GSE}gse2020> ")


def test_limit(runner: CliRunner) -> None:
    assert len(invoke(runner, DATES, "--limit", "1")[1].splitlines()) == 2


def test_query_from_file_and_stdin(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "dates.sparql"
    path.write_text(DATES, encoding="utf-8")
    assert invoke(runner, str(path))[1] == invoke(runner, "-", input=DATES)[1]
    assert invoke(runner, str(path))[1].startswith("edition,start")


def test_saved_query_with_params(runner: CliRunner, saved_dir: Path) -> None:
    code, out, err = invoke(runner, "start-date")
    assert (code, err) == (0, "")
    assert out.splitlines() == ["edition,start,label", f"{GSE}gse2020,2020-08-20,none"]
    _, out, _ = invoke(runner, "start-date", "-p", "edition=gse:gse2023", "-p", "label=x")
    assert out.splitlines()[1] == f"{GSE}gse2023,2023-08-18,x"


def test_hostile_param_value_is_data(runner: CliRunner, saved_dir: Path) -> None:
    code, out, err = invoke(runner, "start-date", "-p", 'label=x" } DROP ALL #', "-f", "json")
    assert (code, err) == (0, "")
    assert json.loads(out)["results"]["bindings"][0]["label"]["value"] == 'x" } DROP ALL #'


def test_param_that_is_not_projected(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "start.rq"
    path.write_text(
        "#+ param: edition iri -- the edition\n"
        "SELECT ?start WHERE { ?edition schema:startDate ?start }\n",
        encoding="utf-8",
    )
    code, out, err = invoke(runner, str(path), "-p", "edition=gse:gse2023")
    assert (code, err) == (0, "")
    assert out.splitlines() == ["start", "2023-08-18"]


def test_output_file_follows_extension(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "dates.json"
    code, out, _ = invoke(runner, DATES, "-o", str(target))
    assert (code, out) == (0, "")
    assert json.loads(target.read_text())["head"]["vars"] == ["edition", "start"]
    graph = tmp_path / "dates.nt"
    invoke(runner, "CONSTRUCT WHERE { ?e schema:startDate ?d }", "-o", str(graph))
    assert len(list(ox.parse(path=graph, format=ox.RdfFormat.N_TRIPLES))) == 2
    table = tmp_path / "dates.txt"
    invoke(runner, DATES, "-o", str(table))
    assert "gse:gse2023" in table.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dates.json", "dates.nt", "dates.txt"]


def test_update_when_allowed_touches_nothing_on_disk(runner: CliRunner) -> None:
    code, out, err = invoke(runner, "INSERT DATA { gse:a gse:b gse:c }", "--allow-update")
    assert (code, out) == (0, "")
    assert "nothing was saved" in err
    assert "gse:a" not in invoke(runner, "SELECT ?s { ?s gse:b ?o }")[1]


def test_queries_list_and_show(runner: CliRunner, saved_dir: Path) -> None:
    result = runner.invoke(app, ["queries"])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "name\ttitle\tparameters\terror",
        'start-date\tEditions by start date\tedition:iri=gse:gse2020 label:string="none"\t',
    ]
    result = runner.invoke(app, ["queries", "show", "start-date"])
    assert (result.exit_code, result.stdout) == (0, SAVED)


def test_queries_list_reports_broken_queries(runner: CliRunner, saved_dir: Path) -> None:
    (saved_dir / "broken.rq").write_text("#+ title: t\n#+ description: d\nSELECT {\n")
    result = runner.invoke(app, ["queries"])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1].startswith("broken\tt\t\tmalformed SPARQL")
    assert result.stderr == "Error: 1 saved queries are malformed: broken\n"
    shown = runner.invoke(app, ["queries", "show", "broken"])
    assert (shown.exit_code, shown.stdout) == (0, "#+ title: t\n#+ description: d\nSELECT {\n")


def test_bundled_queries_list_runs(runner: CliRunner) -> None:
    result = runner.invoke(app, ["queries"])
    assert result.stdout.startswith("name\ttitle\tparameters\terror\n")


def test_subprocess_end_to_end(run_gsekg: RunGsekg) -> None:
    done = run_gsekg("query", DATES, "--data", MINI, "-f", "markdown")
    assert (done.returncode, done.stderr) == (0, "")
    assert "| gse:gse2023 | 2023-08-18 |" in done.stdout
    done = run_gsekg("query", "-", "--data", MINI, input="ASK { ?s ?p ?o }")
    assert (done.returncode, done.stdout) == (0, "true\n")


def test_export_subprocess_is_byte_identical(run_gsekg: RunGsekg, tmp_path: Path) -> None:
    first = run_gsekg("export", "--data", MINI, "-f", "trig")
    second = run_gsekg("export", "--data", MINI, "-o", tmp_path / "graph.trig")
    assert (first.returncode, second.returncode) == (0, 0)
    assert first.stdout.encode() == (tmp_path / "graph.trig").read_bytes()
