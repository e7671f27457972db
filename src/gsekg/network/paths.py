"""Shortest paths between two agents, hop by hop with the facts behind each hop."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import networkx as nx

from gsekg.errors import InputError, NotFoundError
from gsekg.network.model import Hop, Network

# Paths -------------------------------------------------------------------------------------


def shortest_paths(
    network: Network,
    start: str,
    end: str,
    *,
    all_paths: bool = False,
    max_hops: int | None = None,
) -> list[list[Hop]]:
    """The shortest path (or all of them) between two nodes, each hop with its facts.

    Paths count hops; among equally short paths the one with the most facts
    comes first, then the one whose labels sort first.

    Raises:
        InputError: ``start`` and ``end`` are the same node.
        NotFoundError: No path, or none within ``max_hops``.
    """
    graph = network.graph
    if start == end:
        raise InputError(f"{network.label(start)} is both ends of the path")
    try:
        found = list(nx.all_shortest_paths(graph, start, end))
    except nx.NetworkXNoPath:
        part = sorted(nx.node_connected_component(graph, start), key=network.label)
        raise NotFoundError(
            f"no path between {network.label(start)} and {network.label(end)}: "
            f"{network.label(start)} is linked only to "
            f"{', '.join(network.label(n) for n in part if n != start) or 'nothing'}"
        ) from None
    hops = len(found[0]) - 1
    if max_hops is not None and hops > max_hops:
        raise NotFoundError(
            f"the shortest path between {network.label(start)} and {network.label(end)} "
            f"has {hops} hops, more than the limit of {max_hops}"
        )
    paths = [_hops(graph, nodes) for nodes in found]
    paths.sort(
        key=lambda path: (-sum(h.weight for h in path), [network.label(h.end) for h in path])
    )
    return paths if all_paths else paths[:1]


def _hops(graph: nx.Graph[str], nodes: Sequence[str]) -> list[Hop]:
    return [
        Hop(a, b, graph.edges[a, b]["weight"], graph.edges[a, b]["facts"])
        for a, b in pairwise(nodes)
    ]
