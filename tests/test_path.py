"""``gsekg path``: shortest paths between organisations, each hop with its facts and sources."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gsekg.cli.app import app
from gsekg.engines import open_engine
from gsekg.errors import InputError, NotFoundError
from gsekg.network import Filters, build_network, load_evidence, resolve_node, shortest_paths

NET_MINI = Path(__file__).parent / "fixtures" / "net-mini.trig"


def path_json(runner: CliRunner, *args: str, mini: bool = True) -> dict[str, Any]:
    data = ["--data", str(NET_MINI)] if mini else []
    result = runner.invoke(app, ["path", *args, "--format", "json", *data])
    assert result.exit_code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def hop_summary(hop: dict[str, Any]) -> set[tuple[str, str]]:
    """The (target, source prefix) facts of one hop."""
    return {(f["target"], f["source"][:3]) for f in hop["facts"]}


def test_netdragon_reaches_alecso_through_iite(runner: CliRunner) -> None:
    # by any name: "Net Dragon" is an alias, "ASLECSO" a misspelling
    found = path_json(runner, "Net Dragon", "ASLECSO")
    assert found["hops"] == 2 and len(found["paths"]) == 1
    first, second = found["paths"][0]
    assert (first["from"]["id"], first["to"]["id"], second["to"]["id"]) == (
        "gse:netdragon",
        "gse:unesco-iite",
        "gse:alecso",
    )
    assert hop_summary(first) == {
        ("gse:e-library-for-teachers", "002"),
        ("gse:e-library-for-teachers", "003"),
    }
    assert hop_summary(second) == {
        ("gse:gse2020", "004"),
        ("gse:gse2020-forum-oer", "004"),
        ("gse:gsenet", "000"),
        ("gse:gsenet", "003"),
    }
    assert second["weight"] == 4


def test_every_hop_has_a_fact_with_a_source(runner: CliRunner) -> None:
    found = path_json(runner, "Lenovo", "SLIBNU", "--all")
    # Lenovo-{BNU, IITE}-SLIBNU: two shortest paths of two hops
    assert len(found["paths"]) == 2
    for hops in found["paths"]:
        assert len(hops) == 2
        for hop in hops:
            assert hop["facts"]
            for fact in hop["facts"]:
                assert fact["source"] and fact["statements"]
                assert all(s["claim"].startswith("claim:") for s in fact["statements"])
    # without --all the path with more facts comes first: via IITE (1+1) ties BNU (1+1),
    # so the labels decide: Beijing Normal University sorts first
    one = path_json(runner, "Lenovo", "SLIBNU")
    assert [h["to"]["id"] for h in one["paths"][0]] == ["gse:bnu", "gse:slibnu"]


def test_table_output(runner: CliRunner) -> None:
    result = runner.invoke(app, ["path", "NetDragon", "ALECSO", "--data", str(NET_MINI)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split("\t")[:5] == ["path", "hop", "from", "to", "via"]
    assert len(lines) == 1 + 2 + 4  # header, two facts on hop 1, four on hop 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Nowhere University", "ALECSO"], "did you mean"),
        (["Lenovo", "ALECSO", "--edition", "2020"], "not in the network"),
        (["Svetlana Knyazeva", "BNU"], "people are left out"),
        (["NetDragon", "ALECSO", "--max-hops", "1"], "more than the limit of 1"),
        (["NetDragon", "ALECSO", "--exclude", "IITE"], "no path between"),
    ],
)
def test_not_found_is_exit_5(runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["path", *args, "--data", str(NET_MINI)])
    assert result.exit_code == 5
    assert result.stderr.startswith("Error: ") and message in result.stderr


def test_people_paths(runner: CliRunner) -> None:
    found = path_json(runner, "Svetlana Knyazeva", "ALECSO", "--people")
    (hop,) = found["paths"][0]
    kinds = {k for f in hop["facts"] for k in f["kinds"]}
    assert kinds == {"keynote-speaker", "co-organiser"}


def test_core_refuses_a_path_to_itself(tmp_path: Path) -> None:
    with open_engine(data=(NET_MINI,), with_bundled=False, cache_dir=tmp_path) as engine:
        network = build_network(load_evidence(engine), Filters())
    bnu = resolve_node(network, "BNU")
    with pytest.raises(InputError):
        shortest_paths(network, bnu, bnu)
    with pytest.raises(NotFoundError):
        resolve_node(network, "GSE 2020")  # an event, not a node


# Bundled data (competency question 10) -------------------------------------------------------


def test_netdragon_to_alecso_in_the_bundled_graph(runner: CliRunner) -> None:
    found = path_json(runner, "NetDragon", "ALECSO", mini=False)
    assert found["hops"] == 2
    first, second = found["paths"][0]
    assert first["to"]["id"] == "gse:unesco-iite"
    # E-Library for Teachers: built by IITE and NetDragon (002, 003)
    assert {s for t, s in hop_summary(first) if "library" in t} == {"002", "003"}
    # co-organising the 2020 OER forum (004); GSENet founders (000, 003)
    facts = hop_summary(second)
    assert ("gse:gse2020-forum-oer", "004") in facts
    assert {("gse:gsenet", "000"), ("gse:gsenet", "003")} <= facts
