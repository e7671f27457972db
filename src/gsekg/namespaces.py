"""Namespaces and the prefixes predeclared for every query and export."""

from __future__ import annotations

BASE = "https://w3id.org/gsekg/"
GSE = BASE + "id/"
GSO = BASE + "ontology#"
ROLES = BASE + "roles/"
CLAIM = BASE + "claim/"
SRC = BASE + "source/"
VIEWS = ("union", "best")
"""What a store's default graph holds: every claim's triples, or the best-ranked ones
(docs/model.md); each view is built as its own store."""

PREFIXES: dict[str, str] = {
    "gse": GSE,
    "gso": GSO,
    "roles": ROLES,
    "claim": CLAIM,
    "src": SRC,
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "time": "http://www.w3.org/2006/time#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
}


def sparql_prologue() -> str:
    """PREFIX lines for every predeclared prefix."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def compact(iri: str) -> str:
    """``gse:unesco-iite`` for a full IRI in a known namespace, else ``<iri>``."""
    best = ""
    best_prefix = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(best):
            best, best_prefix = ns, prefix
    local = iri[len(best) :]
    if best and local and all(c.isalnum() or c in "-_." for c in local) and local[-1] != ".":
        return f"{best_prefix}:{local}"
    return f"<{iri}>"
