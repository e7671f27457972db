"""Whole-graph export, deterministic: canonical blank-node labels, sorted statements.

Without provenance the export is the simple view (the default graph: ontology,
entities, the union of the claims and their provenance records). With
provenance (TriG, N-Quads, JSON-LD) each claim is its own named graph (in
JSON-LD an object with ``@id`` and ``@graph``) and the default graph keeps only
what no claim states, as in the source files.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from gsekg.errors import InputError
from gsekg.render import DATASET_FORMATS, GRAPH_FORMATS, rdf_bytes

NAMED_GRAPH_FORMATS = (*DATASET_FORMATS, "json-ld")
"""Formats that can hold the claims as named graphs (``--provenance``)."""

if TYPE_CHECKING:
    from pyoxigraph import BlankNode, Quad, Triple

    from gsekg.engines import Engine


def export_bytes(
    engine: Engine,
    fmt: str,
    *,
    provenance: bool | None = None,
    on_note: Callable[[str], None] | None = None,
) -> bytes:
    """The graph of ``engine`` serialised as ``fmt``; two calls give identical bytes.

    Args:
        engine: An open engine (its inference setting decides whether inferred
            triples are included).
        fmt: One of :data:`gsekg.render.GRAPH_FORMATS`.
        provenance: Claims as named graphs; default: yes for TriG and N-Quads,
            no for JSON-LD; the other formats always give the simple view.
        on_note: told, in words for people, when blank nodes get the hash fallback labels.

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
    quads = canonical_quads(engine.quads(), provenance=provenance, on_note=on_note)
    if not quads:
        raise InputError("nothing to export: the graph is empty")
    if provenance or fmt in DATASET_FORMATS:
        return rdf_bytes(quads, fmt)
    return rdf_bytes(_triples(quads), fmt)


def canonical_quads(
    quads: Iterable[Quad],
    *,
    provenance: bool,
    on_note: Callable[[str], None] | None = None,
) -> list[Quad]:
    """The quads to export, blank nodes relabelled canonically, sorted.

    Default-graph statements come first, then each named graph, each sorted by
    subject, predicate and object. Blank nodes get RDFC-1.0 labels when that is cheap
    (see :func:`blank_labels`), else labels from a content hash, and ``on_note`` is told.
    """
    from pyoxigraph import DefaultGraph, Quad

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
    return sorted(
        blank_labels(kept, on_note),
        key=lambda q: (
            q.graph_name != default,
            str(q.graph_name),
            str(q.subject),
            str(q.predicate),
            str(q.object),
        ),
    )


RDFC_GROUP_LIMIT = 6
"""RDFC-1.0 only when no more than this many blank nodes share a first-degree hash..."""
RDFC_SHARED_LIMIT = 64
"""...and no more than this many share one at all: past that its work can explode
(a 1,000-node chain takes minutes, a 10-node clique hours)."""
REFINE_BUDGET = 1_000_000
"""Blank-node incidences the hash fallback may visit, all refinement rounds together."""
REFINE_ROUNDS = 16


def blank_labels(quads: list[Quad], on_note: Callable[[str], None] | None = None) -> list[Quad]:
    """``quads`` with deterministic blank node labels, in bounded time and memory.

    RDFC-1.0 (pyoxigraph) when the blank nodes are easy to tell apart by their own
    statements (first-degree hashes; the usual case). Otherwise each blank node is labelled
    with a hash of its statements refined by its neighbours' hashes for a bounded number of
    rounds (colour refinement); nodes still alike are numbered in the order they come.
    """
    from pyoxigraph import CanonicalizationAlgorithm, Dataset

    incidences = _incidences(quads)
    if not incidences:
        return quads
    colours = {
        node: _hash(sorted(_line(quads[i], node, None) for i in where))
        for node, where in incidences.items()
    }
    shared = [n for n in Counter(colours.values()).values() if n > 1]
    if not shared or (max(shared) <= RDFC_GROUP_LIMIT and sum(shared) <= RDFC_SHARED_LIMIT):
        dataset = Dataset(quads)
        dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
        return list(dataset)
    total = sum(len(where) for where in incidences.values())
    for _ in range(min(REFINE_ROUNDS, REFINE_BUDGET // max(total, 1))):
        refined = {
            node: _hash([colours[node], *sorted(_line(quads[i], node, colours) for i in where)])
            for node, where in incidences.items()
        }
        if len(set(refined.values())) == len(set(colours.values())):
            break
        colours = refined
    labels, alike = _numbered(colours)
    if on_note is not None and alike:
        # Labels from distinct hashes depend on content alone: as deterministic as RDFC-1.0,
        # so only nodes the hashes cannot tell apart are worth a word.
        on_note(
            f"{len(incidences):,} blank nodes are too alike for canonical labelling "
            f"(RDFC-1.0) within its work limit; they are labelled from a hash of their "
            f"statements, and {alike:,} still alike are numbered in store order"
        )
    return [_relabelled(q, labels) for q in quads]


def _incidences(quads: list[Quad]) -> dict[BlankNode, list[int]]:
    """For each blank node, the indexes of the quads it is in (first appearance order)."""
    from pyoxigraph import BlankNode

    found: dict[BlankNode, list[int]] = {}
    for index, quad in enumerate(quads):
        for term in (quad.subject, quad.object, quad.graph_name):
            if isinstance(term, BlankNode):
                where = found.setdefault(term, [])
                if not where or where[-1] != index:
                    where.append(index)
    return found


def _line(quad: Quad, node: BlankNode, colours: dict[BlankNode, str] | None) -> str:
    """``quad`` as text, ``node`` as ``_:a``, other blank nodes by colour (or ``_:z``)."""
    from pyoxigraph import BlankNode

    def term(t: object) -> str:
        if not isinstance(t, BlankNode):
            return str(t)
        if t == node:
            return "_:a"
        return "_:z" if colours is None else f"_:{colours[t]}"

    return f"{term(quad.subject)} {term(quad.predicate)} {term(quad.object)} " + term(
        quad.graph_name
    )


def _hash(parts: list[str]) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:24]


def _numbered(colours: dict[BlankNode, str]) -> tuple[dict[BlankNode, BlankNode], int]:
    """Labels ``h<hash>``, plus ``n<k>`` for nodes that share a hash; and how many do."""
    from pyoxigraph import BlankNode

    counts = Counter(colours.values())
    seen: Counter[str] = Counter()
    labels = {}
    for node, colour in colours.items():
        if counts[colour] == 1:
            labels[node] = BlankNode(f"h{colour}")
        else:
            seen[colour] += 1
            labels[node] = BlankNode(f"h{colour}n{seen[colour]}")
    return labels, sum(n for n in counts.values() if n > 1)


def _relabelled(quad: Quad, labels: dict[BlankNode, BlankNode]) -> Quad:
    from pyoxigraph import Quad

    def term(t: Any) -> Any:
        return labels.get(t, t)

    return Quad(term(quad.subject), quad.predicate, term(quad.object), term(quad.graph_name))


def _triples(quads: list[Quad]) -> list[Triple]:
    from pyoxigraph import Triple

    return [Triple(q.subject, q.predicate, q.object) for q in quads]
