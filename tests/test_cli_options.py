"""The shared graph options: one decorator adds them, with their help, to every command."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from gsekg.cli import app
from gsekg.cli.options import GraphOptions, graph_options

GRAPH_FLAGS = (
    "--data",
    "--with-bundled",
    "--no-inference",
    "--engine",
    "--endpoint",
    "--cache-dir",
)


def test_the_decorator_fills_graph_options_from_the_command_line(tmp_path: Path) -> None:
    received: list[tuple[str, GraphOptions]] = []
    demo = typer.Typer()

    @demo.command()
    @graph_options(omit=("endpoint",))
    def show(name: Annotated[str, typer.Argument()], *, graph: GraphOptions) -> None:
        received.append((name, graph))

    result = CliRunner().invoke(
        demo,
        ["x", "-d", "a.ttl", "--data", "b.ttl", "--no-inference", "--engine", "rdflib"],
        env={"GSEKG_CACHE_DIR": str(tmp_path)},
    )
    assert result.exit_code == 0, result.output
    assert received == [
        (
            "x",
            GraphOptions(
                data=[Path("a.ttl"), Path("b.ttl")],
                no_inference=True,
                engine="rdflib",
                cache_dir=tmp_path,
            ),
        )
    ]
    refused = CliRunner().invoke(demo, ["x", "--endpoint", "http://example.org/sparql"])
    assert refused.exit_code == 2


@pytest.mark.parametrize(
    ("command", "absent"),
    [
        (["search"], ()),
        (["query"], ()),
        (["network", "central"], ()),
        (["describe"], ("--no-inference",)),
        (["why"], ("--no-inference",)),
        (["export"], ("--no-inference", "--endpoint")),
        (["serve"], ("--engine", "--endpoint")),
        (["cache", "build"], ("--engine", "--endpoint")),
    ],
)
def test_help_lists_the_graph_options_each_command_offers(
    runner: CliRunner, command: list[str], absent: tuple[str, ...]
) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    for flag in GRAPH_FLAGS:
        assert (f"{flag} " in text) is (flag not in absent), flag
    assert "Read these RDF files or folders instead of the bundled graph" in text


def test_push_timeout_is_about_uploads_not_queries(runner: CliRunner) -> None:
    result = runner.invoke(app, ["push", "--help"])
    text = " ".join(result.stdout.split())
    assert "Give up on an upload after this many seconds." in text
    assert "Stop a query" not in text


@pytest.mark.parametrize("args", [("--help",), ("--version",), ("query", "--help")])
@pytest.mark.parametrize("redirect", [">&-", "> /dev/full"])
def test_help_and_version_onto_a_closed_or_full_stdout(
    args: tuple[str, ...], redirect: str
) -> None:
    command = " ".join([shlex.quote(sys.executable), "-m", "gsekg", *args, redirect])
    done = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 1
    assert done.stderr.startswith("Error: cannot write the output: "), done.stderr
    assert "Traceback" not in done.stderr


def test_a_saved_query_onto_a_full_stdout_blames_the_output() -> None:
    command = f"{shlex.quote(sys.executable)} -m gsekg query editions > /dev/full"
    done = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 1
    assert done.stderr == "Error: cannot write the output: No space left on device\n"
