"""Whole-graph export: deterministic bytes, provenance as named graphs, only used prefixes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import RunGsekg
from gsekg.atomic import open_atomic, write_bytes, write_text
from gsekg.errors import InputError
from gsekg.export import canonical_quads, export_bytes
from gsekg.namespaces import PREFIXES

MINI = Path(__file__).parent / "fixtures" / "mini.trig"
DEFAULT = ox.DefaultGraph()


class MiniEngine:
    """The engine's ``quads()`` contract on the mini graph: claims copied into the default graph."""

    def __init__(self, path: Path = MINI) -> None:
        self.quads_read = list(ox.parse(path=path, format=ox.RdfFormat.TRIG))

    def quads(self) -> Iterator[ox.Quad]:
        yield from self.quads_read
        for q in self.quads_read:
            if q.graph_name != DEFAULT:
                yield ox.Quad(q.subject, q.predicate, q.object)


def parse(data: bytes, fmt: ox.RdfFormat) -> set[ox.Quad]:
    return set(ox.parse(data, format=fmt))


def test_trig_keeps_claims_as_named_graphs_without_copies() -> None:
    engine = MiniEngine()
    data = export_bytes(engine, "trig")
    back = ox.Dataset(ox.parse(data, format=ox.RdfFormat.TRIG))
    source = ox.Dataset(engine.quads_read)
    assert len(back) == len(source)
    claim = ox.NamedNode(PREFIXES["claim"] + "004-dates")
    assert len(list(back.quads_for_graph_name(claim))) == 2
    start = ox.NamedNode(PREFIXES["schema"] + "startDate")
    in_default = [q for q in back.quads_for_predicate(start) if q.graph_name == DEFAULT]
    assert in_default == []


def test_triple_formats_give_the_simple_view() -> None:
    engine = MiniEngine()
    data = export_bytes(engine, "turtle")
    triples = {
        ox.Triple(q.subject, q.predicate, q.object) for q in parse(data, ox.RdfFormat.TURTLE)
    }
    start = ox.NamedNode(PREFIXES["schema"] + "startDate")
    gse2020 = ox.NamedNode(PREFIXES["gse"] + "gse2020")
    assert any(t.subject == gse2020 and t.predicate == start for t in triples)
    expected = {ox.Triple(q.subject, q.predicate, q.object) for q in engine.quads_read}
    assert len(triples) == len(expected)


def test_nquads_without_provenance_is_the_simple_view() -> None:
    data = export_bytes(MiniEngine(), "nquads", provenance=False)
    assert all(q.graph_name == DEFAULT for q in parse(data, ox.RdfFormat.N_QUADS))


@pytest.mark.parametrize("fmt", ["turtle", "trig", "nquads", "ntriples", "xml", "json-ld"])
def test_export_is_deterministic(fmt: str) -> None:
    first = export_bytes(MiniEngine(), fmt)
    engine = MiniEngine()
    engine.quads_read.reverse()
    assert export_bytes(engine, fmt) == first


def test_blank_nodes_are_canonical() -> None:
    quads = canonical_quads(MiniEngine().quads(), provenance=True)
    labels = {t.value for q in quads for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)}
    assert labels and all(label.startswith("c14n") for label in labels)


def test_only_used_prefixes_are_declared() -> None:
    text = export_bytes(MiniEngine(), "turtle").decode()
    declared = {
        line.split()[1].rstrip(":") for line in text.splitlines() if line.startswith("@prefix")
    }
    assert declared == {
        "gse",
        "gso",
        "roles",
        "claim",
        "src",
        "schema",
        "org",
        "prov",
        "oa",
        "skos",
        "dcterms",
        "xsd",
    }
    assert "owl" not in declared and "sh" not in declared


def test_json_ld_is_compacted_with_a_context() -> None:
    document = json.loads(export_bytes(MiniEngine(), "json-ld"))
    assert document["@context"]["gse"] == PREFIXES["gse"]
    ids = {node["@id"] for node in document["@graph"]}
    assert "gse:unesco-iite" in ids


def test_provenance_needs_a_dataset_format() -> None:
    with pytest.raises(InputError, match="--provenance needs"):
        export_bytes(MiniEngine(), "turtle", provenance=True)


def test_empty_graph_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.trig"
    empty.write_text("")
    with pytest.raises(InputError, match="nothing to export"):
        export_bytes(MiniEngine(empty), "turtle")


def test_unknown_format() -> None:
    with pytest.raises(InputError, match="unknown export format"):
        export_bytes(MiniEngine(), "csv")


def test_atomic_write_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    write_text(target, "old\n")
    target.chmod(0o640)
    write_bytes(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


def test_interrupted_write_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    write_text(target, "old\n")
    with pytest.raises(KeyboardInterrupt), open_atomic(target) as handle:
        handle.write("half")
        raise KeyboardInterrupt
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


def test_atomic_write_into_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        write_text(tmp_path / "no" / "x.txt", "x")


def test_bundled_evidence_is_labelled_from_content_alone(run_gsekg: RunGsekg) -> None:
    """Evidence nodes citing the same span look alike to RDFC-1.0's first step; the hash
    labels still tell them apart by their claim, so the export is quiet and stable."""
    first = run_gsekg("export", "-f", "nquads")
    assert first.returncode == 0 and first.stderr == "", first.stderr
    assert run_gsekg("export", "-f", "nquads").stdout == first.stdout
    labels = {t for line in first.stdout.splitlines() for t in line.split() if t.startswith("_:")}
    assert labels and not any("n" in label.removeprefix("_:h") for label in labels)
