"""``gsekg cache info`` with stores of both views and stores of an older cache format.

A store of an older format (before each view was a store of its own, format 4 had the best
view as a named graph beside the union) is never read by this gsekg: ``cache info`` says
so rather than calling it ``ok`` and naming a view it never had. On an 80-column terminal
the list stays a table, one line per store.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gsekg import store
from gsekg.cli import cache as cache_cli
from gsekg.cli.app import app

TTL = "<https://w3id.org/gsekg/id/x> <https://schema.org/name> 'x' .\n"


def built_stores(tmp_path: Path) -> Path:
    """A cache with a union and a best store of one small graph."""
    data = tmp_path / "graph.ttl"
    data.write_text(TTL, encoding="utf-8")
    cache = tmp_path / "cache"
    for view in ("union", "best"):
        result = CliRunner().invoke(
            app, ["cache", "build", "--data", str(data), "--view", view, "--cache-dir", str(cache)]
        )
        assert result.exit_code == 0, result.stderr
    return cache


def make_old(cache: Path, view: str) -> None:
    """Rewrite the manifest of the ``view`` store as format 4 wrote it (no view)."""
    (entry,) = [e for e in store.entries(cache) if e["view"] == view]
    manifest_path = Path(entry["path"]) / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["format"] = 4
    del manifest["view"]
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")


def test_an_old_format_store_is_not_called_ok(tmp_path: Path) -> None:
    cache = built_stores(tmp_path)
    make_old(cache, "best")
    result = CliRunner().invoke(app, ["cache", "info", "--cache-dir", str(cache)])
    assert result.exit_code == 0
    states = sorted(line.split("\t")[5:9:3] for line in result.stdout.splitlines())
    assert states == [["view=-", "unused (old format 4)"], ["view=union", "ok"]]
    assert "Cache folder: " in result.stderr and "(2 stores)" in result.stderr
    assert "gsekg cache clear removes the 1 unused (old-format) store" in result.stderr


def test_one_store_is_one_store(tmp_path: Path) -> None:
    cache = built_stores(tmp_path)
    CliRunner().invoke(app, ["cache", "clear", "--cache-dir", str(cache)])
    data = tmp_path / "graph.ttl"
    CliRunner().invoke(app, ["cache", "build", "--data", str(data), "--cache-dir", str(cache)])
    result = CliRunner().invoke(app, ["cache", "info", "--cache-dir", str(cache)])
    assert f"Cache folder: {cache} (1 store)\n" in result.stderr


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_list_is_a_table_at_80_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = built_stores(tmp_path)
    screen = _Terminal()
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr("sys.stdout", screen)
    cache_cli._print(store.entries(cache))
    lines = re.sub(r"\x1b\[[0-9;]*m", "", screen.getvalue()).splitlines()
    assert all(len(line) <= 80 for line in lines)
    keys = [e["key"][:16] for e in store.entries(cache)]
    # one table row per store (not a record of one line per column)
    assert [sum(key in line for line in lines) for key in keys] == [1, 1]
    assert any("view" in line and "state" in line for line in lines)
    note = capsys.readouterr().err
    assert "left out to fit 80 columns (piped: every column)" in note
    assert all(len(line) <= 80 for line in note.splitlines())
