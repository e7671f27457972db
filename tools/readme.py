"""Run the README's console examples, and refresh their output in place.

Each ```console block holds commands (lines starting with ``$ ``), each followed
by the output it prints. A line ``...`` in the output stands for any number of
lines. ``python tools/readme.py`` re-runs every command and rewrites the outputs
(keeping ``...`` elisions at the end of an output); ``tests/test_readme.py``
runs them and compares.

Usage: python tools/readme.py [--check]
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BLOCK = re.compile(r"^```console\n(.*?)^```$", re.MULTILINE | re.DOTALL)
ELLIPSIS = "..."
ELIDED_DEFAULT = 12
"""Lines kept above a lone ``...`` when outputs are refreshed."""


@dataclass
class Example:
    """One ``$ command`` of the README and the output written under it."""

    command: str
    output: list[str]


def examples(text: str) -> list[Example]:
    """Every console example of a README text, in order."""
    return [example for block in BLOCK.finditer(text) for example in _parse(block.group(1))]


def _parse(body: str) -> list[Example]:
    """The examples of one console block's body."""
    found: list[Example] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            found.append(Example(line[2:], []))
        elif found:
            found[-1].output.append(line)
    return found


class RefusedError(Exception):
    """An example failed (non-zero exit or a traceback): its output is not recorded."""


def run(command: str, env: dict[str, str] | None = None) -> tuple[int, list[str]]:
    """Run one example with bash in the project folder; exit code and stdout lines."""
    code, out, _ = run_full(command, env)
    return code, out


def run_full(command: str, env: dict[str, str] | None = None) -> tuple[int, list[str], str]:
    """Run one example; exit code, stdout lines and stderr text."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    full_env = {**os.environ, "PATH": path, "NO_COLOR": "1", "COLUMNS": "80", **(env or {})}
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return done.returncode, [line.rstrip() for line in done.stdout.splitlines()], done.stderr


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` fits ``expected``, where a ``...`` line stands for any lines."""
    if not expected:
        return not actual
    head, *rest = expected
    if head.strip() == ELLIPSIS:
        return any(matches(rest, actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and actual[0] == head.rstrip() and matches(rest, actual[1:])


def refresh(text: str) -> str:
    """The README text with every example's output replaced by a fresh run."""

    def block(match: re.Match[str]) -> str:
        lines: list[str] = []
        for example in _parse(match.group(1)):
            code, actual, errors = run_full(example.command)
            if code != 0 or "Traceback (most recent call last)" in errors:
                raise RefusedError(
                    f"not recording {example.command!r}: exit {code}\n{errors.strip()}"
                )
            if example.output and example.output[-1].strip() == ELLIPSIS:
                keep = len(example.output) - 1 or ELIDED_DEFAULT
                actual = [*actual[:keep], ELLIPSIS]
            lines += [f"$ {example.command}", *actual]
        return "```console\n" + "\n".join(lines) + "\n```"

    return BLOCK.sub(block, text)


def main(argv: list[str]) -> int:
    """Rewrite the README's outputs, or with ``--check`` report stale ones."""
    text = README.read_text(encoding="utf-8")
    try:
        fresh = refresh(text)
    except RefusedError as error:
        print(error, file=sys.stderr)
        return 2
    if "--check" in argv:
        return 0 if fresh == text else 1
    README.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
