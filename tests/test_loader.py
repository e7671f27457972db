"""Reading RDF files (every syntax, error positions) and building the dataset (simple view,
rules, inference without trivial triples)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from gsekg.build import OWLRL_LIMIT, build
from gsekg.engines import OxigraphEngine, open_engine
from gsekg.errors import InputError
from gsekg.loader import expand, parse_file

EX = "http://example.org/"
GSE = "https://w3id.org/gsekg/id/"
GSO = "https://w3id.org/gsekg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

# One graph, the same two triples, in every syntax the loader reads.
SAME_GRAPH = {
    "g.ttl": '@prefix ex: <http://example.org/> .\nex:a ex:p "x" ; ex:q ex:b .\n',
    "g.nt": '<http://example.org/a> <http://example.org/p> "x" .\n'
    "<http://example.org/a> <http://example.org/q> <http://example.org/b> .\n",
    "g.nq": '<http://example.org/a> <http://example.org/p> "x" .\n'
    "<http://example.org/a> <http://example.org/q> <http://example.org/b> .\n",
    "g.trig": '@prefix ex: <http://example.org/> .\n{ ex:a ex:p "x" ; ex:q ex:b . }\n',
    "g.n3": '@prefix ex: <http://example.org/> .\nex:a ex:p "x" ; ex:q ex:b .\n',
    "g.rdf": '<?xml version="1.0"?>\n'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:ex="http://example.org/">\n'
    '  <rdf:Description rdf:about="http://example.org/a"><ex:p>x</ex:p>'
    '<ex:q rdf:resource="http://example.org/b"/></rdf:Description>\n</rdf:RDF>\n',
    "g.jsonld": '{"@id": "http://example.org/a", "http://example.org/p": "x",'
    ' "http://example.org/q": {"@id": "http://example.org/b"}}',
}
EXPECTED = {
    ox.Quad(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.Literal("x")),
    ox.Quad(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "q"), ox.NamedNode(EX + "b")),
}

ONTOLOGY = """\
@prefix gso: <https://w3id.org/gsekg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> .
gso:University a owl:Class ; rdfs:subClassOf gso:Organisation .
gso:Organisation a owl:Class ; rdfs:subClassOf schema:Organization .
org:heldBy a owl:ObjectProperty ; owl:inverseOf org:holds .
gso:coOrganiser a owl:ObjectProperty ; rdfs:subPropertyOf schema:contributor ;
    rdfs:range [ a owl:Class ; owl:unionOf ( gso:Organisation schema:Person ) ] .
