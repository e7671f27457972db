"""Bad input to the curation commands: one ``Error:`` line, its exit code, nothing written.

Each case runs on a fresh workspace: a copy of data/ with the test article registered, a
corpus folder holding it, and a valid draft. After the command fails, every file of the
data folder and the corpus is byte for byte what it was.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gsekg import resources
from gsekg.cli import app

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "tests" / "fixtures" / "curation" / "gse2021-article.txt"


@dataclass(frozen=True)
class Case:
    """Arguments (a leading ``@name`` is a workspace path), stdin, exit code, message part."""

    args: tuple[str, ...]
    code: int
    message: str = ""
    stdin: str | None = None
    data: bool = True
    """Add ``--data-dir`` and ``--corpus`` of the workspace."""
    quoted: bool = False
    """A syntax error: the ``Error:`` line is followed by the offending line and a caret."""


def c(*args: str, code: int = 1, message: str = "") -> Case:
    return Case(args, code, message)


CASES: dict[str, Case] = {
    # source add: the article itself
    "empty file": c("source", "add", "@empty.txt", message="is empty"),
    "blank file": c("source", "add", "@blank.txt", message="is empty"),
    "binary file": c("source", "add", "@picture.png", message="looks binary"),
    "Latin-1 file": c("source", "add", "@latin1.txt", message="is not UTF-8 (byte 3)"),
    "UTF-16 file": c("source", "add", "@utf16.txt", message="looks binary"),
    "50 MB text": c("source", "add", "@huge.txt", message="too large for an article"),
    "missing file": c("source", "add", "@nothing.txt", message="cannot read"),
    "a folder": c("source", "add", "@folder", message="is a folder"),
    "already registered": c("source", "add", "@article.txt", message="already registered"),
    # source add: metadata
    "bad date": c("source", "add", "@other.txt", "--date", "21/08/2021", message="--date"),
    "bad url": c("source", "add", "@other.txt", "--url", "javascript:x", message="--url"),
    "bad language": c("source", "add", "@other.txt", "--language", "e n", message="--language"),
    "bad publisher": c(
        "source", "add", "@other.txt", "--publisher", "<x> a y", message="--publisher"
    ),
    "unknown publisher": c(
        "source",
        "add",
        "@other.txt",
        "--publisher",
        "gse:unesco-itie",
        code=5,
        message="(did you mean: gse:unesco-iite,",
    ),
    # extract
    "unknown source": c("extract", "999", code=5, message="no source '999'"),
    "changed article": c("extract", "@changed-id", message="changed since source"),
    "model URL not http": c("extract", "@source-id", "--llm-url", "ftp://x", message="--llm-url"),
    "model not reachable": c(
        "extract",
        "@source-id",
        "--llm-url",
        "http://127.0.0.1:9/v1",
        code=4,
        message="language model",
    ),
    # review
    "draft is not TriG": Case(("review", "@not-trig.trig"), 1, "not-trig.trig:1:1:", quoted=True),
    "draft edited by hand": Case(("review", "@broken.trig"), 1, "broken.trig:", quoted=True),
    "draft without candidates": c("review", "@empty-draft.trig", message="no gso:CandidateClaim"),
    "draft span outside the article": c(
        "review", "@far-span.trig", message="lies outside the article"
    ),
    "draft confidence out of range": c("review", "@bad-confidence.trig", message="outside 0..1"),
    "draft of a changed article": c("review", "@stale.trig", message="changed since the draft"),
    "missing draft": c("review", "@nothing.trig", message="no draft"),
    "draft whose source escapes the data folder": c(
        "review", "@escape.trig", message="is not a source id of ours"
    ),
    "threshold out of range": c(
        "review", "@draft.trig", "--accept-all-above", "1.5", code=2, message="1.5"
    ),
    # the corpus folder: never the project's shared one (here a stand-in, see workspace)
    "no --corpus: the shared corpus": Case(
        ("source", "add", "@other.txt", "--data-dir", "@data"), 1, "shared corpus", data=False
    ),
    "--corpus is the shared corpus": Case(
        ("source", "add", "@other.txt", "--data-dir", "@data", "--corpus", "@shared/corpus"),
        1,
        "shared corpus, which is never written",
        data=False,
    ),
    # the data folder
    "data folder missing": Case(
        ("source", "add", "@other.txt", "--data-dir", "@nowhere"), 1, "does not exist", data=False
    ),
}


@pytest.fixture(autouse=True)
def _reset_data_dir() -> Iterator[None]:
    yield
    resources.use_data_dir(None)


@pytest.fixture
def workspace(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Path]:
    shared = tmp_path / "shared" / "corpus"
    shared.mkdir(parents=True)
    # a stand-in for ../shared/corpus: no case may write the project's own material
    monkeypatch.setattr(resources, "shared_corpora", lambda: [shared])
    monkeypatch.delenv("GSEKG_CORPUS", raising=False)
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    article = tmp_path / "article.txt"
    shutil.copy(ARTICLE, article)
    where = ["--data-dir", str(data), "--corpus", str(corpus)]
    source = runner.invoke(app, ["source", "add", str(article), *where]).stdout.strip()
    draft = tmp_path / "draft.trig"
    done = runner.invoke(app, ["extract", source, "-o", str(draft), *where])
    assert done.exit_code == 0, done.stderr
    text = draft.read_text(encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b" \n\t\n")
    (tmp_path / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "latin1.txt").write_bytes("Caf\u00e9 culture in Beijing".encode("latin-1"))
    (tmp_path / "utf16.txt").write_bytes("GSE 2021 in Beijing".encode("utf-16"))
    with (tmp_path / "huge.txt").open("wb") as huge:
        huge.truncate(50 * 1024 * 1024)
    (tmp_path / "folder").mkdir()
    (tmp_path / "other.txt").write_text("GSE 2021 closed on 20 August 2021.\n", encoding="utf-8")
    (tmp_path / "not-trig.trig").write_text("this is not { TriG", encoding="utf-8")
    (tmp_path / "broken.trig").write_text(
        text.replace(" a gso:CandidateClaim ;", " a gso:CandidateClaim ;;;", 1).replace("}", "", 1),
        encoding="utf-8",
    )
    (tmp_path / "empty-draft.trig").write_text(
        "\n".join(line for line in text.splitlines() if line.startswith("@prefix")),
        encoding="utf-8",
    )
    (tmp_path / "far-span.trig").write_text(
        re.sub(r"oa:end \d+", "oa:end 99999", text, count=1), encoding="utf-8"
    )
    first_confidence = text.index("gso:confidence ")
    (tmp_path / "bad-confidence.trig").write_text(
        text[:first_confidence]
        + "gso:confidence 1.70 ;"
        + text[text.index(";", first_confidence) + 1 :],
        encoding="utf-8",
    )
    (tmp_path / "escape.trig").write_text(
        text.replace(f"src:{source}", "<https://w3id.org/gsekg/source/../../escape/notes>"),
        encoding="utf-8",
    )
    digest = hashlib.sha256(ARTICLE.read_bytes()).hexdigest()
    (tmp_path / "stale.trig").write_text(text.replace(digest, "0" * 64), encoding="utf-8")
    changed = corpus.parent / "changed-corpus"
    return {
        "data": data,
        "corpus": corpus,
        "tmp": tmp_path,
        "source": Path(source),
        "changed": changed,
    }


def arguments(case: Case, ws: dict[str, Path]) -> list[str]:
    out = []
    for arg in case.args:
        if arg in {"@changed-id", "@source-id"}:
            out.append(str(ws["source"]))
        elif arg.startswith("@"):
            out.append(str(ws["tmp"] / arg[1:]))
        else:
            out.append(arg)
    if case.data:
        out += ["--data-dir", str(ws["data"]), "--corpus", str(ws["corpus"])]
    return out


def snapshot(*folders: Path) -> dict[str, bytes]:
    return {
        str(p): p.read_bytes()
        for folder in folders
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_curation_input(runner: CliRunner, workspace: dict[str, Path], case: Case) -> None:
    if "changed-id" in "".join(case.args):
        article = workspace["corpus"] / f"{workspace['source']}.txt"
        article.write_text(article.read_text(encoding="utf-8") + "One more line.\n", "utf-8")
    folders = workspace["data"], workspace["corpus"], workspace["tmp"] / "shared"
    before = snapshot(*folders)
    result = runner.invoke(app, arguments(case, workspace), input=case.stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == case.code, (result.stdout, result.stderr)
    assert result.stdout == ""
    if case.code != 2:
        lines = result.stderr.splitlines()
        assert len(lines) == (3 if case.quoted else 1), result.stderr
        assert lines[0].startswith("Error: "), result.stderr
    assert case.message in result.stderr
    assert snapshot(*folders) == before


def test_relinking_to_an_unknown_entity_is_refused(
    runner: CliRunner, workspace: dict[str, Path]
) -> None:
    """A relink to an entity the data folder does not declare, or of an entity the claim does
    not hold, prints one ``Error:`` line (with the nearest names) and asks again."""
    draft = workspace["tmp"] / "draft.trig"
    rules = re.findall(r'gso:extractionRule "([\w.-]+)"', draft.read_text(encoding="utf-8"))
    index = rules.index("entities.name-with-acronym")
    proposed = "gse:lakeside-institute-for-digital-learning"
    answers = (
        "r\n" * index
        + f"l\n{proposed}\ngse:slibun\n"  # a typo of gse:slibnu
        + "l\ngse:nowhere\ngse:slibnu\n"  # not an entity of this claim
        + f"l\n{proposed}\nSmart Learning Institute of Beijing Normal University\na\nq\n"
    )
    where = ["--data-dir", str(workspace["data"]), "--corpus", str(workspace["corpus"])]
    result = runner.invoke(app, ["review", str(draft), *where], input=answers)
    assert result.exit_code == 0, result.stderr
    errors = result.stderr.splitlines()
    assert errors == [
        f"Error: relink: no entity 'gse:slibun' in {workspace['data']} (did you mean: gse:slibnu?)",
        f"Error: 'gse:nowhere' is not an entity of claim:{str(workspace['source'])[:3]}-"
        f"candidate-{index + 1:04d}; its entities: {proposed}",
    ]
    written = (workspace["data"] / f"{workspace['source']}.trig").read_text(encoding="utf-8")
    assert 'gse:slibnu gso:acronym "LIDL"@en' in written
    assert "slibun" not in written and "lakeside" not in written


def test_a_known_publisher_is_recorded(runner: CliRunner, workspace: dict[str, Path]) -> None:
    where = ["--data-dir", str(workspace["data"]), "--corpus", str(workspace["corpus"])]
    other = str(workspace["tmp"] / "other.txt")
    result = runner.invoke(app, ["source", "add", other, "--publisher", "unesco-iite", *where])
    assert result.exit_code == 0, result.stderr
    record = (workspace["data"] / "sources.ttl").read_text(encoding="utf-8")
    assert "dcterms:publisher gse:unesco-iite" in record


def _accepted_claims(workspace: dict[str, Path]) -> int:
    written = workspace["data"] / f"{workspace['source']}.trig"
    return written.read_text(encoding="utf-8").count(" a gso:Claim ;") if written.exists() else 0


def test_ctrl_c_keeps_the_decisions_made(
    runner: CliRunner, workspace: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C at the third prompt: the two candidates accepted before it are written."""
    from rich.prompt import Prompt

    answers = ["a", "a"]

    def ask(*args: object, **kwargs: object) -> str:
        if not answers:
            raise KeyboardInterrupt
        return answers.pop(0)

    monkeypatch.setattr(Prompt, "ask", ask)
    where = ["--data-dir", str(workspace["data"]), "--corpus", str(workspace["corpus"])]
    draft = str(workspace["tmp"] / "draft.trig")
    result = runner.invoke(app, ["review", draft, *where])
    assert result.exit_code == 130
    target = workspace["data"] / f"{workspace['source']}.trig"
    assert result.stderr.splitlines() == [
        f"Error: interrupted (Ctrl-C) with 2 of 22 candidates accepted; kept 2 claims in {target}"
    ]
    assert _accepted_claims(workspace) == 2


