"""Drafts: candidate claims as TriG, in the claim format of the curated data.

Each candidate is a named graph and, in the default graph, ``a gso:CandidateClaim`` with
its source, rank, evidence (Web Annotation specific resources), ``gso:confidence`` and
``gso:extractionRule``; the entities it would add are listed with ``gso:proposesEntity``.
The article's SHA-256 is recorded so that a draft made from another version of the text
is refused at review.
"""

from __future__ import annotations

from collections.abc import Sequence

from gsekg.extract.candidates import Candidate, literal
from gsekg.namespaces import PREFIXES

DRAFT_PREFIXES = (
    "gse", "gso", "roles", "claim", "src", "schema", "org", "prov", "oa", "skos", "dcterms",
    "rdf", "xsd",
)  # fmt: skip
SPDX = "http://spdx.org/rdf/terms#"


def prefix_block(names: Sequence[str] = DRAFT_PREFIXES) -> str:
    """``@prefix`` lines for ``names`` and ``spdx:``."""
    lines = [f"@prefix {n}: <{PREFIXES[n]}> ." for n in names]
    lines.append(f"@prefix spdx: <{SPDX}> .")
    return "\n".join(lines) + "\n"


def evidence(source_id: str, spans: Sequence[tuple[int, int]]) -> str:
    """The ``gso:evidence`` objects of a claim citing ``spans`` of ``source_id``."""
    return " ,\n        ".join(
        f"[ a oa:SpecificResource ; oa:hasSource src:{source_id} ;\n"
        f"            oa:hasSelector [ a oa:TextPositionSelector ; oa:start {s} ; oa:end {e} ] ]"
        for s, e in spans
    )


def graph_block(name: str, triples: Sequence[tuple[str, str, str]]) -> str:
    """A named graph ``name { … }`` holding ``triples`` (Turtle terms)."""
    body = "\n".join(f"    {s} {'a' if p == 'rdf:type' else p} {o} ." for s, p, o in triples)
    return f"{name} {{\n{body}\n}}\n"


def write_draft(source_id: str, sha256: str, candidates: Sequence[Candidate]) -> str:
    """The draft TriG for ``candidates`` of ``source_id`` (whose text has ``sha256``)."""
    index = source_id[:3]
    parts = [
        f"# Candidate claims extracted from source {source_id} by `gsekg extract`.\n"
        "# Not part of the graph: review them with `gsekg review` (accepted ones are\n"
        "# written to the data folder in the curated format).\n\n" + prefix_block(),
        f"src:{source_id} dcterms:identifier {literal(source_id, None)} ;\n"
        f"    spdx:checksum [ a spdx:Checksum ; spdx:algorithm spdx:checksumAlgorithm_sha256 ;\n"
        f'        spdx:checksumValue "{sha256}" ] .\n',
    ]
    for number, candidate in enumerate(candidates, start=1):
        name = f"claim:{index}-candidate-{number:04d}"
        meta = [
            f"{name} a gso:CandidateClaim",
            f"prov:wasDerivedFrom src:{source_id}",
            "gso:rank gso:NormalRank",
            f"gso:confidence {candidate.confidence:.2f}",
            f"gso:extractionRule {literal(candidate.rule, None)}",
            f"dcterms:type {literal(candidate.kind, None)}",
            f"gso:evidence {evidence(source_id, candidate.spans)}",
        ]
        if candidate.note:
            meta.append(f"skos:editorialNote {literal(candidate.note)}")
        for entity in candidate.new:
            meta.append(f"gso:proposesEntity {_compact(entity.iri)}")
        block = graph_block(name, candidate.triples) + " ;\n    ".join(meta) + " .\n"
        for entity in candidate.new:
            kind = f"a {entity.cls} ; " if entity.cls else ""
            block += f"{_compact(entity.iri)} {kind}skos:prefLabel {literal(entity.label)} .\n"
        parts.append(block)
    return "\n".join(parts)


def _compact(iri: str) -> str:
    from gsekg.namespaces import compact

    return compact(iri)
