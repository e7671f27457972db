"""Loading the evidence: the links query, and the labels and names of its entities."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pyoxigraph import Literal, NamedNode

from gsekg.errors import InputError, NotFoundError
from gsekg.namespaces import PREFIXES, compact
from gsekg.network.model import (
    _CATEGORIES,
    _COLUMNS,
    _SHORT_LABEL,
    LINKS_QUERY,
    Entity,
    Evidence,
    Network,
    Statement,
)
from gsekg.reader import BATCH, GraphReader, values
from gsekg.terms import Term

if TYPE_CHECKING:
    from gsekg.engines import Engine


# Loading -----------------------------------------------------------------------------------


def load_evidence(engine: Engine, query_text: str | None = None) -> Evidence:
    """Run the links query (default: the saved ``network-edges``) and describe its entities.

    Raises:
        InputError: The query is not a SELECT with the columns the network needs.
    """
    from gsekg import queries

    text = query_text if query_text is not None else queries.load(LINKS_QUERY).text
    defaults = queries.bind_params(queries.parse_header(text), {})
    result = engine.query(text, substitutions=defaults or None)
    missing = [c for c in _COLUMNS if c not in result.variables]
    if result.kind != "select" or missing:
        raise InputError(
            "the links query must be a SELECT with the variables "
            f"{', '.join('?' + c for c in _COLUMNS)} (and optionally ?year); "
            f"missing: {', '.join('?' + c for c in missing) or 'none'}"
        )
    index = {name: result.variables.index(name) for name in result.variables}
    statements: set[Statement] = set()
    years: dict[str, set[int]] = defaultdict(set)
    for row in result.rows:
        cells = [_text(row[index[c]]) for c in _COLUMNS]
        if not all(cells):
            raise InputError(f"the links query left a value unbound in a row: {cells}")
        statement = Statement(*cells)
        statements.add(statement)
        year = row[index["year"]] if "year" in index else None
        if isinstance(year, Literal) and re.fullmatch(r"-?\d{4,}", year.value):
            years[statement.target].add(int(year.value))
    ids = sorted({s.agent for s in statements} | {s.target for s in statements})
    reader = GraphReader(engine)
    return Evidence(
        statements=tuple(sorted(statements)),
        years={target: frozenset(found) for target, found in years.items()},
        entities=_entities(reader, ids),
        names=reader.name_table(),
    )


def _text(term: Any) -> str:
    """A compact IRI or the literal's text; ``""`` when unbound."""
    if term is None:
        return ""
    return compact(term.value) if isinstance(term, NamedNode) else str(term.value)


def _iri(node: str) -> str:
    """The full IRI of a compact id made by :func:`gsekg.namespaces.compact`.

    Raises:
        InputError: ``node`` is not one: the links query bound an agent or target to a literal.
    """
    if node.startswith("<") and node.endswith(">"):
        return node[1:-1]
    prefix, colon, local = node.partition(":")
    if not colon or prefix not in PREFIXES:
        raise InputError(f"the links query gave {node!r} where an agent or target IRI belongs")
    return PREFIXES[prefix] + local


def _entities(reader: GraphReader, ids: list[str]) -> dict[str, Entity]:
    """Label, short label and category of each node, asked of the engine in a few queries."""
    subjects = {node: NamedNode(_iri(node)) for node in ids}
    labels = reader.labels(subjects.values())
    types = reader.types(subjects.values())
    acronyms: dict[Term, list[str]] = defaultdict(list)
    for chunk in (list(subjects.values())[i : i + BATCH] for i in range(0, len(ids), BATCH)):
        result = reader.select(f"SELECT ?n ?a WHERE {{ {values('n', chunk)} ?n gso:acronym ?a }}")
        for n, acronym in result.rows:
            if n is not None and isinstance(acronym, Literal):
                acronyms[n].append(acronym.value)
    entities = {}
    for node, subject in subjects.items():
        found = {t.value for t in types[subject]}
        category = next((name for iri, name in _CATEGORIES if iri in found), "organisation")
        label = labels[subject]
        short = _short(label, acronyms.get(subject, ()), category)
        entities[node] = Entity(node, label, short, category)
    return entities


def _short(label: str, acronyms: Iterable[str], category: str) -> str:
    """A short label for pictures: the longest acronym that fits, else the (cut) label."""
    usable = sorted(acronyms, key=lambda a: (len(a), a))
    fitting = [a for a in usable if len(a) <= _SHORT_LABEL]
    if fitting:
        return fitting[-1]
    if usable:
        return usable[0]
    if category == "person" or len(label) <= 2 * _SHORT_LABEL:
        return label
    cut = label[: 2 * _SHORT_LABEL].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


# Names -------------------------------------------------------------------------------------


def _nearest(name: str, choices: Sequence[str], limit: int = 3) -> list[str]:
    from rapidfuzz import fuzz, process, utils

    found = process.extract(
        name, choices, scorer=fuzz.WRatio, processor=utils.default_process, limit=limit
    )
    return [choice for choice, score, _ in found if score >= 60]


def resolve_entity(evidence: Evidence, name: str) -> str:
    """The id of the entity called ``name`` (any label, acronym, alias, slug or IRI).

    Raises:
        NotFoundError: No entity has that name; the message suggests close names.
        InputError: Several entities have that name.
    """
    return compact(evidence.names.resolve(name).value)


def resolve_node(network: Network, name: str) -> str:
    """The node of ``network`` called ``name``.

    Raises:
        NotFoundError: No such name, or the entity is not a node of this network.
    """
    node = resolve_entity(network.evidence, name)
    if node not in network.graph:
        entity = network.evidence.entity(node)
        why = (
            "people are left out unless asked for"
            if entity.person and not network.filters.people
            else "no fact under the current filters links it"
        )
        label = entity.label
        if node not in network.evidence.entities:  # no fact names it: not labelled yet
            label = network.evidence.names.label(NamedNode(_iri(node))) or node
        named = node if label == node else f"{label} ({node})"
        raise NotFoundError(f"{named} is not in the network: {why}")
    return node
