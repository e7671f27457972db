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


def test_why_says_what_the_best_view_leaves_out(runner: CliRunner) -> None:
    """Asked for a fact the best view leaves out, why names the claims that state it
    rather than saying that the graph neither states nor derives it."""
    many = str(FIXTURES / "many-sources")
    args = ["why", "gse2025", "schema:startDate", "2025-08-19", "--data", many]
    best = runner.invoke(app, [*args, "--view", "best"])
    assert best.exit_code == 0, best.stderr
    assert best.stdout.strip().splitlines()[1:] == []
    assert "neither states nor derives" not in best.stderr
    assert (
        "Note: the best view leaves out gse2025 schema:startDate 2025-08-19: claim:900-dates "
        "states it (outranked by a preferred claim, or deprecated); --view union shows the claims"
    ) in " ".join(best.stderr.split())
    union = runner.invoke(app, args)
    assert [row.split("\t")[3] for row in union.stdout.strip().splitlines()[1:]] == [
        "claim:900-dates"
    ]
    assert "leaves out" not in union.stderr
    # a value no claim states is still neither stated nor derived
    absent = runner.invoke(app, [*args[:3], "2025-08-18", "--data", many, "--view", "best"])
    assert "the graph neither states nor derives" in absent.stderr
    # a whole entity only a deprecated claim names
    gone = runner.invoke(app, ["why", "test-org-c", "--data", str(DEPRECATED), "--view", "best"])
    assert "the best view leaves out test-org-c: claim:990-sponsor-c states it" in " ".join(
        gone.stderr.split()
    )
