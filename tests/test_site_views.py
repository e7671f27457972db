"""``gsekg site --view best``: the sources still differ whatever the view.

Fixture ``tests/fixtures/many-sources``: article 900 says GSE 2025 started on 19 August
2025 (normal claim ``claim:900-dates``), article 901 says 20 August (preferred claim
``claim:901-dates``). The best view keeps only 901's date, but the page "Where the
sources differ" and GSE 2025's own page still show both accounts side by side, and say
which value the best view keeps.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES
from gsekg.engines import open_engine
from gsekg.site import build_site
from test_site import Page, read

MANY = FIXTURES / "many-sources"


@pytest.fixture(scope="module", params=["union", "best"])
def view_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, cache_dir: Path
) -> tuple[str, Path]:
    view = str(request.param)
    folder = tmp_path_factory.mktemp(f"site-{view}") / "out"
    with open_engine(data=[MANY], cache_dir=cache_dir, view=view) as engine:
        build_site(engine, folder, MANY / "corpus")
    return view, folder


def start_dates(page: Page) -> dict[str, list[str]]:
    """The side-by-side rows whose value is a 2025 date: value -> the cells per source."""
    return {row[0]: row[1:] for row in page.rows if row and row[0].startswith("2025-08-")}


@pytest.mark.parametrize("path", ["differences.html", "entity/gse2025.html"])
def test_the_start_dates_differ_in_every_view(view_site: tuple[str, Path], path: str) -> None:
    view, site = view_site
    page = read(site, path)
    assert "Where the sources differ" in page.text
    rows = start_dates(page)
    assert sorted(rows) == ["2025-08-19", "2025-08-20"], page.text
    # one column per source: 900's account, then 901's
    assert rows["2025-08-19"][0].startswith("900") and rows["2025-08-19"][1] == "—"
    assert rows["2025-08-20"][0] == "—" and rows["2025-08-20"][1].startswith("901")
    assert "preferred" in rows["2025-08-20"][1]
    if view == "best":  # a last column says which value the view keeps
        assert rows["2025-08-19"][2:] == ["leaves out"]
        assert rows["2025-08-20"][2:] == ["keeps"]
        assert "keeps only some of the values" in page.text
    else:  # the union keeps every value: no such column
        assert rows["2025-08-19"][2:] == rows["2025-08-20"][2:] == []
        assert "keeps only some of the values" not in page.text
