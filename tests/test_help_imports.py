"""``--help`` stays instant: it must not import the heavy libraries."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("rdflib", "pyoxigraph", "networkx", "pyshacl", "owlrl", "matplotlib", "rich")

PROBE = """
import json, sys
heavy = json.loads(sys.argv[2])
sys.argv = ["gsekg", *json.loads(sys.argv[1])]
from gsekg.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & set(heavy))), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args",
    [["--help"], ["--version"], ["query", "--help"], ["queries", "--help"], ["export", "--help"]],
    ids=lambda args: " ".join(args),
)
def test_help_does_not_import_heavy_libraries(args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.stdout.strip(), done.stderr
    imported = json.loads(done.stderr.strip().splitlines()[-1])
    assert imported == [], f"gsekg {' '.join(args)} imported {imported}"
