"""The curator's path: source add -> extract -> review --accept-all-above -> validate -> why.

Runs on a temporary copy of data/ and a temporary corpus folder holding only the test
article (written for the tests in our own words), so it needs no shared corpus.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gsekg import resources
from gsekg.cli import app

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "tests" / "fixtures" / "curation" / "gse2021-article.txt"


@pytest.fixture(autouse=True)
def _reset_data_dir() -> Iterator[None]:
    yield
    resources.use_data_dir(None)


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the bundled data/ and an empty corpus folder."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    return data, corpus


def invoke(runner: CliRunner, *args: str | Path, code: int = 0) -> str:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result.stdout


def curate(runner: CliRunner, article: Path, data: Path, corpus: Path) -> tuple[str, Path]:
    """``source add``, ``extract`` and ``review --accept-all-above 0.8``: the id and the draft."""
    where = ("--data-dir", data, "--corpus", corpus)
    source = invoke(runner, "source", "add", article, *where).strip()
    draft = data.parent / "draft.trig"
    invoke(runner, "extract", source, "-o", draft, *where)
    invoke(runner, "review", draft, "--accept-all-above", "0.8", *where)
    return source, draft


def test_curator_adds_an_article(runner: CliRunner, folders: tuple[Path, Path]) -> None:
    data, corpus = folders
    where = ("--data-dir", data, "--corpus", corpus)
    source = invoke(runner, "source", "add", ARTICLE, "--title", "Test item on GSE 2021", *where)
    source = source.strip()
    digest = hashlib.sha256(ARTICLE.read_bytes()).hexdigest()
    assert source == f"005_{digest[:16]}"
    assert (corpus / f"{source}.txt").read_bytes() == ARTICLE.read_bytes()
    assert digest in (data / "sources.ttl").read_text(encoding="utf-8")

    draft = data.parent / "draft.trig"
    invoke(runner, "extract", source, "-o", draft, *where)
    assert "gso:CandidateClaim" in draft.read_text(encoding="utf-8")
    assert not (data / f"{source}.trig").exists()  # extract adds nothing to the graph

    summary = invoke(runner, "review", draft, "--accept-all-above", "0.8", *where)
    assert re.match(r"accepted \d+ of \d+ candidates", summary)
    # gse:gse2021; Mohamed Jemni's post is the one the graph knows (same holder, same unit);
    # the unknown institute stays a candidate
    assert "1 new entity" in summary
    registry = (data / "entities.ttl").read_text(encoding="utf-8")
    assert "gse:post-mohamed-jemni-director" not in registry
    accepted = (data / f"{source}.trig").read_text(encoding="utf-8")
    assert "gse:post-mohamed-jemni-ict-director org:heldBy gse:mohamed-jemni" in " ".join(
        accepted.split()
    )
    assert 'gse:gse2021 a gso:ConferenceEdition ; skos:prefLabel "Global Smart Education' in (
        registry
    )
    assert "lakeside" not in registry

    assert "conforms: 0 violations" in invoke(runner, "validate", *where)

    why = invoke(runner, "why", "gse:gse2021", "--context", "0", "--format", "tsv", *where)
    rows = [line.split("\t") for line in why.splitlines()[1:]]
    facts = {(r[1], r[2]) for r in rows}
    assert ("schema:startDate", "2021-08-18") in facts
    assert ("schema:endDate", "2021-08-20") in facts
    assert ("schema:location", "gse:beijing") in facts
    assert ("gso:theme", "Learning Without Walls in the Digital Age") in facts
    assert all(r[4] == source for r in rows)
    passages = {r[1]: r[7] for r in rows}
    assert (
        "«" in passages["schema:startDate"]
        and "18 to 20 August 2021" in passages["schema:startDate"]
    )

    roles = invoke(
        runner,
        "query",
        "SELECT ?agent ?kind WHERE { ?r gso:roleIn gse:gse2021 ; gso:agent ?agent ; "
        "gso:roleKind ?kind } ORDER BY ?agent ?kind",
        "--data-dir",
        data,
    )
    assert "id/bnu,https://w3id.org/gsekg/roles/organiser" in roles
    assert "id/netdragon,https://w3id.org/gsekg/roles/sponsor" in roles
    figure = invoke(
        runner,
        "query",
        "SELECT ?v ?q WHERE { gse:gse2021 gso:participation ?n . ?n schema:value ?v ; "
        "gso:qualifier ?q }",
        "--data-dir",
        data,
    )
    assert "2500,https://w3id.org/gsekg/ontology#over" in figure


def test_an_article_with_crlf_line_endings_keeps_its_spans(
    runner: CliRunner, folders: tuple[Path, Path], tmp_path: Path
) -> None:
    """Offsets count the file's own characters, ``\r`` included, in every command."""
    data, corpus = folders
    where = ("--data-dir", data, "--corpus", corpus)
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(ARTICLE.read_bytes().replace(b"\n", b"\r\n"))
    curate(runner, crlf, data, corpus)
    assert "conforms: 0 violations" in invoke(runner, "validate", *where)
    why = invoke(runner, "why", "gse:gse2021", "gso:theme", "--context", "0", "-f", "json", *where)
    spans = [span for claim in json.loads(why) for span in claim["spans"]]
    assert spans and all("Learning Without Walls" in span["text"] for span in spans)
    text = crlf.read_bytes().decode("utf-8")
    for span in spans:  # the shown passage is the span's own text, whitespace runs as spaces
        assert " ".join(text[span["start"] : span["end"]].split()) == span["text"]


