"""Ego networks: the neighbourhood of one node, with each neighbour's distance and link."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from gsekg.errors import InputError
from gsekg.network.model import Network


def ego(network: Network, center: str, depth: int = 1) -> Network:
    """The sub-network within ``depth`` hops of ``center``.

    Raises:
        InputError: ``depth`` is below 1.
    """
    if depth < 1:
        raise InputError(f"depth must be at least 1, got {depth}")
    return Network(
        nx.ego_graph(network.graph, center, radius=depth), network.evidence, network.filters
    )


@dataclass(frozen=True)
class Neighbour:
    """A node of an ego network: its distance from the centre and its link towards it."""

    node: str
    distance: int
    via: str
    """The neighbour one hop nearer the centre through which it is reached (first by label)."""
    kinds: tuple[str, ...]
    weight: int


def neighbours(network: Network, center: str, depth: int = 1) -> list[Neighbour]:
    """Everyone within ``depth`` hops of ``center``, nearest first, then by label.

    Raises:
        InputError: ``depth`` is below 1.
    """
    graph = ego(network, center, depth).graph
    distances = nx.single_source_shortest_path_length(graph, center)
    found = []
    for node in sorted(graph, key=lambda n: (distances[n], network.label(n))):
        if node == center:
            continue
        via = min(
            (n for n in graph[node] if distances[n] == distances[node] - 1), key=network.label
        )
        edge = graph.edges[node, via]
        found.append(
            Neighbour(node, distances[node], via, tuple(edge["kinds"]), int(edge["weight"]))
        )
    return found
