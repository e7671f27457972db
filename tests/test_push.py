"""``push`` never replaces more than it says: an unrelated graph on a real Oxigraph server
survives every push variant, and only ``--replace-all --yes`` replaces the whole dataset."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import MINI, RunGsekg
from gsekg.endpoint import graph_url, plan_push, store_url
from gsekg.errors import InputError
from gsekg.server import Server
from test_endpoint import free_port

OTHER_GRAPH = "http://example.org/unrelated"
OTHER = (
    "<http://example.org/a> <http://example.org/p> <http://example.org/b> "
    f"<{OTHER_GRAPH}> .\n"
    "<http://example.org/d> <http://example.org/p> <http://example.org/default> .\n"
)
OURS = "https://w3id.org/gsekg/claim/000-jemni-post"
PYTHON = [sys.executable, "-m", "gsekg"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with Server(tmp_path_factory.mktemp("push") / "store", port=free_port(), read_only=False) as s:
        yield s


def reset(server: Server) -> None:
    """The server holds only the unrelated graph and one unrelated default-graph triple."""
    request = urllib.request.Request(
        server.base + "/store",
        data=OTHER.encode(),
        method="PUT",
        headers={"Content-Type": "application/n-quads"},
    )
    urllib.request.urlopen(request, timeout=30).close()
    assert holds(server) == {"other graph": True, "other default": True, "ours": False}


def holds(server: Server) -> dict[str, bool]:
    """Which of the unrelated graph, the unrelated default triple and our graph are there."""
    asks = {
        "other graph": f"ASK {{ GRAPH <{OTHER_GRAPH}> {{ ?s ?p ?o }} }}",
        "other default": "ASK { ?s ?p <http://example.org/default> }",
        "ours": f"ASK {{ GRAPH <{OURS}> {{ ?s ?p ?o }} }}",
    }
    found = {}
    for name, ask in asks.items():
        request = urllib.request.Request(
            server.url,
            data=ask.encode(),
            headers={
                "Content-Type": "application/sparql-query",
                "Accept": "text/tab-separated-values",
            },
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            found[name] = answer.read().strip() == b"true"
    return found


def mini_sizes() -> tuple[int, int, int]:
    """Graphs pushed for the mini graph (its claims and the default graph), the default
    graph's triples and all triples, counted on a store of its own."""
    import tempfile

    from gsekg.engines import open_engine

    with tempfile.TemporaryDirectory() as folder:
        engine = open_engine(data=[MINI], with_bundled=False, cache_dir=folder)
        default = int(engine.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }").rows[0][0].value)
        rows = engine.query(
            "SELECT (COUNT(DISTINCT ?g) AS ?g) (COUNT(*) AS ?n) "
            "{ GRAPH ?g { ?s ?p ?o } ?g a gso:Claim }"
        ).rows
    claims, stated = int(rows[0][0].value), int(rows[0][1].value)
    assert claims == 9, "the mini graph has nine claims"
    return claims + 1, default, default + stated


VARIANTS = {
    # name: (arguments after the URL, URL suffix, exit code, stderr part, state afterwards)
    "normal": ((), "", 0, "Pushed 10 graphs", (True, False, True)),
    "fragment": ((), "#x", 1, "fragment", (True, True, False)),
    "empty fragment": ((), "#", 1, "fragment", (True, True, False)),
    "query picks a graph": (
        (),
        f"?graph={OTHER_GRAPH}",
        1,
        "already picks a graph",
        (True, True, False),
    ),
    "query picks default": ((), "?default", 1, "already picks a graph", (True, True, False)),
    "fragment after query": ((), "?x=1#y", 1, "fragment", (True, True, False)),
    "dry run": (("--dry-run",), "", 0, "Dry run: nothing was sent", (True, True, False)),
    "replace-all without --yes": (("--replace-all",), "", 2, "--yes", (True, True, False)),
    "replace-all dry run": (
        ("--replace-all", "--dry-run", "--yes"),
        "",
        0,
        "WHOLE",
        (True, True, False),
    ),
    "replace-all --yes": (
        ("--replace-all", "--yes"),
        "",
        0,
        "Pushed 10 graphs",
        (False, False, True),
    ),
}


