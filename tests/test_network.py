"""The partnership network: building, filters, measures, exports and pictures.

Expected values come from tests/fixtures/net-mini.trig, worked out by hand
(see the comments), and for the bundled graph from the articles.
"""

from __future__ import annotations

import csv
import io
import json
import struct
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from gsekg.cli.app import app
from gsekg.engines import Engine, open_engine
from gsekg.errors import InputError, NotFoundError
from gsekg.network import (
    EXPORT_FORMATS,
    Evidence,
    Filters,
    Network,
    build_network,
    communities,
    ego,
    export_bytes,
    load_evidence,
    ranking,
    stats,
)
from gsekg.picture import Box, draw, label_text, layout

NET_MINI = Path(__file__).parent / "fixtures" / "net-mini.trig"


@pytest.fixture(scope="module")
def evidence(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Evidence]:
    """The evidence of the hand-written fixture graph."""
    cache = tmp_path_factory.mktemp("net-cache")
    with open_engine(data=(NET_MINI,), with_bundled=False, cache_dir=cache) as engine:
        yield load_evidence(engine)


@pytest.fixture(scope="module")
def bundled(bundled: Engine) -> Evidence:
    """The evidence of the bundled graph (the session's store, conftest)."""
    return load_evidence(bundled)


def edges(network: Network) -> dict[frozenset[str], int]:
    """Each edge (as a set of two slugs) with its weight."""
    return {
        frozenset(n.removeprefix("gse:") for n in (a, b)): w
        for a, b, w in network.graph.edges(data="weight")
    }


def slugs(network: Network) -> set[str]:
    return {n.removeprefix("gse:") for n in network.graph}


def pair(a: str, b: str) -> frozenset[str]:
    return frozenset((a, b))


# Building ------------------------------------------------------------------------------------


def test_fixture_network_by_hand(evidence: Evidence) -> None:
    network = build_network(evidence)
    # Weight = distinct (target, source) facts:
    # IITE-ALECSO: gse2020/004, forum/004, gsenet/000, gsenet/003.
    # BNU-IITE: gse2020/004 (organiser and co-organiser claims count once), gse2022/002, gsenet/000.
    # BNU-ALECSO: gse2020/004, gsenet/000.  NetDragon-IITE: e-library/002 and /003.
    assert edges(network) == {
        pair("unesco-iite", "alecso"): 4,
        pair("bnu", "unesco-iite"): 3,
        pair("bnu", "alecso"): 2,
        pair("netdragon", "unesco-iite"): 2,
        pair("slibnu", "unesco-iite"): 1,
        pair("slibnu", "alecso"): 1,
        pair("slibnu", "bnu"): 1,  # part-of (003)
        pair("lenovo", "iflytek"): 1,
        pair("lenovo", "bnu"): 1,
        pair("lenovo", "unesco-iite"): 1,
        pair("iflytek", "bnu"): 1,
        pair("iflytek", "unesco-iite"): 1,
        pair("col", "bnu"): 1,  # founding members (000); taking part in 2022 is no link
        pair("col", "unesco-iite"): 1,
        pair("col", "alecso"): 1,
    }
    data = network.graph.edges["gse:unesco-iite", "gse:alecso"]
    assert data["kinds"] == ("co-organiser", "founding-member", "founding-partner")
    assert {f.source for f in data["facts"]} == {
        "src:000_e16defdeedae4764",
        "src:003_9a262aed049202bf",
        "src:004_c4d78ee7870e79d4",
    }
    assert network.graph.nodes["gse:unesco-iite"]["short"] == "UNESCO IITE"
    assert network.graph.nodes["gse:unesco-iite"]["category"] == "UNESCO institute"


def test_every_edge_has_facts_with_sources_and_claims(evidence: Evidence) -> None:
    network = build_network(evidence, Filters(people=True))
    for a, b, facts in network.graph.edges(data="facts"):
        assert facts, (a, b)
        for fact in facts:
            assert fact.source.startswith("src:") and fact.claims
            ends = {s.agent for s in fact.statements}
            if fact.link != "shared":
                ends.add(fact.target)
            assert ends == {a, b}


def test_people_only_when_asked(evidence: Evidence) -> None:
    assert "svetlana-knyazeva" not in slugs(build_network(evidence))
    network = build_network(evidence, Filters(people=True))
    # keynote at the OER forum (with its co-organisers) and a post at IITE
    assert edges(network)[pair("svetlana-knyazeva", "unesco-iite")] == 2
    assert edges(network)[pair("svetlana-knyazeva", "alecso")] == 1
    assert network.graph.edges["gse:svetlana-knyazeva", "gse:unesco-iite"]["kinds"] == (
        "co-organiser",
        "keynote-speaker",
        "post",
    )


