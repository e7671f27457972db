"""Network measures: size, centralities and rankings."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from gsekg.errors import GsekgError, InputError
from gsekg.network.model import CENTRALITIES, Network

# Measures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stats:
    """Size and shape of a network."""

    nodes: int
    edges: int
    density: float
    components: int
    largest_component: int
    diameter: int


def stats(graph: nx.Graph[str]) -> Stats:
    """Nodes, edges, density, connected components, and the diameter of the largest one."""
    parts = sorted(nx.connected_components(graph), key=len, reverse=True)
    largest = graph.subgraph(parts[0] if parts else ())
    return Stats(
        nodes=graph.number_of_nodes(),
        edges=graph.number_of_edges(),
        density=nx.density(graph) if len(graph) > 1 else 0.0,
        components=len(parts),
        largest_component=len(largest),
        diameter=nx.diameter(largest) if len(largest) > 1 else 0,
    )


def centrality(graph: nx.Graph[str], by: str = "degree") -> dict[str, float]:
    """Centrality of every node: degree and betweenness count hops; eigenvector and
    PageRank follow edge weights.

    Raises:
        InputError: ``by`` is not one of :data:`CENTRALITIES`.
    """
    if by not in CENTRALITIES:
        raise InputError(f"unknown centrality {by!r} (one of {', '.join(CENTRALITIES)})")
    if graph.number_of_edges() == 0:
        return dict.fromkeys(graph, 0.0)
    if by == "degree":
        return dict(nx.degree_centrality(graph))
    if by == "betweenness":
        return dict(nx.betweenness_centrality(graph))
    if by == "eigenvector":
        try:
            return dict(nx.eigenvector_centrality(graph, max_iter=10_000, weight="weight"))
        except nx.PowerIterationFailedConvergence as error:
            raise GsekgError(f"eigenvector centrality did not converge: {error}") from None
    return _pagerank(graph)


def _pagerank(graph: nx.Graph[str], tolerance: float = 1e-12) -> dict[str, float]:
    """PageRank by power iteration on networkx's Google matrix (no SciPy needed)."""
    import numpy as np

    nodes = list(graph)
    matrix = nx.google_matrix(graph, nodelist=nodes, weight="weight")
    vector = np.full(len(nodes), 1 / len(nodes))
    for _ in range(10_000):
        following = vector @ matrix
        converged = float(np.abs(following - vector).sum()) < tolerance * len(nodes)
        vector = following
        if converged:
            break
    return {node: float(value) for node, value in zip(nodes, vector, strict=True)}


def ranking(
    network: Network, by: str = "degree", top: int | None = None
) -> list[tuple[str, float]]:
    """Nodes by decreasing centrality, ties by label; the first ``top`` of them."""
    scores = centrality(network.graph, by)
    ordered = sorted(scores.items(), key=lambda item: (-round(item[1], 12), network.label(item[0])))
    return ordered[:top] if top is not None else ordered