@pytest.mark.server
@pytest.mark.parametrize("name", VARIANTS)
def test_push_variant_keeps_what_it_does_not_list(
    run_gsekg: RunGsekg, server: Server, name: str
) -> None:
    args, suffix, code, message, (other_graph, other_default, ours) = VARIANTS[name]
    reset(server)
    done = run_gsekg(
        "push", "--endpoint", server.base + "/store" + suffix, "--data", MINI, *args, input=""
    )
    assert done.returncode == code, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    if code:
        assert sum(line.startswith("Error:") for line in done.stderr.splitlines()) == 1
    assert holds(server) == {
        "other graph": other_graph,
        "other default": other_default,
        "ours": ours,
    }


@pytest.mark.server
def test_push_lists_the_graphs_before_writing(run_gsekg: RunGsekg, server: Server) -> None:
    reset(server)
    done = run_gsekg("push", "--endpoint", server.base + "/store", "--data", MINI, "--dry-run")
    lines = done.stderr.splitlines()
    graphs, default, total = mini_sizes()
    assert lines[0].startswith(f"Will replace {graphs} graphs ({total} triples) at ")
    assert "graphs there that are not listed are kept" in lines[0]
    assert lines[1] == f"  the default graph ({default} triples)"
    assert f"  <{OURS}> (5 triples)" in lines
    assert f"<{OTHER_GRAPH}>" not in done.stderr
    named = [line.split(" (")[0] for line in lines[2:]]
    assert named == sorted(named)  # by name, whatever order the store gives


@pytest.mark.server
def test_push_with_an_unrelated_query_string_keeps_it(server: Server) -> None:
    reset(server)
    plan = plan_push(
        [
            ox.Quad(
                ox.NamedNode("http://e/s"),
                ox.NamedNode("http://e/p"),
                ox.Literal("1"),
                ox.NamedNode(OURS),
            )
        ],
        server.base + "/store?timeout=5",
    )
    plan.send(timeout=30)
    assert holds(server) == {"other graph": True, "other default": False, "ours": True}


def test_graph_urls_are_built_with_a_url_library() -> None:
    graph = ox.NamedNode("http://example.org/g#1?x=&y")
    assert graph_url("http://h:1/store", graph) == (
        "http://h:1/store?graph=http%3A%2F%2Fexample.org%2Fg%231%3Fx%3D%26y"
    )
    assert graph_url("http://h:1/store?k=v", ox.DefaultGraph()) == "http://h:1/store?k=v&default"


@pytest.mark.parametrize(
    "url",
    [
        "http://h/store#x",
        "http://h/store#",
        "http://h/store?graph=http://e/g",
        "http://h/store?a=1&default",
        "ftp://h/store",
        "http:///store",
        "store",
        "http://h:notaport/store",
        "http://h/st ore",
        "http://h/store\n",
    ],
)
def test_nonsense_store_urls_are_refused(url: str) -> None:
    with pytest.raises(InputError):
        store_url(url)


def test_a_blank_node_graph_cannot_be_pushed() -> None:
    quad = ox.Quad(
        ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("1"), ox.BlankNode()
    )
    with pytest.raises(InputError, match="blank node"):
        plan_push([quad], "http://h/store")


def test_replace_all_is_refused_without_a_terminal(run_gsekg: RunGsekg, tmp_path: Path) -> None:
    done = run_gsekg(
        "push",
        "--endpoint",
        f"http://127.0.0.1:{free_port()}/store",
        "--data",
        MINI,
        "--replace-all",
        input="y\n",
    )
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1].startswith("Error: --replace-all deletes every graph")


@pytest.mark.server
@pytest.mark.parametrize(
    ("answer", "code", "state"),
    [("n", 1, (True, True, False)), ("", 1, (True, True, False)), ("y", 0, (False, False, True))],
    ids=["no", "default is no", "yes"],
)
def test_replace_all_asks_on_a_terminal(
    server: Server, cache_dir: Path, answer: str, code: int, state: tuple[bool, bool, bool]
) -> None:
    script = shutil.which("script")
    if script is None:
        pytest.skip("script(1) is not installed: no way to give push a terminal")
    reset(server)
    command = shlex.join(
        [
            *PYTHON,
            "push",
            "--endpoint",
            server.base + "/store",
            "--data",
            str(MINI),
            "--replace-all",
        ]
    )
    done = subprocess.run(
        [script, "-qec", command, "/dev/null"],
        input=answer + "\n",
        capture_output=True,
        text=True,
        env={**os.environ, "GSEKG_CACHE_DIR": str(cache_dir), "NO_COLOR": "1"},
        timeout=120,
        check=False,
    )
    assert done.returncode == code, done.stdout
    assert "Delete everything at" in done.stdout
    assert ("not confirmed; nothing was sent" in done.stdout) == (code == 1)
    assert tuple(holds(server).values()) == state
