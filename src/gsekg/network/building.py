"""Building the network from the evidence under filters (edition, sources, kinds…)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import combinations

import networkx as nx

from gsekg.errors import NotFoundError
from gsekg.network.evidence import _iri, _nearest, resolve_entity
from gsekg.network.model import (
    PART_OF,
    POST,
    SHARED,
    Evidence,
    Fact,
    Filters,
    Network,
    Statement,
    kind_name,
    source_id,
)

# Building ----------------------------------------------------------------------------------


def build_network(evidence: Evidence, filters: Filters | None = None) -> Network:
    """The undirected network of ``evidence`` under ``filters``.

    Nodes are agents (organisations; people with ``filters.people``) with the
    attributes ``label``, ``short``, ``category`` and ``iri``. Edges carry
    ``weight`` (distinct facts), ``kinds``, ``targets``, ``sources`` (tuples)
    and ``facts`` (:class:`Fact` objects).

    Raises:
        NotFoundError: An edition, source, kind or excluded name matches nothing.
    """
    filters = filters or Filters()
    statements = _select(evidence, filters)
    shared = [s for s in statements if s.link == SHARED]
    direct = [s for s in statements if s.link != SHARED and s.agent != s.target]
    if filters.edition is not None:
        members = {s.agent for s in shared}
        direct = [s for s in direct if s.agent in members and s.target in members]
    facts: dict[tuple[str, str], dict[tuple[str, str, str], list[Statement]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for start, end, statement in _pairs(shared, direct):
        key = (statement.link, statement.target, statement.source)
        facts[(start, end) if start < end else (end, start)][key].append(statement)
    graph: nx.Graph[str] = nx.Graph()
    nodes = {s.agent for s in shared} | {n for pair in facts for n in pair}
    for node in sorted(nodes):
        entity = evidence.entity(node)
        graph.add_node(
            node,
            label=entity.label,
            short=entity.short,
            category=entity.category,
            iri=_iri(node),
        )
    for (start, end), grouped in sorted(facts.items()):
        edge_facts = tuple(
            Fact(link, target, source, tuple(sorted(set(found))))
            for (link, target, source), found in sorted(grouped.items())
        )
        graph.add_edge(
            start,
            end,
            weight=len(edge_facts),
            kinds=tuple(sorted({k for f in edge_facts for k in f.kinds})),
            targets=tuple(sorted({f.target for f in edge_facts})),
            sources=tuple(sorted({f.source for f in edge_facts})),
            facts=edge_facts,
        )
    return Network(graph, evidence, filters)


def _pairs(
    shared: Iterable[Statement], direct: Iterable[Statement]
) -> Iterator[tuple[str, str, Statement]]:
    """Each statement with the pair of nodes it links: agents one source puts at one target."""
    by_target: dict[tuple[str, str], list[Statement]] = defaultdict(list)
    for statement in shared:
        by_target[(statement.target, statement.source)].append(statement)
    for group in by_target.values():
        agents = sorted({s.agent for s in group})
        for start, end in combinations(agents, 2):
            for statement in group:
                if statement.agent in (start, end):
                    yield start, end, statement
    for statement in direct:
        yield statement.agent, statement.target, statement


def _select(evidence: Evidence, filters: Filters) -> list[Statement]:
    """The statements that pass ``filters`` (the edition's direct links are handled later)."""
    statements = list(evidence.statements)
    if not filters.people:
        statements = [
            s
            for s in statements
            if s.link != POST
            and not evidence.entity(s.agent).person
            and not evidence.entity(s.target).person
        ]
    if not filters.part_of:
        statements = [s for s in statements if s.link != PART_OF]
    if filters.sources:
        known = sorted({source_id(s.source) for s in evidence.statements})
        for prefix in filters.sources:
            if not any(k.startswith(prefix) for k in known):
                raise NotFoundError(f"no source {prefix!r} in the network's facts", known)
        statements = [
            s for s in statements if source_id(s.source).startswith(tuple(filters.sources))
        ]
    if filters.kinds:
        known = sorted({kind_name(s) for s in evidence.statements})
        for kind in filters.kinds:
            if kind not in known:
                raise NotFoundError(f"no link kind {kind!r}", _nearest(kind, known) or known)
        statements = [s for s in statements if kind_name(s) in filters.kinds]
    if filters.exclude:
        left_out = {resolve_entity(evidence, name) for name in filters.exclude}
        statements = [s for s in statements if s.agent not in left_out and s.target not in left_out]
    if filters.edition is not None:
        known_years = sorted({y for found in evidence.years.values() for y in found})
        if filters.edition not in known_years:
            raise NotFoundError(f"no edition in {filters.edition}", [str(y) for y in known_years])
        statements = [
            s
            for s in statements
            if s.link != SHARED or filters.edition in evidence.years.get(s.target, ())
        ]
    return statements
