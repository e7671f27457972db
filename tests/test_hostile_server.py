"""Hostile use of ``query``, ``serve`` and the cache: one clean error each, a server that stays up,
and a cache that repairs itself and never races.

Two tables: ``CASES`` (command lines: exit code and first ``Error:`` line) and ``REQUESTS``
(HTTP requests to a real ``gsekg serve``: status and first line of the body).
"""

from __future__ import annotations

import functools
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import MINI, RunGsekg
from gsekg import guard, store
from gsekg.cli.app import app
from gsekg.engines import inputs, open_engine
from gsekg.errors import InputError
from gsekg.front import Front, Policy
from test_bad_inputs import Case, other, q  # the same case shape; "@busy_port" is a port in use

DEEP = "SELECT * WHERE " + "{" * 3000 + "}" * 3000
DEEP_PARENS = "SELECT * WHERE { FILTER(" + "(" * 3000 + "1" + ")" * 3000 + ") }"
UNIONS = "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 10_000) + " }"
ORS = "ASK { FILTER(" + " || ".join(["true"] * 10_000) + ") }"
HUGE = "SELECT * WHERE { ?s ?p ?o } # " + "x" * (2 << 20)
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
NORMAL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
DEAD_ENDPOINT = "http://127.0.0.1:9/query"


@functools.cache
def mini_count() -> str:
    """What ``NORMAL`` answers on the mini graph, from a fresh store of its own."""
    with tempfile.TemporaryDirectory() as folder:
        engine = open_engine(data=[MINI], with_bundled=False, cache_dir=Path(folder))
        value = engine.query(NORMAL).rows[0][0].value
    assert value.isdigit() and int(value) > 50
    return value


_DEPTH = "Error: the query nests brackets 3000 deep; the limit is 200"
_HUGE = "Error: <stdin>: the query is more than 1,048,576 bytes; the limit is 1,048,576"
_UNION = "Error: <stdin>: the query has 10,000 operators"
CASES: dict[str, Case] = {
    "3,000-deep group": q(DEEP, message=_DEPTH),
    "3,000-deep group, rdflib": q(DEEP, "--engine", "rdflib", message=_DEPTH),
    "3,000-deep group, endpoint": q(DEEP, "--endpoint", DEAD_ENDPOINT, message=_DEPTH),
    "3,000-deep parentheses": q(DEEP_PARENS, message="Error: the query nests brackets 3002 deep"),
    "10,000 UNIONs": q("-", stdin=UNIONS, message=_UNION),
    "10,000 UNIONs, rdflib": q("-", "--engine", "rdflib", stdin=UNIONS, message=_UNION),
    "10,000 UNIONs, endpoint": q("-", "--endpoint", DEAD_ENDPOINT, stdin=UNIONS, message=_UNION),
    "10,000 ORs": q("-", stdin=ORS, message="Error: <stdin>: the query has 9,999 operators"),
    "2 MB query": q("-", stdin=HUGE, message=_HUGE),
    "2 MB query, endpoint": q("-", "--endpoint", DEAD_ENDPOINT, stdin=HUGE, message=_HUGE),
    "LOAD with --allow-update only": q(
        "LOAD <http://example.org/>",
        "--allow-update",
        message="Error: LOAD fetches a document over the network",
    ),
    "serve on a port in use": other(
        "serve", "--port", "@busy_port", message="Error: port @busy_port on 127.0.0.1 is already"
    ),
    "serve on a bad host": other(
        "serve", "--host", "not a host", message="Error: cannot listen on 'not a host'"
    ),
    "serve with a zero timeout": other("serve", "--timeout", "0", code=2, message="Invalid value"),
}


