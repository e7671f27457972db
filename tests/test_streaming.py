"""Results are written as they come: the streamed bytes equal the materialised ones, with
and without --timeout, to stdout and to a file (atomically)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import RunGsekg

ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_streamed_rows_equal_the_materialised_ones(run_gsekg: RunGsekg, fmt: str) -> None:
    streamed = run_gsekg("query", ALL, "-f", fmt)
    # with --limit the rows go through the JSON bridge of the materialised renderer
    whole = run_gsekg("query", ALL, "-f", fmt, "--limit", "1000000")
    assert streamed.returncode == whole.returncode == 0, streamed.stderr + whole.stderr
    assert streamed.stdout == whole.stdout
    assert streamed.stdout.count("gse:") == 0  # machine formats keep full IRIs
    assert "https://w3id.org/gsekg/id/alecso" in streamed.stdout


def test_streamed_with_timeout_writes_from_the_child(run_gsekg: RunGsekg) -> None:
    plain = run_gsekg("query", ALL, "-f", "csv")
    timed = run_gsekg("query", ALL, "-f", "csv", "--timeout", "60")
    assert timed.returncode == 0, timed.stderr
    assert timed.stdout == plain.stdout


def test_streamed_graph_as_ntriples(run_gsekg: RunGsekg) -> None:
    construct = "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t }"
    streamed = run_gsekg("query", construct, "-f", "ntriples")
    whole = run_gsekg("query", construct, "-f", "ntriples", "--limit", "1000000")
    assert streamed.returncode == 0, streamed.stderr
    assert sorted(streamed.stdout.splitlines()) == sorted(whole.stdout.splitlines())
    assert "<https://w3id.org/gsekg/id/alecso>" in streamed.stdout


def test_streamed_to_a_file_is_atomic(run_gsekg: RunGsekg, tmp_path: Path) -> None:
    out = tmp_path / "rows.csv"
    done = run_gsekg("query", ALL, "-o", out, "--timeout", "60")
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"s,p,o\r\n")
    assert [p.name for p in tmp_path.iterdir()] == ["rows.csv"]


def test_a_timed_out_stream_leaves_the_old_file(run_gsekg: RunGsekg, tmp_path: Path) -> None:
    out = tmp_path / "rows.csv"
    out.write_text("old\n")
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    done = run_gsekg("query", slow, "-o", out, "--timeout", "0.5")
    assert done.returncode == 4, done.stderr
    assert done.stderr.startswith("Error: the query ran longer than 0.5 s")
    assert out.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["rows.csv"]


@pytest.mark.parametrize("extra", [[], ["--timeout", "30"]], ids=["direct", "timeout"])
def test_a_full_disk_is_one_clean_error(run_gsekg: RunGsekg, extra: list[str]) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "wb") as full:
        done = run_gsekg("query", ALL, "-f", "csv", *extra, stdout=full)
    assert done.returncode == 1
    assert done.stderr == "Error: cannot write the output: No space left on device\n"
