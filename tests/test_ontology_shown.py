"""The schema shown: the model picture (docs/model.svg) and the HTML docs (docs/ontology/).

The terms and definitions are read from the ontology here with plain SPARQL, not
through gsekg.vocabulary, so that a term the reader drops is caught.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
import rdflib
from typer.testing import CliRunner

from gsekg.cli import app
from gsekg.errors import EngineError
from gsekg.ontodoc import ontology_html
from gsekg.schema_picture import (
    graphviz_version,
    model_dot,
    recorded_digest,
    render_svg,
    source_digest,
)
from gsekg.vocabulary import ontology_graph, read_vocabulary
from test_bad_inputs import Case, assert_clean_error  # the same table shape and check

DOCS = Path(__file__).resolve().parents[1] / "docs"
MODEL_SVG = DOCS / "model.svg"
ONTOLOGY_HTML = DOCS / "ontology" / "index.html"
REGENERATE = "regenerate with: make docs"
needs_graphviz = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz 'dot' not installed (apt-get install graphviz)"
)

TERMS = """
SELECT ?term ?kind ?text WHERE {
  VALUES (?type ?kind) {
    (owl:Class "class") (owl:ObjectProperty "property") (owl:DatatypeProperty "property")
    (owl:AnnotationProperty "property") (skos:Concept "role kind")
  }
  ?term a ?type .
  FILTER(isIRI(?term))
  OPTIONAL { ?term skos:definition|rdfs:comment|skos:scopeNote ?text }
}
"""


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    return ontology_graph()


@pytest.fixture(scope="module")
def page(graph: rdflib.Graph) -> str:
    return ontology_html(graph)


class _Links(HTMLParser):
    """Collects element ids, local links (#…) and the text of each id'd section."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.local_links: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(str(found["id"]))
        href = found.get("href")
        if href and href.startswith("#"):
            self.local_links.append(href[1:])


def parse(page: str) -> _Links:
    links = _Links()
    links.feed(page)
    links.close()
    return links


def section(page: str, anchor: str) -> str:
    """The HTML of one term's section."""
    found = re.search(
        rf'<section class="term" id="{re.escape(anchor)}">(.*?)</section>', page, re.S
    )
    assert found, f"no section #{anchor}"
    return found.group(1)


def sections_by_iri(page: str) -> dict[str, str]:
    """Each term section's HTML, by the IRI it documents."""
    found = {}
    for body in re.findall(r'<section class="term" id="[^"]+">(.*?)</section>', page, re.S):
        iri = re.search(r"<dt>IRI</dt><dd><code>([^<]+)</code>", body)
        assert iri, body
        found[iri.group(1)] = body
    return found


# --- HTML documentation -------------------------------------------------------------------


def test_every_class_property_and_role_kind_is_documented_with_its_definition(
    graph: rdflib.Graph, page: str
) -> None:
    import html

    rows = list(graph.query(TERMS))
    kinds = {str(kind) for _, kind, _ in rows}
    assert kinds == {"class", "property", "role kind"}
    assert len({term for term, _, _ in rows}) > 150
    sections = sections_by_iri(page)
    for term, _kind, text in rows:
        body = sections[str(term)]
        assert text is not None, f"{term} has no definition in the ontology"
        assert html.escape(str(text), quote=True) in body, f"{term}: definition missing"


def test_the_ontology_header_and_sections_are_there(page: str) -> None:
    assert "<title>gsekg ontology</title>" in page
    for heading in ("Classes", "Properties", "Role kinds"):
        assert f">{heading}</h2>" in page


def test_every_anchor_resolves_and_ids_are_unique(page: str) -> None:
    links = parse(page)
    assert len(links.ids) == len(set(links.ids))
    missing = sorted(set(links.local_links) - set(links.ids))
    assert not missing, missing
    assert len(links.local_links) > 400


def test_a_role_kind_shows_its_broader_kind_and_direct_property(page: str) -> None:
    body = section(page, "roles-co-host")
    assert 'href="#roles-host"' in body
    assert re.search(r"<dt>direct property</dt><dd>[^<]*<a [^>]*>gso:coHost</a>", body)
    assert "Shares the hosting of an event" in body
    assert 'href="#roles-co-host"' in section(page, "roles-host")  # narrower, the other way


def test_a_property_shows_domain_range_and_super_property(page: str) -> None:
    body = section(page, "gso-roleKind")
    domain = re.search(r"<dt>domain</dt><dd>(.*?)</dd>", body)
    assert domain and "gso:Role<" in domain.group(1) and "gso:RoleList<" in domain.group(1)
    assert re.search(r"<dt>range</dt><dd><a [^>]*>skos:Concept</a>", body)
    assert re.search(r"<dt>close match</dt><dd><a [^>]*>prov:hadRole</a>", body)
    assert "<dt>subproperty of</dt>" not in body  # not prov:hadRole: its domain would mistype
    keynote = section(page, "gso-keynoteSpeaker")
    assert re.search(r'<dt>subproperty of</dt><dd><a class="term" href="#gso-speaker">', keynote)


def test_a_class_shows_its_shape_constraints(page: str) -> None:
    body = section(page, "gso-Quantity")
    assert "constraints (SHACL shapes)" in body
    assert "A quantity says what it counts with exactly one gso:counts text." in body


def test_the_page_is_deterministic(graph: rdflib.Graph, page: str) -> None:
    assert ontology_html(ontology_graph()) == page


def test_everything_from_the_graph_is_escaped(tmp_path: Path) -> None:
    hostile = tmp_path / "onto"
    hostile.mkdir()
    (hostile / "x.ttl").write_text(
        """
@prefix gso: <https://w3id.org/gsekg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/gsekg/ontology> a owl:Ontology ; rdfs:label "T </title><script>x()</script>" .
gso:Evil a owl:Class ; rdfs:label "a \\"quoted\\" <b>label</b>" ;
    skos:definition "Ends </p><script>alert('x')</script> & more." ;
    rdfs:subClassOf <javascript:alert(1)> .
gso:p a owl:ObjectProperty ; skos:definition "p" ; rdfs:domain gso:Evil ; rdfs:range gso:Evil .
""",
        encoding="utf-8",
    )
    page = ontology_html(ontology_graph(hostile))
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more." in page
    assert 'href="javascript:' not in page
    assert "a &quot;quoted&quot; &lt;b&gt;label&lt;/b&gt;" in page
    dot = model_dot(read_vocabulary(ontology_graph(hostile)))
    assert "&lt;javascript:alert(1)&gt;" in dot  # inside an HTML-like label: escaped
    assert '"https://w3id.org/gsekg/ontology#Evil" -> "https://w3id.org/gsekg/ontology#Evil"' in dot
    if shutil.which("dot"):
        svg = render_svg(dot)
        assert svg.startswith(b"<?xml") and b"<script" not in svg


def test_committed_html_docs_are_fresh(page: str) -> None:
    assert ONTOLOGY_HTML.is_file(), f"{ONTOLOGY_HTML} is missing; {REGENERATE}"
    assert ONTOLOGY_HTML.read_text(encoding="utf-8") == page, f"stale docs; {REGENERATE}"


# --- model picture ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dot(graph: rdflib.Graph) -> str:
    return model_dot(read_vocabulary(graph))


def arrows(dot: str) -> set[tuple[str, str, str]]:
    """(domain, label, range) of every labelled arrow, with compact names."""
    from gsekg.namespaces import compact

    found = re.findall(r'^  "([^"]+)" -> "([^"]+)" \[label="([^"]+)"\];$', dot, re.M)
    return {
        (compact(a), label, compact(b)) for a, b, labels in found for label in labels.split(", ")
    }


def test_every_class_is_in_the_picture(graph: rdflib.Graph, dot: str) -> None:
    boxes = set(re.findall(r'^  "([^"]+)" \[label=<', dot, re.M))
    listed_names = set(re.findall(r"[\w:]+", re.sub(r"<[^>]*>", " ", dot)))
    for (term,) in graph.query("SELECT ?c WHERE { ?c a owl:Class FILTER(isIRI(?c)) }"):
        short = str(term).removeprefix("https://w3id.org/gsekg/ontology#")
        from gsekg.namespaces import compact

        assert str(term) in boxes or short in listed_names or compact(str(term)) in listed_names, (
            term
        )


def test_the_n_ary_nodes_attach_as_the_model_says(dot: str) -> None:
    drawn = arrows(dot)
    expected = {
        ("gso:Role", "roleKind", "skos:Concept"),
        ("gso:RoleList", "roleKind", "skos:Concept"),
        ("gso:RoleList", "unnamedCount", "gso:Quantity"),
        ("gso:Role", "inCapacity", "org:Post"),
        ("gso:Role", "agent", "schema:Person"),
        ("gso:Role", "agent", "gso:Organisation"),
        ("gso:Quantity", "partOfQuantity", "gso:Quantity"),
        ("gso:Quantity", "qualifier", "gso:QuantityQualifier"),
        ("schema:Event", "participation", "gso:Quantity"),
        ("org:Post", "org:heldBy", "schema:Person"),
        ("org:Post", "org:postIn", "gso:Organisation"),
        ("gso:Claim", "prov:wasDerivedFrom", "gso:SourceArticle"),
        ("gso:Claim", "evidence", "oa:SpecificResource"),
        ("gso:Claim", "rank", "gso:Rank"),
        ("oa:SpecificResource", "oa:hasSource", "gso:SourceArticle"),
        ("oa:SpecificResource", "oa:hasSelector", "oa:TextPositionSelector"),
    }
    assert expected <= drawn, expected - drawn
    assert re.search(
        r'"https://w3id.org/gsekg/ontology#ConferenceEdition" -> "https://schema.org/Event" '
        r"\[arrowhead=empty",
        dot,
    )
    organisation = re.search(r'ontology#Organisation" \[label=<(.*?)>, fillcolor', dot)
    assert organisation
    assert "⊑ org:Organization, prov:Agent," in organisation[1]  # wrapped after the comma
    quantity = re.search(r'ontology#Quantity" \[label=<(.*?)>, fillcolor', dot)
    assert quantity and "counts: text" in quantity.group(1)
    assert "instances: almost, exactly, lessThan, over" in dot
    role = re.search(r'ontology#Role" \[label=<(.*?)>, fillcolor', dot)
    assert role and "≈ conf:RoleDuringEvent, pro:RoleInTime" in role[1]


def test_the_dot_text_is_deterministic(dot: str) -> None:
    assert model_dot(read_vocabulary(ontology_graph())) == dot


@needs_graphviz
def test_the_svg_is_deterministic(dot: str) -> None:
    first = render_svg(dot)
    assert first == render_svg(dot)
    assert recorded_digest(first.decode("utf-8")) == source_digest(dot)


def test_committed_picture_is_fresh(dot: str) -> None:
    """docs/model.svg was drawn from today's ontology (same DOT text), byte-equal if same dot."""
    assert MODEL_SVG.is_file(), f"{MODEL_SVG} is missing; {REGENERATE}"
    committed = MODEL_SVG.read_text(encoding="utf-8")
    ElementTree.fromstring(committed.encode("utf-8"))  # well-formed XML
    assert recorded_digest(committed) == source_digest(dot), f"stale picture; {REGENERATE}"
    if shutil.which("dot") is None:
        return
    fresh = render_svg(dot).decode("utf-8")
    if graphviz_version(fresh) == graphviz_version(committed):
        assert fresh == committed, f"stale picture; {REGENERATE}"


def test_missing_graphviz_is_a_clean_engine_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(EngineError, match="Graphviz is not installed"):
        render_svg("digraph model {}")


# --- CLI ----------------------------------------------------------------------------------


def test_cli_docs_writes_index_html(runner: CliRunner, tmp_path: Path, page: str) -> None:
    target = tmp_path / "ontology"
    result = runner.invoke(app, ["ontology", "docs", "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    assert (target / "index.html").read_text(encoding="utf-8") == page
    result = runner.invoke(app, ["ontology", "docs", "-o", str(tmp_path / "one.html")])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "one.html").read_text(encoding="utf-8") == page


def test_cli_picture_dot_and_svg(runner: CliRunner, tmp_path: Path, dot: str) -> None:
    result = runner.invoke(app, ["ontology", "picture", "-f", "dot"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == dot
    if shutil.which("dot"):
        out = tmp_path / "model.svg"
        result = runner.invoke(app, ["ontology", "picture", "-o", str(out)])
        assert result.exit_code == 0, result.stderr
        assert out.read_bytes() == render_svg(dot)


CASES: dict[str, Case] = {
    "picture: unknown format": Case(("ontology", "picture", "-f", "png"), 2, "'--format'"),
    "picture: a .png name": Case(("ontology", "picture", "-o", "@tmp/x.png"), 2, "'--output'"),
    "picture: missing ontology folder": Case(
        ("ontology", "picture", "--ontology", "@tmp/nowhere"), 1, "does not exist"
    ),
    "picture: bad Turtle": Case(("ontology", "picture", "--ontology", "@tmp/bad"), 1, "Turtle"),
    "picture: empty folder": Case(
        ("ontology", "picture", "--ontology", "@tmp/empty"), 1, "no ontology files"
    ),
    "picture: output folder missing": Case(
        ("ontology", "picture", "-f", "dot", "-o", "@tmp/nowhere/x.dot"), 1, "does not exist"
    ),
    "docs: output parent missing": Case(
        ("ontology", "docs", "-o", "@tmp/nowhere/deeper"), 1, "does not exist"
    ),
    "docs: output is a file": Case(("ontology", "docs", "-o", "@tmp/bad/x.ttl"), 1, "not a folder"),
    "docs: no output": Case(("ontology", "docs"), 2, "--output"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input(runner: CliRunner, tmp_path: Path, case: Case) -> None:
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "x.ttl").write_text("@prefix : <x> . :a :b", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    args = [a.replace("@tmp", str(tmp_path)) for a in case.args]
    result = runner.invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert_clean_error(result.exit_code, result.stdout, result.stderr, case)


@pytest.mark.parametrize("args", [["ontology", "--help"], ["ontology", "docs", "--help"]])
def test_ontology_help_does_not_import_heavy_libraries(args: list[str]) -> None:
    import json
    import subprocess
    import sys

    from test_help_imports import HEAVY, PROBE

    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert "Usage:" in done.stdout, done.stderr
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []
