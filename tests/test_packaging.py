"""A plain wheel (not an editable install) carries the graph and queries, and works anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("gsekg-*.whl")
    return built


@pytest.mark.slow
def test_wheel_bundles_the_graph_and_queries(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, suffix in (("ontology", ".ttl"), ("data", ".trig"), ("queries", ".rq")):
        bundled = {
            n for n in names if n.startswith(f"gsekg/bundled/{folder}/") and n.endswith(suffix)
        }
        in_tree = {p.name for p in (ROOT / folder).glob(f"*{suffix}")}
        assert {n.rsplit("/", 1)[-1] for n in bundled} == in_tree, folder
    assert "gsekg/py.typed" in names


@pytest.mark.slow
def test_installed_wheel_answers_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(target),
        "GSEKG_CACHE_DIR": str(tmp_path / "cache"),
        "NO_COLOR": "1",
    }
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import gsekg.resources as r; print(r.bundled_root()); "
            "from gsekg.cli import main; main()",
            "query",
            "sponsors",
            "--format",
            "csv",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    root, *rows = done.stdout.splitlines()
    assert root.startswith(str(target)), (
        "the bundled files come from the wheel, not the source tree"
    )
    assert "https://w3id.org/gsekg/id/lenovo" in "\n".join(rows)
