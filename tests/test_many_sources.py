"""Many sources: two test articles that disagree, ranks, the best view, validation first.

The fixture ``tests/fixtures/many-sources`` holds two short articles written for the tests
(``corpus/``), their claims and a seed registry: article 900 says GSE 2025 started on
19 August with more than 1,200 on site, article 901 says 20 August (preferred) with more
than 1,300 (normal, like 900's figure).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES
from gsekg.cli import app
from gsekg.namespaces import PREFIXES

MANY = FIXTURES / "many-sources"
CORPUS = MANY / "corpus"
BAD_VALUES = FIXTURES / "bad-values.trig"
STARTS = (
    "SELECT ?start ?source ?rank WHERE { GRAPH ?c { gse:gse2025 schema:startDate ?start } "
    "?c prov:wasDerivedFrom/dcterms:identifier ?source ; gso:rank ?rank } ORDER BY ?start"
)
FIGURES = "SELECT ?v WHERE { gse:gse2025 gso:participation/schema:value ?v } ORDER BY ?v"
START = "SELECT ?start WHERE { gse:gse2025 schema:startDate ?start } ORDER BY ?start"


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def rows(out: str) -> list[str]:
    return out.strip().splitlines()[1:]


def test_contradicting_sources_validate(runner: CliRunner) -> None:
    code, out, _ = run(runner, "validate", "--data", str(MANY), "--corpus", str(CORPUS))
    assert code == 0, out
    assert out.strip().endswith("conforms: 0 violations, 0 warnings, 0 infos")


def test_both_start_dates_come_back_with_source_and_rank(runner: CliRunner) -> None:
    code, out, _ = run(runner, "query", "--data", str(MANY), STARTS)
    assert code == 0
    assert rows(out) == [
        "2025-08-19,900_a1b2c3d4e5f60718,https://w3id.org/gsekg/ontology#NormalRank",
        "2025-08-20,901_0f1e2d3c4b5a6978,https://w3id.org/gsekg/ontology#PreferredRank",
    ]


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_union_and_best_view(runner: CliRunner, engine: str) -> None:
    def answer(query: str, *view: str) -> list[str]:
        code, out, err = run(runner, "query", "--data", str(MANY), "--engine", engine, *view, query)
        assert code == 0, err
        return rows(out)

    assert answer(START) == ["2025-08-19", "2025-08-20"]
    assert answer(START, "--view", "union") == ["2025-08-19", "2025-08-20"]
    # the preferred claim wins for the start date
    assert answer(START, "--view", "best") == ["2025-08-20"]
    # both figures are normal: the best view keeps both
    assert answer(FIGURES, "--view", "best") == ["1200", "1300"]
    assert answer(FIGURES) == ["1200", "1300"]


def test_each_view_is_a_cached_store_of_its_own(runner: CliRunner, tmp_path: Path) -> None:
    """The union store is built without the best view; asking for it builds a second store
    (the same claim graphs, another default graph), which the next call finds cached."""
    cache = ["--cache-dir", str(tmp_path)]
    code, out, err = run(runner, "cache", "build", *cache, "--data", str(MANY))
    assert code == 0, err
    assert "\tview=union\t" in out
    assert answer_in(runner, [*cache, "--data", str(MANY)], "--view", "best") == ["2025-08-20"]
    code, out, err = run(runner, "cache", "info", *cache)
    assert code == 0, err
    lines = sorted(line.split("\t") for line in out.splitlines())
    assert sorted(f[5] for f in lines) == ["view=best", "view=union"]
    assert lines[0][3] == lines[1][3]  # the same claim graphs in both
    assert answer_in(runner, [*cache, "--data", str(MANY)]) == ["2025-08-19", "2025-08-20"]


def answer_in(runner: CliRunner, options: list[str], *view: str) -> list[str]:
    code, out, err = run(runner, "query", *options, *view, START)
    assert code == 0, err
    return rows(out)


def test_unknown_view_is_a_clean_error(runner: CliRunner) -> None:
    code, out, err = run(runner, "query", "--data", str(MANY), "--view", "worst", START)
    assert code == 2  # a bad option value is a usage error, like every other one
    assert out == ""
    assert "Invalid value for '--view': 'worst' is not one of union, best" in err


def test_describe_shows_both_dates_with_their_sources(runner: CliRunner) -> None:
    code, out, _ = run(runner, "describe", "gse:gse2025", "--data", str(MANY), "-f", "json")
    assert code == 0
    starts = {
        (row["value"], tuple(row["sources"]))
        for row in json.loads(out)["outgoing"]
        if row["property"] == "schema:startDate"
    }
    assert starts == {
        ("2025-08-19", ("900_a1b2c3d4e5f60718",)),
        ("2025-08-20", ("901_0f1e2d3c4b5a6978",)),
    }


def test_why_shows_both_claims_and_passages(runner: CliRunner) -> None:
    code, out, _ = run(
        runner,
        "why",
        "gse:gse2025",
        "schema:startDate",
        "--data",
        str(MANY),
        "--corpus",
        str(CORPUS),
    )
    assert code == 0
    assert "claim:900-dates" in out and "claim:901-dates" in out
    assert "«Global Smart Education Conference 2025 opened in Beijing on 19 August 2025»" in out
    assert "began on 20 August 2025 in Beijing»" in out


def test_why_gives_each_claim_its_rank(runner: CliRunner) -> None:
    code, out, _ = run(
        runner, "why", "gse:gse2025", "schema:startDate", "--data", str(MANY), "-f", "json"
    )
    assert code == 0
    ranks = {e["claim"]: e["rank"] for e in json.loads(out)}
    assert ranks == {"claim:900-dates": "normal", "claim:901-dates": "preferred"}
    code, text, _ = run(
        runner, "why", "gse:gse2025", "schema:startDate", "--data", str(MANY), "-f", "text"
    )
    assert "claim:901-dates  source 901_0f1e2d3c4b5a6978  rank preferred" in text
    assert "rank normal" not in text  # the usual rank is not repeated on every claim
    code, tsv, _ = run(runner, "why", "gse:gse2025", "schema:startDate", "--data", str(MANY))
    header, *rows = (line.split("\t") for line in tsv.splitlines())
    assert header[-1] == "rank"
    assert sorted((r[3], r[-1]) for r in rows) == [
        ("claim:900-dates", "normal"),
        ("claim:901-dates", "preferred"),
    ]


def test_why_of_the_preferred_reading_says_so(runner: CliRunner) -> None:
    code, out, _ = run(runner, "why", "gse:gsenet-initiative", "gso:preparer", "-f", "text")
    assert code == 0
    assert (
        "claim:002-gsenet-initiative-preparers  source 002_2b3a093da3c925aa  rank preferred" in out
    )


def test_best_view_of_the_bundled_graph_keeps_both_readings(runner: CliRunner) -> None:
    """002's 'It was prepared by': the initiative reading (the competency questions' reading) is
    preferred and the plan reading normal; they state different things, so the best view keeps
    both, as the union does."""
    preparers = "SELECT ?a WHERE { gse:gsenet-initiative gso:preparer ?a } ORDER BY ?a"
    implementers = "SELECT ?a WHERE { gse:joint-research-plan gso:implementer ?a } ORDER BY ?a"
    five = ["bnu", "col", "hse", "iste", "unesco-iite"]
    ranks = (
        "SELECT ?c ?r WHERE { ?c gso:rank ?r FILTER(?r != gso:NormalRank) "
        "FILTER(STRSTARTS(STR(?c), STR(claim:))) }"
    )
    for view in ("union", "best"):
        _, found, _ = run(runner, "query", "--view", view, preparers)
        assert [r.rsplit("/", 1)[-1] for r in rows(found)] == five
        _, found, _ = run(runner, "query", "--view", view, implementers)
        assert [r.rsplit("/", 1)[-1] for r in rows(found)] == five
    _, ranked, _ = run(runner, "query", ranks)
    assert rows(ranked) == [
        "https://w3id.org/gsekg/claim/002-gsenet-initiative-preparers,"
        "https://w3id.org/gsekg/ontology#PreferredRank"
    ]


# --- validation before inference ---------------------------------------------------------------


def test_bad_values_are_violation_lines(runner: CliRunner) -> None:
    code, out, err = run(runner, "validate", str(BAD_VALUES))
    assert code == 3
    assert "Traceback" not in out + err
    assert err.strip() == "Error: 4 violations"
    lines = [line.split("\t") for line in out.splitlines()[1:-1]]
    violations = {(check, focus) for severity, check, focus, *_ in lines if severity == "violation"}
    assert violations == {
        ("literal", "claim:000-bad-date"),
        ("shacl", "gse:gse2023-sponsor-beijing"),
        ("term", "gso:venueSize"),
    }
    assert (
        'bad-values.trig: claim:000-bad-date: ill-formed xsd:date literal "2023-02-30" '
        "(gse:gse2023 schema:endDate)"
    ) in out
    assert "A place is never the agent of a role other than partner or collaborator" in out
    assert "not declared by the ontology (used on gse:gse2023)" in out


ONLY_BAD_DATE = """
@prefix gse: <https://w3id.org/gsekg/id/> .
@prefix gso: <https://w3id.org/gsekg/ontology#> .
@prefix claim: <https://w3id.org/gsekg/claim/> .
@prefix src: <https://w3id.org/gsekg/source/> .
@prefix schema: <https://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
claim:000-only-bad { gse:gse2023 schema:endDate "2023-02-30"^^xsd:date . }
claim:000-only-bad a gso:Claim ; prov:wasDerivedFrom src:000_e16defdeedae4764 ;
    gso:rank gso:NormalRank ;
    gso:evidence [ a oa:SpecificResource ; oa:hasSource src:000_e16defdeedae4764 ;
        oa:hasSelector [ a oa:TextPositionSelector ; oa:start 0 ; oa:end 10 ] ] .
