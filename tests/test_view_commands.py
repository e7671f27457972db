"""Every command that reads the graph honours ``--view best``: what the best view leaves out
(a deprecated claim's sponsor and start date) is left out of the timeline and the network
too, in the commands and in the saved queries behind them.

The fixture ``tests/fixtures/deprecated-sponsor`` states three sponsors of a test event,
one claim each; the claim naming Test Org C (with a start date of 1 May 2030) is
deprecated, the other start date (2 May 2030) is stated by a normal claim.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES
from gsekg.cli import app

DEPRECATED = FIXTURES / "deprecated-sponsor"


def lines(runner: CliRunner, *args: str) -> list[str]:
    result = runner.invoke(app, [*args, "--data", str(DEPRECATED)])
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip().splitlines()[1:]


@pytest.mark.parametrize(
    ("view", "dates"),
    [("union", ["2030-05-01", "2030-05-02"]), ("best", ["2030-05-02"])],
)
def test_timeline_shows_the_dates_of_the_view(
    runner: CliRunner, view: str, dates: list[str]
) -> None:
    assert [row.split("\t")[0] for row in lines(runner, "timeline", "--view", view)] == dates
    assert [
        row.split(",")[0] for row in lines(runner, "query", "timeline", "--view", view)
    ] == dates


@pytest.mark.parametrize(
    ("view", "neighbours"),
    [("union", ["gse:test-org-b", "gse:test-org-c"]), ("best", ["gse:test-org-b"])],
)
def test_network_has_the_links_of_the_view(
    runner: CliRunner, view: str, neighbours: list[str]
) -> None:
    rows = lines(runner, "network", "ego", "test-org-a", "--view", view)
    assert [row.split("\t")[2] for row in rows] == neighbours
    claims = [row.split(",")[3] for row in lines(runner, "query", "network-edges", "--view", view)]
    expected = ["990-sponsor-a", "990-sponsor-b"] + (["990-sponsor-c"] if view == "union" else [])
    assert [c.removeprefix("https://w3id.org/gsekg/claim/") for c in claims] == expected
