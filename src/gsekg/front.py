"""The HTTP front of ``gsekg serve``: checks each request, then forwards it to Oxigraph's server.

Oxigraph's server parses and evaluates recursively, runs SERVICE calls and LOAD, and its own
time limit neither stops every query nor keeps a 200 from ending in a truncated body. The front
listens on the public address and the engine on a private port of 127.0.0.1, so that every
request passes these checks first:

- a query or update text over the :class:`gsekg.guard.Limits` (size, nesting, operators):
  400; a body larger than the size limit: 413, before it is read;
- an update, SERVICE or LOAD that was not allowed: 403, in the CLI's words;
- an answer not complete within the time limit: 503; the engine is then replaced by a fresh
  process (once in-flight requests are done), so the runaway query stops using a core;
- an engine that died: 502 for that request, a restart, and a line on stderr saying why.

Answers are read whole (spooled to disk past a few MB) before the status line is sent, so a
client gets either the complete answer or an error status with a one-line ``text/plain`` body.
"""

from __future__ import annotations

import contextlib
import http.client
import shutil
import socket
import socketserver
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO

from gsekg import guard
from gsekg.errors import EngineError, ForbiddenQueryError, GsekgError, InputError
from gsekg.server import Server, query_url

DEFAULT_TIMEOUT = 30.0
MAX_IN_FLIGHT = 16
"""Requests forwarded at once; more get 503 (each holds an engine thread)."""
MAX_RETIRED = 4
"""Replaced engines still finishing requests; past this the oldest is stopped at once."""
SPOOL_IN_MEMORY = 8 << 20
CLIENT_SOCKET_TIMEOUT = 60.0
DRAIN_LIMIT = 256 << 20
"""At most this much of a refused body is read (and dropped) so the client sees the status."""
_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "content-length"}
    | {"server", "date"}  # the front sends its own
)
_READ_ONLY = "the graph is read-only unless updates are explicitly allowed"

Log = Callable[[str], None]


@dataclass(frozen=True)
class Policy:
    """What the front lets through."""

    timeout: float = DEFAULT_TIMEOUT
    allow_update: bool = False
    allow_service: bool = False
    limits: guard.Limits = field(default_factory=guard.Limits)