"""


def test_a_claim_of_only_an_ill_formed_date_is_not_also_called_empty(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "only-bad.trig"
    path.write_text(ONLY_BAD_DATE, encoding="utf-8")
    code, out, _ = run(runner, "validate", str(path))
    assert code == 3
    assert 'claim:000-only-bad: ill-formed xsd:date literal "2023-02-30"' in out
    assert "the claim graph is empty" not in out


def test_changed_article_fails_its_checksum_before_spans(runner: CliRunner, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    changed = corpus / "900_a1b2c3d4e5f60718.txt"
    changed.write_text("Shorter text.\n", encoding="utf-8")
    code, out, _ = run(runner, "validate", "--data", str(MANY), "--corpus", str(corpus))
    assert code == 3
    (line,) = [line for line in out.splitlines() if line.startswith("violation")]
    _, check, focus, _, message = line.split("\t")
    assert (check, focus) == ("source", "src:900_a1b2c3d4e5f60718")
    assert message.startswith("corpus file 900_a1b2c3d4e5f60718.txt has SHA-256 ")
    assert message.endswith("the article changed, so its spans are not checked")


def test_spans_past_the_end_are_caught_when_the_checksum_matches(
    runner: CliRunner, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(MANY, data)
    claims = data / "901_0f1e2d3c4b5a6978.trig"
    claims.write_text(
        claims.read_text(encoding="utf-8").replace("oa:end 178", "oa:end 1780"), encoding="utf-8"
    )
    code, out, _ = run(runner, "validate", "--data", str(data), "--corpus", str(data / "corpus"))
    assert code == 3
    assert "violation\tclaim\tclaim:901-on-site\t\tspan 139-1780 ends after the article" in out


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(MANY, data)
    claims = data / "901_0f1e2d3c4b5a6978.trig"
    text = claims.read_text(encoding="utf-8")
    assert old in text
    claims.write_text(text.replace(old, new), encoding="utf-8")
    return data


def test_one_source_cannot_give_two_start_dates(runner: CliRunner, tmp_path: Path) -> None:
    data = _variant(
        tmp_path,
        'schema:startDate "2025-08-20"^^xsd:date ;',
        'schema:startDate "2025-08-20"^^xsd:date , "2025-08-21"^^xsd:date ;',
    )
    code, out, _ = run(runner, "validate", "--data", str(data))
    assert code == 3
    assert (
        "violation\tshacl\tgse:gse2025\tschema:startDate\t"
        "A conference edition has at most one schema:startDate per source."
    ) in out.splitlines()


def test_year_and_start_date_agree_within_a_source(runner: CliRunner, tmp_path: Path) -> None:
    data = _variant(tmp_path, 'gso:year "2025"^^xsd:gYear', 'gso:year "2024"^^xsd:gYear')
    code, out, _ = run(runner, "validate", "--data", str(data))
    assert code == 3
    assert (
        "violation\tshacl\tgse:gse2025\t\t"
        "The gso:year of an edition must be the year of its schema:startDate."
    ) in out.splitlines()


def test_edition_known_only_by_its_year_validates(runner: CliRunner, tmp_path: Path) -> None:
    data = _variant(
        tmp_path,
        """        schema:startDate "2025-08-20"^^xsd:date ;
        schema:location gse:beijing .""",
        "        schema:superEvent gse:gse-series .",
    )
    (data / "900_a1b2c3d4e5f60718.trig").unlink()
    code, out, _ = run(runner, "validate", "--data", str(data), "--corpus", str(data / "corpus"))
    assert code == 0, out
    warnings = {line.split("\t")[3] for line in out.splitlines() if line.startswith("warning")}
    assert warnings == {"schema:startDate", "schema:location"}


LIST_900 = """
gse:lenovo a gso:Company ; skos:prefLabel "Lenovo"@en .
gse:iflytek a gso:Company ; skos:prefLabel "iFlytek"@en .
claim:900-sponsors {
    gse:gse2025-sponsor-lenovo a gso:Role ;
        gso:roleKind roles:sponsor ; gso:agent gse:lenovo ; gso:roleIn gse:gse2025 .
    gse:gse2025-sponsors-900 a gso:RoleList ;
        gso:roleKind roles:sponsor ; gso:roleIn gse:gse2025 ; gso:complete true .
}
claim:900-sponsors a gso:Claim ; prov:wasDerivedFrom src:900_a1b2c3d4e5f60718 ;
    gso:rank gso:NormalRank ;
    gso:evidence [ a oa:SpecificResource ; oa:hasSource src:900_a1b2c3d4e5f60718 ;
        oa:hasSelector [ a oa:TextPositionSelector ; oa:start 0 ; oa:end 10 ] ] .
