"""The partnership network as an SVG drawn at build time, panned and zoomed by a small script.

The network comes from the saved query ``network-edges`` through
:mod:`gsekg.network`; node positions come from the same layout as ``gsekg network
picture`` (stress majorization, labels never overlapping), computed once when
the site is built and rounded, so the page is deterministic and needs no
layout code in the browser. Each node is a link to its entity's page: clicking
works even without JavaScript; ``assets/network.js`` adds panning (drag) and
zooming (wheel, buttons).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gsekg.site.markup import esc, tag

if TYPE_CHECKING:
    from gsekg.engines import Engine
    from gsekg.network import Network

WIDTH, HEIGHT = 1200.0, 760.0
"""The area the layout fills, in SVG units; the viewBox is then fitted to the drawing."""
_MARGIN = 12.0
_FONT = 12.0
_CHAR = 0.6 * _FONT
"""An estimate of a character's width in the label font."""
_MIN_RADIUS, _MAX_RADIUS = 5.0, 20.0
_GAP = 3.0


@dataclass(frozen=True)
class Drawing:
    """The network's SVG and what the page lists beside it."""

    svg: str
    nodes: list[dict[str, Any]]
    """One record per node: ``id`` (compact IRI), ``iri``, ``label``, ``category``, ``links``."""
    edges: int


def load(engine: Engine) -> Network:
    """The partnership network of organisations, as ``gsekg network`` builds it."""
    from gsekg.network import build_network, load_evidence

    return build_network(load_evidence(engine))


def draw(network: Network, href: dict[str, str]) -> Drawing:
    """The SVG of ``network``; ``href`` maps a node's IRI to its page (relative link)."""
    from gsekg.network import centrality
    from gsekg.picture import _CATEGORY_COLOURS, _OTHER_COLOUR, Box, label_text, layout

    graph = network.graph
    nodes = sorted(graph)
    if not nodes:
        return Drawing(tag("p", "The network is empty."), [], 0)
    scores = centrality(graph, "betweenness")
    top = max(scores.values()) or 1.0
    radius = {
        n: _MIN_RADIUS + (_MAX_RADIUS - _MIN_RADIUS) * math.sqrt(scores[n] / top) for n in nodes
    }
    lines = {n: label_text(graph.nodes[n]).split("\n") for n in nodes}
    boxes = [
        Box(
            half_width=max(radius[n], max(len(line) for line in lines[n]) * _CHAR / 2) + _GAP,
            up=radius[n] + _GAP,
            down=radius[n] + _GAP + len(lines[n]) * _FONT * 1.15 + _GAP,
        )
        for n in nodes
    ]
    found = layout(graph, nodes, boxes, (WIDTH, HEIGHT))
    where = {
        n: (round(float(x), 1), round(HEIGHT - float(y), 1))
        for n, (x, y) in zip(nodes, found, strict=True)
    }
    left = min(where[n][0] - b.half_width for n, b in zip(nodes, boxes, strict=True)) - _MARGIN
    top_y = min(where[n][1] - b.up for n, b in zip(nodes, boxes, strict=True)) - _MARGIN
    right = max(where[n][0] + b.half_width for n, b in zip(nodes, boxes, strict=True)) + _MARGIN
    bottom = max(where[n][1] + b.down for n, b in zip(nodes, boxes, strict=True)) + _MARGIN
    view_box = f"{left:.1f} {top_y:.1f} {right - left:.1f} {bottom - top_y:.1f}"
    heaviest = max((int(data["weight"]) for _, _, data in graph.edges(data=True)), default=1)
    edges = []
    for a, b, data in sorted(graph.edges(data=True), key=lambda e: (e[2]["weight"], e[0], e[1])):
        share = (data["weight"] - 1) / max(heaviest - 1, 1)
        (x1, y1), (x2, y2) = where[a], where[b]
        title = (
            f"{graph.nodes[a]['label']} — {graph.nodes[b]['label']}: "
            f"{', '.join(data['kinds'])} ({data['weight']} facts; sources "
            f"{', '.join(s.removeprefix('src:')[:3] for s in data['sources'])})"
        )
        edges.append(
            f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" '
            f'stroke-width="{0.6 + 4 * share**0.7:.2f}" '
            f'data-a="{esc(a)}" data-b="{esc(b)}"><title>{esc(title)}</title></line>'
        )
    shapes = []
    records = []
    for node in nodes:
        info = graph.nodes[node]
        x, y = where[node]
        colour = _CATEGORY_COLOURS.get(info["category"], _OTHER_COLOUR)
        text = "".join(
            f'<tspan x="{x}" dy="{_FONT * 1.15 if i else radius[node] + _GAP + _FONT:.1f}">'
            f"{esc(line)}</tspan>"
            for i, line in enumerate(lines[node])
        )
        link = href.get(info["iri"])
        inner = (
            f'<circle cx="{x}" cy="{y}" r="{radius[node]:.1f}" fill="{colour}"></circle>'
            f'<text x="{x}" y="{y}">{text}</text>'
            f"<title>{esc(info['label'])} ({esc(info['category'])})</title>"
        )
        attributes = f'class="node" data-id="{esc(node)}"'
        if link:
            shapes.append(f'<a href="{esc(link)}" {attributes}>{inner}</a>')
        else:
            shapes.append(f"<g {attributes}>{inner}</g>")
        records.append(
            {
                "id": node,
                "iri": info["iri"],
                "label": info["label"],
                "category": info["category"],
                "links": graph.degree(node),
                "colour": colour,
            }
        )
    svg = (
        f'<svg id="network" viewBox="{view_box}" role="img" '
        'aria-label="Partnership network: click an organisation to open its page" '
        'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">\n'
        '<g id="viewport">\n<g class="edges">\n'
        + "\n".join(edges)
        + '\n</g>\n<g class="nodes">\n'
        + "\n".join(shapes)
        + "\n</g>\n</g>\n</svg>"
    )
    return Drawing(svg, records, graph.number_of_edges())
