"""Every console example in the README runs, exits 0 and prints what the README shows."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from gsekg.resources import corpus_dir

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

import readme

NEED_CORPUS = {"gsekg why gse:gse2023 gso:theme --context 0 -f text", "gsekg validate"}
"""Examples whose output shows passages of, or checks against, the articles."""
CURATION = "/tmp/gsekg-curation"
"""The curation example copies the articles into this folder: every command of it needs them."""


def needs_corpus(command: str) -> bool:
    """Whether an example reads the articles."""
    return command in NEED_CORPUS or CURATION in command


EXAMPLES = readme.examples(readme.README.read_text(encoding="utf-8"))


def test_readme_has_a_tour() -> None:
    commands = {
        example.command.split()[1] for example in EXAMPLES if example.command.startswith("gsekg ")
    }
    for command in (
        "query",
        "queries",
        "export",
        "describe",
        "search",
        "why",
        "validate",
        "stats",
        "timeline",
        "path",
        "network",
        "cache",
    ):
        assert command in commands, f"the README tour lacks gsekg {command}"


def test_ellipsis_matching() -> None:
    assert readme.matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert readme.matches(["a", "..."], ["a"])
    assert not readme.matches(["a", "...", "d"], ["a", "b"])
    assert not readme.matches(["a"], ["a", "b"])


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.command[:60] for e in EXAMPLES])
def test_readme_example(example: readme.Example, cache_dir: Path) -> None:
    if needs_corpus(example.command) and corpus_dir() is None:
        pytest.skip("corpus not found: this example reads ../shared/corpus")
    code, output = readme.run(example.command, env={"GSEKG_CACHE_DIR": str(cache_dir)})
    assert code == 0, f"{example.command} exited {code}"
    assert readme.matches(example.output, output), "\n".join(
        ["README shows:", *example.output, "but the command printed:", *output]
    )
