"""Hostile files, streams, names and sizes (issues 11 and 13): one clean ``Error:`` line each.

The table ``CASES`` has the shape of ``tests/test_bad_inputs.py``: arguments, exit code and
what the first line of stderr says. Cases that need a real process (a closed or full
stdout, an environment read at start-up) run in a subprocess; the others in ``CliRunner``.
Exit codes: 0 fine (a note is allowed), 1 bad input, 2 usage, 4 engine or timeout, 5 unknown.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MINI, RunGsekg
from gsekg.cli import app

PYTHON = [sys.executable, "-m", "gsekg"]
SECRET = "root:$6$s3cr3tHASH:19000:0:99999:7:::"


@dataclass(frozen=True)
class Case:
    """Arguments (``@name`` is a workspace file), exit code, text of the first stderr line.

    ``stdout`` is ``pipe``, ``full`` (``/dev/full``) or ``closed`` (``>&-``); ``stdin`` is
    text, or ``CLOSED`` for ``<&-``. ``out`` must appear on stdout; ``absent`` nowhere.
    """

    args: tuple[str, ...]
    code: int
    message: str = ""
    stdin: str | None = None
    data: bool = True
    env: Mapping[str, str] = field(default_factory=dict)
    stdout: str = "pipe"
    out: str = ""
    absent: str = ""

    @property
    def process(self) -> bool:
        """Whether the case needs a real process."""
        return self.stdout != "pipe" or self.stdin == CLOSED or "PYTHONIOENCODING" in self.env


CLOSED = "<&-"


def q(*args: str, code: int = 1, message: str = "", **kw: object) -> Case:
    """A ``gsekg query`` case on the mini graph."""
    return Case(("query", *args), code, message, **kw)  # type: ignore[arg-type]


def other(*args: str, code: int = 1, message: str = "", **kw: object) -> Case:
    """A case for another command, with ``--data MINI`` added."""
    return Case(args, code, message, **kw)  # type: ignore[arg-type]


def bare(*args: str, code: int = 1, message: str = "", **kw: object) -> Case:
    """A case whose arguments are complete (no ``--data`` added)."""
    return Case(args, code, message, data=False, **kw)  # type: ignore[arg-type]


COUNT = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
STORE = "http://127.0.0.1:9/store"
EVIL_REGEX = 'SELECT ?x { BIND(REGEX("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "^(a+)+$") AS ?x) }'

CASES: dict[str, Case] = {
    # push: the URL is checked before anything is sent (issue 13, data loss)
    "push URL with a fragment": other("push", "--endpoint", STORE + "#x", message="fragment"),
    "push URL with an empty fragment": other("push", "--endpoint", STORE + "#", message="fragment"),
    "push URL already picking a graph": other(
        "push", "--endpoint", STORE + "?graph=http://e/g", message="already picks a graph"
    ),
    "push URL picking the default graph": other(
        "push", "--endpoint", STORE + "?x=1&default", message="already picks a graph"
    ),
    "push URL not http": other("push", "--endpoint", "ftp://h/store", message="not an http(s)"),
    "push URL without a host": other("push", "--endpoint", "http:///store", message="host"),
    "push URL with a bad port": other(
        "push", "--endpoint", "http://h:port/store", message="not a usable URL"
    ),
    "push URL with a space": other("push", "--endpoint", "http://h/st ore", message="spaces"),
    "push --replace-all without --yes": other(
        "push", "--endpoint", STORE, "--replace-all", code=2, message="add --yes"
    ),
    "push --timeout nan": other(
        "push", "--endpoint", STORE, "--timeout", "nan", code=2, message="--timeout"
    ),
    "push --timeout 0": other(
        "push", "--endpoint", STORE, "--timeout", "0", code=2, message="--timeout"
    ),
    # --timeout values that are not a number of seconds (issue 11)
    "timeout nan": q("ASK {}", "--timeout", "nan", code=2, message="--timeout"),
    "timeout inf": q("ASK {}", "--timeout", "inf", code=2, message="--timeout"),
    "timeout -inf": q("ASK {}", "--timeout", "-inf", code=2, message="--timeout"),
    "timeout 1e308": q("ASK {}", "--timeout", "1e308", code=2, message="--timeout"),
    "timeout 1e400": q("ASK {}", "--timeout", "1e400", code=2, message="--timeout"),
    "timeout over a week": q("ASK {}", "--timeout", "604801", code=2, message="--timeout"),
    "timeout -1": q("ASK {}", "--timeout", "-1", code=2, message="--timeout"),
    # -o targets (issue 13)
    "query -o read-only file": q("ASK {}", "-o", "@readonly", message="read-only"),
    "export -o read-only file": other("export", "-o", "@readonly_ttl", message="read-only"),
    "-o symbolic link loop": q("ASK {}", "-o", "@loop", message="cannot write"),
    "query -o out.xyz": q("ASK {}", "-o", "@workspace/out.xyz", message="extension .xyz"),
    "export -o out.xyz": other(
        "export", "-o", "@workspace/out.xyz", code=2, message="cannot tell the RDF syntax"
    ),
    "SELECT -o out.ttl": q("editions", "-o", "@workspace/out.ttl", message="SELECT/ASK result"),
    # -o onto a device: a private copy of /dev/full, never the real one (a regression
    # would replace the device with a regular file)
    "query -o a full device": q(
        "ASK {}", "-f", "csv", "-o", "@full", message="No space left on device"
    ),
    "export -o a full device": other("export", "-o", "@full", message="No space left on device"),
    # stdout full or closed, stdin closed (issues 11 and 13)
    "export > /dev/full": other("export", stdout="full", message="No space left on device"),
    "query > /dev/full": q("editions", stdout="full", message="No space left on device"),
    "query table > /dev/full": q(
        "editions", "-f", "table", stdout="full", message="No space left on device"
    ),
    "describe > /dev/full": other("describe", "ASLECSO", stdout="full", message="No space left"),
    "timeline > /dev/full": other("timeline", stdout="full", message="No space left on device"),
    "export >&-": other("export", stdout="closed", message="stdout is closed"),
    "query >&-": q("editions", stdout="closed", message="stdout is closed"),
    "timeline >&-": other("timeline", stdout="closed", message="stdout is closed"),
    "describe >&-": other("describe", "ASLECSO", stdout="closed", message="stdout is closed"),
    "query - <&-": q("-", stdin=CLOSED, message="stdin is closed"),
    "ASCII stdout with a table": q(
        'SELECT ?x { BIND("caf\u00e9 \u2014 \u00fc" AS ?x) }',
        "-f",
        "table",
        code=0,
        env={"PYTHONIOENCODING": "ascii"},
        out="caf\\xe9 \\u2014 \\xfc",
    ),
    "a 20-column terminal": q(
        "editions", "-f", "table", code=0, env={"COLUMNS": "20"}, out="edition  gse:gse2020"
    ),
    # --data that is not a regular RDF file (issue 13)
    "--data /dev/zero": q("ASK {}", "--data", "/dev/zero", message="not a regular file"),
    "--data a FIFO": q("ASK {}", "--data", "@fifo", message="not a regular file"),
    "--data a link to a device": q("ASK {}", "--data", "@devlink", message="not a regular file"),
    "--data a broken link": q("ASK {}", "--data", "@broken", message="broken link"),
    "--data an empty folder": q("ASK {}", "--data", "@emptydir", message="no RDF file"),
    "--data a folder of text": q("ASK {}", "--data", "@textdir", message="no RDF file"),
    "export --data a folder of text": bare("export", "--data", "@textdir", message="no RDF file"),
    # hostile data files (issue 11)
    "50 MB literal, query": q(COUNT, "--data", "@bigliteral", message="longer than 16 MB"),
    "50 MB literal, export": bare("export", "--data", "@bigliteral", message="longer than 16 MB"),
    "JSON-LD nested 5,000 deep": q(COUNT, "--data", "@deep5k", message="nested 5000 levels"),
    "JSON-LD nested 10,000 deep": q(COUNT, "--data", "@deep10k", message="nested 10000 levels"),
    "JSON-LD arrays nested 5,000 deep": q(COUNT, "--data", "@arrays", message="nested 5000"),
    "JSON-LD deep, export": bare("export", "--data", "@deep5k", message="GSEKG_MAX_NESTING"),
    "RDF/XML billion laughs": q(COUNT, "--data", "@laughs", message="entities expand it"),
    "RDF/XML entity loop": q(COUNT, "--data", "@entityloop", message="refers to itself"),
    "RDF/XML nested 5,000 deep": q(COUNT, "--data", "@deepxml", message="nested 10001 levels"),
    "nesting limit not a number": q(
        COUNT, "--data", "@deep5k", env={"GSEKG_MAX_NESTING": "lots"}, message="GSEKG_MAX_NESTING"
    ),
    "input size limit": q(
        COUNT, "--data", "@wide", env={"GSEKG_MAX_INPUT_MB": "1"}, message="GSEKG_MAX_INPUT_MB"
    ),
    # queries (issue 11): size, and a readable file that is not a query (issue 13)
    "5 MB query file": q("@bigquery", message="the limit is 1,048,576"),
    "5 MB query on stdin": q(
        "-", stdin="ASK {}" + " " * 5_000_000, message="Error: <stdin>: the query is"
    ),
    "query size limit lowered": q(
        "ASK {}" + " " * 2000,
        env={"GSEKG_QUERY_MAX_BYTES": "1024"},
        message="GSEKG_QUERY_MAX_BYTES",
    ),
    "a password file as the query": q("@shadow", message="shadow:1:", absent="s3cr3t"),
    "a text file as the query": q("@secret_txt", message="secret.txt:1:", absent="s3cr3t"),
    "catastrophic regex, rdflib": q(
        EVIL_REGEX, "--engine", "rdflib", "--timeout", "1", code=4, message="was stopped"
    ),
    # names that are not IRIs (issue 13)
    "describe a quoted name": other("describe", '"ALECSO"', code=5, message="did you mean"),
    "why a quoted name": other("why", '"ALECSO"', code=5, message="did you mean"),
    "describe a name with a brace": other("describe", "AL{ECSO", code=5, message="did you mean"),
    "describe a name with a pipe": other("describe", "a|b", code=5, message="no entity"),
    "describe a name with a backslash": other("describe", "a\\b", code=5, message="no entity"),
    "describe a name with a caret": other("describe", "x^y", code=5, message="no entity"),
    "describe a control character": other("describe", "AL\x01ECSO", code=5, message="did you mean"),
    "describe a compact name with a brace": other(
        "describe", "gse:a{b", code=5, message="no entity"
    ),
    "describe empty angle brackets": other("describe", "<>", code=5, message="no entity"),
    # blank-node-heavy export: bounded, with a note (issue 11)
    "export a 10-clique of blank nodes": bare(
        "export", "--data", "@clique", "-f", "ntriples", code=0, message="Note: 10 blank nodes"
    ),
}


def deep_jsonld(depth: int) -> str:
    return '{"@id": "http://e/a", "http://e/p": ' * depth + '"x"' + "}" * depth


LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
        for i in range(1, 10)
    )
    + ']>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:e="http://e/">\n <rdf:Description rdf:about="http://e/a">'
    "<e:p>&lol9;</e:p></rdf:Description>\n</rdf:RDF>\n"
)
ENTITY_LOOP = LAUGHS.replace('<!ENTITY lol "lol">', '<!ENTITY lol "&lol9;">')
RDF_OPEN = (
    '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:e="http://e/">'
)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The files the cases name (``@name``)."""
    root = tmp_path_factory.mktemp("hostile")
    texts = {
        "deep5k": ("deep5k.jsonld", deep_jsonld(5000)),
        "deep10k": ("deep10k.jsonld", deep_jsonld(10000)),
        "arrays": ("arrays.jsonld", "[" * 5000 + "]" * 5000),
        "wide": (
            "wide.jsonld",
            "["
            + ",".join(
                f'{{"@id": "http://e/{i}", "http://e/p": "{"v" * 40}"}}' for i in range(20000)
            )
            + "]",
        ),
        "laughs": ("laughs.rdf", LAUGHS),
        "entityloop": ("loop.rdf", ENTITY_LOOP),
        "deepxml": (
            "deep.rdf",
            RDF_OPEN
            + "<rdf:Description><e:p>" * 5000
            + "x"
            + "</e:p></rdf:Description>" * 5000
            + "</rdf:RDF>",
        ),
        "bigquery": ("big.rq", "ASK {}\n" + "# padding\n" * 500_000),
        "shadow": ("shadow", SECRET + "\n"),
        "secret_txt": ("secret.txt", SECRET + "\n"),
        "readonly": ("readonly.csv", "old\n"),
        "readonly_ttl": ("readonly.ttl", "old\n"),
        "clique": (
            "clique.nt",
            "".join(
                f"_:c{i} <http://e/p> _:c{j} .\n" for i in range(10) for j in range(10) if i != j
            ),
        ),
    }
    names = {"workspace": str(root)}
    for key, (name, text) in texts.items():
        (root / name).write_text(text, encoding="utf-8")
        names[key] = str(root / name)
    with (root / "big.nt").open("w", encoding="utf-8") as handle:
        handle.write('<http://e/s> <http://e/p> "' + "x" * 50_000_000 + '" .\n')
    names["bigliteral"] = str(root / "big.nt")
    (root / "readonly.csv").chmod(0o444)
    (root / "readonly.ttl").chmod(0o444)
    os.mkfifo(root / "fifo.ttl")
    names["fifo"] = str(root / "fifo.ttl")
    (root / "devlink.ttl").symlink_to("/dev/null")
    names["devlink"] = str(root / "devlink.ttl")
    (root / "broken.ttl").symlink_to(root / "nothing.ttl")
    names["broken"] = str(root / "broken.ttl")
    (root / "loop.csv").symlink_to(root / "loop.csv")
    names["loop"] = str(root / "loop.csv")
    with contextlib.suppress(OSError):
        os.mknod(root / "full", stat.S_IFCHR | 0o666, os.makedev(1, 7))
        names["full"] = str(root / "full")
    for folder in ("emptydir", "textdir"):
        (root / folder).mkdir()
        names[folder] = str(root / folder)
    (root / "textdir" / "README.txt").write_text("not RDF\n", encoding="utf-8")
    return names


