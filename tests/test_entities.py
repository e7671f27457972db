"""Finding entities by name: normalising, resolving, ambiguity, fuzzy search, `gsekg search`."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import MINI
from gsekg.cli import app
from gsekg.engines import open_engine
from gsekg.entities import AmbiguousNameError, NameIndex, normalise, resolve_property
from gsekg.errors import NotFoundError
from gsekg.loader import parse_file
from gsekg.namespaces import GSE, PREFIXES
from gsekg.snapshot import Snapshot

INDEX = NameIndex(Snapshot.from_quads(parse_file(MINI)))


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> NameIndex:
    """The name index of the bundled graph (stated facts only, as ``describe`` uses it)."""
    cache = tmp_path_factory.mktemp("cache")
    with open_engine(inference=False, cache_dir=cache) as engine:
        return NameIndex(Snapshot.from_quads(engine.quads()))


def test_normalise_folds_case_accents_and_spaces() -> None:
    assert normalise("  Ça\u00a0va\n  Bien ") == "ca va bien"
    assert normalise("ALECSO") == normalise("alecso")


@pytest.mark.parametrize(
    "name",
    [
        "gse:alecso",
        "alecso",
        GSE + "alecso",
        f"<{GSE}alecso>",
        "ASLECSO",
        "aslecso",
        "ÁSLECSO",
        "ALSCO",
        "Arab League Educational,  Cultural and Scientific Organization",
    ],
)
def test_every_name_of_alecso_resolves(name: str) -> None:
    assert INDEX.resolve(name).value == GSE + "alecso"


def test_alias_from_a_claim_resolves() -> None:
    assert INDEX.resolve("net dragon").value == GSE + "netdragon"
    assert INDEX.resolve("World Smart Education Conference 2023").value == GSE + "gse2023"


def test_shared_alias_is_ambiguous_and_lists_both() -> None:
    with pytest.raises(AmbiguousNameError) as caught:
        INDEX.resolve("digital unit")
    assert caught.value.candidates == ["gse:bnu-digital-unit", "gse:iite-digital-unit"]
    assert caught.value.exit_code == 1


def test_unknown_name_suggests_the_nearest() -> None:
    with pytest.raises(NotFoundError) as caught:
        INDEX.resolve("Net Dragonn Ltd")
    assert caught.value.exit_code == 5
    assert any("gse:netdragon" in s for s in caught.value.suggestions)


def test_a_slug_of_nothing_is_not_found() -> None:
    with pytest.raises(NotFoundError):
        INDEX.resolve("gse:no-such-thing")


def test_search_ranks_the_exact_alias_first() -> None:
    hits = INDEX.search("Net Dragon", 3)
    assert hits[0].entity.value == GSE + "netdragon"
    assert (hits[0].matched, hits[0].kind, hits[0].score) == ("Net Dragon", "altLabel", 100.0)
    assert hits[0].types == ("gso:Company",)


def test_search_keeps_one_hit_per_entity_and_the_limit() -> None:
    hits = INDEX.search("ALECSO", 10)
    entities = [h.entity for h in hits]
    assert len(entities) == len(set(entities))
    assert len(INDEX.search("ALECSO", 1)) == 1


def test_search_does_not_index_ontology_terms() -> None:
    assert all(h.entity.value.startswith((GSE, PREFIXES["src"])) for h in INDEX.search("Role"))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("startDate", "schema:startDate"),
        ("startdate", "schema:startDate"),
        ("gso:theme", "gso:theme"),
        (PREFIXES["gso"] + "theme", "gso:theme"),
        ("misspelling", "gso:misspelling"),
    ],
)
def test_resolve_property(name: str, expected: str) -> None:
    prefix, _, local = expected.partition(":")
    assert resolve_property(INDEX.snapshot, name).value == PREFIXES[prefix] + local


def test_unknown_property_suggests() -> None:
    with pytest.raises(NotFoundError) as caught:
        resolve_property(INDEX.snapshot, "stratDate")
    assert "schema:startDate" in caught.value.suggestions


def invoke(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["search", *args, "--data", str(MINI)])
    return result.exit_code, result.stdout, result.stderr


def test_cli_search_tsv_when_piped(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "Net Dragon", "--limit", "2")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split("\t") == ["score", "entity", "label", "field", "matched"]
    assert lines[1].split("\t")[1:3] == ["gse:netdragon", "NetDragon"]
    assert len(lines) <= 3


def test_cli_search_json(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "aslecso", "-f", "json")
    assert code == 0
    first = json.loads(out)[0]
    assert (first["entity"], first["matched"], first["field"]) == (
        "gse:alecso",
        "ASLECSO",
        "misspelling",
    )


def test_cli_search_nothing_found_is_a_note(runner: CliRunner) -> None:
    code, out, err = invoke(runner, "zzzzqqqq")
    assert code == 0
    assert out.splitlines() == ["score\tentity\tlabel\tfield\tmatched"]
    assert "no good match" in err


def test_cli_search_rejects_a_bad_format(runner: CliRunner) -> None:
    code, _, err = invoke(runner, "x", "-f", "xml")
    assert code == 2, "an unknown --format value is a usage error, as typer's own checks are"
    assert "'xml' is not one of table, tsv, json" in err


# --- the bundled graph (competency question 18) -------------------------------------------


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        ("ASLECSO", "alecso"),
        ("ALSCO", "alecso"),
        ("GSNet", "gsenet"),
        ("Global Smart Education Network", "gsenet"),
        ("IITE", "unesco-iite"),
        ("UNESCO Institute for Information Technologies in Education", "unesco-iite"),
        ("Southeast Asia Ministers of Education Organization", "seameo"),
        ("Southeast Asian Ministers of Education Organization", "seameo"),
        ("World Smart Education Conference 2023", "gse2023"),
    ],
)
def test_bundled_names_of_the_same_thing(bundled: NameIndex, name: str, entity: str) -> None:
    assert bundled.resolve(name).value == GSE + entity


def test_bundled_search_net_dragon(bundled: NameIndex) -> None:
    assert bundled.search("Net Dragon", 1)[0].entity.value == GSE + "netdragon"
