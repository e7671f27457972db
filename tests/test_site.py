"""``gsekg site``: the static website of the graph (pages, sources, passages, JSON-LD, bytes).

Expected values are written by hand from the articles and the data: GSE 2023's theme
(article 000), the three accounts of GSENet's founders (000 and 003 name the founding
members; SLIBNU only in 003, BNU only in 000).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gsekg.cli import app
from gsekg.engines import open_engine
from gsekg.resources import corpus_dir
from gsekg.site import MARKER, build_site

GSE = "https://w3id.org/gsekg/id/"
GSO = "https://w3id.org/gsekg/ontology#"
THEME_2023 = "Education Transformation and Data Governance"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Path:
    """The bundled graph's site, with passages when the corpus is at hand."""
    folder = tmp_path_factory.mktemp("site") / "out"
    found = corpus_dir()
    with open_engine(cache_dir=cache_dir) as engine:
        build_site(engine, folder, found if found is not None and found.is_dir() else None)
    return folder


class Page(HTMLParser):
    """The parts of a page the tests read: text, table rows, links, ids, JSON-LD scripts."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.scripts: list[tuple[str, str]] = []
        self.marks: list[str] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._href: str | None = None
        self._link: list[str] = []
        self._script: str | None = None
        self._mark: list[str] | None = None
        self.text_parts: list[str] = []
        self.feed(text)
        self.text = " ".join(" ".join(self.text_parts).split())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "tr":
            self._row = []
        elif tag == "td":
            self._cell = []
        elif tag == "a":
            self._href, self._link = found.get("href"), []
        elif tag == "script":
            self._script = str(found.get("type") or found.get("src") or "")
        elif tag == "mark":
            self._mark = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._link).split())))
            self._href = None
        elif tag == "script":
            self._script = None
        elif tag == "mark" and self._mark is not None:
            self.marks.append("".join(self._mark))
            self._mark = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self.scripts.append((self._script, data))
            return
        self.text_parts.append(data)
        for part in (self._cell, self._link if self._href is not None else None, self._mark):
            if part is not None:
                part.append(data)


def read(site: Path, path: str) -> Page:
    return Page((site / path).read_text(encoding="utf-8"))


def test_every_entity_has_a_page(site: Path, cache_dir: Path) -> None:
    with open_engine(cache_dir=cache_dir) as engine:
        rows = engine.query(
            "SELECT DISTINCT ?e WHERE { ?e a ?t ; skos:prefLabel ?l . "
            'FILTER(STRSTARTS(STR(?e), "https://w3id.org/gsekg/id/")) '
            "FILTER NOT EXISTS { ?e a gso:Role } FILTER NOT EXISTS { ?e a gso:Quantity } "
            "FILTER NOT EXISTS { ?e a org:Post } FILTER NOT EXISTS { ?e a gso:RoleList } "
            "FILTER NOT EXISTS { ?e a gso:Approval } FILTER NOT EXISTS { ?e a gso:Partnership } }"
        ).rows
    expected = {f"{row[0].value.removeprefix(GSE)}.html" for row in rows}  # type: ignore[union-attr]
    pages = {p.name for p in (site / "entity").iterdir()}
    assert len(pages) == 123  # as `gsekg stats` counts entities
    assert pages == expected
    index = read(site, "index.html")
    linked = {href for href, _ in index.links if href.startswith("entity/")}
    assert linked == {f"entity/{name}" for name in pages}
    for heading in ("Editions", "Organisations (40)", "People (6)", "Source articles"):
        assert heading in index.text
    assert {"source/" + p.name for p in (site / "source").iterdir()} == {
        f"source/{s}.html"
        for s in (
            "000_e16defdeedae4764",
            "001_ec682e7534bf026a",
            "002_2b3a093da3c925aa",
            "003_9a262aed049202bf",
            "004_c4d78ee7870e79d4",
        )
    }


def test_a_fact_shows_its_source_and_claim(site: Path) -> None:
    page = read(site, "entity/gse2023.html")
    theme = [row for row in page.rows if row[:2] == ["theme", THEME_2023]]
    assert theme == [["theme", THEME_2023, "000"]]
    assert ("#c-000-gse2023-theme", "000") in page.links
    assert "c-000-gse2023-theme" in page.ids
    assert (
        "../source/000_e16defdeedae4764.html",
        "000 · ALECSO news item on GSE 2023 and the Beijing Declaration",
    ) in page.links
    # the edition's names, with the misspellings and acronyms of the articles
    names = {row[0]: row[1] for row in page.rows if len(row) == 3 and row[1] != "theme"}
    assert names["Global Smart Education Conference 2023"] == "prefLabel"


def test_passages_are_highlighted(site: Path, corpus: Path) -> None:
    page = read(site, "entity/gse2023.html")
    assert f"under the theme of “{THEME_2023}”" in page.marks
    source = read(site, "source/000_e16defdeedae4764.html")
    assert f"under the theme of “{THEME_2023}”" in source.marks
    assert "Passages are not shown" not in source.text


def test_without_corpus_spans_are_listed_without_text(tmp_path: Path, cache_dir: Path) -> None:
    with open_engine(cache_dir=cache_dir) as engine:
        summary = build_site(engine, tmp_path / "site", None)
    assert summary.passages == 0 and summary.missing_passages > 0
    page = read(tmp_path / "site", "entity/gse2023.html")
    assert page.marks == []
    assert "000 [370-435]: the article was not available when the site was built" in page.text


def test_sources_that_differ_are_side_by_side(site: Path) -> None:
    page = read(site, "entity/gsenet.html")
    assert "Where the sources differ" in page.text
    table = {row[0]: row[1:] for row in page.rows if len(row) == 3 and row[0] != "value"}
    assert table["Smart Learning Institute of Beijing Normal University"] == ["—", "003"]
    assert table["Beijing Normal University"] == ["000", "—"]
    assert table["Commonwealth of Learning"] == ["000", "003"]
    overview = read(site, "differences.html")
    assert ("entity/gsenet.html", "Global Smart Education Network") in overview.links


def test_pages_embed_their_data_as_json_ld(site: Path) -> None:
    from rdflib import Dataset, Literal, URIRef

    from gsekg.bridge import quiet_rdflib

    pages = sorted(site.rglob("*.html"))
    assert len(pages) == 123 + 5 + 5
    for path in pages:
        scripts = [
            text
            for kind, text in read(site, str(path.relative_to(site))).scripts
            if kind == "application/ld+json"
        ]
        assert len(scripts) == 1, path
        json.loads(scripts[0])
    script = next(
        text
        for kind, text in read(site, "entity/gse2023.html").scripts
        if kind == "application/ld+json"
    )
    with quiet_rdflib():
        dataset = Dataset()
        dataset.parse(data=script, format="json-ld")
    fact = (URIRef(GSE + "gse2023"), URIRef(GSO + "theme"), Literal(THEME_2023, lang="en"))
    claim = URIRef("https://w3id.org/gsekg/claim/000-gse2023-theme")
    assert fact in dataset.graph(claim)
    assert fact in dataset.default_graph
    derived = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
    source = URIRef("https://w3id.org/gsekg/source/000_e16defdeedae4764")
    assert (claim, derived, source) in dataset.default_graph


def test_same_graph_same_bytes(site: Path, tmp_path: Path, cache_dir: Path) -> None:
    """A second build, by the other engine (other blank-node ids), gives identical files."""
    found = corpus_dir()
    with open_engine(engine="rdflib", cache_dir=cache_dir) as engine:
        build_site(engine, tmp_path / "again", found if found and found.is_dir() else None)
    first = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    second = {
        p.relative_to(tmp_path / "again"): p.read_bytes()
        for p in (tmp_path / "again").rglob("*")
        if p.is_file()
    }
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_site_is_self_contained(site: Path) -> None:
    """Nothing is loaded from elsewhere: every src/href of a script, style or image is local."""
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r'<(?:script|link|img)[^>]*(?:src|href)="([^"]+)"', text):
            assert "://" not in match.group(1) and not match.group(1).startswith("//"), path
            assert (path.parent / match.group(1)).resolve().is_file(), (path, match.group(1))
    assert (site / MARKER).is_file()
    assert "fetch(" not in (site / "assets" / "network.js").read_text(encoding="utf-8")


HOSTILE = """
@prefix gse: <https://w3id.org/gsekg/id/> .
@prefix gso: <https://w3id.org/gsekg/ontology#> .
@prefix claim: <https://w3id.org/gsekg/claim/> .
@prefix src: <https://w3id.org/gsekg/source/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix oa: <http://www.w3.org/ns/oa#> .