class RefusedError(Exception):
    """A request answered by the front itself: an HTTP status and a one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _Engine:
    """One Oxigraph server process and the requests it is answering."""

    def __init__(self, location: Path, *, writable: bool, timeout: float) -> None:
        self.server = Server(
            location, "127.0.0.1", _free_port(), read_only=not writable, timeout=timeout + 5
        )
        self.in_flight = 0
        self.retired = False

    @property
    def address(self) -> tuple[str, int]:
        parsed = urllib.parse.urlsplit(self.server.base)
        return parsed.hostname or "127.0.0.1", parsed.port or 80

    def exit_code(self) -> int | None:
        process = self.server.process
        return None if process is None else process.poll()


class Engines:
    """The current engine process, replaced when a query runs away or the process dies."""

    def __init__(self, location: Path, *, writable: bool, timeout: float, log: Log) -> None:
        self.location = location
        self.writable = writable
        self.timeout = timeout
        self.log = log
        self.restarts = 0
        self._lock = threading.Lock()
        self._current: _Engine | None = None
        self._retired: list[_Engine] = []
        self._stopped = False
        # Engines are started from one long-lived thread: Linux stops a child when the thread
        # that started it ends (PR_SET_PDEATHSIG), and request threads end with their request.
        self._starter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gsekg-engine")

    def start(self) -> None:
        """Start the first engine process (raises :class:`EngineError` if it cannot start)."""
        self._current = self._spawn()

    def _spawn(self) -> _Engine:
        return self._starter.submit(self._start_one).result()

    def _start_one(self) -> _Engine:
        last: EngineError | None = None
        for _ in range(3):  # the private port may be taken between the probe and the bind
            engine = _Engine(self.location, writable=self.writable, timeout=self.timeout)
            try:
                engine.server.start()
            except EngineError as error:
                last = error
                continue
            return engine
        raise last or EngineError("the Oxigraph server did not start")

    def acquire(self) -> _Engine:
        """The engine to send a request to (restarted first if it died)."""
        with self._lock:
            current = self._current
            if current is None:
                if self._stopped:
                    raise RefusedError(503, "the server is stopping")
                current = self._current = self._spawn()  # a restart failed before: try again
            code = current.exit_code()
            if code is not None:
                self.log(f"the Oxigraph server stopped (exit code {code}); restarting it")
                current = self._replace(current)
            current.in_flight += 1
            return current

    def release(self, engine: _Engine, *, runaway: bool = False, died: bool = False) -> None:
        """Done with ``engine``; a runaway request or a dead process replaces it."""
        with self._lock:
            engine.in_flight -= 1
            if (runaway or died) and engine is self._current:
                why = "a query ran past the time limit" if runaway else "the engine stopped"
                self.log(f"{why}; starting a fresh Oxigraph server to stop it")
                self._replace(engine)
            self._reap()

    def _replace(self, old: _Engine) -> _Engine:
        """Retire ``old`` (stopped once idle) and start a new current engine (lock held)."""
        self.restarts += 1
        old.retired = True
        if self.writable:  # one process at a time can open a writable store
            old.server.stop()
        else:
            self._retired.append(old)
        try:
            self._current = self._spawn()
        except EngineError:
            self._current = None
            raise
        return self._current

    def _reap(self) -> None:
        """Stop retired engines with no request left, and the oldest beyond the limit."""
        keep = []
        for engine in self._retired:
            if engine.in_flight == 0:
                engine.server.stop()
            else:
                keep.append(engine)
        while len(keep) > MAX_RETIRED:
            keep.pop(0).server.stop()
        self._retired = keep

    def stop(self) -> None:
        """Stop every engine process."""
        with self._lock:
            self._stopped = True
            engines = [*self._retired, *([self._current] if self._current else [])]
            self._current, self._retired = None, []
        for engine in engines:
            engine.server.stop()
        self._starter.shutdown(wait=False)


class Front(ThreadingHTTPServer):
    """The checking HTTP server: bound on creation; :meth:`start_engine`, then serve.

    Binding comes first so that an unusable address is reported before anything slow.

    Args:
        host: the address to listen on.
        port: the TCP port.
        policy: the time limit, what is allowed, the size limits.
        log: where notes go (one line each).

    Raises:
        InputError: the address cannot be used (not a host, port in use, not allowed).
    """

    daemon_threads = True
    block_on_close = False

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 7878,
        *,
        policy: Policy | None = None,
        log: Log | None = None,
    ) -> None:
        self.policy = policy or Policy()
        self.log: Log = log or _stderr
        self.host = host
        self._private: Path | None = None
        self._slots = threading.BoundedSemaphore(MAX_IN_FLIGHT)
        family, address = _resolve(host, port)
        self.address_family = family
        try:
            super().__init__(address, _Handler)
        except OSError as error:
            raise _bind_error(host, port, error) from None
        self.port: int = self.server_address[1]
        self.url = query_url(host, self.port)
        self.engines: Engines | None = None

    def server_bind(self) -> None:
        """Bind without the reverse DNS look-up ``HTTPServer`` does."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.host, self.server_address[1]

    def _engine_location(self, location: Path) -> Path:
        """The store itself, or with updates allowed a private copy (thrown away on stop)."""
        if not self.policy.allow_update:
            return location
        self._private = Path(tempfile.mkdtemp(prefix="gsekg-serve-"))
        copy = self._private / "store"
        try:
            shutil.copytree(location, copy)
        except OSError as error:
            shutil.rmtree(self._private, ignore_errors=True)
            raise EngineError(f"cannot copy the store for updates: {error}") from None
        return copy

    def start_engine(self, location: Path) -> Front:
        """Start the Oxigraph server on the store folder ``location`` behind the front."""
        try:
            self.engines = Engines(
                self._engine_location(location),
                writable=self.policy.allow_update,
                timeout=self.policy.timeout,
                log=self.log,
            )
            self.engines.start()
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        """Stop listening, stop the engines, delete the private copy."""
        self.server_close()
        if self.engines is not None:
            self.engines.stop()
        if self._private is not None:
            shutil.rmtree(self._private, ignore_errors=True)
            self._private = None

    def serve_in_thread(self) -> threading.Thread:
        """Serve from a daemon thread; stop with :meth:`shutdown`, then :meth:`close`."""
        thread = threading.Thread(target=self.serve_forever, daemon=True)
        thread.start()
        return thread


