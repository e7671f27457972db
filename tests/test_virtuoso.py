"""A second real engine: Virtuoso Open Source, started here on 127.0.0.1 with a throwaway
database. ``gsekg push`` fills it over the Graph Store Protocol; every saved query then
answers through ``--endpoint`` as the embedded store does, and describe and why work.

Virtuoso has no unnamed default graph: the server's ``SYS_SPARQL_HOST`` maps every host
to the graph ``urn:gsekg:default``, which the Graph Store Protocol's ``?default`` writes
and queries without FROM read (docs/endpoints.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gsekg import queries
from gsekg.cli import app
from gsekg.engines import Engine, OxigraphEngine, open_engine
from test_competency import assert_expected_answer
from virtuoso_server import Virtuoso, available

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(
        not available(), reason="Virtuoso is not installed (apt-get install virtuoso-opensource)"
    ),
]
DEFAULT_GRAPH = "urn:gsekg:default"
SAVED = [pytest.param(q, id=q.name) for q in queries.catalog()]


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    with Virtuoso(tmp_path_factory.mktemp("virtuoso") / "db", DEFAULT_GRAPH) as server:
        server.isql(
            "INSERT INTO DB.DBA.SYS_SPARQL_HOST (SH_HOST, SH_GRAPH_URI) "
            f"VALUES ('*', '{DEFAULT_GRAPH}');"
        )
        yield server


@pytest.fixture(scope="module")
def pushed(virtuoso: Virtuoso, run_gsekg_module: Any) -> str:
    done = run_gsekg_module("push", "--endpoint", virtuoso.graph_store)
    assert done.returncode == 0, done.stderr
    return f"{virtuoso.sparql}?default-graph-uri={DEFAULT_GRAPH}"


@pytest.fixture(scope="module")
def run_gsekg_module(cache_dir: Path) -> Any:
    import os
    import subprocess
    import sys

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "GSEKG_CACHE_DIR": str(cache_dir), "NO_COLOR": "1"}
        return subprocess.run(
            [sys.executable, "-m", "gsekg", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )

    return run


@pytest.fixture(scope="module")
def remote(pushed: str) -> Iterator[Engine]:
    engine = open_engine(endpoint=pushed)
    yield engine
    engine.close()


@pytest.mark.parametrize("saved", SAVED)
def test_saved_query_answers_as_the_articles(remote: Engine, saved: queries.SavedQuery) -> None:
    assert_expected_answer(remote, saved)


@pytest.mark.parametrize(("prefix", "sources"), [("", 5), ("003", 1)])
def test_network_edges_keeps_the_same_sources(
    remote: Engine, bundled: OxigraphEngine, prefix: str, sources: int
) -> None:
    """The empty prefix keeps the five articles; the saved-query test only runs the example."""
    _, rows = queries.run_saved("network-edges", remote, {"sourcePrefix": prefix})
    _, embedded = queries.run_saved("network-edges", bundled, {"sourcePrefix": prefix})
    assert sorted(rows) == sorted(embedded)
    assert len({row[4] for row in rows}) == sources


def _same(text: str) -> Any:
    return json.loads(re.sub(r"_:[0-9A-Za-z]+", "_:b", text))


@pytest.mark.parametrize(
    "args",
    [
        ["describe", "gse:gse2022"],
        ["describe", "ALECSO", "--inferred"],
        ["why", "gse:gse2022", "schema:sponsor"],
        ["why", "BNU", "rdf:type", "schema:Organization"],
    ],
    ids=["describe", "describe-inferred", "why-rule", "why-type"],
)
def test_describe_and_why_answer_as_the_embedded_store(
    runner: CliRunner, bundled: OxigraphEngine, pushed: str, args: list[str]
) -> None:
    extra = ["--corpus", "/none"] if args[0] == "why" else []
    local = runner.invoke(app, [*args, "-f", "json", *extra])
    assert local.exit_code == 0, local.stderr
    there = runner.invoke(app, [*args, "-f", "json", *extra, "--endpoint", pushed])
    assert there.exit_code == 0, there.stderr
    remote, embedded = _same(there.stdout), _same(local.stdout)
    for key in embedded if isinstance(embedded, dict) else ():
        assert remote[key] == embedded[key], key
    assert remote == embedded