@pytest.mark.parametrize(
    ("filters", "nodes", "edge_count"),
    [
        # 2020: BNU organiser, IITE and ALECSO co-organisers; SLIBNU's part-of link needs both ends
        (Filters(edition=2020), {"bnu", "unesco-iite", "alecso"}, 3),
        # 2022: the co-hosts and the sponsors, not COL (it only took part)
        (Filters(edition=2022), {"bnu", "unesco-iite", "lenovo", "iflytek"}, 6),
        (Filters(sources=("004",)), {"bnu", "unesco-iite", "alecso"}, 3),
        (Filters(kinds=("sponsor",)), {"lenovo", "iflytek"}, 1),
        (Filters(kinds=("part-of",)), {"bnu", "slibnu"}, 1),
        (
            Filters(sources=("003",), part_of=False),
            {"slibnu", "unesco-iite", "alecso", "netdragon"},
            4,
        ),
    ],
)
def test_filters(evidence: Evidence, filters: Filters, nodes: set[str], edge_count: int) -> None:
    network = build_network(evidence, filters)
    assert slugs(network) == nodes
    assert network.graph.number_of_edges() == edge_count


def test_filters_change_weights_and_links(evidence: Evidence) -> None:
    assert (
        edges(build_network(evidence, Filters(sources=("004",))))[pair("unesco-iite", "alecso")]
        == 2
    )
    assert pair("slibnu", "bnu") not in edges(build_network(evidence, Filters(part_of=False)))
    without_2022 = build_network(evidence, Filters(exclude=("GSE 2022",)))
    assert not {"lenovo", "iflytek"} & slugs(without_2022)
    without_iite = build_network(evidence, Filters(exclude=("IITE",)))
    assert "unesco-iite" not in slugs(without_iite)
    assert without_iite.graph.degree["gse:netdragon"] == 0


@pytest.mark.parametrize(
    "filters",
    [
        Filters(edition=2019),
        Filters(sources=("009",)),
        Filters(kinds=("sponsr",)),
        Filters(exclude=("Nowhere University",)),
    ],
)
def test_filters_that_match_nothing(evidence: Evidence, filters: Filters) -> None:
    with pytest.raises(NotFoundError):
        build_network(evidence, filters)


# Measures ------------------------------------------------------------------------------------


def test_stats(evidence: Evidence) -> None:
    found = stats(build_network(evidence).graph)
    assert (found.nodes, found.edges, found.components, found.largest_component) == (8, 15, 1, 8)
    assert found.density == pytest.approx(15 / 28)
    assert found.diameter == 2  # everyone is a neighbour of IITE


@pytest.mark.parametrize("by", ["degree", "betweenness", "eigenvector", "pagerank"])
def test_iite_is_most_central_in_the_fixture(evidence: Evidence, by: str) -> None:
    ranked = ranking(build_network(evidence), by)
    assert ranked[0][0] == "gse:unesco-iite"
    assert len(ranked) == 8


def test_degree_ranking_by_hand(evidence: Evidence) -> None:
    # IITE links 7 nodes, BNU 6 (IITE, ALECSO, SLIBNU, COL, Lenovo, iFlytek)
    ranked = ranking(build_network(evidence), "degree", top=2)
    assert [(n, round(v * 7)) for n, v in ranked] == [("gse:unesco-iite", 7), ("gse:bnu", 6)]


def test_unknown_centrality(evidence: Evidence) -> None:
    with pytest.raises(InputError):
        ranking(build_network(evidence), "closeness")


def test_communities_are_a_stable_partition(evidence: Evidence) -> None:
    network = build_network(evidence)
    first, second = communities(network), communities(build_network(evidence))
    assert first == second
    assert sorted(n for group in first for n in group) == sorted(network.graph)


def test_ego(evidence: Evidence) -> None:
    network = build_network(evidence)
    assert slugs(ego(network, "gse:netdragon")) == {"netdragon", "unesco-iite"}
    assert len(ego(network, "gse:netdragon", depth=2).graph) == 8
    with pytest.raises(InputError):
        ego(network, "gse:netdragon", depth=0)


# Exports -------------------------------------------------------------------------------------


def _unquote(value: object) -> str:
    text = str(value)
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return text


def _read_dot(path: Path) -> nx.Graph[str]:
    pytest.importorskip("pydot")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyparsing warns about pydot's grammar on import
        read = nx.nx_pydot.read_dot(path)
    graph: nx.Graph[str] = nx.Graph()
    for node, data in read.nodes(data=True):
        graph.add_node(_unquote(node), **{k: _unquote(v) for k, v in data.items()})
    for a, b, data in read.edges(data=True):
        graph.add_edge(_unquote(a), _unquote(b), **{k: _unquote(v) for k, v in data.items()})
    return graph