class _Handler(BaseHTTPRequestHandler):
    server: Front
    protocol_version = "HTTP/1.1"
    server_version = "gsekg"
    sys_version = ""
    timeout = CLIENT_SOCKET_TIMEOUT

    def setup(self) -> None:
        super().setup()
        with contextlib.suppress(OSError):  # small answers go out at once, not after 40 ms
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: object) -> None:
        """Requests are not logged; notes go through the front's ``log``."""

    def _handle(self) -> None:
        try:
            body = self._checked()
            self._forward(body)
        except RefusedError as refusal:
            self._refuse(refusal.status, str(refusal))
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    def _checked(self) -> bytes:
        """The request body, after every check; raises :class:`RefusedError`."""
        policy = self.server.policy
        split = urllib.parse.urlsplit(self.path)
        route = split.path.rstrip("/") or "/"
        method = self.command
        if route == "/" and method in ("GET", "HEAD"):
            return self._body()
        if route == "/query" and method in ("GET", "POST"):
            body = self._body()
            text = _parameter(split.query, body, self.headers, "query")
            self._check(text, allow_update=False)
            return body
        if route == "/update" and method == "POST":
            body = self._body()
            text = _parameter(split.query, body, self.headers, "update")
            self._check(text, allow_update=policy.allow_update)
            return body
        if route == "/store" or route.startswith("/store/"):
            if method not in ("GET", "HEAD") and not policy.allow_update:
                raise RefusedError(403, _READ_ONLY)
            return self._body()
        if route in ("/", "/query", "/update"):
            raise RefusedError(405, f"{method} is not allowed on {route}")
        raise RefusedError(404, f"no such resource: {route} (queries go to /query)")

    def _check(self, text: str | None, *, allow_update: bool) -> None:
        if text is None:
            raise RefusedError(400, "no query in the request (a query parameter or a body)")
        policy = self.server.policy
        try:
            guard.check(
                text,
                allow_update=allow_update,
                allow_service=policy.allow_service,
                limits=policy.limits,
            )
        except ForbiddenQueryError as error:
            raise RefusedError(403, _message(error)) from None
        except InputError as error:
            raise RefusedError(400, _message(error)) from None

    def _body(self) -> bytes:
        """The request body, at most the query size limit; raises :class:`RefusedError`."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            raise RefusedError(411, "send the body with a Content-Length, not chunked")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            raise RefusedError(400, "Content-Length is not a number") from None
        limit = self.server.policy.limits.max_bytes
        if length > limit:
            self._drain(length)
            raise RefusedError(
                413,
                f"the request body is {length:,} bytes; the limit is {limit:,} "
                "(GSEKG_QUERY_MAX_BYTES)",
            )
        if length < 0:
            raise RefusedError(400, "Content-Length is negative")
        return self.rfile.read(length) if length else b""

    def _drain(self, length: int) -> None:
        """Read and drop a refused body (bounded in bytes and time), so the client sees 413."""
        self.close_connection = True
        remaining = min(length, DRAIN_LIMIT)
        deadline = time.monotonic() + 10
        self.connection.settimeout(1.0)
        with contextlib.suppress(OSError):
            while remaining > 0 and time.monotonic() < deadline:
                chunk = self.rfile.read1(min(remaining, 1 << 20))
                if not chunk:
                    break
                remaining -= len(chunk)

    def _forward(self, body: bytes) -> None:
        front = self.server
        if not front._slots.acquire(blocking=False):
            raise RefusedError(503, f"too many requests at once (at most {MAX_IN_FLIGHT}); retry")
        try:
            if front.engines is None:
                raise RefusedError(503, "the engine is starting; retry")
            engines = front.engines
            try:
                engine = engines.acquire()
            except EngineError as error:
                raise RefusedError(503, _message(error)) from None
            outcome = ""
            try:
                status, headers, spool = self._ask(engine, body)
            except TimeoutError:
                outcome = "runaway"
                raise RefusedError(
                    503,
                    f"the query ran longer than {front.policy.timeout:g} s and was stopped",
                ) from None
            except (OSError, http.client.HTTPException):
                outcome = "died" if engine.exit_code() is not None else ""
                raise RefusedError(502, "the engine failed while answering; retry") from None
            finally:
                engines.release(engine, runaway=outcome == "runaway", died=outcome == "died")
            with spool:
                self._send(status, headers, spool)
        finally:
            front._slots.release()

    def _ask(self, engine: _Engine, body: bytes) -> tuple[int, list[tuple[str, str]], IO[bytes]]:
        """Send the request to ``engine``; the whole answer within the time limit."""
        deadline = time.monotonic() + self.server.policy.timeout
        host, port = engine.address
        connection = http.client.HTTPConnection(host, port, timeout=self.server.policy.timeout)
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
        try:
            headers = {
                k: v
                for k, v in self.headers.items()
                if k.lower() not in _HOP_BY_HOP and k.lower() != "host"
            }
            connection.request(self.command, self.path, body=body or None, headers=headers)
            answer = connection.getresponse()
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                if connection.sock is not None:
                    connection.sock.settimeout(remaining)
                chunk = answer.read1(1 << 16) if self.command != "HEAD" else b""
                if not chunk:
                    break
                spool.write(chunk)
            kept = [(k, v) for k, v in answer.getheaders() if k.lower() not in _HOP_BY_HOP]
            spool.seek(0)
            return answer.status, kept, spool
        except BaseException:
            spool.close()
            raise
        finally:
            connection.close()

    def _send(self, status: int, headers: list[tuple[str, str]], spool: IO[bytes]) -> None:
        size = spool.seek(0, 2)
        spool.seek(0)
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        if self.command != "HEAD":
            shutil.copyfileobj(spool, self.wfile, 1 << 16)

    def _refuse(self, status: int, message: str) -> None:
        """Answer ``status`` with ``message``, and close: the body may not have been read."""
        body = f"{message}\n".encode()
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)


def _parameter(query: str, body: bytes, headers: object, name: str) -> str | None:
    """The SPARQL text of a request: ``name`` in the URL or form body, or the raw body."""
    content_type = str(getattr(headers, "get", lambda *_: "")("Content-Type") or "")
    kind = content_type.split(";")[0].strip().lower()
    try:
        if kind == f"application/sparql-{name}":
            return body.decode("utf-8")
        fields = urllib.parse.parse_qs(query, errors="strict")
        if kind == "application/x-www-form-urlencoded":
            fields.update(urllib.parse.parse_qs(body.decode("ascii"), errors="strict"))
    except (UnicodeDecodeError, ValueError):
        raise RefusedError(400, "the request is not valid UTF-8") from None
    values = fields.get(name)
    if values and len(values) > 1:
        raise RefusedError(400, f"more than one {name} in the request")
    return values[0] if values else None


def _message(error: GsekgError) -> str:
    return " ".join(str(error).split())


def _resolve(host: str, port: int) -> tuple[socket.AddressFamily, tuple[str, int]]:
    """The address family and address to bind for ``host``; raises :class:`InputError`."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise InputError(f"cannot listen on {host!r}: {reason}") from None
    family, _, _, _, address = found[0]
    return family, (str(address[0]), int(address[1]))


def _bind_error(host: str, port: int, error: OSError) -> InputError:
    import errno

    if error.errno == errno.EADDRINUSE:
        return InputError(f"port {port} on {host} is already in use; choose another with --port")
    if error.errno == errno.EACCES:
        return InputError(f"not allowed to listen on {host}:{port} (ports below 1024 need root)")
    return InputError(f"cannot listen on {host}:{port}: {error.strerror or error}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _stderr(message: str) -> None:
    sys.stderr.write(f"Note: {message}\n")
    sys.stderr.flush()
