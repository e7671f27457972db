"""Export formats: GraphML, GEXF, JSON, DOT and CSV."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

import networkx as nx

from gsekg.errors import InputError
from gsekg.network.communities import communities
from gsekg.network.model import EXPORT_FORMATS, LIST_SEPARATOR, Fact, Network, kind_name, source_id

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