def _read_csv(path: Path) -> nx.Graph[str]:
    graph: nx.Graph[str] = nx.Graph()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            graph.add_edge(row["source"], row["target"], weight=row["weight"], kinds=row["kinds"])
            graph.nodes[row["source"]]["label"] = row["source_label"]
            graph.nodes[row["target"]]["label"] = row["target_label"]
    return graph


def _read_json(path: Path) -> nx.Graph[str]:
    graph: nx.Graph[str] = nx.node_link_graph(json.loads(path.read_text()), edges="edges")
    for _, _, data in graph.edges(data=True):
        data["kinds"] = ";".join(data["kinds"])
        assert data["facts"] and all(f["source"] for f in data["facts"])
    return graph


READERS: dict[str, Callable[[Path], nx.Graph[str]]] = {
    "graphml": nx.read_graphml,
    "gexf": lambda path: nx.read_gexf(path, node_type=str),
    "json": _read_json,
    "dot": _read_dot,
    "csv": _read_csv,
}


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_export_reads_back_as_the_same_graph(evidence: Evidence, fmt: str, tmp_path: Path) -> None:
    network = build_network(evidence)
    path = tmp_path / f"network.{fmt}"
    path.write_bytes(export_bytes(network, fmt))
    read = READERS[fmt](path)
    assert set(read) == set(network.graph)
    assert {frozenset(e) for e in read.edges} == {frozenset(e) for e in network.graph.edges}
    for a, b, data in network.graph.edges(data=True):
        assert int(read.edges[a, b]["weight"]) == data["weight"]
        assert read.edges[a, b]["kinds"] == ";".join(data["kinds"])
    for node, label in network.graph.nodes(data="label"):
        assert read.nodes[node]["label"] == label


def test_unknown_export_format(evidence: Evidence) -> None:
    with pytest.raises(InputError):
        export_bytes(build_network(evidence), "pajek")


# Pictures ------------------------------------------------------------------------------------


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_png_picture_is_valid_and_repeatable(evidence: Evidence) -> None:
    network = build_network(evidence)
    first = draw(network, "png")
    assert first == draw(network, "png")
    assert _png_size(first) == (1600, 1200)


def test_svg_picture_is_valid_and_repeatable(evidence: Evidence) -> None:
    network = build_network(evidence)
    first = draw(network, "svg", colour_by="community")
    assert first == draw(network, "svg", colour_by="community")
    text = first.decode("utf-8")
    assert text.startswith("<?xml") and "<svg" in text and text.rstrip().endswith("</svg>")
    assert ">UNESCO IITE</text>" in text  # labels are text


def test_labels_are_acronyms_or_whole_names_on_two_lines() -> None:
    assert label_text({"short": "ALECSO", "label": "Arab League Educational, …"}) == "ALECSO"
    long = {
        "short": "China Association for…",
        "label": "China Association for Science and Technology",
    }
    assert label_text(long) == "China Association for\nScience and Technology"
    short = {"short": "Cardiff University", "label": "Cardiff University"}
    assert label_text(short) == "Cardiff University"


def _clash(first: tuple[float, float, Box], second: tuple[float, float, Box]) -> bool:
    (x1, y1, b1), (x2, y2, b2) = first, second
    across = abs(x1 - x2) < b1.half_width + b2.half_width - 1e-6
    up = y1 - b1.down < y2 + b2.up - 1e-6 and y2 - b2.down < y1 + b1.up - 1e-6
    return across and up


def test_layout_keeps_boxes_apart_and_inside() -> None:
    """A dense core (a clique of 8) with leaves, and a lone node: 16 boxes, none overlapping."""
    graph: nx.Graph[str] = nx.complete_graph([f"core{i}" for i in range(8)])
    graph.add_edges_from((f"core{i}", f"leaf{i}") for i in range(7))
    graph.add_node("lone")
    nodes = sorted(graph)
    boxes = [Box(half_width=45.0, up=8.0, down=30.0) for _ in nodes]
    positions = layout(graph, nodes, boxes, (800.0, 600.0))
    placed = [(float(x), float(y), box) for (x, y), box in zip(positions, boxes, strict=True)]
    for index, first in enumerate(placed):
        x, y, box = first
        assert box.half_width - 1e-6 <= x <= 800 - box.half_width + 1e-6
        assert box.down - 1e-6 <= y <= 600 - box.up + 1e-6
        assert not any(_clash(first, second) for second in placed[index + 1 :])
    assert (positions == layout(graph, nodes, boxes, (800.0, 600.0))).all()