@pytest.fixture(scope="module")
def busy_port() -> Iterator[str]:
    """A port of 127.0.0.1 where something already listens."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield str(listener.getsockname()[1])


def arguments(case: Case, busy_port: str) -> list[str]:
    args = [a.replace("@busy_port", busy_port) for a in case.args]
    return [*args, "--data", str(MINI)] if case.data else args


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_hostile_command_line(run_gsekg: RunGsekg, busy_port: str, case: Case) -> None:
    done = run_gsekg(*arguments(case, busy_port), input=case.stdin, timeout=60)
    assert "Traceback" not in done.stderr
    assert done.returncode == case.code, done.stderr[-500:]
    if case.code == 2:
        assert case.message in done.stderr
        return
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, done.stderr[-500:]
    assert errors[0].startswith(case.message.replace("@busy_port", busy_port)), errors[0]
    assert done.stdout == ""


def test_limits_let_real_queries_through_and_can_be_set() -> None:
    nested = "SELECT * WHERE " + "{" * 150 + "?s ?p ?o" + "}" * 150
    unions = "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 4000) + " }"
    guard.check_size(nested)
    guard.check_size(unions)
    # brackets, dots and keywords inside strings, IRIs and comments do not count
    guard.check_size(f'SELECT * {{ ?s ?p "{"{" * 500} UNION . ." }} # {"(" * 500}')
    with pytest.raises(InputError, match="nests brackets 150 deep; the limit is 100"):
        guard.check_size(nested, guard.Limits(max_depth=100))
    os.environ["GSEKG_QUERY_MAX_OPERATORS"] = "10"
    try:
        with pytest.raises(InputError, match="GSEKG_QUERY_MAX_OPERATORS"):
            guard.check_size(unions)
    finally:
        del os.environ["GSEKG_QUERY_MAX_OPERATORS"]


# ---------------------------------------------------------------------------------- the server


@dataclass(frozen=True)
class Request:
    """One HTTP request; ``body_size`` sends that many bytes instead of ``body``."""

    method: str
    path: str
    status: int
    first_line: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    body_size: int = 0


def get(query: str, status: int, first_line: str) -> Request:
    return Request("GET", "/query?" + urllib.parse.urlencode({"query": query}), status, first_line)


def post(query: str, status: int, first_line: str) -> Request:
    headers = {"Content-Type": "application/sparql-query"}
    return Request("POST", "/query", status, first_line, query.encode(), headers)


def update(text: str, status: int, first_line: str) -> Request:
    body = urllib.parse.urlencode({"update": text}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return Request("POST", "/update", status, first_line, body, headers)


REQUESTS: dict[str, Request] = {
    "3,000-deep group": get(DEEP, 400, "the query nests brackets 3000 deep"),
    "2,500-deep group by POST": post(
        "SELECT * WHERE " + "{" * 2500 + "}" * 2500, 400, "the query nests brackets 2500 deep"
    ),
    "10,000 UNIONs": post(UNIONS, 400, "the query has 10,000 operators"),
    "SERVICE": get(
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        403,
        "SERVICE calls other endpoints over the network; refused unless explicitly allowed",
    ),
    "LOAD": update(
        "LOAD <http://127.0.0.1:9/data.ttl>", 403, "this is a SPARQL update (INSERT/DELETE/LOAD"
    ),
    "INSERT": update("INSERT DATA { <http://e/a> <http://e/b> 1 }", 403, "this is a SPARQL update"),
    "update sent as a query": get("DROP ALL", 403, "this is a SPARQL update"),
    "graph store write": Request(
        "PUT", "/store?default", 403, "the graph is read-only", b"<a:b> <a:c> <a:d> ."
    ),
    "100 MB body": Request(
        "POST",
        "/query",
        413,
        "the request body is 100,000,000 bytes",
        headers={"Content-Type": "application/sparql-query"},
        body_size=100_000_000,
    ),
    "chunked body": Request(
        "POST",
        "/query",
        411,
        "send the body with a Content-Length",
        headers={"Transfer-Encoding": "chunked", "Content-Type": "application/sparql-query"},
    ),
    "no query": Request("GET", "/query", 400, "no query in the request"),
    "bad UTF-8": Request(
        "POST",
        "/query",
        400,
        "the request is not valid UTF-8",
        b"ASK { \xff }",
        {"Content-Type": "application/sparql-query"},
    ),
    "unknown path": Request("GET", "/etc/passwd", 404, "no such resource: /etc/passwd"),
    "runaway query": get(RUNAWAY, 503, "the query ran longer than 1 s and was stopped"),
}


def send(port: int, request: Request, timeout: float = 30) -> tuple[int, str]:
    """Send ``request``; the status and the first line of the body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.putrequest(request.method, request.path)
        size = request.body_size or len(request.body)
        headers = {"Content-Length": str(size), **request.headers}
        if "Transfer-Encoding" in headers:
            del headers["Content-Length"]
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        if request.body_size:
            chunk = b" " * (1 << 20)
            with_sent = 0
            try:
                while with_sent < request.body_size:
                    connection.send(chunk[: request.body_size - with_sent])
                    with_sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server may answer and close before the body is all sent
        elif request.body:
            connection.send(request.body)
        answer = connection.getresponse()
        body = answer.read().decode("utf-8", errors="replace")
        return answer.status, (body.splitlines() or [""])[0]
    finally:
        connection.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def oxigraph_children(pid: int) -> list[int]:
    """Process ids of the ``oxigraph`` processes whose parent is ``pid`` (Linux)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid and any(a.endswith(b"oxigraph") for a in command.split(b"\0")[:2]):
            found.append(int(entry.name))
    return found


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    """A real ``gsekg serve --timeout 1`` of the mini graph on a free port of 127.0.0.1."""
    port = free_port()
    command = [sys.executable, "-m", "gsekg", "serve", "--port", str(port), "--timeout", "1"]
    command += ["--data", str(MINI), "--cache-dir", str(tmp_path / "cache")]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            try:
                if send(port, get(NORMAL, 200, ""), timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gsekg serve never answered"
            time.sleep(0.1)
        yield port, process
    finally:
        process.terminate()
        try:
            process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


@pytest.mark.server
@pytest.mark.slow
def test_the_server_survives_100_hostile_requests(
    served: tuple[int, subprocess.Popen[str]],
) -> None:
    port, process = served
    names = list(REQUESTS)
    plan = [names[i % len(names)] for i in range(100)]
    seen: dict[str, tuple[int, str]] = {}
    for name in plan:
        request = REQUESTS[name]
        status, first = send(port, request)
        assert (status, first[: len(request.first_line)]) == (request.status, request.first_line)
        seen[name] = (status, first)
        assert process.poll() is None, f"gsekg serve died after {name!r}"
    assert set(seen) == set(REQUESTS)
    started = time.monotonic()
    status, _ = send(port, get(NORMAL, 200, ""))
    assert status == 200 and time.monotonic() - started < 1.0
    # runaway queries are stopped: no more than the current engine and a retired one remain
    assert 1 <= len(oxigraph_children(process.pid)) <= 2
    process.terminate()
    _, stderr = process.communicate(timeout=20)
    assert "Traceback" not in stderr
    assert "a query ran past the time limit; starting a fresh Oxigraph server" in stderr


@pytest.mark.server
def test_served_answers_are_complete_in_every_format(
    served: tuple[int, subprocess.Popen[str]],
) -> None:
    port, _ = served
    for accept, marker in [
        ("application/sparql-results+json", f'"value":"{mini_count()}"'),
        ("application/sparql-results+xml", f">{mini_count()}<"),
        ("text/csv", mini_count()),
    ]:
        request = get(NORMAL, 200, "")
        request.headers["Accept"] = accept
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", request.path, headers=request.headers)
        answer = connection.getresponse()
        body = answer.read().decode()
        connection.close()
        assert answer.status == 200 and accept in answer.getheader("Content-Type", "")
        assert int(answer.getheader("Content-Length", "0")) == len(body.encode())
        assert marker in body


# ----------------------------------------------------------------------------------- the cache


def built_store(tmp_path: Path) -> tuple[Path, Path]:
    """A cache folder holding the mini graph; and the store folder inside it."""
    cache = tmp_path / "cache"
    opened = store.open_store(inputs([MINI], with_bundled=False), cache_dir=cache)
    assert opened.path is not None
    return cache, opened.path / "store"


def overwrite(path: Path, offset: int = 100, keep_mtime: bool = False) -> None:
    stat = path.stat()
    with path.open("r+b") as stream:
        stream.seek(min(offset, stat.st_size - 8))
        stream.write(b"\xff" * 8)
    if keep_mtime:
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def tables(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.sst"), key=lambda p: p.stat().st_size)


DAMAGE = {
    "bytes overwritten in a table file": (lambda s: overwrite(tables(s)[-1]), "changed"),
    "table bytes overwritten, mtime kept": (
        lambda s: overwrite(tables(s)[-1], keep_mtime=True),
        "changed",
    ),
    "table file truncated": (lambda s: tables(s)[0].write_bytes(b""), "changed size"),
    "table file deleted": (lambda s: tables(s)[0].unlink(), "is missing"),
    "CURRENT damaged": (lambda s: (s / "CURRENT").write_text("MANIFEST-999999\n"), "CURRENT"),
    "CURRENT deleted": (lambda s: (s / "CURRENT").unlink(), "CURRENT is missing"),
    "MANIFEST damaged": (lambda s: overwrite(next(s.glob("MANIFEST-*")), 20), "MANIFEST-"),
    "OPTIONS damaged": (lambda s: overwrite(next(s.glob("OPTIONS-*")), 20), "OPTIONS-"),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_store_is_reported_moved_aside_and_rebuilt(
    tmp_path: Path, run_gsekg: RunGsekg, damage: tuple[object, str]
) -> None:
    harm, reason = damage
    cache, folder = built_store(tmp_path)
    harm(folder)  # type: ignore[operator]
    info = CliRunner().invoke(app, ["cache", "info", "--cache-dir", str(cache)])
    assert info.exit_code == 0
    assert re.search(rf"\tdamaged: [^\t]*{re.escape(reason)}", info.stdout), info.stdout
    assert "1 damaged" in info.stderr
    query = ("query", NORMAL, "--data", MINI, "--cache-dir", cache, "-f", "csv")
    first = run_gsekg(*query)
    assert (first.returncode, first.stdout.split()) == (0, ["n", mini_count()]), first.stderr
    notes = first.stderr.splitlines()
    assert len(notes) == 1 and notes[0].startswith("Note: the cached store "), first.stderr
    assert "was damaged" in notes[0] and "moved it to" in notes[0] and "rebuilt it" in notes[0]
    assert len(list((cache / ".damaged").iterdir())) == 1
    again = run_gsekg(*query)
    assert (again.returncode, again.stdout.split(), again.stderr) == (0, ["n", mini_count()], "")
    healthy = CliRunner().invoke(app, ["cache", "info", "--cache-dir", str(cache)])
    assert "\tok\t" in healthy.stdout


def test_an_unwritable_cache_folder_is_said_once(tmp_path: Path, run_gsekg: RunGsekg) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    done = run_gsekg("query", NORMAL, "--data", MINI, "--cache-dir", blocker / "cache", "-f", "csv")
    assert (done.returncode, done.stdout.split()) == (0, ["n", mini_count()])
    notes = done.stderr.splitlines()
    assert len(notes) == 1, done.stderr
    assert notes[0].startswith(f"Note: the cache folder {blocker / 'cache'} cannot be written")
    assert notes[0].endswith("the graph is built in memory for this run")


STRESS_SECONDS = 60
"""How long the cache stress test runs its readers, rebuilds and clears."""

LONG_READER = """
import sys, time
from gsekg.engines import open_engine
engine = open_engine(data=[sys.argv[1]], with_bundled=False, cache_dir=sys.argv[2])
deadline = time.monotonic() + float(sys.argv[3])
count = 0
while time.monotonic() < deadline:
    rows = engine.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows
    assert rows[0][0].value == sys.argv[4], rows
    count += 1
    time.sleep(0.05)
