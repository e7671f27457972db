"""Pictures of the partnership network, drawn with matplotlib's Agg canvas.

matplotlib is imported here only, and without pyplot: the figure is drawn on
its own Agg canvas, so no global backend is chosen and nothing needs a display.
A picture is deterministic: a seeded layout over nodes in a fixed order, a fixed
SVG hash salt and no date in the metadata, so two runs give identical bytes.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import networkx as nx

from gsekg.errors import InputError
from gsekg.network import Network, centrality, communities

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.text import Annotation
    from matplotlib.transforms import Bbox

PICTURE_FORMATS = ("png", "svg")
COLOUR_BY = ("category", "community")
SEED = 42
_WIDTH, _HEIGHT, _DPI = 12.0, 9.0, 150
_MIN_SIZE, _MAX_SIZE = 50.0, 1000.0
"""Node marker areas in points², from least to most central."""
_PALETTE = "tab20"


def draw(
    network: Network,
    fmt: str,
    *,
    colour_by: str = "category",
    size_by: str = "betweenness",
    title: str = "",
    highlight: str | None = None,
) -> bytes:
    """The network as a PNG or SVG picture.

    Nodes are labelled with short names (acronyms where there are some), sized by
    ``size_by`` centrality and coloured by organisation category or community,
    with a legend; edge width follows the weight. ``highlight`` circles one node
    (the centre of an ego network).

    Raises:
        InputError: Unknown format or colouring, or an empty network.
    """
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if fmt not in PICTURE_FORMATS:
        raise InputError(f"unknown picture format {fmt!r} (one of {', '.join(PICTURE_FORMATS)})")
    if colour_by not in COLOUR_BY:
        raise InputError(f"unknown colouring {colour_by!r} (one of {', '.join(COLOUR_BY)})")
    graph = network.graph
    if len(graph) == 0:
        raise InputError("nothing to draw: no node is left under these filters")
    with rc_context({"svg.hashsalt": "gsekg", "font.family": "DejaVu Sans", "font.size": 8}):
        figure = Figure(figsize=(_WIDTH, _HEIGHT), dpi=_DPI)
        canvas = FigureCanvasAgg(figure)
        axes = figure.add_axes((0.01, 0.02, 0.80, 0.92))
        axes.set_axis_off()
        positions = _layout(graph)
        sizes = _sizes(network, size_by)
        groups = _groups(network, colour_by)
        _draw_edges(axes, graph, positions)
        _draw_nodes(axes, positions, sizes, groups, highlight)
        axes.margins(0.08)
        renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
        _place_labels(axes, renderer, network, positions, sizes)
        figure.suptitle(title or "Partnership network", fontsize=12)
        figure.text(0.99, 0.005, f"node size: {size_by}; edge width: facts", ha="right", fontsize=7)
        buffer = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        figure.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def _layout(graph: nx.Graph[str]) -> dict[str, Any]:
    """Seeded spring layout of the largest component; the other components in a row below it."""
    parts = sorted(nx.connected_components(graph), key=lambda part: (-len(part), min(part)))
    main = graph.subgraph(parts[0])
    positions: dict[str, Any] = {next(iter(main)): (0.0, 0.0)}
    if len(main) > 1:
        spread = 4.0 / math.sqrt(len(main))
        positions = nx.spring_layout(main, seed=SEED, weight=None, iterations=500, k=spread)
    rest = [node for part in parts[1:] for node in sorted(part)]
    for index, node in enumerate(rest):
        positions[node] = (-1.0 + 2.0 * (index + 0.5) / len(rest), -1.3)
    return positions


def _sizes(network: Network, size_by: str) -> dict[str, float]:
    scores = centrality(network.graph, size_by)
    top = max(scores.values(), default=0.0) or 1.0
    return {
        node: _MIN_SIZE + (_MAX_SIZE - _MIN_SIZE) * value / top for node, value in scores.items()
    }


def _groups(network: Network, colour_by: str) -> dict[str, str]:
    """The legend group of each node: its category, or ``community N``."""
    if colour_by == "category":
        return {node: data["category"] for node, data in network.graph.nodes(data=True)}
    return {
        node: f"community {number}"
        for number, members in enumerate(communities(network), start=1)
        for node in members
    }


def _draw_edges(axes: Axes, graph: nx.Graph[str], positions: Mapping[str, Any]) -> None:
    from matplotlib.collections import LineCollection

    segments = [(positions[a], positions[b]) for a, b in graph.edges]
    widths = [min(0.6 + 0.9 * (graph.edges[e]["weight"] - 1), 5.0) for e in graph.edges]
    axes.add_collection(
        LineCollection(segments, linewidths=widths, colors="#8c8c8c", alpha=0.55, zorder=1)
    )


def _draw_nodes(
    axes: Axes,
    positions: Mapping[str, Any],
    sizes: Mapping[str, float],
    groups: Mapping[str, str],
    highlight: str | None,
) -> None:
    from matplotlib import colormaps
    from matplotlib.lines import Line2D

    palette = colormaps[_PALETTE]
    names = sorted(set(groups.values()), key=lambda g: (g.startswith("community"), len(g), g))
    colours = {name: palette(_spread(index, palette.N)) for index, name in enumerate(names)}
    nodes = sorted(positions)
    axes.scatter(
        [positions[n][0] for n in nodes],
        [positions[n][1] for n in nodes],
        s=[sizes[n] for n in nodes],
        c=[colours[groups[n]] for n in nodes],
        edgecolors=["black" if n == highlight else "white" for n in nodes],
        linewidths=[2.5 if n == highlight else 0.8 for n in nodes],
        zorder=2,
    )
    counts = {name: sum(1 for g in groups.values() if g == name) for name in names}
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=8,
            color=colours[name],
            label=f"{name} ({counts[name]})",
        )
        for name in names
    ]
    axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7)


def _spread(index: int, size: int) -> int:
    """Palette index ``0, 2, 4, …`` then ``1, 3, …``: tab20 pairs a colour with its light shade."""
    doubled = 2 * index % (2 * size)
    return doubled if doubled < size else doubled - size + 1


def _place_labels(
    axes: Axes,
    renderer: RendererBase,
    network: Network,
    positions: Mapping[str, Any],
    sizes: Mapping[str, float],
) -> None:
    """Label every node with its short name where the label overlaps the fewest others.

    Larger nodes are labelled first; each label tries below, above, right and
    left of its node, then further out, and keeps the first free place.
    """
    placed: list[Bbox] = []
    for node in sorted(positions, key=lambda n: (-sizes[n], n)):
        radius = math.sqrt(sizes[node]) / 2 + 2
        best: tuple[float, Annotation] | None = None
        for offset, align in _candidates(radius):
            label = axes.annotate(
                network.graph.nodes[node]["short"],
                xy=positions[node],
                xytext=offset,
                textcoords="offset points",
                ha=align[0],
                va=align[1],
                fontsize=7.5,
                zorder=3,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7},
            )
            box = label.get_window_extent(renderer)
            overlap = sum(_overlap(box, other) for other in placed)
            if best is None or overlap < best[0]:
                if best is not None:
                    best[1].remove()
                best = (overlap, label)
            else:
                label.remove()
            if overlap == 0:
                break
        if best is not None:
            placed.append(best[1].get_window_extent(renderer))


def _candidates(radius: float) -> Sequence[tuple[tuple[float, float], tuple[str, str]]]:
    """Label offsets (points) and alignments around a node of ``radius`` points."""
    found: list[tuple[tuple[float, float], tuple[str, str]]] = []
    for step in (1.0, 2.2, 3.4):
        distance = radius * step
        found += [
            ((0.0, -distance), ("center", "top")),
            ((0.0, distance), ("center", "bottom")),
            ((distance, 0.0), ("left", "center")),
            ((-distance, 0.0), ("right", "center")),
        ]
    return found


def _overlap(first: Bbox, second: Bbox) -> float:
    width = min(first.x1, second.x1) - max(first.x0, second.x0)
    height = min(first.y1, second.y1) - max(first.y0, second.y0)
    return width * height if width > 0 and height > 0 else 0.0
