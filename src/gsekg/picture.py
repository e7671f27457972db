"""Pictures of the partnership network, drawn with matplotlib's Agg canvas.

matplotlib is imported inside the functions only, and without pyplot: the figure
is drawn on its own Agg canvas, so no global backend is chosen and nothing needs
a display.

The layout works in pixels of the drawing area. Each component is placed by
stress majorization on hop distances (leaves sit next to their partners, the
core spreads evenly), rotated so its long side lies across the picture; the
small components go in a row below the largest. Every node then gets a box for
its marker and the label under it, and overlapping boxes are pushed apart, the
whole picture shrinking until it fits: labels never overlap one another or a
node. A picture is deterministic: a seeded start, a fixed order of nodes, a
fixed SVG hash salt and no date in the metadata, so two runs give identical bytes.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import numpy.typing as npt

from gsekg.errors import InputError
from gsekg.network import Network, centrality, communities

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.text import Text

Points = npt.NDArray[np.float64]
"""An ``(n, 2)`` array of positions."""

PICTURE_FORMATS = ("png", "svg")
COLOUR_BY = ("category", "community")
SEED = 42
_WIDTH, _HEIGHT, _DPI = 10.0, 7.5, 160
"""1600 by 1200 pixels."""
_AREA = (0.01, 0.035, 0.74, 0.905)
"""Left, bottom, width and height of the drawing area, as fractions of the figure."""
_MIN_SIZE, _MAX_SIZE = 40.0, 900.0
"""Node marker areas in points², from least to most central."""
_EDGE, _RING = 0.8, 2.5
"""Width in points of a marker's white edge, and of the black ring of the highlighted node."""
_FONT_SIZE = 8.0
_LINE_WIDTH = 24
"""Long names without an acronym are wrapped at about this many characters."""
_HOP = 120.0
"""The most pixels a hop may take is this times the square root of the number of nodes:
a small network is not blown up to fill the area."""
_GAP = 3.0
"""Pixels between boxes (and between a marker and its label)."""
_CATEGORY_COLOURS = {
    "UNESCO institute": "#e377c2",
    "intergovernmental organisation": "#17becf",
    "university": "#2ca02c",
    "university unit": "#98df8a",
    "research institute": "#7f7f7f",
    "association": "#d62728",
    "company": "#1f77b4",
    "government body": "#9467bd",
    "network": "#ff7f0e",
    "organisational unit": "#bcbd22",
    "person": "#8c564b",
    "country": "#c49c94",
}
"""A fixed colour per category, so that every picture (an ego network too) agrees."""
_OTHER_COLOUR = "#c7c7c7"
_COMMUNITY_PALETTE = "tab20"


@dataclass(frozen=True)
class Box:
    """The space a node takes around its position: ``half_width`` either side, ``up`` above
    and ``down`` below (marker above, label below), in pixels."""

    half_width: float
    up: float
    down: float


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

    Nodes are labelled with short names (acronyms where there are some, long names
    wrapped), sized by ``size_by`` centrality and coloured by organisation category
    or community, with a legend; edge width and darkness follow the weight.
    ``highlight`` circles one node (the centre of an ego network).

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
    nodes = sorted(graph)
    with rc_context(
        {"svg.hashsalt": "gsekg", "svg.fonttype": "none", "font.family": "DejaVu Sans"}
    ):
        figure = Figure(figsize=(_WIDTH, _HEIGHT), dpi=_DPI)
        canvas = FigureCanvasAgg(figure)
        axes = figure.add_axes(_AREA)
        axes.set_axis_off()
        renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
        width, height = _WIDTH * _DPI * _AREA[2], _HEIGHT * _DPI * _AREA[3]
        axes.set_xlim(0.0, width)
        axes.set_ylim(0.0, height)
        sizes = _sizes(network, size_by)
        labels = {node: _label(axes, graph.nodes[node], fmt) for node in nodes}
        rings = {node: _RING if node == highlight else _EDGE for node in nodes}
        boxes = [_box(labels[node], renderer, sizes[node], rings[node]) for node in nodes]
        positions = layout(graph, nodes, boxes, (width, height))
        for node, box, (x, y) in zip(nodes, boxes, positions, strict=True):
            labels[node].set_position((x, y - (box.up - _GAP)))
        where = {node: (float(x), float(y)) for node, (x, y) in zip(nodes, positions, strict=True)}
        _draw_edges(axes, graph, where)
        _draw_nodes(axes, where, sizes, _groups(network, colour_by), rings)
        default = f"Partnership network: {len(graph)} nodes, {graph.number_of_edges()} links"
        figure.suptitle(title or default, fontsize=12, y=0.985)
        note = f"node size: {size_by} centrality; edge width: number of facts"
        figure.text(0.99, 0.008, note, ha="right", fontsize=7, color="#555555")
        buffer = io.BytesIO()
        if fmt == "svg":
            figure.savefig(buffer, format="svg", metadata={"Date": None})
            return buffer.getvalue()
        figure.savefig(buffer, format="rgba")
    return _png(buffer.getvalue(), canvas.get_width_height())


