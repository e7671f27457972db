"""Bad and hostile inputs: each gives one clean ``Error:`` line, no traceback, the right exit code.

Exit codes: 1 bad input, 2 usage, 4 engine failure or timeout, 5 unknown name.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MINI, RunGsekg
from gsekg import queries
from gsekg.cli import app

SAVED = """#+ title: Editions with a start date
#+ description: Each edition and the day it started.
#+ param: edition iri = gse:gse2020 -- the edition
#+ param: year gYear = 2020 -- a year
#+ param: n integer = 1 -- a number
#+ param: day date = 2020-08-20 -- a day
#+ param: flag boolean = true -- a flag
SELECT ?edition ?start ?year ?n ?day ?flag WHERE { ?edition schema:startDate ?start }
"""
SLOW = (
    "SELECT (COUNT(*) AS ?n) WHERE "
    "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?x ?y . ?z ?w ?v }"
)


@dataclass(frozen=True)
class Case:
    """Arguments (a leading ``@name`` is a workspace path), stdin, exit code, message part."""

    args: tuple[str, ...]
    code: int
    message: str = ""
    stdin: str | None = None
    data: bool = True


def q(*args: str, code: int = 1, message: str = "", stdin: str | None = None) -> Case:
    """A ``gsekg query`` case on the mini graph."""
    return Case(("query", *args), code, message, stdin)


def other(*args: str, code: int = 1, message: str = "") -> Case:
    """A case for another command; no --data is added."""
    return Case(args, code, message, data=False)


CASES: dict[str, Case] = {
    # malformed SPARQL: position and offending text
    "unclosed brace": q("SELECT * WHERE { ?s ?p ?o", message="query:1:"),
    "bad prefix": q("SELECT * WHERE { ?s foo:bar ?o }", message="query:1:"),
    "bad prefix in filter": q("SELECT * { ?s ?p ?o FILTER(?o = foo:x) }", message="query:1:"),
    "multi-line error": q(
        "SELECT *\nWHERE {\n  ?s ?p ?o .\n  ?s foo:bar ?o\n}", message="query:4:"
    ),
    "multi-line stdin": q("-", stdin="ASK {\n  ?s ?p\n}\n", message="Error: <stdin>:4:"),
    "misspelt keyword": q("SELEC * WHERE { ?s ?p ?o }", message="query:1:"),
    "unclosed string": q('SELECT * WHERE { ?s ?p "abc }', message="query:1:"),
    "unclosed paren": q("SELECT (COUNT(*) AS ?n WHERE { ?s ?p ?o }", message="query:1:"),
    "space in IRI": q("SELECT * WHERE { <http://a b> ?p ?o }", message="query:1:"),
    "trailing garbage": q("ASK {} }", message="query:1:"),
    "comment only": q("# nothing to see", message="query"),
    "bad variable": q("SELECT ?? WHERE { ?s ?p ?o }", message="query:1:"),
    "undefined function": q("SELECT * { BIND(ex:f(1) AS ?x) }", message="query:1:"),
    # empty queries
    "empty argument": q("", message="empty query"),
    "blank argument": q("   \n ", message="empty query"),
    "empty stdin": q("-", stdin="", message="empty query (from stdin)"),
    "blank stdin": q("-", stdin="\n\n  ", message="empty query (from stdin)"),
    "empty file": q("@empty_rq", message="empty query"),
    # files
    "missing query file": q("missing/query.rq", message="no such query file"),
    "missing .rq": q("nope.rq", message="no such query file: nope.rq"),
    "missing .sparql": q("nope.sparql", message="no such query file"),
    "folder as query": q("@workspace", message="is a folder"),
    "non-UTF-8 file": q("@latin1_rq", message="cannot read query file"),
    "malformed file names itself": q("@bad_rq", message="bad.rq:2:"),
    "path traversal name": q("../etc/passwd", message="no such query file"),
    # hostile queries
    "DROP ALL": q("DROP ALL", message="SPARQL update"),
    "drop all lower case": q("drop all", message="SPARQL update"),
    "INSERT DATA": q("INSERT DATA { <a:b> <a:c> <a:d> }", message="SPARQL update"),
    "DELETE WHERE": q("DELETE WHERE { ?s ?p ?o }", message="SPARQL update"),
    "LOAD": q("LOAD <http://127.0.0.1:9/x.ttl>", message="SPARQL update"),
    "CLEAR": q("CLEAR DEFAULT", message="SPARQL update"),
    "query then update": q("ASK {} ; DROP ALL", message="SPARQL update"),
    "update from stdin": q("-", stdin="DROP ALL\n", message="SPARQL update"),
    "update in a file": q("@drop_rq", message="SPARQL update"),
    "SERVICE": q("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", message="SERVICE"),
    "SERVICE SILENT": q("ASK { SERVICE SILENT <http://127.0.0.1:9/> {} }", message="SERVICE"),
    # parameters
    "iri param with quotes": q("dates", "-p", 'edition=x" } DROP ALL #', message="edition"),
    "iri param with braces": q("dates", "-p", "edition=gse:x> } #", message="not an IRI"),
    "unknown prefix in param": q("dates", "-p", "edition=nope:x", message="not an IRI"),
    "integer param": q("dates", "-p", "n=ten", message="not a valid integer"),
    "gYear param": q("dates", "-p", "year=20", message="not a valid gYear"),
    "date param": q("dates", "-p", "day=2021-02-29", message="calendar date"),
    "boolean param": q("dates", "-p", "flag=maybe", message="boolean"),
    "unknown param": q("dates", "-p", "colour=red", message="unknown parameter colour"),
    "param without =": q("dates", "-p", "n", message="NAME=VALUE"),
    "param twice": q("dates", "-p", "n=1", "-p", "n=2", message="more than once"),
    "param for inline query": q("ASK {}", "-p", "x=1", message="declares: none"),
    "missing required param": q("@needs_param_rq", message="missing parameter who"),
    # unknown names
    "unknown saved query": q("date", code=5, message="did you mean: dates"),
    "bare word": q("SELEC", code=5, message="is not a saved query"),
    "queries show unknown": other("queries", "show", "datse", code=5, message="dates"),
    # data files
    "bad Turtle": q("ASK {}", "--data", "@bad_ttl", message="bad.ttl:3:"),
    "bad TriG": q("ASK {}", "--data", "@bad_trig", message="bad.trig:2:"),
    "bad JSON-LD": q("ASK {}", "--data", "@bad_jsonld", message="bad.jsonld"),
    "bad N-Triples": q("ASK {}", "--data", "@bad_nt", message="bad.nt:1:"),
    "unknown extension": q("ASK {}", "--data", "@unknown_ext", message="unknown RDF file"),
    "missing data file": q("ASK {}", "--data", "missing.ttl", message="missing.ttl"),
    # options
    "unknown format": q("ASK {}", "-f", "yaml", code=2, message="--format"),
    "graph format for SELECT": q("SELECT * {}", "-f", "turtle", message="does not fit"),
    "table for CONSTRUCT": q("CONSTRUCT WHERE {}", "-f", "csv", message="does not fit"),
    "negative limit": q("ASK {}", "--limit", "-1", code=2, message="--limit"),
    "limit not a number": q("ASK {}", "--limit", "ten", code=2, message="--limit"),
    "zero timeout": q("ASK {}", "--timeout", "0", code=2, message="--timeout"),
    "negative timeout": q("ASK {}", "--timeout", "-5", code=2, message="--timeout"),
    "unknown engine": q("ASK {}", "--engine", "nope", code=2, message="--engine"),
    "output in missing folder": q("ASK {}", "-o", "@workspace/no/such/out.csv", message="out.csv"),
    "output is a folder": q("ASK {}", "-o", "@workspace", message="is a folder"),
    "no query argument": other("query", code=2, message="Missing argument"),
    "unknown option": q("ASK {}", "--bogus", code=2, message="No such option"),
    "timeout": q(SLOW, "--timeout", "0.3", code=4, message="was stopped"),
    "endpoint refused": q("ASK {}", "--endpoint", "http://127.0.0.1:9/sparql", code=4),
    # export
    "export unknown format": other("export", "-f", "csv", code=2, message="--format"),
    "export provenance as Turtle": other(
        "export", "--data", str(MINI), "-f", "turtle", "--provenance", message="--provenance"
    ),
    "export empty graph": other("export", "--data", "@empty_ttl", message="nothing to export"),
    "export bad data": other("export", "--data", "@bad_ttl", message="bad.ttl:3:"),
    "export to missing folder": other(
        "export", "--data", str(MINI), "-o", "@workspace/no/x.ttl", message="does not exist"
    ),
    # other helpers' commands that read the graph
    "describe unknown entity": Case(("describe", "gse:nope"), 5, "gse:nope"),
    "why unknown entity": Case(("why", "gse:nope"), 5, "gse:nope"),
    # the queries group
    "queries show without name": other("queries", "show", code=2, message="Missing argument"),
    "queries unknown name": other("queries", "bogus", code=5, message="no saved query"),
}

FILES = {
    "empty_rq": ("empty.rq", ""),
    "bad_rq": ("bad.rq", "SELECT *\nWHERE { ?s nope:p ?o }\n"),
    "drop_rq": ("drop.rq", "# clean up\nDROP ALL\n"),
    "needs_param_rq": ("needs.rq", "#+ param: who iri -- someone\nASK { ?who ?p ?o }\n"),
    "bad_ttl": (
        "bad.ttl",
        "@prefix gse: <https://w3id.org/gsekg/id/> .\n\ngse:a gse:b gse:c gse:d .\n",
    ),
    "bad_trig": ("bad.trig", "<http://e/g> {\n  <http://e/a> <http://e/b> .\n}\n"),
    "bad_jsonld": ("bad.jsonld", '{"@id": "http://e/a", "http://e/p": [{"@value": }]}'),
    "bad_nt": ("bad.nt", "<http://e/a> <http://e/b> .\n"),
    "unknown_ext": ("graph.xyz", "<http://e/a> <http://e/b> <http://e/c> .\n"),
    "empty_ttl": ("empty.ttl", ""),
}


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The files the cases name, and a queries/ folder with one saved query, ``dates``."""
    names = {"workspace": str(tmp_path)}
    for key, (name, text) in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        names[key] = str(tmp_path / name)
    latin1 = tmp_path / "latin1.rq"
    latin1.write_bytes('SELECT * { ?s ?p "caf\xe9" }'.encode("latin-1"))
    names["latin1_rq"] = str(latin1)
    folder = tmp_path / "queries"
    folder.mkdir()
    (folder / "dates.rq").write_text(SAVED, encoding="utf-8")
    monkeypatch.setattr(queries, "queries_dir", lambda: folder)
    return names