print(count)
"""


@pytest.mark.slow
def test_readers_never_race_rebuilds_and_clears(tmp_path: Path) -> None:
    """Eight readers (six CLI loops, two long-lived engines) against rebuilds and clears, 60 s."""
    cache = tmp_path / "cache"
    env = {**os.environ, "NO_COLOR": "1"}
    gsekg = [sys.executable, "-m", "gsekg"]
    query = [*gsekg, "query", NORMAL, "--data", str(MINI), "--cache-dir", str(cache), "-f", "csv"]
    subprocess.run(
        [*gsekg, "cache", "build", "--data", str(MINI), "--cache-dir", str(cache)],
        check=True,
        capture_output=True,
        env=env,
        timeout=120,
    )
    deadline = time.monotonic() + STRESS_SECONDS
    failures: list[str] = []
    counts = {"queries": 0, "rebuilds": 0, "clears": 0}
    lock = threading.Lock()

    def reader() -> None:
        while time.monotonic() < deadline:
            done = subprocess.run(query, capture_output=True, text=True, env=env, timeout=120)
            with lock:
                counts["queries"] += 1
                if done.returncode or done.stdout.split() != ["n", mini_count()] or done.stderr:
                    failures.append(f"{done.returncode} {done.stdout!r} {done.stderr[-300:]}")

    def rebuilder() -> None:
        turn = 0
        while time.monotonic() < deadline:
            action = ["cache", "clear"] if turn % 3 == 2 else ["cache", "build", "--force"]
            if action[1] == "build":
                action += ["--data", str(MINI)]
            done = subprocess.run(
                [*gsekg, *action, "--cache-dir", str(cache)],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
            )
            with lock:
                counts["clears" if action[1] == "clear" else "rebuilds"] += 1
                if done.returncode or "Traceback" in done.stderr:
                    failures.append(f"{action}: {done.returncode} {done.stderr[-300:]}")
            turn += 1

    long_reader_args = (str(STRESS_SECONDS - 5), mini_count())
    long_readers = [
        subprocess.Popen(
            [sys.executable, "-c", LONG_READER, str(MINI), str(cache), *long_reader_args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    threads = [threading.Thread(target=reader) for _ in range(6)]
    threads.append(threading.Thread(target=rebuilder))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=STRESS_SECONDS + 120)
    answers = []
    for process in long_readers:
        try:
            answers.append(process.communicate(timeout=60))
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    for process, (out, err) in zip(long_readers, answers, strict=True):
        assert process.returncode == 0 and int(out) > 10, err[-500:]
    assert not failures, failures[:3]
    assert counts["queries"] >= 8 and counts["rebuilds"] >= 2 and counts["clears"] >= 1, counts
    # once every reader is gone, one more build leaves one version and nothing else behind
    subprocess.run(
        [*gsekg, "cache", "build", "--force", "--data", str(MINI), "--cache-dir", str(cache)],
        check=True,
        capture_output=True,
        env=env,
        timeout=120,
    )
    versions = [p for p in cache.glob("*/v*") if p.is_dir()]
    assert len(versions) == 1, versions


class NotedFront(Front):
    """A front that keeps its notes in a list."""

    notes: list[str]


@pytest.fixture
def front_factory(tmp_path: Path) -> Iterator[Callable[..., NotedFront]]:
    """Start a :class:`gsekg.front.Front` of the mini graph in this process (any free port)."""
    _, folder = built_store(tmp_path)
    started: list[NotedFront] = []

    def start(**policy: Any) -> NotedFront:
        notes: list[str] = []
        front = NotedFront("127.0.0.1", 0, policy=Policy(**policy), log=notes.append)
        front.notes = notes
        front.start_engine(folder)
        front.serve_in_thread()
        started.append(front)
        return front

    yield start
    for front in started:
        front.shutdown()
        front.close()


@pytest.mark.server
def test_updates_go_to_a_private_copy_only_when_allowed(
    front_factory: Callable[..., NotedFront],
) -> None:
    front = front_factory(allow_update=True, timeout=5)
    count = get("SELECT (COUNT(*) AS ?n) WHERE { <http://e/a> ?p ?o }", 200, "")
    assert send(front.port, update("INSERT DATA { <http://e/a> <http://e/b> 1 }", 204, ""))[0] in (
        200,
        204,
    )
    connection = http.client.HTTPConnection("127.0.0.1", front.port, timeout=10)
    connection.request("GET", count.path, headers={"Accept": "text/csv"})
    assert connection.getresponse().read().decode().split() == ["n", "1"]
    connection.close()
    # LOAD reaches out over the network: it needs --allow-service as well
    assert send(front.port, update("LOAD <http://127.0.0.1:9/x.ttl>", 403, "")) == (
        403,
        "LOAD fetches a document over the network; refused unless SERVICE calls "
        "(network access) are explicitly allowed too",
    )
    # a runaway update replaces the writable engine (one process at a time may open it)
    runaway = update(
        "INSERT { ?a <http://e/x> ?o } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?o }",
        503,
        "",
    )
    assert send(front.port, runaway)[0] == 503
    assert send(front.port, get(NORMAL, 200, ""))[0] == 200
    assert front.notes == [
        "a query ran past the time limit; starting a fresh Oxigraph server to stop it"
    ]


@pytest.mark.server
def test_an_engine_that_dies_is_restarted_and_said(
    front_factory: Callable[..., NotedFront],
) -> None:
    front = front_factory()
    assert front.engines is not None and front.engines._current is not None
    process = front.engines._current.server.process
    assert process is not None
    process.kill()
    process.wait()
    assert send(front.port, get(NORMAL, 200, ""))[0] == 200
    assert front.notes == ["the Oxigraph server stopped (exit code -9); restarting it"]