"""
CLAIMS = """\
@prefix gse: <https://w3id.org/gsekg/id/> .
@prefix gso: <https://w3id.org/gsekg/ontology#> .
@prefix claim: <https://w3id.org/gsekg/claim/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix org: <http://www.w3.org/ns/org#> .
claim:001-a { gse:gse2022 gso:coOrganiser gse:bnu . gse:bnu a gso:University . }
claim:001-b { gse:post-x org:heldBy gse:x . }
claim:001-a a gso:Claim ; prov:wasDerivedFrom <https://w3id.org/gsekg/source/001> .
claim:001-b a gso:Claim ; prov:wasDerivedFrom <https://w3id.org/gsekg/source/001> .
"""
RULE = """\
PREFIX gso: <https://w3id.org/gsekg/ontology#>
CONSTRUCT { ?agent gso:coOrganises ?event } WHERE { ?event gso:coOrganiser ?agent }
"""


@pytest.fixture
def graph_files(tmp_path: Path) -> list[Path]:
    """An ontology and a TriG file with two claims."""
    ontology = tmp_path / "ontology.ttl"
    ontology.write_text(ONTOLOGY, encoding="utf-8")
    claims = tmp_path / "claims.trig"
    claims.write_text(CLAIMS, encoding="utf-8")
    return [ontology, claims]


@pytest.mark.parametrize("name", sorted(SAME_GRAPH))
def test_every_syntax_is_read_by_extension(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(SAME_GRAPH[name], encoding="utf-8")
    assert set(parse_file(path)) == EXPECTED


def test_expand_takes_files_and_searches_folders(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("b.ttl", "sub/a.trig", "notes.txt"):
        (tmp_path / name).write_text("", encoding="utf-8")
    single = tmp_path / "b.ttl"
    assert expand([tmp_path]) == [tmp_path / "b.ttl", tmp_path / "sub" / "a.trig"]
    assert expand([single]) == [single]


def test_expand_refuses_missing_paths_and_unknown_extensions(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        expand([tmp_path / "missing.ttl"])
    notes = tmp_path / "notes.txt"
    notes.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="unknown RDF file extension"):
        expand([notes])


def test_a_syntax_error_names_file_line_column_and_text(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix a: <http://example.org/> .\na:b a:c a:d .\na:b a:c b:d .\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        list(parse_file(bad))
    message = str(caught.value)
    # line 3, the undeclared b:d starts at column 9 (1-based) and is 3 characters long
    assert message.startswith(f"{bad}:3:9: ")
    assert "b:" in message
    assert message.endswith("\n  a:b a:c b:d .\n          ^^^")
    assert caught.value.exit_code == 1


def test_columns_count_characters_not_bytes(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nt"
    bad.write_text('<http://example.org/é> <http://example.org/p> "x .\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        list(parse_file(bad))
    # the unterminated string starts after 22 + 1 + 22 + 1 characters
    assert str(caught.value).startswith(f"{bad}:1:47: ")


def test_a_query_error_points_into_the_users_text(tmp_path: Path) -> None:
    engine = open_engine(data=[], with_bundled=False, cache_dir=tmp_path)
    with pytest.raises(InputError) as caught:
        engine.query("SELECT *\nWHERE { ?s ?p ?o .\n  ?s gse:x ?o ?? }")
    message = str(caught.value)
    assert message.startswith("query:3:")  # the predeclared prefixes add no lines
    assert "\n    ?s gse:x ?o ?? }\n" in message


def test_the_default_graph_is_the_union_of_the_claims(graph_files: list[Path]) -> None:
    store = ox.Store()
    build(store, graph_files, inference=False)
    default = set(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    triples = {q.triple for q in default}
    for claim in ("001-a", "001-b"):
        graph = ox.NamedNode(f"https://w3id.org/gsekg/claim/{claim}")
        named = {q.triple for q in store.quads_for_pattern(None, None, None, graph)}
        assert named and named <= triples
    assert len(list(store.named_graphs())) == 2


def test_rules_and_inference_reach_the_default_graph_only(
    graph_files: list[Path], tmp_path: Path
) -> None:
    rule = tmp_path / "rule.rq"
    rule.write_text(RULE, encoding="utf-8")
    store = ox.Store()
    stats = build(store, graph_files, rules=[rule], inference=True)
    assert stats.inference == "owl-rl"

    def has(s: str, p: str, o: str, graph: ox.NamedNode | ox.DefaultGraph) -> bool:
        return ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), graph) in store

    default = ox.DefaultGraph()
    claim = ox.NamedNode("https://w3id.org/gsekg/claim/001-a")
    org = "https://schema.org/Organization"
    assert has(GSE + "bnu", GSO + "coOrganises", GSE + "gse2022", default)  # the rule
    assert has(GSE + "bnu", RDF_TYPE, GSO + "Organisation", default)  # subclass
    assert has(GSE + "bnu", RDF_TYPE, org, default)  # transitive subclass
    assert has(GSE + "gse2022", "https://schema.org/contributor", GSE + "bnu", default)
    assert has(GSE + "x", "http://www.w3.org/ns/org#holds", GSE + "post-x", default)  # inverse
    assert not has(GSE + "bnu", RDF_TYPE, GSO + "Organisation", claim)


def test_inference_leaves_out_trivial_triples(graph_files: list[Path]) -> None:
    plain, inferred = ox.Store(), ox.Store()
    build(plain, graph_files, inference=False)
    build(inferred, graph_files, inference=True)
    new = set(inferred) - set(plain)
    assert new
    junk_objects = {
        "http://www.w3.org/2000/01/rdf-schema#Resource",
        "http://www.w3.org/2002/07/owl#Thing",
        "http://www.w3.org/2002/07/owl#Nothing",
    }
    axiom_namespaces = (
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "http://www.w3.org/2000/01/rdf-schema#",
        "http://www.w3.org/2002/07/owl#",
        "http://www.w3.org/2001/XMLSchema#",
    )
    for quad in new:
        assert quad.graph_name == ox.DefaultGraph()
        assert not quad.subject.value.startswith(axiom_namespaces), quad
        assert getattr(quad.object, "value", None) not in junk_objects, quad
        assert quad.subject != quad.object, quad  # no reflexive sameAs / subClassOf
        if quad.predicate.value == RDF_TYPE:  # no literal types, no anonymous classes
            assert isinstance(quad.object, ox.NamedNode), quad


def test_large_graphs_get_rdfs_lite_inference(
    graph_files: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("gsekg.build.OWLRL_LIMIT", 5)
    store = ox.Store()
    stats = build(store, graph_files, inference=True)
    assert stats.inference == "rdfs-lite"
    assert OWLRL_LIMIT > 5
    default = ox.DefaultGraph()
    bnu = ox.NamedNode(GSE + "bnu")
    for cls in (GSO + "Organisation", "https://schema.org/Organization"):
        assert ox.Quad(bnu, ox.NamedNode(RDF_TYPE), ox.NamedNode(cls), default) in store
    holds = ox.Quad(
        ox.NamedNode(GSE + "x"),
        ox.NamedNode("http://www.w3.org/ns/org#holds"),
        ox.NamedNode(GSE + "post-x"),
        default,
    )
    assert holds in store


@pytest.mark.parametrize("mode", ["none", "owl-rl", "rdfs-lite"])
def test_build_counts_what_the_store_holds(
    graph_files: list[Path], monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    # the counts are kept as the build goes, not read from the store: they must agree
    if mode == "rdfs-lite":
        monkeypatch.setattr("gsekg.build.OWLRL_LIMIT", 5)
    store = ox.Store()
    stats = build(store, graph_files, inference=mode != "none")
    assert stats.inference == mode
    assert stats.quads == len(store)
    assert stats.named_graphs == len(list(store.named_graphs())) == 2


def test_bundled_build_counts_what_the_store_holds(bundled: OxigraphEngine) -> None:
    stats = bundled.build_stats
    assert stats is not None
    assert stats["view"] == "union"
    assert stats["inference"] == "owl-rl"
    assert stats["quads"] == len(bundled.store)
    assert stats["named_graphs"] == len(list(bundled.store.named_graphs()))


RANKED = """\
@prefix gso: <https://w3id.org/gsekg/ontology#> .
@prefix : <https://example.org/> .
:g1 gso:rank gso:PreferredRank .
:g2 gso:rank gso:NormalRank .
:g3 gso:rank gso:DeprecatedRank .
:g1 { :s :p :a . }
:g2 { :s :p :b . :s :q :c . }
:g3 { :s :r :d . }
:g4 { :s :p :e . :t :p :f . :s :p :a . }
"""


def test_each_view_is_the_default_graph_of_its_own_store(tmp_path: Path) -> None:
    data = tmp_path / "ranked.trig"
    data.write_text(RANKED, encoding="utf-8")

    def default_graph(view: str) -> tuple[set[str], int, ox.Store]:
        store = ox.Store()
        stats = build(store, [data], inference=False, view=view)
        ex = "https://example.org/"
        triples = {
            f"{q.subject.value.removeprefix(ex)} {q.predicate.value.removeprefix(ex)} "
            f"{q.object.value.removeprefix(ex)}"
            for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
            if q.predicate.value.startswith(ex)
        }
        return triples, stats.view_triples, store

    union, copied, union_store = default_graph("union")
    assert union == {"s p a", "s p b", "s q c", "s r d", "s p e", "t p f"}
    assert copied == 7  # one copy per claim triple (s p a is stated twice)
    best, chosen, best_store = default_graph("best")
    # s p: the preferred claim's value only; s q and t p: nobody preferred, every claim
    # that is not deprecated (a graph without a rank is normal); s r: deprecated, left out
    assert best == {"s p a", "s q c", "t p f"}
    assert chosen == 3  # g4's s p a is outranked: copied once, from g1
    # the claim graphs are the same in both stores; no view graph among them
    named = {str(g) for g in union_store.named_graphs()}
    assert named == {str(g) for g in best_store.named_graphs()}
    assert named == {f"<https://example.org/g{n}>" for n in range(1, 5)}
