"""The on-disk store cache: warm runs never parse, changed inputs rebuild, builds are atomic
and locked, and ``gsekg cache info|build|clear``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gsekg import store
from gsekg.cli.app import app
from gsekg.engines import inputs, open_engine

TTL = '@prefix ex: <http://example.org/> .\nex:a ex:p "{}" .\n'


def write_graph(folder: Path, value: str = "one") -> Path:
    path = folder / "graph.ttl"
    path.write_text(TTL.format(value), encoding="utf-8")
    return path


def graph_inputs(path: Path) -> store.Inputs:
    return inputs([path], with_bundled=False)


def run_python(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_warm_open_finds_the_store_without_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_graph(tmp_path)
    first = store.open_store(graph_inputs(path), cache_dir=tmp_path / "cache")
    assert first.built and first.path is not None
    assert (first.path / "manifest.json").is_file()

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("a warm open parsed RDF")

    monkeypatch.setattr("gsekg.build.build", no_parsing)
    monkeypatch.setattr("gsekg.loader.parse_file", no_parsing)
    second = store.open_store(graph_inputs(path), cache_dir=tmp_path / "cache")
    assert not second.built and second.path == first.path
    assert len(second.store) == len(first.store)


def test_the_warm_path_imports_neither_rdflib_nor_owlrl(tmp_path: Path) -> None:
    path = write_graph(tmp_path)
    cache = tmp_path / "cache"
    store.open_store(graph_inputs(path), cache_dir=cache)
    warm = run_python(
        """
        import sys
        from gsekg.engines import open_engine
        engine = open_engine(data=[sys.argv[1]], with_bundled=False, cache_dir=sys.argv[2])
        assert engine.query("ASK { ?s ?p ?o }").boolean
        print(sorted(m for m in ("rdflib", "owlrl") if m in sys.modules))
        """,
        str(path),
        str(cache),
    )
    out, err = warm.communicate(timeout=60)
    assert warm.returncode == 0, err
    assert out.strip() == "[]"


def test_changed_inputs_rebuild_and_supersede_the_old_store(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    path = write_graph(tmp_path, "one")
    old = store.open_store(graph_inputs(path), cache_dir=cache)
    path.write_text(TTL.format("two"), encoding="utf-8")
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))  # even on coarse mtimes
    new = store.open_store(graph_inputs(path), cache_dir=cache)
    assert new.built and new.path != old.path
    engine = open_engine(data=[path], with_bundled=False, cache_dir=cache)
    assert engine.query('ASK { ?s ?p "two" }').boolean
    assert [e["key"] for e in store.entries(cache)] == [new.manifest["key"]]


def test_the_key_covers_content_options_and_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_graph(tmp_path)
    key = store.cache_key(graph_inputs(path))
    assert store.cache_key(inputs([path], with_bundled=False, inference=False)) != key
    monkeypatch.setattr("gsekg.store.__version__", "99.0")
    assert store.cache_key(graph_inputs(path)) != key


def test_concurrent_first_runs_build_once(tmp_path: Path) -> None:
    path = write_graph(tmp_path)
    cache = tmp_path / "cache"
    code = """
        import sys
        from pathlib import Path
        from gsekg import store
        from gsekg.engines import inputs
        opened = store.open_store(inputs([Path(sys.argv[1])], with_bundled=False),
                                  cache_dir=Path(sys.argv[2]))
        print("built" if opened.built else "found", len(opened.store))
    """
    runs = [run_python(code, str(path), str(cache)) for _ in range(4)]
    outputs = []
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        outputs.append(out.split())
    assert sorted(o[0] for o in outputs) == ["built", "found", "found", "found"]
    assert {o[1] for o in outputs} == {"1"}
    assert len(store.entries(cache)) == 1
    assert not list(cache.glob(".build-*"))


def test_a_killed_build_leaves_the_cache_usable(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = write_graph(tmp_path, "one")
    store.open_store(graph_inputs(first), cache_dir=cache)
    other = tmp_path / "other.ttl"
    other.write_text(TTL.format("other"), encoding="utf-8")
    started = tmp_path / "started"
    # the build reports progress while reading: the hook signals, then hangs until killed
    hanging = run_python(
        """
        import sys, time
        from pathlib import Path
        from gsekg import store
        from gsekg.engines import inputs
        def hang(done, total):
            Path(sys.argv[3]).touch()
            time.sleep(600)
        store.open_store(inputs([Path(sys.argv[1])], with_bundled=False),
                         cache_dir=Path(sys.argv[2]), progress=hang)
        """,
        str(other),
        str(cache),
        str(started),
    )
    try:
        deadline = time.monotonic() + 60
        while not started.exists():
            assert time.monotonic() < deadline and hanging.poll() is None, "the build never began"
            time.sleep(0.05)
        assert list(cache.glob(".build-*"))
    finally:
        hanging.send_signal(signal.SIGKILL)
        hanging.communicate(timeout=30)
    found = store.open_store(graph_inputs(first), cache_dir=cache)
    assert not found.built and len(found.store) == 1
    rebuilt = store.open_store(graph_inputs(other), cache_dir=cache)
    assert rebuilt.built and len(rebuilt.store) == 1
    assert not list(cache.glob(".build-*"))


def test_an_unwritable_cache_falls_back_to_memory(tmp_path: Path) -> None:
    path = write_graph(tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    opened = store.open_store(graph_inputs(path), cache_dir=blocker / "cache")
    assert opened.path is None and len(opened.store) == 1


def test_the_cache_folder_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GSEKG_CACHE_DIR", str(tmp_path))
    assert store.cache_root() == tmp_path
    assert store.cache_root(tmp_path / "explicit") == tmp_path / "explicit"


def test_cache_commands(tmp_path: Path) -> None:
    path = write_graph(tmp_path)
    cache = tmp_path / "cache"
    runner = CliRunner()
    built = runner.invoke(app, ["cache", "build", "--data", str(path), "--cache-dir", str(cache)])
    assert built.exit_code == 0, built.output
    key = store.cache_key(graph_inputs(path))
    assert built.stdout.startswith(key[:16])
    folder = store.entries(cache)[0]["path"]
    manifest = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["stats"]["quads"] == 1
    assert manifest["inputs"] == [{"path": str(path.resolve()), "bytes": path.stat().st_size}]
    info = runner.invoke(app, ["cache", "info", "--cache-dir", str(cache)])
    assert info.exit_code == 0 and info.stdout.count("\n") == 1 and key[:16] in info.stdout
    forced = runner.invoke(
        app, ["cache", "build", "--force", "--data", str(path), "--cache-dir", str(cache)]
    )
    assert forced.exit_code == 0
    cleared = runner.invoke(app, ["cache", "clear", "--cache-dir", str(cache)])
    assert cleared.exit_code == 0 and "Removed" in cleared.stderr
    assert store.entries(cache) == []


def test_cache_build_reports_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["cache", "build", "--data", str(bad), "--cache-dir", str(tmp_path / "c")]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {bad}:1:")
    assert not list((tmp_path / "c").glob(".build-*"))
