"""Serving the store over HTTP with Oxigraph's own SPARQL server (the ``oxigraph`` package).

Oxigraph's server implements the SPARQL 1.1 Protocol (GET and POST, content negotiation for
the W3C result formats: JSON, XML, CSV, TSV) and the Graph Store Protocol, so gsekg starts it
on the cached store rather than writing a server of its own. ``serve-read-only`` opens the
RocksDB store read-only, which is safe while gsekg itself reads the same store. ``gsekg serve``
puts :mod:`gsekg.front` in front of it, which checks every request first.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

from gsekg.errors import EngineError

STOP_GRACE = 5.0


def oxigraph_binary() -> Path:
    """The ``oxigraph`` executable: on ``PATH``, else beside this Python."""
    found = shutil.which("oxigraph")
    if found:
        return Path(found)
    folder = Path(sys.prefix) / ("Scripts" if sys.platform == "win32" else "bin")
    for name in ("oxigraph", "oxigraph.exe"):
        if (folder / name).is_file():
            return folder / name
    raise EngineError(
        "the Oxigraph server is not installed: pip install oxigraph "
        "(it provides the `oxigraph` command gsekg serve runs)"
    )


def command(
    location: Path,
    host: str,
    port: int,
    *,
    read_only: bool = True,
    timeout: float | None = None,
) -> list[str]:
    """The command line that serves ``location`` on ``host:port``."""
    args = [
        str(oxigraph_binary()),
        "serve-read-only" if read_only else "serve",
        "--location",
        str(location),
        "--bind",
        f"{host}:{port}",
    ]
    if timeout is not None:
        args += ["--timeout-s", str(max(1, round(timeout)))]
    return args


def query_url(host: str, port: int) -> str:
    """The SPARQL query endpoint of a server on ``host:port``."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/query"


class Server:
    """An Oxigraph server run as a child process; a context manager that always stops it.

    Args:
        location: the store folder.
        host: the address to bind (keep 127.0.0.1 unless the graph may be public).
        port: the TCP port.
        read_only: ``serve-read-only`` (default) or a writable ``serve`` (push tests).
        timeout: Oxigraph's per-query time limit in seconds.
    """

    def __init__(
        self,
        location: Path,
        host: str = "127.0.0.1",
        port: int = 7878,
        *,
        read_only: bool = True,
        timeout: float | None = None,
    ) -> None:
        self.args = command(location, host, port, read_only=read_only, timeout=timeout)
        self.url = query_url(host, port)
        self.base = self.url.removesuffix("/query")
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self, *, wait: float = 30.0) -> Server:
        """Start the server and wait until it answers (at most ``wait`` seconds)."""
        self._log = tempfile.TemporaryFile()  # noqa: SIM115  (closed by stop())
        self.process = subprocess.Popen(
            self.args,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                message = self._read_log()
                self.stop()
                raise EngineError(f"the Oxigraph server stopped: {message}")
            if _answers(self.url):
                return self
            time.sleep(0.05)
        self.stop()
        raise EngineError(f"the Oxigraph server did not answer on {self.url} within {wait:g} s")

    def _read_log(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        return " ".join(self._log.read().decode(errors="replace").split())[-500:]

    def stop(self) -> None:
        """Stop the server: terminate, then kill if it does not exit in time."""
        process, self.process = self.process, None
        try:
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(STOP_GRACE)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _die_with_parent() -> None:  # pragma: no cover  (runs in the child, before exec)
    """Ask Linux to stop the server when gsekg dies, even by SIGKILL (prctl PR_SET_PDEATHSIG)."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _answers(url: str) -> bool:
    """Whether a SPARQL endpoint answers ``ASK {}``."""
    try:
        with urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=1) as answer:
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError):
        return False