def test_answers_that_end_early_keep_the_decisions_made(
    runner: CliRunner, workspace: dict[str, Path]
) -> None:
    where = ["--data-dir", str(workspace["data"]), "--corpus", str(workspace["corpus"])]
    draft = str(workspace["tmp"] / "draft.trig")
    result = runner.invoke(app, ["review", draft, *where], input="a\nr\na\n")
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: the answers ended with 2 of 22 candidates accepted; kept 2")
    assert _accepted_claims(workspace) == 2


def test_a_real_sigint_keeps_the_decisions_made(workspace: dict[str, Path]) -> None:
    """The same through a real process and signal: answer one prompt, then SIGINT."""
    import os
    import signal
    import subprocess
    import sys
    import time

    where = ["--data-dir", str(workspace["data"]), "--corpus", str(workspace["corpus"])]
    command = [sys.executable, "-m", "gsekg", "review", str(workspace["tmp"] / "draft.trig")]
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    process = subprocess.Popen(
        [*command, *where],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(b"a\n")
    process.stdin.flush()
    seen, deadline = b"", time.monotonic() + 60
    os.set_blocking(process.stdout.fileno(), False)
    while b"2/22" not in seen and time.monotonic() < deadline:
        seen += process.stdout.read() or b""
        time.sleep(0.05)
    assert b"2/22" in seen, seen
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err.decode().startswith("Error: interrupted (Ctrl-C) with 1 of 22 candidates accepted")
    assert _accepted_claims(workspace) == 1


def test_ctrl_c_while_writing_waits_for_the_writes() -> None:
    import os
    import signal

    from gsekg.cli.curate import _uninterrupted

    finished = []
    with pytest.raises(KeyboardInterrupt), _uninterrupted():
        os.kill(os.getpid(), signal.SIGINT)
        finished.append(True)
    assert finished == [True]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
