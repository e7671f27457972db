"""The gsekg command line: a thin layer over the core library.

Importing this package registers every command on :data:`gsekg.cli.app.app`, in
the order ``gsekg --help`` lists them. Command modules import heavy libraries
(rdflib, pyoxigraph, networkx, pyshacl) inside their functions, so
``gsekg --help`` stays instant.
"""

from importlib import import_module

from gsekg.cli.app import app, main

COMMAND_MODULES = (
    "query",
    "export",
    "describe",
    "validate",
    "stats",
    "network",
    "ontology",
    "cache",
    "serve",
    "site",
    "curate",
)

for _module in COMMAND_MODULES:
    import_module(f"gsekg.cli.{_module}")

__all__ = ["app", "main"]
