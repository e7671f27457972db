"""Commands: ``path`` and the ``network`` group (stats, central, communities, ego, export, picture).

Every command takes the same filters and graph options; :data:`_network_options`
adds them to each command's signature and builds the network they describe.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gsekg.cli.app import app, command
from gsekg.cli.completion import NETWORK_PARAMS, complete_entity, complete_params
from gsekg.cli.options import GraphOptions, expand_parameter, graph_parameters, option
from gsekg.cli.output import (
    ROWS_FORMATS,
    RowsFormatOpt,
    pick_format,
    print_json,
    print_rows,
    reason,
    write_output,
)
from gsekg.errors import InputError

if TYPE_CHECKING:
    from gsekg.network import Fact, Hop, Network

network_app = typer.Typer(
    name="network",
    help="The partnership network of organisations (and people): measures, exports, pictures.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(network_app, name="network")


_FILTERS = (
    option(
        "edition",
        Annotated[
            int | None,
            typer.Option(
                "--edition",
                metavar="YEAR",
                help="Only facts about that edition, its sub-events and the outcomes tied to it.",
            ),
        ],
        None,
    ),
    option(
        "source",
        Annotated[
            list[str] | None,
            typer.Option(
                "--source",
                metavar="ID",
                help="Only facts from this source (id or prefix, e.g. 004).",
            ),
        ],
        None,
    ),
    option(
        "kind",
        Annotated[
            list[str] | None,
            typer.Option(
                "--kind",
                help="Only links of this kind: a role kind (co-organiser, sponsor…) or part-of.",
            ),
        ],
        None,
    ),
    option(
        "exclude",
        Annotated[
            list[str] | None,
            typer.Option(
                "--exclude", metavar="NAME", help="Leave out this organisation, person or event."
            ),
        ],
        None,
    ),
    option(
        "no_part_of",
        Annotated[bool, typer.Option("--no-part-of", help="Leave out part-of links.")],
        False,
    ),
    option(
        "people",
        Annotated[
            bool,
            typer.Option("--people", help="Add people: their roles and their posts."),
        ],
        False,
    ),
    option(
        "param",
        Annotated[
            list[str] | None,
            typer.Option(
                "--param",
                "-p",
                metavar="NAME=VALUE",
                help="Same as the option NAME: edition=2020, source=004, kind=sponsor, "
                "exclude=UNESCO (repeatable), as for saved queries.",
                autocompletion=complete_params,
            ),
        ],
        None,
    ),
    option(
        "links_query",
        Annotated[
            Path | None,
            typer.Option(
                "--links-query",
                metavar="FILE",
                help="Use this SELECT instead of the saved query network-edges.",
            ),
        ],
        None,
    ),
)


def _open_network(
    *,
    edition: int | None,
    source: list[str] | None,
    kind: list[str] | None,
    exclude: list[str] | None,
    no_part_of: bool,
    people: bool,
    links_query: Path | None,
    param: list[str] | None,
    **graph: Any,
) -> Network:
    from gsekg.network import Filters, build_network, load_evidence

    given = _params(param or [])
    if "edition" in given:
        if edition is not None:
            raise InputError("edition given twice (--edition and --param edition=)")
        year = given.pop("edition")[-1]
        if not year.isdigit():
            raise InputError(f"parameter edition: {year!r} is not a year such as 2020")
        edition = int(year)
    source = [*(source or ()), *given.get("source", [])]
    kind = [*(kind or ()), *given.get("kind", [])]
    exclude = [*(exclude or ()), *given.get("exclude", [])]

    text = None
    if links_query is not None:
        try:
            text = links_query.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"cannot read {links_query}: {reason(error)}") from None
    with GraphOptions(**graph).open() as opened:
        evidence = load_evidence(opened, text)
    filters = Filters(
        edition=edition,
        sources=tuple(source or ()),
        kinds=tuple(kind or ()),
        exclude=tuple(exclude or ()),
        part_of=not no_part_of,
        people=people,
    )
    return build_network(evidence, filters)


def _params(assignments: list[str]) -> dict[str, list[str]]:
    """``--param NAME=VALUE`` values by name; NAME is one of the filter options."""
    given: dict[str, list[str]] = {}
    for assignment in assignments:
        name, equals, value = assignment.partition("=")
        if not equals or name.strip() not in NETWORK_PARAMS:
            raise InputError(
                f"--param expects NAME=VALUE with NAME one of {', '.join(NETWORK_PARAMS)}, "
                f"got {assignment!r}"
            )
        given.setdefault(name.strip(), []).append(value.strip())
    return given


_network_options = expand_parameter("network", [*_FILTERS, *graph_parameters()], _open_network)
"""Replace a command's ``network`` parameter by the filters and graph options."""