def _png(rgba: bytes, size: tuple[int, int]) -> bytes:
    """An RGBA image as a PNG of 256 colours (median cut, no dithering): a third of the size."""
    from PIL import Image

    image = Image.frombytes("RGBA", size, rgba).convert("RGB")
    colours = image.quantize(256, Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    colours.save(buffer, format="png", optimize=True)
    return buffer.getvalue()


# Labels and boxes --------------------------------------------------------------------------


def label_text(data: Mapping[str, str]) -> str:
    """The label drawn for a node: its short label, or its whole name wrapped when that was cut."""
    short = data["short"]
    if not short.endswith("…"):
        return short
    name = data["label"]
    lines = max(2, math.ceil(len(name) / _LINE_WIDTH))
    width = math.ceil(len(name) / lines)
    while len(wrapped := textwrap.wrap(name, width)) > lines:
        width += 1
    return "\n".join(wrapped)


def _label(axes: Axes, data: Mapping[str, str], fmt: str) -> Text:
    """A node's label (placed later), in a white halo so that edges behind it stay quiet.

    The halo is a stroke around the glyphs in a PNG; an SVG keeps its labels as text
    (a stroke would turn them into paths, ten times the size), on a pale box.
    """
    from matplotlib.patheffects import withStroke

    text = label_text(data)
    halo: dict[str, Any] = (
        {"path_effects": [withStroke(linewidth=2.5, foreground="white")]}
        if fmt == "png"
        else {"bbox": {"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.75}}
    )
    return axes.text(
        0.0,
        0.0,
        text,
        ha="center",
        va="top",
        fontsize=_FONT_SIZE if "\n" not in text else _FONT_SIZE - 1,
        linespacing=1.0,
        zorder=4,
        **halo,
    )


def _box(label: Text, renderer: RendererBase, size: float, ring: float) -> Box:
    """The box of a marker of ``size`` points² with a ``ring`` points wide, and its label."""
    extent = label.get_window_extent(renderer)
    radius = (math.sqrt(size) + ring) / 2 * _DPI / 72
    return Box(
        half_width=max(radius, extent.width / 2) + _GAP / 2,
        up=radius + _GAP / 2,
        down=radius + _GAP + extent.height + _GAP / 2,
    )


# Layout ------------------------------------------------------------------------------------


def layout(
    graph: nx.Graph[str], nodes: Sequence[str], boxes: Sequence[Box], area: tuple[float, float]
) -> Points:
    """Positions of ``nodes`` (in the order given) inside ``area`` (width, height) where no
    two ``boxes`` overlap, if they fit at all; else as tight as found, centred on the area.

    The arrangement is scaled, separated, and scaled again across and up until the
    boxes just fit: the picture fills the area without crowding it (a small network
    stops at :data:`_HOP` times the square root of its size in pixels a hop).
    """
    base = _arrange(graph, nodes)
    half_width = np.array([b.half_width for b in boxes])
    up = np.array([b.up for b in boxes])
    down = np.array([b.down for b in boxes])
    span = np.maximum(base.max(axis=0) - base.min(axis=0), 1e-9)
    room = np.array(area) - 2 * np.array([half_width.max(), max(up.max(), down.max())])
    most = _HOP * math.sqrt(len(nodes))
    scale = np.minimum(np.maximum(room, 1.0) / span, most)
    best: Points | None = None
    for _ in range(40):
        positions = _separate(base * scale, half_width, up, down)
        low = np.array([np.min(positions[:, 0] - half_width), np.min(positions[:, 1] - down)])
        high = np.array([np.max(positions[:, 0] + half_width), np.max(positions[:, 1] + up)])
        fit = np.array(area) / (high - low)
        if fit.min() >= 1.0:
            best = positions - low + (np.array(area) - (high - low)) / 2
            if np.all((fit < 1.03) | (scale >= most)):
                break
        scale *= np.clip(fit, 0.5, 1.5) ** 0.8 * np.where(fit < 1.0, 0.98, 1.0)
        scale = np.minimum(scale, most)
    if best is None:
        best = positions - low - (high - low - np.array(area)) / 2
    return np.asarray(best, dtype=np.float64)


def _arrange(graph: nx.Graph[str], nodes: Sequence[str]) -> Points:
    """Positions in hop units: each component by stress, the small ones in a row below, right."""
    index = {node: i for i, node in enumerate(nodes)}
    parts = sorted(
        (sorted(part) for part in nx.connected_components(graph)),
        key=lambda part: (-len(part), part[0]),
    )
    positions = np.zeros((len(nodes), 2))
    main = _stress(graph.subgraph(parts[0]), parts[0])
    rows = [index[n] for n in parts[0]]
    positions[rows] = main
    others = [_stress(graph.subgraph(part), part) for part in parts[1:]]
    others = [placed - placed.min(axis=0) for placed in others]
    x = float(main[:, 0].max()) - sum(float(placed[:, 0].max()) + 1.0 for placed in others) + 1.0
    y = float(main[:, 1].min()) - 1.0
    for part, placed in zip(parts[1:], others, strict=True):
        positions[[index[n] for n in part]] = placed + np.array([x, y - placed[:, 1].max()])
        x += float(placed[:, 0].max()) + 1.0
    return positions


def _stress(graph: nx.Graph[str], nodes: Sequence[str], iterations: int = 400) -> Points:
    """Stress majorization (SMACOF) of a connected graph on hop distances, long side across."""
    count = len(nodes)
    if count == 1:
        return np.zeros((1, 2))
    hops = dict(nx.all_pairs_shortest_path_length(graph))
    distance = np.array([[float(hops[a][b]) for b in nodes] for a in nodes])
    weight = np.zeros_like(distance)
    off = distance > 0
    weight[off] = distance[off] ** -2.0
    laplacian = -weight
    laplacian[np.diag_indices(count)] = weight.sum(axis=1)
    inverse = np.linalg.pinv(laplacian)
    angles = np.linspace(0.0, 2 * math.pi, count, endpoint=False)
    jitter = np.random.default_rng(SEED).uniform(-0.1, 0.1, size=(count, 2))
    positions = np.column_stack([np.cos(angles), np.sin(angles)]) * count**0.5 / 2 + jitter
    for _ in range(iterations):
        gaps = np.linalg.norm(positions[:, None, :] - positions[None, :, :], axis=2)
        ratio = np.zeros_like(distance)
        ratio[off] = -weight[off] * distance[off] / np.maximum(gaps[off], 1e-9)
        ratio[np.diag_indices(count)] = -ratio.sum(axis=1)
        following = inverse @ (ratio @ positions)
        done = np.abs(following - positions).max() < 1e-6
        positions = following
        if done:
            break
    return _upright(positions)


def _upright(positions: Points) -> Points:
    """``positions`` centred and rotated so that their main axis is horizontal (signs fixed)."""
    centred = positions - positions.mean(axis=0)
    _, vectors = np.linalg.eigh(centred.T @ centred)
    turned = centred @ vectors[:, ::-1]
    for axis in range(2):
        column = turned[:, axis]
        if float(column[np.argmax(np.abs(column))]) < 0:
            turned[:, axis] = -column
    return np.asarray(turned, dtype=np.float64)


def _separate(positions: Points, half_width: Points, up: Points, down: Points) -> Points:
    """Push overlapping boxes apart along their shorter overlap until none overlap."""
    moved = positions.copy()
    count = len(moved)
    order = np.arange(count)
    tie = np.sign(order[:, None] - order[None, :]).astype(float)
    for _ in range(3000):
        dx = moved[:, 0, None] - moved[None, :, 0]
        dy = moved[:, 1, None] - moved[None, :, 1]
        need_x = half_width[:, None] + half_width[None, :] - np.abs(dx)
        need_y = np.where(dy >= 0, down[:, None] + up[None, :], up[:, None] + down[None, :])
        need_y = need_y - np.abs(dy)
        clash = (need_x > 0) & (need_y > 0)
        clash[np.diag_indices(count)] = False
        if not clash.any():
            break
        across = clash & (need_x <= need_y)
        along = clash & ~across
        side_x = np.where(dx != 0, np.sign(dx), tie)
        side_y = np.where(dy != 0, np.sign(dy), tie)
        push = np.zeros_like(moved)
        push[:, 0] = (np.where(across, side_x * (need_x / 2 + 0.5), 0.0)).sum(axis=1)
        push[:, 1] = (np.where(along, side_y * (need_y / 2 + 0.5), 0.0)).sum(axis=1)
        moved += push * 0.5
    return moved


# Drawing -----------------------------------------------------------------------------------


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


def _colours(names: Sequence[str]) -> dict[str, str]:
    """A colour per legend group: fixed ones for categories, a palette for communities."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    palette = colormaps[_COMMUNITY_PALETTE]
    colours: dict[str, str] = {}
    for index, name in enumerate(names):
        if name.startswith("community "):
            colours[name] = to_hex(palette(_spread(index, palette.N)))
        else:
            colours[name] = _CATEGORY_COLOURS.get(name, _OTHER_COLOUR)
    return colours


def _spread(index: int, size: int) -> int:
    """Palette index ``0, 2, 4, …`` then ``1, 3, …``: tab20 pairs a colour with its light shade."""
    doubled = 2 * index % (2 * size)
    return doubled if doubled < size else doubled - size + 1


def _draw_edges(
    axes: Axes, graph: nx.Graph[str], positions: Mapping[str, tuple[float, float]]
) -> None:
    """Edges, heavier ones wider, darker and on top; single-fact edges light."""
    from matplotlib.collections import LineCollection

    ordered: list[tuple[str, str, int]] = sorted(
        graph.edges(data="weight"), key=lambda edge: (edge[2], edge[0], edge[1])
    )
    top = max((weight for _, _, weight in ordered), default=1)
    segments = [(positions[a], positions[b]) for a, b, _ in ordered]
    strength = [(weight - 1) / max(top - 1, 1) for _, _, weight in ordered]
    widths = [0.5 + 4.0 * share**0.7 for share in strength]
    colours = [(0.35, 0.40, 0.48, 0.22 + 0.5 * share**0.5) for share in strength]
    axes.add_collection(LineCollection(segments, linewidths=widths, colors=colours, zorder=1))


def _draw_nodes(
    axes: Axes,
    positions: Mapping[str, tuple[float, float]],
    sizes: Mapping[str, float],
    groups: Mapping[str, str],
    rings: Mapping[str, float],
) -> None:
    """Markers (a black ring marks the highlighted node) and the legend of their colours."""
    from matplotlib.lines import Line2D

    counts = {name: sum(1 for g in groups.values() if g == name) for name in set(groups.values())}
    names = sorted(counts, key=lambda g: (g.startswith("community "), -counts[g], len(g), g))
    colours = _colours(names)
    nodes = sorted(positions)
    axes.scatter(
        [positions[n][0] for n in nodes],
        [positions[n][1] for n in nodes],
        s=[sizes[n] for n in nodes],
        c=[colours[groups[n]] for n in nodes],
        edgecolors=["black" if rings[n] == _RING else "white" for n in nodes],
        linewidths=[rings[n] for n in nodes],
        zorder=3,
    )
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
    axes.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=8,
        frameon=False,
        title="colour: " + ("category" if not names[0].startswith("community ") else "community"),
        title_fontsize=8,
        alignment="left",
    )
