"""The gsekg command line: a thin layer over the core library.

Importing this package registers every command on :data:`gsekg.cli.app.app`.
Command modules import heavy libraries (rdflib, pyoxigraph, networkx, pyshacl)
inside their functions, so ``gsekg --help`` stays instant.
"""

from gsekg.cli import (  # noqa: F401  (each module registers its commands)
    cache,
    describe,
    export,
    network,
    query,
    serve,
    stats,
    validate,
)
from gsekg.cli.app import app, main

__all__ = ["app", "main"]
