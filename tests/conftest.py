"""Shared fixtures: a CLI runner, a subprocess runner, the mini graph and the corpus."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from gsekg.resources import corpus_dir

if TYPE_CHECKING:
    from gsekg.engines import OxigraphEngine
    from gsekg.reader import GraphReader

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini.trig"
"""A tiny hand-written graph (registry + claims) for fast CLI tests: ``--data MINI``."""

RunGsekg = Callable[..., "subprocess.CompletedProcess[str]"]


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store cache for the whole test session (passed as ``GSEKG_CACHE_DIR``)."""
    return tmp_path_factory.mktemp("gsekg-cache")


@pytest.fixture(scope="session")
def bundled(cache_dir: Path) -> Iterator[OxigraphEngine]:
    """The bundled graph in the session's store cache, opened once for every test."""
    from gsekg.engines import OxigraphEngine, open_engine

    engine = open_engine(cache_dir=cache_dir)
    assert isinstance(engine, OxigraphEngine)
    yield engine
    engine.close()


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def oxigraph_server(
    bundled: OxigraphEngine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The query URL of a writable Oxigraph server holding what ``push`` sent of the bundled
    graph (started once, stopped at the end of the session)."""
    from gsekg.endpoint import push
    from gsekg.server import Server

    folder = tmp_path_factory.mktemp("remote") / "store"
    with Server(folder, port=free_port(), read_only=False) as server:
        push(bundled.quads(), server.base + "/store", timeout=60)
        yield server.url


@pytest.fixture
def runner(cache_dir: Path) -> CliRunner:
    """A typer ``CliRunner``: ``runner.invoke(app, [...])``; ``.stdout`` and ``.stderr`` apart."""
    return CliRunner(env={"GSEKG_CACHE_DIR": str(cache_dir), "NO_COLOR": "1"})


@pytest.fixture
def run_gsekg(cache_dir: Path) -> RunGsekg:
    """Run ``python -m gsekg ARGS…`` in a real subprocess.

    Call as ``run_gsekg("query", "ASK {}", input="…", env={…}, cwd=…, timeout=60)``;
    returns the ``CompletedProcess`` (text mode; ``stdout``/``stderr`` captured,
    never raises on a non-zero exit). ``stdout=FILE`` sends standard output to that open
    file instead (``/dev/full``, a closed pipe); ``stderr`` is still captured.
    """

    def run(
        *args: str | os.PathLike[str],
        input: str | None = None,
        env: dict[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        timeout: float = 120,
        stdout: IO[bytes] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, "GSEKG_CACHE_DIR": str(cache_dir), "NO_COLOR": "1"}
        full_env.pop("FORCE_COLOR", None)
        full_env.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "gsekg", *map(str, args)],
            input=input,
            stdout=subprocess.PIPE if stdout is None else stdout,
            stderr=subprocess.PIPE,
            text=True,
            env=full_env,
            cwd=cwd,
            timeout=timeout,
            check=False,
        )

    return run


@pytest.fixture
def corpus() -> Path:
    """The corpus folder; skips the test (with the reason) when it is absent."""
    found = corpus_dir()
    if found is None or not found.is_dir():
        pytest.skip("corpus not found: set GSEKG_CORPUS or put it in ../shared/corpus")
    return found


@pytest.fixture
def mini() -> Path:
    """Path of ``tests/fixtures/mini.trig``."""
    return MINI


def mini_reader() -> GraphReader:
    """A :class:`GraphReader` over the mini graph (claims copied into the default graph)."""
    from pyoxigraph import Store

    from gsekg.build import build
    from gsekg.engines import OxigraphEngine
    from gsekg.reader import GraphReader

    store = Store()
    build(store, [MINI], inference=False)
    return GraphReader(OxigraphEngine(store))