def _node(network: Network, node: str) -> dict[str, str]:
    data = network.graph.nodes[node]
    return {"id": node, "label": data["label"], "short": data["short"]}


def _roles(network: Network, fact: Fact) -> str:
    """``UNESCO IITE developer; NetDragon developer``."""
    from gsekg.network import kind_name

    roles = (f"{_name(network, s.agent)} {kind_name(s)}" for s in fact.statements)
    return "; ".join(dict.fromkeys(roles))


# path ---------------------------------------------------------------------------------------


@command("path")
@_network_options
def path(
    network: Network,
    start: Annotated[
        str,
        typer.Argument(
            metavar="A",
            help="An organisation (or person) by any name.",
            autocompletion=complete_entity,
        ),
    ],
    end: Annotated[
        str, typer.Argument(metavar="B", help="Another one.", autocompletion=complete_entity)
    ],
    all_paths: Annotated[bool, typer.Option("--all", help="Every shortest path, not one.")] = False,
    max_hops: Annotated[
        int | None, typer.Option("--max-hops", min=1, help="Give up beyond this many hops.")
    ] = None,
    fmt: RowsFormatOpt = None,
) -> None:
    """How two organisations are connected: the shortest path, each hop with its facts and sources.

    Among equally short paths the one with the most facts is shown (--all shows
    them all). A hop lists each target both ends share (or the part-of link) with
    the roles, claims and source articles that state it.
    """
    from gsekg.network import resolve_node, shortest_paths, source_id

    chosen = pick_format(fmt, ROWS_FORMATS, "tsv")
    first, second = resolve_node(network, start), resolve_node(network, end)
    paths = shortest_paths(network, first, second, all_paths=all_paths, max_hops=max_hops)
    if chosen == "json":
        print_json(
            {
                "from": _node(network, first),
                "to": _node(network, second),
                "hops": len(paths[0]),
                "paths": [[_hop_record(network, hop) for hop in p] for p in paths],
            }
        )
        return
    table = chosen == "table"
    header = ("path", "hop", "from", "to", "via", "roles", "source", "claims")
    every = [
        (
            number,
            index,
            _name(network, hop.start),
            _name(network, hop.end),
            network.label(fact.target),
            _roles(network, fact),
            source_id(fact.source)[:3] if table else source_id(fact.source),
            ", ".join(fact.claims),
        )
        for number, hops in enumerate(paths, start=1)
        for index, hop in enumerate(hops, start=1)
        for fact in hop.facts
    ]
    if not table:
        print_rows(chosen, header, every)
        return
    for number, hops in enumerate(paths, start=1):
        names = [_name(network, hops[0].start)] + [_name(network, h.end) for h in hops]
        print_rows(
            chosen,
            header[1:],
            [row[1:] for row in every if row[0] == number],
            f"Path {number}: {' → '.join(names)} ({len(hops)} hops)",
            optional=("claims",),
        )


def _name(network: Network, node: str) -> str:
    """The short name of ``node`` (an acronym) unless it had to be cut, else its label."""
    entity = network.evidence.entity(node)
    return entity.label if entity.short.endswith("…") else entity.short


def _hop_record(network: Network, hop: Hop) -> dict[str, Any]:
    from gsekg.network import fact_record

    return {
        "from": _node(network, hop.start),
        "to": _node(network, hop.end),
        "weight": hop.weight,
        "facts": [{**fact_record(f), "target_label": network.label(f.target)} for f in hop.facts],
    }


# network group --------------------------------------------------------------------------------


@command("stats", on=network_app)
@_network_options
def stats(network: Network, fmt: RowsFormatOpt = None) -> None:
    """Nodes, edges, density, connected components and the diameter of the largest one."""
    from dataclasses import asdict

    from gsekg.network import stats as measure

    chosen = pick_format(fmt, ROWS_FORMATS, "tsv")
    values = asdict(measure(network.graph))
    if chosen == "json":
        print_json(values)
        return
    rows = [
        (name.replace("_", " "), f"{v:.4f}" if isinstance(v, float) else v)
        for name, v in values.items()
    ]
    print_rows(chosen, ("measure", "value"), rows, "Network")


@command("central", on=network_app)
@_network_options
def central(
    network: Network,
    by: Annotated[
        str,
        typer.Option("--by", help="degree, betweenness, eigenvector or pagerank."),
    ] = "degree",
    top: Annotated[int, typer.Option("--top", min=1, help="How many to list.")] = 10,
    fmt: RowsFormatOpt = None,
) -> None:
    """The most central organisations.

    Degree and betweenness count hops (normalised by networkx); eigenvector and
    PageRank take edge weights (the number of facts) into account.
    """
    from gsekg.network import ranking

    chosen = pick_format(fmt, ROWS_FORMATS, "tsv")
    ranked = ranking(network, by, top)
    rows = [
        (rank, network.label(node), node, round(score, 6), network.graph.degree[node])
        for rank, (node, score) in enumerate(ranked, start=1)
    ]
    print_rows(chosen, ("rank", "name", "id", by, "links"), rows, f"Most central by {by}")