src:a a gso:SourceArticle ; dcterms:identifier "a" ; skos:prefLabel "Source <b>A</b>"@en .
src:b a gso:SourceArticle ; dcterms:identifier "b" ; skos:prefLabel "Source B"@en .
gse:evil a gso:Organisation ;
    skos:prefLabel "Evil </script><script>alert(1)</script> & Co"@en .

claim:a-date { gse:evil schema:foundingDate "2001" . }
claim:a-date a gso:Claim ; prov:wasDerivedFrom src:a ; gso:rank gso:PreferredRank ;
    oa:hasSelector [ a oa:TextPositionSelector ; oa:start 0 ; oa:end 5 ] .
claim:b-date { gse:evil schema:foundingDate "\\"><img src=x onerror=alert(2)>" . }
claim:b-date a gso:Claim ; prov:wasDerivedFrom src:b ; gso:rank gso:DeprecatedRank ;
    oa:hasSelector [ a oa:TextPositionSelector ; oa:start 0 ; oa:end 5 ] .
"""


def test_hostile_text_is_escaped_and_ranks_are_shown(tmp_path: Path) -> None:
    data = tmp_path / "hostile.trig"
    data.write_text(HOSTILE, encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("In 2001 it began.", encoding="utf-8")
    with open_engine(data=[data], with_bundled=False, cache_dir=tmp_path / "cache") as engine:
        build_site(engine, tmp_path / "site", corpus)
    text = (tmp_path / "site" / "entity" / "evil.html").read_text(encoding="utf-8")
    assert "<script>alert" not in text and "<img src=x" not in text
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in text
    assert text.count("<script") == 1  # only the JSON-LD block
    page = Page(text)
    rows = {row[0]: row[1:] for row in page.rows if len(row) == 3 and row[0] != "value"}
    assert rows["2001"] == ["a preferred", "—"]
    assert rows['"><img src=x onerror=alert(2)>'] == ["—", "b deprecated"]
    assert page.marks == ["In 20"]
    assert "b [0-5]: the article was not available when the site was built" in page.text
    script = next(t for kind, t in page.scripts if kind == "application/ld+json")
    assert "</script" not in script and json.loads(script)["@graph"]


@dataclass(frozen=True)
class Case:
    """A bad ``gsekg site`` call: arguments (``@`` = the test's folder), exit code, message."""

    args: tuple[str, ...]
    code: int
    message: str = ""


CASES = {
    "folder that is not a site": Case(("-o", "@/notsite"), 1, "is not a site built by gsekg"),
    "file in place of the folder": Case(("-o", "@/file.txt"), 1, "is not a site built by gsekg"),
    "missing parent folder": Case(("-o", "@/missing/site"), 1, "does not exist"),
    "no output folder": Case((), 2, "Missing option"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_site_calls(name: str, runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "notsite").mkdir()
    (tmp_path / "notsite" / "keep.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "file.txt").write_text("mine", encoding="utf-8")
    case = CASES[name]
    args = [a.replace("@", str(tmp_path), 1) if a.startswith("@") else a for a in case.args]
    result = runner.invoke(app, ["site", *args, "--corpus", str(tmp_path)])
    assert result.exit_code == case.code, result.output
    assert "Traceback" not in result.output
    assert case.message in result.stderr
    if case.code == 1:
        assert result.stderr.count("Error:") == 1
    assert (tmp_path / "notsite" / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_cli_builds_and_replaces_its_own_site(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "site"
    first = runner.invoke(app, ["site", "-o", str(folder), "--corpus", str(tmp_path / "none")])
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith(f"{folder}/index.html\t133 pages\t123 entities\t0 passages")
    assert "corpus folder" in first.stderr
    (folder / "stale.html").write_text("old", encoding="utf-8")
    again = runner.invoke(app, ["site", "-o", str(folder), "--corpus", str(tmp_path / "none")])
    assert again.exit_code == 0, again.output
    assert not (folder / "stale.html").exists()
    assert (folder / "index.html").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_ranks_of_the_two_readings(site: Path) -> None:
    """Article 002's 'It was prepared by': the initiative reading is preferred, the plan's
    implementers normal; normal ranks are not badged."""
    page = read(site, "entity/gsenet-initiative.html")
    roles = [row for row in page.rows if row and row[0] == "role"]
    assert len(roles) == 5
    assert {row[-1] for row in roles} == {"002 preferred"}
    assert "Rank reason: The likelier reading" in page.text
    assert ["launched at", "Global Smart Education Conference 2022", "002"] in page.rows
    plan = read(site, "entity/joint-research-plan.html")
    assert any(row and row[0] == "role" and row[-1] == "002" for row in plan.rows)
