"""The saved-query catalog: every file in queries/ parses, headers, typed parameters."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from gsekg import queries
from gsekg.errors import InputError, NotFoundError
from gsekg.namespaces import GSE, PREFIXES
from gsekg.resources import queries_dir

XSD = PREFIXES["xsd"]
BUNDLED = queries.catalog()


@pytest.mark.parametrize("saved", BUNDLED, ids=[q.name for q in BUNDLED])
def test_every_saved_query_parses(saved: queries.SavedQuery) -> None:
    assert saved.error is None, f"{saved.path}: {saved.error}"
    assert saved.header.title and saved.header.description


@pytest.mark.parametrize("saved", BUNDLED, ids=[q.name for q in BUNDLED])
def test_every_saved_query_has_an_expected_result(saved: queries.SavedQuery) -> None:
    header, _ = queries.read_expected(saved)
    assert header, f"{saved.expected_path} has an empty header"


def test_every_rq_file_is_in_the_catalog() -> None:
    on_disk = sorted(p.stem for p in queries_dir().glob("*.rq"))
    assert [q.name for q in BUNDLED] == on_disk


GOOD = """#+ title: Sponsors of an edition
#+ description: Who sponsored one edition.
#+ description: A second sentence.
#+ param: edition iri = gse:gse2022 -- the edition
#+ param: since gYear = 2020 -- first year
#+ param: name string = "Global Smart" -- a name fragment
#+ param: n integer -- how many
#+ ordered: true
SELECT ?sponsor WHERE { ?edition schema:sponsor ?sponsor ; gso:year ?y .
  FILTER(?y >= ?since && CONTAINS(STR(?sponsor), ?name)) } LIMIT 10
# ?n is used here only in a comment
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return path


def test_header_is_read() -> None:
    header = queries.parse_header(GOOD)
    assert header.title == "Sponsors of an edition"
    assert header.description == "Who sponsored one edition. A second sentence."
    assert header.ordered is True
    assert [(p.name, p.type, p.default) for p in header.params] == [
        ("edition", "iri", "gse:gse2022"),
        ("since", "gYear", "2020"),
        ("name", "string", '"Global Smart"'),
        ("n", "integer", None),
    ]
    assert header.params[0].description == "the edition"


def test_a_query_without_header_has_an_empty_one() -> None:
    assert queries.parse_header("SELECT * { ?s ?p ?o }") == queries.Header()


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("#+ titel: x", "KEY one of"),
        ("#+ title x", "KEY one of"),
        ("#+ title:", "has no value"),
        ("#+ title: a\n#+ title: b", "more than one 'title'"),
        ("#+ ordered: maybe", "true or false"),
        ("#+ param: x", "malformed parameter"),
        ("#+ param: x colour -- c", "unknown type 'colour'"),
        ("#+ param: x integer = ten -- c", "'ten' is not a valid integer"),
        ("#+ param: x date = 2020-02-30 -- c", "calendar date"),
        ("#+ param: x iri = nope:x -- c", "not an IRI"),
        ("#+ param: x string -- a\n#+ param: x string -- b", "more than once"),
    ],
)
def test_malformed_headers(header: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        queries.parse_header(header + "\nSELECT * {}")


@pytest.mark.parametrize(
    ("kind", "value", "term"),
    [
        ("iri", "gse:bnu", ox.NamedNode(GSE + "bnu")),
        ("iri", "<https://example.org/x>", ox.NamedNode("https://example.org/x")),
        ("iri", "https://example.org/x", ox.NamedNode("https://example.org/x")),
        ("iri", "urn:isbn:123", ox.NamedNode("urn:isbn:123")),
        ("string", 'x" } DROP ALL #', ox.Literal('x" } DROP ALL #')),
        ("integer", "-42", ox.Literal("-42", datatype=ox.NamedNode(XSD + "integer"))),
        ("decimal", "3.50", ox.Literal("3.50", datatype=ox.NamedNode(XSD + "decimal"))),
        ("boolean", "TRUE", ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))),
        ("boolean", "0", ox.Literal("false", datatype=ox.NamedNode(XSD + "boolean"))),
        ("date", "2020-08-20", ox.Literal("2020-08-20", datatype=ox.NamedNode(XSD + "date"))),
        ("gYear", "2022", ox.Literal("2022", datatype=ox.NamedNode(XSD + "gYear"))),
    ],
)
def test_param_values(kind: str, value: str, term: Any) -> None:
    assert queries.param_term(queries.Param("p", kind, None, "d"), value) == term


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("iri", "bnu"),
        ("iri", "unknown:x"),
        ("iri", "<http://e/a b>"),
        ("iri", "<not absolute>"),
        ("iri", "mailto:x@y"),
        ("iri", "gse:x> } DROP ALL #"),
        ("integer", "1.5"),
        ("integer", ""),
        ("decimal", "1e3"),
        ("boolean", "yes"),
        ("date", "20-08-2020"),
        ("date", "2021-02-29"),
        ("gYear", "22"),
    ],
)
def test_ill_typed_param_values(kind: str, value: str) -> None:
    with pytest.raises(InputError, match="parameter p: "):
        queries.param_term(queries.Param("p", kind, None, "d"), value)


def test_bind_fills_defaults_and_checks() -> None:
    header = queries.parse_header(GOOD)
    bound = queries.bind_params(header, ["n=3", "since=2021"])
    assert bound["edition"] == ox.NamedNode(GSE + "gse2022")
    assert bound["since"].value == "2021"
    assert bound["name"] == ox.Literal("Global Smart")
    assert bound["n"].value == "3"
    with pytest.raises(InputError, match="missing parameter n"):
        queries.bind_params(header, [])
    with pytest.raises(InputError, match="unknown parameter colour"):
        queries.bind_params(header, ["n=1", "colour=red"])
    with pytest.raises(InputError, match="NAME=VALUE"):
        queries.bind_params(header, ["n"])
    with pytest.raises(InputError, match="more than once"):
        queries.bind_params(header, ["n=1", "n=2"])
    with pytest.raises(InputError, match="declares: none"):
        queries.bind_params(queries.Header(), ["x=1"])


def test_catalog_lists_broken_queries_with_their_error(tmp_path: Path) -> None:
    write(tmp_path, "good", GOOD.replace("#+ param: n integer -- how many\n", ""))
    write(tmp_path, "no-title", "#+ description: d\nSELECT * {}")
    write(tmp_path, "bad-sparql", "#+ title: t\n#+ description: d\nSELECT * {\n  ?s ?p\n}")
    write(tmp_path, "unused", "#+ title: t\n#+ description: d\n#+ param: x string -- c\nASK {}")
    write(tmp_path, "Bad_Name", "#+ title: t\n#+ description: d\nASK {}")
    (tmp_path / "not-a-query.txt").write_text("x")
    found = {q.name: q.error for q in queries.catalog(tmp_path)}
    assert found["good"] is None
    assert "no '#+ title:'" in (found["no-title"] or "")
    assert "malformed SPARQL" in (found["bad-sparql"] or "")
    assert "5:" in (found["bad-sparql"] or "")
    assert "not used as ?x" in (found["unused"] or "")
    assert "lower-case" in (found["Bad_Name"] or "")
    assert set(found) == {"good", "no-title", "bad-sparql", "unused", "Bad_Name"}


def test_load_suggests_nearest_names(tmp_path: Path) -> None:
    for name in ("sponsors-of-edition", "editions", "forums"):
        write(tmp_path, name, "#+ title: t\n#+ description: d\nASK {}")
    assert queries.load("editions", tmp_path).name == "editions"
    with pytest.raises(NotFoundError, match="did you mean: editions") as caught:
        queries.load("edition", tmp_path)
    assert caught.value.exit_code == 5
    with pytest.raises(NotFoundError, match="sponsors-of-edition"):
        queries.load("sponsors", tmp_path)
    with pytest.raises(NotFoundError):
        queries.load("../etc/passwd", tmp_path)


def test_load_refuses_a_malformed_query(tmp_path: Path) -> None:
    write(tmp_path, "broken", "#+ title: t\n#+ description: d\nSELECT {")
    with pytest.raises(InputError, match=r"broken .* is malformed"):
        queries.load("broken", tmp_path)


def test_read_expected_and_compare(tmp_path: Path) -> None:
    saved = queries.SavedQuery("q", write(tmp_path, "q", "ASK {}"), "ASK {}")
    saved.expected_path.write_text('a,b\ngse:x,"1,5"\n,z\n', encoding="utf-8")
    header, rows = queries.read_expected(saved)
    assert header == ["a", "b"]
    assert rows == [("gse:x", "1,5"), ("", "z")]
    assert queries.same_rows(list(reversed(rows)), rows, ordered=False)
    assert not queries.same_rows(list(reversed(rows)), rows, ordered=True)
    assert not queries.same_rows(rows + rows[:1], rows, ordered=False)
    saved.expected_path.write_text("a,b\nonly-one\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2: 1 cells"):
        queries.read_expected(saved)


@dataclass
class FakeResult:
    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)


def test_normalise() -> None:
    lang = ox.Literal("Beijing", language="en")
    year = ox.Literal("2022", datatype=ox.NamedNode(XSD + "gYear"))
    result = FakeResult(
        "select",
        ["a", "b", "c", "d"],
        [(ox.NamedNode(GSE + "unesco-iite"), lang, year, None)],
    )
    assert queries.normalise(result) == (
        ["a", "b", "c", "d"],
        [("gse:unesco-iite", "Beijing", "2022", "")],
    )
    other = ox.NamedNode("http://example.org/x")
    assert queries.normalise(FakeResult("select", ["x"], [(other,)]))[1] == [
        ("<http://example.org/x>",)
    ]
    assert queries.normalise(FakeResult("ask", boolean=True)) == (["boolean"], [("true",)])
    triple = ox.Triple(ox.NamedNode(GSE + "a"), ox.NamedNode(GSE + "p"), ox.BlankNode())
    assert queries.normalise(FakeResult("graph", triples=[triple]))[1] == [
        ("gse:a", "gse:p", "_:b")
    ]


class FakeEngine:
    """Answers with pyoxigraph on a tiny store, binding substitutions like the engine."""

    def __init__(self) -> None:
        self.store = ox.Store()
        self.store.add(ox.Quad(ox.NamedNode(GSE + "a"), ox.NamedNode(GSE + "p"), ox.Literal("x")))

    def query(self, sparql: str, *, substitutions: Any = None, **_: Any) -> FakeResult:
        bindings = {ox.Variable(name): term for name, term in substitutions.items()}
        solutions = self.store.query(sparql, prefixes=PREFIXES, substitutions=bindings)
        variables = [v.value for v in solutions.variables]
        return FakeResult("select", variables, [tuple(s[v] for v in variables) for s in solutions])


def test_run_saved_binds_params(tmp_path: Path) -> None:
    write(
        tmp_path,
        "by-value",
        "#+ title: t\n#+ description: d\n#+ param: v string -- value\n"
        "SELECT ?s ?v WHERE { ?s gse:p ?v }",
    )
    engine = FakeEngine()
    assert queries.run_saved("by-value", engine, {"v": "x"}, tmp_path) == (
        ["s", "v"],
        [("gse:a", "x")],
    )
    assert queries.run_saved("by-value", engine, {"v": 'x" } #'}, tmp_path)[1] == []