def assert_clean_error(code: int, stdout: str, stderr: str, case: Case) -> None:
    assert "Traceback" not in stderr + stdout
    errors = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, stderr
    assert code == case.code, stderr
    assert case.message in stderr
    assert stdout == ""


def arguments(case: Case, workspace: dict[str, str]) -> list[str]:
    args = [re.sub(r"^@(\w+)", lambda m: workspace[m[1]], a) for a in case.args]
    return [*args, "--data", str(MINI)] if case.data and "--data" not in args else args


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 50


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input(runner: CliRunner, workspace: dict[str, str], case: Case) -> None:
    result = runner.invoke(app, arguments(case, workspace), input=case.stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert_clean_error(result.exit_code, result.stdout, result.stderr, case)


SUBPROCESS_CASES = ["multi-line error", "DROP ALL", "bad Turtle", "unknown format", "timeout"]


@pytest.mark.parametrize("name", SUBPROCESS_CASES)
def test_bad_input_in_a_real_process(
    run_gsekg: RunGsekg, workspace: dict[str, str], name: str
) -> None:
    case = CASES[name]
    done = run_gsekg(*arguments(case, workspace), input=case.stdin)
    assert_clean_error(done.returncode, done.stdout, done.stderr, case)


def test_multi_line_error_quotes_the_offending_line(runner: CliRunner) -> None:
    query = "SELECT *\nWHERE {\n  ?s ?p ?o .\n  ?s foo:bar ?o\n}\n"
    result = runner.invoke(app, ["query", query, "--data", str(MINI)])
    assert result.exit_code == 1
    first, *rest = result.stderr.splitlines()
    assert first.startswith("Error: query:4:")
    assert [line.strip() for line in rest] == ["?s foo:bar ?o", "^"]


def test_unreadable_query_file(runner: CliRunner, tmp_path: Path) -> None:
    # invalid UTF-8 rather than chmod 000, which does not stop root (CI runs as root)
    path = tmp_path / "secret.rq"
    path.write_bytes(b"\xff\xfeASK {}")
    result = runner.invoke(app, ["query", str(path), "--data", str(MINI)])
    assert_clean_error(
        result.exit_code, result.stdout, result.stderr, q(message="cannot read query file")
    )


def test_huge_literal_works(runner: CliRunner, tmp_path: Path) -> None:
    big = "x" * 1_000_000
    result = runner.invoke(
        app,
        ["query", "-", "--data", str(MINI), "-f", "json"],
        input=f'SELECT ?v {{ BIND("{big}" AS ?v) }}',
    )
    assert (result.exit_code, result.stderr) == (0, "")
    assert json.loads(result.stdout)["results"]["bindings"][0]["v"]["value"] == big