def arguments(case: Case, files: dict[str, str]) -> list[str]:
    missing = [m[1] for a in case.args if (m := re.match(r"^@(\w+)", a)) and m[1] not in files]
    if missing:
        pytest.skip(f"cannot create @{missing[0]} here (device nodes need root)")
    args = [re.sub(r"^@(\w+)", lambda m: files[m[1]], a) for a in case.args]
    return [*args, "--data", str(MINI)] if case.data and "--data" not in args else args


def run_in_process(case: Case, args: list[str], cache_dir: Path) -> tuple[int, str, str]:
    """Run the case in a real process, with stdout full or closed and stdin closed as asked."""
    env = {**os.environ, "GSEKG_CACHE_DIR": str(cache_dir), "NO_COLOR": "1", **case.env}
    redirect = {"pipe": "", "full": " >/dev/full", "closed": " >&-"}[case.stdout]
    redirect += " <&-" if case.stdin == CLOSED else ""
    done = subprocess.run(
        ["sh", "-c", f'exec "$@"{redirect}', "sh", *PYTHON, *args],
        input=None if case.stdin == CLOSED else case.stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_hostile_io(runner: CliRunner, files: dict[str, str], cache_dir: Path, case: Case) -> None:
    args = arguments(case, files)
    if case.process:
        code, stdout, stderr = run_in_process(case, args, cache_dir)
    else:
        result = runner.invoke(app, args, input=case.stdin, env=dict(case.env))
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(
            result.exception
        )
        code, stdout, stderr = result.exit_code, result.stdout, result.stderr
    assert "Traceback" not in stdout + stderr
    assert code == case.code, stderr
    lines = stderr.splitlines()
    errors = [line for line in lines if line.startswith("Error:")]
    if case.code == 0:
        assert errors == [], stderr
        assert case.message in (lines[0] if lines else ""), stderr
    else:
        assert len(errors) == 1, stderr
        assert case.message in errors[0], stderr
        if case.code != 2:  # usage errors start with typer's usage line
            assert lines[0] == errors[0], stderr
            assert stdout == ""
    assert case.out in stdout
    if case.absent:
        assert case.absent not in stdout + stderr


def test_narrow_terminal_draws_no_empty_cells(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["query", "editions", "-f", "table", "--data", str(MINI)], env={"COLUMNS": "20"}
    )
    assert result.exit_code == 0
    assert "┃  ┃" not in result.stdout
    assert "start    2020-08-20" in result.stdout.splitlines()


def test_export_of_a_100000_node_blank_chain_is_bounded(tmp_path: Path, cache_dir: Path) -> None:
    """12 GB and minutes with RDFC-1.0; with the work limit well under a minute and 1 GB."""
    data = tmp_path / "chain.nt"
    data.write_text(
        "".join(f"_:b{i} <http://e/p> _:b{i + 1} .\n" for i in range(100_000)), encoding="utf-8"
    )

    def limit_memory() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    outputs = []
    for name in ("one.nt",):
        started = time.monotonic()
        done = subprocess.run(
            [*PYTHON, "export", "--data", str(data), "-f", "ntriples", "-o", str(tmp_path / name)],
            capture_output=True,
            text=True,
            env={**os.environ, "GSEKG_CACHE_DIR": str(cache_dir)},
            timeout=180,
            check=False,
            preexec_fn=limit_memory,
        )
        assert done.returncode == 0, done.stderr
        assert done.stderr.startswith("Note: 100,001 blank nodes are too alike"), done.stderr
        assert time.monotonic() - started < 120
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0].count(b"\n") == 100_000


