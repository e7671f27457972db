"""The partnership network: which organisations work together, according to which article.

The saved query ``queries/network-edges.rq`` lists every fact that can link two
agents, with its claim and source. Rows with link ``shared`` are roles: agents
that one source places at the same target (an edition, forum, network, project,
initiative or platform) are paired here, in Python, because pairing in SPARQL
would square the rows. Any other link value (``part-of``, ``post``) is a direct
link between the agent and the target.

An edge keeps every :class:`Fact` behind it. A fact is one source's account of
one shared target (with the role statements of both ends), or one source's
statement of a direct link. The edge weight is the number of distinct facts,
that is of distinct (target, source) pairs: two articles that both say two
organisations co-organised an event give weight 2, one article saying so in
two passages gives 1.

Modules: :mod:`~gsekg.network.model` (value types), :mod:`~gsekg.network.evidence`
(the links query, labels and names), :mod:`~gsekg.network.building` (filters and
edges), :mod:`~gsekg.network.paths`, :mod:`~gsekg.network.measures` (centralities),
:mod:`~gsekg.network.communities`, :mod:`~gsekg.network.ego` and
:mod:`~gsekg.network.export` (five formats).
"""

from __future__ import annotations

from gsekg.network.building import build_network
from gsekg.network.communities import communities, modularity
from gsekg.network.ego import Neighbour, ego, neighbours
from gsekg.network.evidence import load_evidence, resolve_entity, resolve_node
from gsekg.network.export import export_bytes, fact_record, flat_graph
from gsekg.network.measures import Stats, centrality, ranking, stats
from gsekg.network.model import (
    CENTRALITIES,
    EXPORT_FORMATS,
    LINKS_QUERY,
    LIST_SEPARATOR,
    PART_OF,
    POST,
    SHARED,
    Entity,
    Evidence,
    Fact,
    Filters,
    Hop,
    Network,
    Statement,
    kind_name,
    source_id,
)
from gsekg.network.paths import shortest_paths

__all__ = [
    "CENTRALITIES",
    "EXPORT_FORMATS",
    "LINKS_QUERY",
    "LIST_SEPARATOR",
    "PART_OF",
    "POST",
    "SHARED",
    "Entity",
    "Evidence",
    "Fact",
    "Filters",
    "Hop",
    "Neighbour",
    "Network",
    "Statement",
    "Stats",
    "build_network",
    "centrality",
    "communities",
    "ego",
    "export_bytes",
    "fact_record",
    "flat_graph",
    "kind_name",
    "load_evidence",
    "modularity",
    "neighbours",
    "ranking",
    "resolve_entity",
    "resolve_node",
    "shortest_paths",
    "source_id",
    "stats",
]