def test_bundled_picture_is_small_and_repeatable(bundled: Evidence) -> None:
    network = build_network(bundled)
    first = draw(network, "png")
    assert first == draw(network, "png")
    assert _png_size(first) == (1600, 1200) and len(first) < 400_000
    svg = draw(network, "svg", colour_by="community")
    assert svg == draw(network, "svg", colour_by="community")
    assert ">UNESCO IITE</text>" in svg.decode("utf-8")


def test_picture_refuses_bad_requests(evidence: Evidence) -> None:
    with pytest.raises(InputError):
        draw(build_network(evidence), "gif")
    with pytest.raises(InputError):
        draw(
            build_network(evidence, Filters(kinds=("sponsor",), exclude=("Lenovo", "iFlytek"))),
            "png",
        )


# CLI -----------------------------------------------------------------------------------------


def _invoke(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--data", str(NET_MINI)])
    return result.exit_code, result.stdout, result.stderr


def test_cli_stats_and_central(runner: CliRunner) -> None:
    code, out, _ = _invoke(runner, "network", "stats", "-f", "json")
    assert code == 0 and json.loads(out)["edges"] == 15
    code, out, _ = _invoke(
        runner, "network", "central", "--by", "betweenness", "--top", "1", "-f", "json"
    )
    assert code == 0 and json.loads(out)[0]["id"] == "gse:unesco-iite"
    code, out, _ = _invoke(runner, "network", "stats", "--edition", "2020", "-f", "tsv")
    assert code == 0 and "nodes\t3" in out


def test_cli_communities_and_ego(runner: CliRunner) -> None:
    code, out, _ = _invoke(runner, "network", "communities", "-f", "json")
    assert code == 0 and sum(len(c) for c in json.loads(out)["communities"]) == 8
    code, out, _ = _invoke(runner, "network", "ego", "Net Dragon", "-f", "json")
    assert code == 0
    assert [n["id"] for n in json.loads(out)["neighbours"]] == ["gse:unesco-iite"]


def test_cli_export_and_picture(runner: CliRunner, tmp_path: Path) -> None:
    graphml = tmp_path / "net.graphml"
    code, _, _ = _invoke(runner, "network", "export", "-o", str(graphml))
    assert code == 0 and len(nx.read_graphml(graphml)) == 8
    code, out, _ = _invoke(runner, "network", "export", "--format", "csv")
    assert code == 0 and len(list(csv.reader(io.StringIO(out)))) == 16
    picture = tmp_path / "ego.svg"
    code, _, err = _invoke(runner, "network", "picture", "-o", str(picture), "--ego", "ALECSO")
    assert code == 0, err
    assert picture.read_bytes().startswith(b"<?xml")


def test_cli_errors(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = _invoke(runner, "network", "ego", "Nowhere University")
    assert code == 5 and err.startswith("Error: ")
    code, _, err = _invoke(runner, "network", "stats", "--kind", "sponsr")
    assert code == 5 and "sponsor" in err
    code, _, err = _invoke(runner, "network", "picture", "-o", str(tmp_path / "net.gif"))
    assert code == 1 and "gif" in err


# Bundled data (competency question 11) -------------------------------------------------------


def test_iite_and_bnu_lead_the_bundled_network(bundled: Evidence) -> None:
    network = build_network(bundled)
    by_degree = [n for n, _ in ranking(network, "degree", top=2)]
    assert by_degree == ["gse:unesco-iite", "gse:bnu"]
    by_betweenness = [n for n, _ in ranking(network, "betweenness", top=2)]
    assert by_betweenness == ["gse:unesco-iite", "gse:bnu"]


def test_places_are_not_partners(bundled: Evidence) -> None:
    """A country named as ALECSO's partner (001) is not an organisation: no node."""
    assert "gse:china" not in build_network(bundled).graph


def test_edition_2020_drops_the_2022_sponsors(bundled: Evidence) -> None:
    sponsors = {"gse:lenovo", "gse:iflytek", "gse:h3c"}
    assert sponsors & set(build_network(bundled).graph)
    in_2020 = build_network(bundled, Filters(edition=2020))
    assert not sponsors & set(in_2020.graph)
    assert {"gse:bnu", "gse:unesco-iite", "gse:alecso"} <= set(in_2020.graph)


def test_cli_missing_links_query_is_one_plain_line(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "edges.rq"
    code, out, err = _invoke(runner, "network", "stats", "--links-query", str(missing))
    assert code == 1 and out == ""
    assert err == f"Error: cannot read {missing}: No such file or directory\n"