def test_blank_nodes_that_rdfc_can_afford_keep_canonical_labels() -> None:
    import pyoxigraph as ox

    from gsekg.export import blank_labels

    p = ox.NamedNode("http://e/p")
    a, b, c = ox.BlankNode("x"), ox.BlankNode("y"), ox.BlankNode("z")
    quads = [ox.Quad(a, p, b), ox.Quad(b, p, c), ox.Quad(a, p, ox.Literal("1"))]
    notes: list[str] = []
    labelled = blank_labels(quads, notes.append)
    assert notes == []
    assert all(str(q.subject).startswith("_:c14n") for q in labelled)
    renamed = [ox.Quad(ox.BlankNode("q" + q.subject.value), q.predicate, q.object) for q in quads]
    assert sorted(map(str, blank_labels(renamed[:1] + quads[1:]))) != []


def test_a_symmetric_graph_gets_the_same_hash_labels_whatever_the_input_labels() -> None:
    import pyoxigraph as ox

    from gsekg.export import blank_labels

    p = ox.NamedNode("http://e/p")

    def clique(prefix: str) -> list[ox.Quad]:
        nodes = [ox.BlankNode(f"{prefix}{i}") for i in range(10)]
        return [ox.Quad(x, p, y) for x in nodes for y in nodes if x != y]

    notes: list[str] = []
    first = sorted(map(str, blank_labels(clique("a"), notes.append)))
    second = sorted(map(str, blank_labels(clique("zz"), notes.append)))
    assert first == second
    assert len(notes) == 2 and "10 blank nodes" in notes[0]