def test_sources_added_at_once_all_get_their_own_id(folders: tuple[Path, Path]) -> None:
    """Registrations run one at a time: none is lost, no id is given twice."""
    data, corpus = folders
    texts = []
    for n in range(4):
        article = data.parent / f"r{n}.txt"
        article.write_text(f"GSE 2021 note number {n}: it closed on 20 August 2021.\n")
        texts.append(article)
    command = [sys.executable, "-m", "gsekg", "source", "add"]
    where = ["--data-dir", str(data), "--corpus", str(corpus)]
    running = [
        subprocess.Popen(
            [*command, str(t), *where], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for t in texts
    ]
    ids = []
    for process in running:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        ids.append(out.strip())
    assert len(set(ids)) == 4
    assert sorted(i[:3] for i in ids) == ["005", "006", "007", "008"]
    registry = (data / "sources.ttl").read_text(encoding="utf-8")
    assert all(f"src:{i} a gso:SourceArticle" in registry for i in ids)


def test_review_twice_adds_nothing(runner: CliRunner, folders: tuple[Path, Path]) -> None:
    data, corpus = folders
    where = ("--data-dir", data, "--corpus", corpus)
    source, draft = curate(runner, ARTICLE, data, corpus)
    before = (data / f"{source}.trig").read_text(encoding="utf-8")
    again = invoke(runner, "review", draft, "--accept-all-above", "0.8", *where)
    assert again.startswith("accepted 0 of")
    assert (data / f"{source}.trig").read_text(encoding="utf-8") == before


def test_contradicting_date_is_kept_beside(runner: CliRunner, folders: tuple[Path, Path]) -> None:
    """A second article giving GSE 2021 other dates: a second claim, the first one kept."""
    data, corpus = folders
    where = ("--data-dir", data, "--corpus", corpus)
    first, draft = curate(runner, ARTICLE, data, corpus)
    other = data.parent / "other.txt"
    other.write_text(
        "A later note says the Global Smart Education Conference 2021 was held on "
        "19-21 August 2021 in Beijing.\n",
        encoding="utf-8",
    )
    second = invoke(runner, "source", "add", other, *where).strip()
    assert second.startswith("006_")
    invoke(runner, "extract", second, "-o", draft, *where)
    result = runner.invoke(
        app, ["review", str(draft), "--accept-all-above", "0.8", *map(str, where)]
    )
    assert result.exit_code == 0, result.stderr
    assert f"contradicts claim:{first[:3]}-date-gse2021 (source {first})" in result.stderr
    first_claims = (data / f"{first}.trig").read_text(encoding="utf-8")
    second_claims = (data / f"{second}.trig").read_text(encoding="utf-8")
    assert '"2021-08-18"^^xsd:date' in first_claims  # untouched
    assert '"2021-08-19"^^xsd:date' in second_claims  # kept as a claim of its own
    assert '"2021-08-18"^^xsd:date' not in second_claims
    assert "conforms: 0 violations" in invoke(runner, "validate", *where)


def test_interactive_review(runner: CliRunner, folders: tuple[Path, Path]) -> None:
    """Reject, accept, relink and rank through the prompts; quit writes what was accepted."""
    data, corpus = folders
    where = ("--data-dir", data, "--corpus", corpus)
    source = invoke(runner, "source", "add", ARTICLE, *where).strip()
    draft = data.parent / "draft.trig"
    invoke(runner, "extract", source, "-o", draft, *where)
    text = draft.read_text(encoding="utf-8")
    names = re.findall(r"^(claim:\S+) a gso:CandidateClaim", text, re.M)
    kinds = re.findall(r'dcterms:type "(\w+)"', text)
    first_date = kinds.index("date")
    # reject everything before the date, prefer the date, then quit
    answers = "r\n" * first_date + "p\nq\n"
    result = runner.invoke(app, ["review", str(draft), *map(str, where)], input=answers)
    assert result.exit_code == 0, result.stderr
    assert "accepted 1 of" in result.stdout
    assert "(a)ccept (r)eject re(l)ink (p)referred (d)eprecated (q)uit" in result.stdout
    written = (data / f"{source}.trig").read_text(encoding="utf-8")
    assert "gso:rank gso:PreferredRank" in written
    assert '"2021-08-18"^^xsd:date' in written
    assert names[first_date].endswith(f"{first_date + 1:04d}")


def test_the_default_data_folder_is_the_checkout_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gsekg.curation import curation_folder
    from gsekg.errors import InputError

    monkeypatch.delenv("GSEKG_DATA_DIR", raising=False)
    monkeypatch.chdir(ROOT)
    assert curation_folder(None) == ROOT / "data"
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match="no data folder"):
        curation_folder(None)
    package = Path(resources.__file__).resolve().parent
    with pytest.raises(InputError, match="installed package"):
        curation_folder(package)


def test_relinking_a_proposed_entity_to_a_known_one(
    runner: CliRunner, folders: tuple[Path, Path]
) -> None:
    """The reviewer links the article's unknown institute to a known one instead."""
    data, corpus = folders
    where = ("--data-dir", data, "--corpus", corpus)
    source = invoke(runner, "source", "add", ARTICLE, *where).strip()
    draft = data.parent / "draft.trig"
    invoke(runner, "extract", source, "-o", draft, *where)
    text = draft.read_text(encoding="utf-8")
    kinds = re.findall(r'dcterms:type "(\w+)"', text)
    rules = re.findall(r'gso:extractionRule "([\w.-]+)"', text)
    index = rules.index("entities.name-with-acronym")
    assert kinds[index] == "entity"
    old = "gse:lakeside-institute-for-digital-learning"
    answers = "r\n" * index + f"l\n{old}\ngse:slibnu\na\nq\n"
    result = runner.invoke(app, ["review", str(draft), *map(str, where)], input=answers)
    assert result.exit_code == 0, result.stderr
    assert "accepted 1 of" in result.stdout and "0 new entities" in result.stdout
    written = (data / f"{source}.trig").read_text(encoding="utf-8")
    assert 'gse:slibnu gso:acronym "LIDL"@en' in written
    assert "lakeside" not in written
    assert "lakeside" not in (data / "entities.ttl").read_text(encoding="utf-8")


@pytest.mark.corpus
def test_accepting_the_curated_articles_again_keeps_the_graph_valid(
    runner: CliRunner, folders: tuple[Path, Path], corpus: Path
) -> None:
    """Extract and batch-accept each of the five articles over their own curated claims."""
    data, own = folders
    for article in corpus.glob("*.txt"):
        shutil.copy(article, own / article.name)
    where = ("--data-dir", data, "--corpus", own)
    draft = data.parent / "draft.trig"
    for index in ("000", "001", "002", "003", "004"):
        invoke(runner, "extract", index, "-o", draft, *where)
        assert invoke(runner, "review", draft, "--accept-all-above", "0.8", *where).startswith(
            "accepted "
        )
    assert "conforms: 0 violations" in invoke(runner, "validate", *where)
