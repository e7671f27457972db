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
"""

from __future__ import annotations

import io
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations, pairwise
from typing import TYPE_CHECKING, Any

import networkx as nx
from pyoxigraph import Literal, NamedNode

from gsekg.entities import NameIndex
from gsekg.errors import GsekgError, InputError, NotFoundError
from gsekg.namespaces import GSO, PREFIXES, compact
from gsekg.provenance import Snapshot

if TYPE_CHECKING:
    from gsekg.engines import Engine

LINKS_QUERY = "network-edges"
SHARED = "shared"
PART_OF = "part-of"
POST = "post"
CENTRALITIES = ("degree", "betweenness", "eigenvector", "pagerank")
EXPORT_FORMATS = ("graphml", "gexf", "json", "dot", "csv")
LIST_SEPARATOR = ";"
"""Joins list attributes (kinds, targets, sources, claims) in the flat export formats."""

_COLUMNS = ("agent", "kind", "target", "claim", "source", "link")
_SCHEMA = PREFIXES["schema"]
_ACRONYM = NamedNode(GSO + "acronym")
_CATEGORIES = (
    (GSO + "UniversityUnit", "university unit"),
    (GSO + "MinistryDepartment", "government body"),
    (GSO + "Laboratory", "research institute"),
    (GSO + "UnescoInstitute", "UNESCO institute"),
    (GSO + "University", "university"),
    (GSO + "ResearchInstitute", "research institute"),
    (GSO + "IntergovernmentalOrganisation", "intergovernmental organisation"),
    (GSO + "Company", "company"),
    (GSO + "GovernmentBody", "government body"),
    (GSO + "Association", "association"),
    (GSO + "Network", "network"),
    (GSO + "OrganisationalUnit", "organisational unit"),
    (_SCHEMA + "Person", "person"),
    (_SCHEMA + "Country", "country"),
)
"""Most specific first: a node's category is the first class it has (with or without inference)."""
_SHORT_LABEL = 12


@dataclass(frozen=True, order=True)
class Statement:
    """One row of the links query: ``agent`` is tied to ``target`` as ``kind``, says ``claim``."""

    agent: str
    kind: str
    target: str
    claim: str
    source: str
    link: str


@dataclass(frozen=True)
class Entity:
    """What the network shows of an agent or target: names and category."""

    id: str
    label: str
    short: str
    category: str

    @property
    def person(self) -> bool:
        """Whether the entity is a person."""
        return self.category == "person"


@dataclass(frozen=True)
class Evidence:
    """Everything the network is built from: statements, edition years of targets, entities."""

    statements: tuple[Statement, ...]
    years: Mapping[str, frozenset[int]]
    entities: Mapping[str, Entity]
    names: NameIndex

    def entity(self, node: str) -> Entity:
        """The entity ``node``, or a bare one named by its id."""
        return self.entities.get(node) or Entity(node, node, node, "organisation")