claim:901-sponsors {
    gse:gse2025-sponsor-iflytek a gso:Role ;
        gso:roleKind roles:sponsor ; gso:agent gse:iflytek ; gso:roleIn gse:gse2025 .
}
claim:901-sponsors a gso:Claim ; prov:wasDerivedFrom src:901_0f1e2d3c4b5a6978 ;
    gso:rank gso:NormalRank ;
    gso:evidence [ a oa:SpecificResource ; oa:hasSource src:901_0f1e2d3c4b5a6978 ;
        oa:hasSelector [ a oa:TextPositionSelector ; oa:start 0 ; oa:end 10 ] ] .
"""


def test_a_complete_list_does_not_absorb_another_sources_roles(
    runner: CliRunner, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(MANY, data)
    prefixes = "".join(
        f"@prefix {p}: <{iri}> .\n"
        for p, iri in PREFIXES.items()
        if p in {"gse", "gso", "roles", "claim", "src", "prov", "oa", "skos"}
    )
    (data / "sponsors.trig").write_text(prefixes + LIST_900, encoding="utf-8")
    code, out, err = run(runner, "validate", "--data", str(data), "--corpus", str(CORPUS))
    assert code == 0, out + err
    code, out, _ = run(
        runner, "query", "sponsors", "--data", str(data), "--param", "edition=gse:gse2025"
    )
    assert code == 0
    assert rows(out) == [
        "https://w3id.org/gsekg/id/iflytek,",
        "https://w3id.org/gsekg/id/lenovo,true",
    ]
