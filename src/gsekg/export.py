"""Whole-graph export, deterministic: canonical blank-node labels, sorted statements.

Without provenance the export is the simple view (the default graph: ontology,
entities, the union of the claims and their provenance records). With
provenance (TriG, N-Quads, JSON-LD) each claim is its own named graph (in
JSON-LD an object with ``@id`` and ``@graph``) and the default graph keeps only
what no claim states, as in the source files.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from gsekg.errors import InputError
from gsekg.render import DATASET_FORMATS, GRAPH_FORMATS, rdf_bytes

NAMED_GRAPH_FORMATS = (*DATASET_FORMATS, "json-ld")
"""Formats that can hold the claims as named graphs (``--provenance``)."""

if TYPE_CHECKING:
    from pyoxigraph import Quad, Triple

    from gsekg.engines import Engine


def export_bytes(engine: Engine, fmt: str, *, provenance: bool | None = None) -> bytes:
    """The graph of ``engine`` serialised as ``fmt``; two calls give identical bytes.

    Args:
        engine: An open engine (its inference setting decides whether inferred
            triples are included).
        fmt: One of :data:`gsekg.render.GRAPH_FORMATS`.
        provenance: Claims as named graphs; default: yes for TriG and N-Quads,
            no for JSON-LD; the other formats always give the simple view.

    Raises:
        InputError: Unknown format, provenance asked for a triple format, or
            nothing to export.
    """
    if fmt not in GRAPH_FORMATS:
        raise InputError(f"unknown export format {fmt!r}; use one of {', '.join(GRAPH_FORMATS)}")
    if provenance is None:
        provenance = fmt in DATASET_FORMATS
    if provenance and fmt not in NAMED_GRAPH_FORMATS:
        raise InputError(
            f"--provenance needs a format with named graphs ({', '.join(NAMED_GRAPH_FORMATS)}), "
            f"not {fmt}"
        )
    quads = canonical_quads(engine.quads(), provenance=provenance)
    if not quads:
        raise InputError("nothing to export: the graph is empty")
    if provenance or fmt in DATASET_FORMATS:
        return rdf_bytes(quads, fmt)
    return rdf_bytes(_triples(quads), fmt)


def canonical_quads(quads: Iterable[Quad], *, provenance: bool) -> list[Quad]:
    """The quads to export, blank nodes relabelled canonically (RDFC-1.0), sorted.

    Default-graph statements come first, then each named graph, each sorted by
    subject, predicate and object.
    """
    from pyoxigraph import CanonicalizationAlgorithm, Dataset, DefaultGraph, Quad

    everything = list(quads)
    default = DefaultGraph()
    if provenance:
        claimed = {
            (q.subject, q.predicate, q.object) for q in everything if q.graph_name != default
        }
        kept = [
            q
            for q in everything
            if q.graph_name != default or (q.subject, q.predicate, q.object) not in claimed
        ]
    else:
        kept = [
            Quad(q.subject, q.predicate, q.object) for q in everything if q.graph_name == default
        ]
    dataset = Dataset(kept)
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(
        dataset,
        key=lambda q: (
            q.graph_name != default,
            str(q.graph_name),
            str(q.subject),
            str(q.predicate),
            str(q.object),
        ),
    )


def _triples(quads: list[Quad]) -> list[Triple]:
    from pyoxigraph import Triple

    return [Triple(q.subject, q.predicate, q.object) for q in quads]
