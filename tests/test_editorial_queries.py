"""An editorial claim's date and link reach the saved queries ``timeline`` and
``network-edges``, with the articles it rests on as their sources.

Fixture ``tests/fixtures/editorial-dated`` (two short test articles): 910 says the Harbour
Forum was held in Lyon on 3 June 2031 (``claim:910-forum``); 911 says Test Org X hosted
the forum of the Harbour Network in Lyon in June 2031 (``claim:911-host``). The curators'
editorial claim ``claim:editorial-harbour-forum`` takes the two to be one meeting: it
gives 911's forum 910's start date and 910's forum 911's host. It derives from the two
claims, not from an article, and its evidence cites a span of each article, so its facts
count for both 910 and 911. Both views, and Virtuoso 7.2 (pushed there, when installed:
the saved queries stay portable, see docs/endpoints.md) answer alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import FIXTURES
from gsekg import queries
from gsekg.engines import Engine, open_engine

EDITORIAL = FIXTURES / "editorial-dated"
SERVER = pytest.mark.server
ARTICLES = {"910": "src:910_7e2c4a9b1d0f3856", "911": "src:911_3b8f0d6e2a9c4715"}


@pytest.fixture(scope="module")
def virtuoso_url(cache_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throwaway Virtuoso holding the bundled graph and the fixture (pushed by gsekg)."""
    from typer.testing import CliRunner

    from gsekg.cli import app
    from virtuoso_server import Virtuoso, available

    if not available():
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    default = "urn:gsekg:default"
    with Virtuoso(tmp_path_factory.mktemp("virtuoso") / "db", default) as server:
        server.isql(
            f"INSERT INTO DB.DBA.SYS_SPARQL_HOST (SH_HOST, SH_GRAPH_URI) VALUES ('*', '{default}');"
        )
        runner = CliRunner(env={"GSEKG_CACHE_DIR": str(cache_dir), "NO_COLOR": "1"})
        pushed = runner.invoke(
            app,
            ["push", "--endpoint", server.graph_store, "--data", str(EDITORIAL), "--with-bundled"],
        )
        assert pushed.exit_code == 0, pushed.stderr
        yield f"{server.sparql}?default-graph-uri={default}"


@pytest.fixture(scope="module", params=["union", "best", pytest.param("virtuoso", marks=SERVER)])
def engine(request: pytest.FixtureRequest, cache_dir: Path) -> Iterator[Engine]:
    if request.param == "virtuoso":
        url = request.getfixturevalue("virtuoso_url")
        with open_engine(endpoint=url) as remote:
            yield remote
        return
    with open_engine(data=[EDITORIAL], cache_dir=cache_dir, view=str(request.param)) as opened:
        yield opened


def test_timeline_keeps_the_editorial_date_with_both_articles(engine: Engine) -> None:
    _, rows = queries.run_saved("timeline", engine)
    harbour = [row for row in rows if row[1].startswith("gse:harbour")]
    assert harbour == [
        ("2031-06", "gse:harbour-network-forum", "month", "911"),
        ("2031-06-03", "gse:harbour-forum", "startDate", "910"),
        # the editorial claim's date: sourced by the two articles it cites
        ("2031-06-03", "gse:harbour-network-forum", "startDate", "910"),
        ("2031-06-03", "gse:harbour-network-forum", "startDate", "911"),
    ]


def test_network_edges_name_the_articles_of_an_editorial_link(engine: Engine) -> None:
    _, rows = queries.run_saved("network-edges", engine, {"sourcePrefix": ""})
    harbour = sorted(row[:6] for row in rows if row[0] == "gse:test-org-x")
    assert harbour == [
        (
            "gse:test-org-x",
            "roles:host",
            "gse:harbour-forum",
            "claim:editorial-harbour-forum",
            ARTICLES["910"],
            "shared",
        ),
        (
            "gse:test-org-x",
            "roles:host",
            "gse:harbour-forum",
            "claim:editorial-harbour-forum",
            ARTICLES["911"],
            "shared",
        ),
        (
            "gse:test-org-x",
            "roles:host",
            "gse:harbour-network-forum",
            "claim:911-host",
            ARTICLES["911"],
            "shared",
        ),
    ]
    # no claim is ever named as a source
    assert not [row for row in rows if row[4].startswith("claim:")]
    # the prefix parameter picks an editorial link by either of its articles
    _, only = queries.run_saved("network-edges", engine, {"sourcePrefix": "910"})
    assert sorted(row[3] for row in only if row[0] == "gse:test-org-x") == [
        "claim:editorial-harbour-forum"
    ]