@command("communities", on=network_app)
@_network_options
def communities(network: Network, fmt: RowsFormatOpt = None) -> None:
    """Groups of organisations more linked to each other than to the rest (greedy modularity)."""
    from gsekg.network import communities as find
    from gsekg.network import modularity

    chosen = pick_format(fmt, ROWS_FORMATS, "tsv")
    groups = find(network)
    score = round(modularity(network, groups), 6)
    if chosen == "json":
        print_json(
            {
                "modularity": score,
                "communities": [[_node(network, n) for n in members] for members in groups],
            }
        )
        return
    rows = [
        (number, len(members), "; ".join(_name(network, n) for n in members))
        for number, members in enumerate(groups, start=1)
    ]
    print_rows(chosen, ("community", "size", "members"), rows, f"Communities (modularity {score})")


@command("ego", on=network_app)
@_network_options
def ego(
    network: Network,
    name: Annotated[
        str,
        typer.Argument(
            help="The organisation (or person) at the centre.", autocompletion=complete_entity
        ),
    ],
    depth: Annotated[int, typer.Option("--depth", min=1, help="How many hops out.")] = 1,
    fmt: RowsFormatOpt = None,
) -> None:
    """The neighbourhood of one organisation: who is within --depth hops, and through whom."""
    from gsekg.network import neighbours, resolve_node

    chosen = pick_format(fmt, ROWS_FORMATS, "tsv")
    center = resolve_node(network, name)
    rows = [
        (
            n.distance,
            network.label(n.node),
            n.node,
            _name(network, n.via),
            ", ".join(n.kinds),
            n.weight,
        )
        for n in neighbours(network, center, depth)
    ]
    header = ("distance", "name", "id", "via", "kinds", "weight")
    if chosen == "json":
        print_json(
            {
                "center": _node(network, center),
                "depth": depth,
                "neighbours": [dict(zip(header, row, strict=True)) for row in rows],
            }
        )
        return
    print_rows(chosen, header, rows, f"Within {depth} hop(s) of {network.label(center)}")


@command("export", on=network_app)
@_network_options
def export(
    network: Network,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="graphml, gexf, json, dot or csv (default: from the file name, else graphml).",
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (default: stdout).")
    ] = None,
) -> None:
    """Write the network for Gephi (GraphML, GEXF), Graphviz (DOT), networkx (JSON) or CSV.

    Nodes carry label, short label, category, IRI and community; edges carry the
    weight, kinds, targets, sources and claims (JSON: every fact).
    """
    from gsekg.network import EXPORT_FORMATS, export_bytes

    suffix = output.suffix.lstrip(".").lower() if output else ""
    chosen = fmt or (suffix if suffix in EXPORT_FORMATS else "graphml")
    write_output(export_bytes(network, chosen), output)


@command("picture", on=network_app)
@_network_options
def picture(
    network: Network,
    output: Annotated[Path, typer.Option("--output", "-o", help="A .png or .svg file.")],
    ego_name: Annotated[
        str | None,
        typer.Option("--ego", metavar="NAME", help="Draw only this one's neighbourhood."),
    ] = None,
    depth: Annotated[int, typer.Option("--depth", min=1, help="Hops out with --ego.")] = 1,
    colour: Annotated[
        str, typer.Option("--colour", help="Colour nodes by category or community.")
    ] = "category",
    size_by: Annotated[
        str,
        typer.Option(
            "--size-by", help="Size nodes by degree, betweenness, eigenvector or pagerank."
        ),
    ] = "betweenness",
    title: Annotated[str, typer.Option("--title", help="Title above the picture.")] = "",
) -> None:
    """Draw the network (PNG or SVG): short labels, size by centrality, colour and a legend.

    The layout is seeded, so the same graph gives the same picture, byte for byte.
    """
    from gsekg.atomic import write_bytes
    from gsekg.network import ego as neighbourhood
    from gsekg.network import resolve_node
    from gsekg.picture import draw

    fmt = output.suffix.lstrip(".").lower()
    center = resolve_node(network, ego_name) if ego_name else None
    shown = neighbourhood(network, center, depth) if center else network
    default_title = f"Partnership network around {network.label(center)}" if center else ""
    data = draw(
        shown,
        fmt,
        colour_by=colour,
        size_by=size_by,
        title=title or default_title,
        highlight=center,
    )
    write_bytes(output, data)
