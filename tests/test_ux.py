"""What a user sees (issue 12): fitting tables, search, saved-query headers, exports, --param."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MINI
from gsekg import queries
from gsekg.cli import app
from gsekg.cli.table import Cell, column_widths, fold, summarise
from gsekg.errors import InputError
from test_bad_inputs import Case, assert_clean_error


def invoke(
    runner: CliRunner, *args: str, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


# --- tables ------------------------------------------------------------------------------


def cells(*rows: tuple[str, ...]) -> list[list[Cell]]:
    return [[Cell(v) for v in row] for row in rows]


def test_fold_merges_rows_that_differ_in_one_column_only() -> None:
    rows = cells(("e1", "2020", "online"), ("e1", "2020", "offline"), ("e2", "2022", ""))
    assert [[c.text for c in r] for r in fold(rows)] == [
        ["e1", "2020", "online\noffline"],
        ["e2", "2022", ""],
    ]


def test_fold_keeps_pairs_that_differ_in_two_columns() -> None:
    rows = cells(("x", "a1", "b1"), ("x", "a2", "b2"))
    assert len(fold(rows)) == 2


def test_columns_are_never_narrower_than_their_longest_word() -> None:
    rows = cells(("gse:unesco-iite", "Artificial Intelligence and Future Education"))
    widths = column_widths(("id", "theme"), rows, 30)
    assert widths is not None and widths[0] == len("gse:unesco-iite") and widths[1] >= 12
    assert column_widths(("id", "theme"), rows, 20) is None  # cannot fit: caller falls back


def test_summarise_keeps_the_first_rows_of_each_group() -> None:
    rows = cells(*(("g", str(i), "1") for i in range(8)), ("h", "x", "1"))
    shown, left_out = summarise(rows, 3, "--all")
    assert left_out == 5
    assert [r[1].text for r in shown] == ["0", "1", "2", "+5 more (--all)", "x"]


@pytest.mark.parametrize("width", [80, 120])
def test_editions_table_fits_with_one_row_per_edition(runner: CliRunner, width: int) -> None:
    code, out, _ = invoke(runner, "query", "editions", "-f", "table", env={"COLUMNS": str(width)})
    assert code == 0
    lines = out.splitlines()
    assert all(len(line) <= width for line in lines)
    assert "7 results in 4 rows" in out
    assert "@en" not in out and "…" not in out
    assert "gse:gse2020" in out and "OnlineEventAttendanceMode" in out


def test_numbers_are_right_aligned(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "stats", "-f", "table", env={"COLUMNS": "80"})
    assert code == 0
    total = next(line for line in out.splitlines() if " total " in line)
    assert total.rstrip().endswith(" │") and total.split("│")[-2].startswith(" ")
    assert "--all shows them" in out


def test_piped_output_is_tsv_with_one_header(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "path", "NetDragon", "ALECSO", "--all")
    assert code == 0
    assert out.count("path\thop\tfrom") == 1
    code, out, _ = invoke(runner, "network", "communities")
    assert code == 0 and "…" not in out
    assert "Centre for Research and Development in Learning" in out
    code, out, _ = invoke(runner, "stats")
    assert out.splitlines()[0] == "group\tkey\tcount"


# --- search ------------------------------------------------------------------------------


def search(runner: CliRunner, text: str) -> tuple[list[list[str]], str]:
    code, out, err = invoke(runner, "search", text, "-f", "tsv")
    assert code == 0, err
    return [line.split("\t") for line in out.splitlines()[1:]], err


def test_search_oer_finds_the_forum_and_the_recommendation_first(runner: CliRunner) -> None:
    rows, err = search(runner, "OER")
    assert {r[1] for r in rows[:2]} == {"gse:gse2020-forum-oer", "gse:unesco-oer-recommendation"}
    assert "no good match" not in err
    by_entity = {r[1]: r for r in rows}
    assert by_entity["gse:unesco-oer-recommendation"][3:] == [
        "altLabel",
        "UNESCO OER Recommendation",
    ]


def test_search_oer_forum_finds_the_forum(runner: CliRunner) -> None:
    rows, _ = search(runner, "OER forum")
    assert rows[0][1] == "gse:gse2020-forum-oer"


def test_search_flags_no_good_match(runner: CliRunner) -> None:
    rows, err = search(runner, "qwxzzy")
    assert rows == [] and "no good match" in err


def test_misspelt_name_suggests_the_canonical_name_first(runner: CliRunner) -> None:
    code, _, err = invoke(runner, "describe", "ALESCO")
    assert code == 5
    assert "did you mean: ALECSO (gse:alecso)" in err
    rows, _ = search(runner, "ALESCO")
    assert rows[0][1:2] == ["gse:alecso"] and rows[0][4] == "ALECSO"


# --- saved-query headers -----------------------------------------------------------------


def test_param_meaning_is_optional() -> None:
    header = queries.parse_header("#+ param: year gYear = 2020\nSELECT ?year {}")
    (param,) = header.params
    assert (param.name, param.type, param.default, param.description) == (
        "year",
        "gYear",
        "2020",
        "",
    )


def test_malformed_param_lists_the_types() -> None:
    with pytest.raises(InputError, match="gYear"):
        queries.parse_header("#+ param: year\nSELECT ?year {}")


def test_queries_name_shows_the_query(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "queries", "co-organisers")
    assert code == 0 and out.startswith("#+ title: Co-organisers")
    assert invoke(runner, "queries", "show", "co-organisers")[1] == out


def test_queries_help_documents_the_header(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "queries", "--help")
    assert code == 0
    for part in ("#+ title:", "#+ param:", "-- what it means", "gYear", "iri"):
        assert part in out


def test_a_type_that_cannot_match_its_property_is_warned(runner: CliRunner, tmp_path: Path) -> None:
    query = tmp_path / "by-year.rq"
    query.write_text("#+ param: year integer = 2020\nSELECT ?e WHERE { ?e gso:year ?year }\n")
    code, _, err = invoke(runner, "query", str(query), "--data", str(MINI))
    assert code == 0
    assert "parameter year is declared integer but gso:year holds xsd:gYear" in err
    query.write_text("#+ param: year gYear = 2020\nSELECT ?e WHERE { ?e gso:year ?year }\n")
    assert "declared" not in invoke(runner, "query", str(query), "--data", str(MINI))[2]


def test_param_works_where_the_option_does(runner: CliRunner) -> None:
    by_option = invoke(runner, "network", "central", "--edition", "2020", "--top", "3")
    by_param = invoke(runner, "network", "central", "--param", "edition=2020", "--top", "3")
    assert by_option[0] == by_param[0] == 0
    assert by_option[1] == by_param[1]


# --- exports -----------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # inside rdflib's JSON-LD parser
def test_json_ld_with_provenance_round_trips(runner: CliRunner, tmp_path: Path) -> None:
    import rdflib
    from pyld import jsonld  # type: ignore[import-untyped]

    nquads, document = tmp_path / "g.nq", tmp_path / "g.jsonld"
    assert invoke(runner, "export", "-o", str(nquads))[0] == 0
    code, _, err = invoke(runner, "export", "--provenance", "-o", str(document))
    assert code == 0, err
    expected = len([line for line in nquads.read_text().splitlines() if line.strip()])
    loaded = json.loads(document.read_text())
    assert any(
        "@graph" in node and str(node.get("@id", "")).startswith("claim:")
        for node in loaded["@graph"]
    )
    by_pyld = jsonld.to_rdf(loaded, {"format": "application/n-quads"})
    assert len([line for line in by_pyld.splitlines() if line.strip()]) == expected
    dataset = rdflib.Dataset()
    dataset.parse(data=document.read_text(), format="json-ld")
    assert len(list(dataset.quads((None, None, None, None)))) == expected


def test_export_refuses_an_unknown_extension(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "-o", str(tmp_path / "out.xyz")])
    assert_clean_error(
        result.exit_code, result.stdout, result.stderr, Case((), 2, "cannot tell the RDF syntax")
    )
    assert not (tmp_path / "out.xyz").exists()


# --- completion --------------------------------------------------------------------------


def complete(words: str, cache_dir: Path) -> list[str]:
    """What bash completion offers after ``words`` (the last word is being completed)."""
    import os
    import subprocess
    import sys

    gsekg = Path(sys.executable).parent / "gsekg"
    env = {
        **os.environ,
        "_GSEKG_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
        "GSEKG_CACHE_DIR": str(cache_dir),
    }
    done = subprocess.run([str(gsekg)], env=env, capture_output=True, text=True, check=False)
    return done.stdout.splitlines()


def test_completion_of_saved_queries_params_and_entities(cache_dir: Path) -> None:
    assert complete("gsekg queries co", cache_dir) == ["co-organisers"]
    assert "co-organisers" in complete("gsekg query co", cache_dir)
    assert complete("gsekg query co-organisers --param ", cache_dir) == ["edition="]
    assert "edition=" in complete("gsekg network central --param e", cache_dir)
    assert "ALECSO" in complete("gsekg describe ALE", cache_dir)
    assert {"NetDragon", "Net Dragon"} <= set(complete("gsekg path Net", cache_dir))


def test_why_and_stats_follow_the_piped_rule(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "why", "gse:gse2023", "gso:theme", "--data", str(MINI))
    assert code == 0 and out.startswith("subject\tproperty\tvalue\tclaim\tsource")
    code, out, _ = invoke(runner, "describe", "gse:alecso", "--data", str(MINI))
    assert code == 0 and json.loads(out)["name"] == "gse:alecso"


def test_an_iri_parameter_takes_an_entity_name(runner: CliRunner) -> None:
    by_name = invoke(runner, "query", "co-organisers", "--param", "edition=GSE 2022")
    by_iri = invoke(runner, "query", "co-organisers", "--param", "edition=gse:gse2022")
    assert by_name[0] == 0 and by_name[1] == by_iri[1]
    assert "https://w3id.org/gsekg/id/cicabeq," in by_name[1]
    result = runner.invoke(app, ["query", "co-organisers", "--param", "edition=nowhere"])
    assert_clean_error(
        result.exit_code, result.stdout, result.stderr, Case((), 1, "or the name of an entity")
    )
