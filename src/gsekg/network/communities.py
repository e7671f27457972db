"""Communities (greedy modularity) and their modularity."""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx

from gsekg.network.model import Network


def communities(network: Network) -> list[list[str]]:
    """Communities by greedy modularity on edge weights: largest first, members by label.

    Deterministic: nodes are added in a fixed order and the algorithm has no randomness.
    """
    graph = network.graph
    if graph.number_of_edges() == 0:
        found: list[set[str]] = [{node} for node in graph]
    else:
        found = [set(c) for c in nx.community.greedy_modularity_communities(graph, weight="weight")]
    groups = [sorted(c, key=network.label) for c in found]
    groups.sort(key=lambda members: (-len(members), network.label(members[0])))
    return groups


def modularity(network: Network, groups: Sequence[Sequence[str]]) -> float:
    """Modularity of a partition of the network (0 when there are no edges)."""
    if network.graph.number_of_edges() == 0:
        return 0.0
    return float(nx.community.modularity(network.graph, [set(g) for g in groups], weight="weight"))