@dataclass(frozen=True)
class Fact:
    """One source's account of a link: the shared target (or the direct link) and its statements."""

    link: str
    target: str
    source: str
    statements: tuple[Statement, ...]

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of the statements, sorted."""
        return tuple(sorted({kind_name(s) for s in self.statements}))

    @property
    def claims(self) -> tuple[str, ...]:
        """The claims of the statements, sorted."""
        return tuple(sorted({s.claim for s in self.statements}))


@dataclass(frozen=True)
class Filters:
    """Which facts make the network; the default takes every fact about organisations."""

    edition: int | None = None
    sources: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    part_of: bool = True
    people: bool = False


@dataclass(frozen=True)
class Hop:
    """One step of a path and the facts that link its two ends."""

    start: str
    end: str
    weight: int
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class Network:
    """A built network with the evidence it came from (for names and resolving)."""

    graph: nx.Graph[str]
    evidence: Evidence
    filters: Filters = field(default_factory=Filters)

    def label(self, node: str) -> str:
        """The display label of ``node``."""
        return self.evidence.entity(node).label


def kind_name(statement: Statement) -> str:
    """``co-organiser`` for a role, the link name (``part-of``, ``post``) for a direct link."""
    if statement.link != SHARED:
        return statement.link
    return statement.kind.removeprefix("roles:")


def source_id(source: str) -> str:
    """``004_c4d78ee7870e79d4`` for ``src:004_c4d78ee7870e79d4``."""
    return source.removeprefix("src:")


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
    snapshot = Snapshot.from_quads(engine.quads())
    ids = {s.agent for s in statements} | {s.target for s in statements}
    return Evidence(
        statements=tuple(sorted(statements)),
        years={target: frozenset(found) for target, found in years.items()},
        entities={node: _entity(snapshot, node) for node in sorted(ids)},
        names=NameIndex(snapshot),
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


def _entity(snapshot: Snapshot, node: str) -> Entity:
    """Label, short label and category of ``node`` from the simple view."""
    subject = NamedNode(_iri(node))
    types = {t.value for t in snapshot.types(subject)}
    category = next((name for iri, name in _CATEGORIES if iri in types), "organisation")
    acronyms = [a.value for a in snapshot.objects(subject, _ACRONYM) if isinstance(a, Literal)]
    label = snapshot.label(subject)
    return Entity(node, label, _short(label, acronyms, category), category)


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
        raise NotFoundError(f"{entity.label} ({node}) is not in the network: {why}")
    return node


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


# Export ------------------------------------------------------------------------------------


def flat_graph(network: Network) -> nx.Graph[str]:
    """A copy with plain attributes only (strings and numbers), and each node's community.

    List attributes are joined with :data:`LIST_SEPARATOR`; this is the graph the
    GraphML, GEXF, DOT and CSV exports write.
    """
    community = {n: i for i, group in enumerate(communities(network), start=1) for n in group}
    flat: nx.Graph[str] = nx.Graph()
    for node, data in network.graph.nodes(data=True):
        flat.add_node(node, **data, community=community[node])
    for start, end, data in network.graph.edges(data=True):
        flat.add_edge(
            start,
            end,
            weight=data["weight"],
            kinds=LIST_SEPARATOR.join(data["kinds"]),
            targets=LIST_SEPARATOR.join(data["targets"]),
            sources=LIST_SEPARATOR.join(source_id(s) for s in data["sources"]),
            claims=LIST_SEPARATOR.join(sorted({c for f in data["facts"] for c in f.claims})),
        )
    return flat


def export_bytes(network: Network, fmt: str) -> bytes:
    """The network in ``fmt`` (one of :data:`EXPORT_FORMATS`).

    GraphML and GEXF are read by networkx and Gephi, DOT by Graphviz; JSON is
    networkx's node-link format with every fact; CSV is an edge list with a header.

    Raises:
        InputError: Unknown format.
    """
    if fmt == "json":
        return _json(network)
    writers = {"graphml": _graphml, "gexf": _gexf, "dot": _dot, "csv": _csv}
    if fmt not in writers:
        raise InputError(f"unknown network format {fmt!r} (one of {', '.join(EXPORT_FORMATS)})")
    return writers[fmt](flat_graph(network))


def _graphml(flat: nx.Graph[str]) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(flat, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def _gexf(flat: nx.Graph[str]) -> bytes:
    buffer = io.BytesIO()
    nx.write_gexf(flat, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def _dot_id(value: object) -> str:
    if isinstance(value, int | float):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _dot_attributes(data: Mapping[str, object]) -> str:
    return ", ".join(f"{name}={_dot_id(value)}" for name, value in data.items())


def _dot(flat: nx.Graph[str]) -> bytes:
    lines = ['graph "gsekg" {']
    lines += [f"  {_dot_id(n)} [{_dot_attributes(d)}];" for n, d in flat.nodes(data=True)]
    lines += [
        f"  {_dot_id(a)} -- {_dot_id(b)} [{_dot_attributes(d)}];"
        for a, b, d in flat.edges(data=True)
    ]
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _csv(flat: nx.Graph[str]) -> bytes:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    fields = ("weight", "kinds", "targets", "sources", "claims")
    writer.writerow(("source", "target", "source_label", "target_label", *fields))
    for start, end, data in flat.edges(data=True):
        labels = (flat.nodes[start]["label"], flat.nodes[end]["label"])
        writer.writerow((start, end, *labels, *(data[f] for f in fields)))
    return buffer.getvalue().encode("utf-8")


def fact_record(fact: Fact) -> dict[str, Any]:
    """A fact as plain JSON data."""
    return {
        "link": fact.link,
        "target": fact.target,
        "source": source_id(fact.source),
        "kinds": list(fact.kinds),
        "statements": [
            {"agent": s.agent, "kind": kind_name(s), "claim": s.claim} for s in fact.statements
        ],
    }


def _json(network: Network) -> bytes:
    flat = flat_graph(network)
    data = nx.node_link_data(flat, edges="edges")
    for edge in data["edges"]:
        original = network.graph.edges[edge["source"], edge["target"]]
        for name in ("kinds", "targets", "claims"):
            edge[name] = edge[name].split(LIST_SEPARATOR)
        edge["sources"] = [source_id(s) for s in original["sources"]]
        edge["facts"] = [fact_record(f) for f in original["facts"]]
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