# -o: devices, FIFOs, links and signals (issue 13)


def test_o_onto_a_character_device_writes_through(tmp_path: Path, runner: CliRunner) -> None:
    """As root, ``-o /dev/null`` replaced the device with a regular file; a copy shows it."""
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, OSError) as error:
        pytest.skip(f"cannot create a device node here: {error}")
    result = runner.invoke(app, ["export", "--data", str(MINI), "-o", str(device)])
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISCHR(device.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["null"]


def test_o_onto_a_fifo_writes_through(tmp_path: Path, runner: CliRunner) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = runner.invoke(app, ["query", "editions", "--data", str(MINI), "-o", str(fifo)])
    reader.join(30)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert received and received[0].startswith(b"edition,")


def test_o_follows_a_symbolic_link(tmp_path: Path, runner: CliRunner) -> None:
    target = tmp_path / "real.ttl"
    target.write_text("old\n")
    target.chmod(0o640)
    link = tmp_path / "link.ttl"
    link.symlink_to(target.name)
    result = runner.invoke(app, ["export", "--data", str(MINI), "-o", str(link)])
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == "real.ttl"
    assert target.read_text().startswith("@prefix")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.ttl", "real.ttl"]


def test_o_refuses_a_read_only_file_and_leaves_it(tmp_path: Path, runner: CliRunner) -> None:
    target = tmp_path / "out.ttl"
    target.write_text("old\n")
    target.chmod(0o444)
    result = runner.invoke(app, ["export", "--data", str(MINI), "-o", str(target)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot write ") and "read-only" in result.stderr
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


@pytest.fixture(scope="module")
def big_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 60 MB of N-Triples: its export is large enough to signal mid-write."""
    path = tmp_path_factory.mktemp("big") / "big.nt"
    with path.open("w", encoding="utf-8") as handle:
        for i in range(12_000):
            handle.write(f'<http://e/s{i}> <http://e/p> "{"x" * 5000}{i}" .\n')
    return path


def signal_mid_write(
    big_data: Path, out: Path, signum: int, cache_dir: Path
) -> subprocess.CompletedProcess[str]:
    """Export ``big_data`` to ``out`` and send ``signum`` once the temporary file appears."""
    process = subprocess.Popen(
        [*PYTHON, "export", "--data", str(big_data), "-f", "ntriples", "-o", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "GSEKG_CACHE_DIR": str(cache_dir)},
    )
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if any(out.parent.glob(f".{out.name}.gsekg-*.tmp")):
            process.send_signal(signum)
            break
    else:
        process.kill()
        process.communicate()
        pytest.fail("the export ended before its temporary file was seen")
    stdout, stderr = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def test_sigterm_mid_write_removes_the_temporary_file(
    big_data: Path, tmp_path: Path, cache_dir: Path
) -> None:
    out = tmp_path / "out.nt"
    out.write_text("old\n")
    done = signal_mid_write(big_data, out, signal.SIGTERM, cache_dir)
    assert done.returncode == 143
    assert done.stderr.splitlines() == [
        "Error: terminated (SIGTERM); unfinished output was removed"
    ]
    assert out.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.nt"]


def test_sigkill_leaves_a_temporary_file_the_next_run_sweeps(
    big_data: Path, tmp_path: Path, cache_dir: Path, run_gsekg: RunGsekg
) -> None:
    out = tmp_path / "out.nt"
    out.write_text("old\n")
    done = signal_mid_write(big_data, out, signal.SIGKILL, cache_dir)
    assert done.returncode == -signal.SIGKILL
    assert out.read_text() == "old\n"
    (left,) = tmp_path.glob(".out.nt.gsekg-*.tmp")
    fresh = tmp_path / ".other.gsekg-fresh.tmp"
    fresh.write_text("a write still running")
    hour_ago = time.time() - 3600
    os.utime(left, (hour_ago, hour_ago))
    unrelated = tmp_path / ".out.nt.not-ours.tmp"
    unrelated.write_text("someone else's")
    os.utime(unrelated, (hour_ago, hour_ago))
    again = run_gsekg("export", "--data", MINI, "-o", out)
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["out.nt", fresh.name, unrelated.name]
    )


# full disks (issue 11)


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KB tmpfs (needs root and mount); skips with the reason otherwise."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs: {mounted.stderr.strip() or 'not root'}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.mark.parametrize(
    "command",
    [
        ("export", "-f", "ntriples"),
        ("query", "SELECT ?s ?p ?o { ?s ?p ?o }", "-f", "csv"),
        ("query", "SELECT ?s ?p ?o { ?s ?p ?o }", "-f", "table"),
    ],
    ids=["export", "query", "query table"],
)
def test_o_onto_a_full_filesystem_keeps_the_old_file(
    tiny_disk: Path, tmp_path: Path, runner: CliRunner, command: tuple[str, ...]
) -> None:
    data = tmp_path / "wide.nt"
    data.write_text(
        "".join(f'<http://e/s{i}> <http://e/p> "{"v" * 60}" .\n' for i in range(3000)),
        encoding="utf-8",
    )
    out = tiny_disk / "out.txt"
    out.write_text("old\n")
    result = runner.invoke(app, [*command, "--data", str(data), "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"Error: cannot write {out}: No space left on device"]
    assert out.read_text() == "old\n"
    assert [p.name for p in tiny_disk.iterdir()] == ["out.txt"]


def test_sigterm_during_a_cache_build_leaves_no_build_folder(
    big_data: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    process = subprocess.Popen(
        [*PYTHON, "query", "ASK {}", "--data", str(big_data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "GSEKG_CACHE_DIR": str(cache)},
    )
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if any(cache.glob(".build-*")):
            time.sleep(0.2)
            process.send_signal(signal.SIGTERM)
            break
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 143, stderr
    assert stderr.splitlines() == ["Error: terminated (SIGTERM); unfinished output was removed"]
    assert [p.name for p in cache.iterdir()] == [".lock"]
