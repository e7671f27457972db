"""Commands: describe, search and why (one entity: its facts, its names, its sources)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gsekg.cli.app import command
from gsekg.cli.completion import complete_entity
from gsekg.cli.options import CorpusOpt, GraphOptions, corpus_folder, graph_options
from gsekg.cli.output import (
    ROWS_FORMATS,
    RowsFormatOpt,
    console,
    note,
    pick_format,
    print_json,
    print_rows,
    print_table,
    print_tsv,
)
from gsekg.render import and_list, display

if TYPE_CHECKING:
    from pyoxigraph import Triple

    from gsekg.derivation import Step
    from gsekg.description import Description, Fact
    from gsekg.provenance import PassageReader, Why
    from gsekg.reader import GraphReader


FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help="table (default on a terminal) or json (default when piped: a description is "
        "a document, not rows).",
    ),
]


@command()
@graph_options(omit=("no_inference",))
def describe(
    name: Annotated[
        str,
        typer.Argument(
            help="IRI, compact name (gse:alecso), label or alias.", autocompletion=complete_entity
        ),
    ],
    fmt: FormatOpt = None,
    inferred: Annotated[
        bool,
        typer.Option("--inferred", help="Also show inferred facts and rule-derived properties."),
    ] = False,
    *,
    graph: GraphOptions,
) -> None:
    """Everything about one entity: types, names, facts out and in, roles and posts, with sources.

    Facts are those the articles state (with their sources) and the entity
    registry's (source "—"); --inferred adds what rules and inference derive.
    A name shared by several entities is refused with the list of candidates
    (exit 1), unless it is the preferred label of exactly one of them.
    """
    from gsekg.description import describe as describe_entity
    from gsekg.reader import GraphReader

    chosen = pick_format(fmt, ("table", "json"), "json")
    with graph.open() as engine:
        reader = GraphReader(engine)
        description = describe_entity(reader, reader.resolve(name), inferred=inferred)
    if chosen == "json":
        print_json(description.to_json())
    else:
        _print_description(description)


def _sources_text(sources: Sequence[str]) -> str:
    return ", ".join(s[:3] for s in sources) if sources else "—"


def _print_description(d: Description) -> None:
    out = console()
    out.print(f"{d.label}  ({d.name})", markup=False, style="bold")
    out.print(f"types: {', '.join(d.types) or '—'}", markup=False)
    print_table(
        "Names",
        ("name", "kind", "sources"),
        (
            (
                lb.text,
                "misspelling (typo)" if lb.kind == "misspelling" else lb.kind,
                _sources_text(lb.sources),
            )
            for lb in d.labels
        ),
    )
    facts = [_fact_row(f, "") for f in d.outgoing] + [_fact_row(f, "← ") for f in d.incoming]
    if facts:
        print_table("Facts", ("property", "value", "sources"), facts)
    if d.nodes:
        print_table(
            "Roles, posts and other linked nodes",
            ("kind", "summary", "details", "sources"),
            (
                (
                    n.kind,
                    n.headline,
                    "; ".join(f"{p} {v.text}" for p, v in n.details),
                    _sources_text(n.sources),
                )
                for n in d.nodes
            ),
        )


def _fact_row(fact: Fact, arrow: str) -> tuple[str, str, str]:
    value = fact.value.text
    if fact.details:
        value += " (" + "; ".join(f"{p} {v.text}" for p, v in fact.details) + ")"
    sources = _sources_text(fact.sources)
    return (arrow + fact.predicate, value, f"curators ({sources})" if fact.editorial else sources)


@command()
@graph_options()
def search(
    text: Annotated[str, typer.Argument(help="Words to look for.")],
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help="Show at most this many.")
    ] = 10,
    fmt: RowsFormatOpt = None,
    *,
    graph: GraphOptions,
) -> None:
    """Entities that best match TEXT, best first, and why (which field matched).

    Searches names, acronyms, other and misspelt names, types, themes, talk
    titles, topics, aims and posts (BM25 ranking, names counting most), and
    tolerates misspelt names. A weak best match is flagged as no good match.
    """
    from gsekg.search import search as find

    chosen = pick_format(fmt, ROWS_FORMATS, "tsv")
    with graph.open() as engine:
        results = find(engine, text, limit)
    if not results.hits:
        note(f"no good match for {text!r}: nothing shares a word with it or resembles it")
    elif not results.good:
        note(f"no good match for {text!r}: these are the closest, all weak")
    header = ("score", "entity", "label", "field", "matched")
    rows = [(h.score, h.entity, h.label, h.field, h.matched) for h in results.hits]
    if rows or chosen != "table":
        print_rows(chosen, header, rows, optional=("entity",))


@command()
@graph_options(omit=("no_inference",))
def why(
    name: Annotated[
        str,
        typer.Argument(
            help="The entity: IRI, compact name, label or alias.", autocompletion=complete_entity
        ),
    ],
    prop: Annotated[
        str | None,
        typer.Argument(
            metavar="[PROPERTY]", help="Only this property (gso:theme, an IRI, or startDate)."
        ),
    ] = None,
    value: Annotated[
        str | None,
        typer.Argument(
            metavar="[VALUE]",
            help="Only this value: an entity or class (compact name, IRI, label) or a literal.",
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="text (default on a terminal), tsv (default when piped) or json.",
        ),
    ] = None,
    context: Annotated[
        int, typer.Option("--context", min=0, help="Characters of context either side.")
    ] = 60,
    corpus: CorpusOpt = None,
    *,
    graph: GraphOptions,
) -> None:
    """Where each fact about an entity comes from: claim, source article, span and passage.

    With a PROPERTY, facts no claim states are traced to the rule or inference
    step that derived them (e.g. why gse:gse2022 schema:sponsor, or
    why gse:bnu rdf:type schema:Organization) and to the claims behind them.
    With the corpus (--corpus, $GSEKG_CORPUS, or ../shared/corpus) each passage
    is printed with the span highlighted (delimited by « » when piped).
    """
    from gsekg.provenance import PassageReader, left_out, why_json, why_rows
    from gsekg.provenance import why as why_of
    from gsekg.reader import GraphReader

    chosen = pick_format(fmt, ("text", "tsv", "json"), "tsv")
    with graph.open() as engine:
        reader = GraphReader(engine)
        entity = reader.resolve(name)
        predicate = reader.resolve_property(prop) if prop is not None else None
        wanted = reader.resolve_value(value) if value is not None else None
        result = why_of(reader, entity, predicate, wanted)
        labels = _labels(reader, result)
        hidden: list[Any] = []
        if not result.evidence and not result.derived and graph.view != "union":
            hidden = left_out(reader, entity, predicate, wanted)
    folder = corpus_folder(corpus, "passages are not shown")
    if hidden:
        what = " ".join(w for w in (name, prop, value) if w is not None)
        note(
            f"the {graph.view} view leaves out {what}: {and_list([display(c) for c in hidden])} "
            f"state{'s' if len(hidden) == 1 else ''} it (outranked by a preferred claim, or "
            "deprecated); --view union shows the claims"
        )
    elif not result.evidence and not result.derived:
        if value is not None:
            note(f"the graph neither states nor derives {name} {prop} {value}")
        else:
            note(f"no claim states {'that property of ' if prop else 'anything about '}{name!r}")
    passages = PassageReader(folder, context, warn=note)
    if chosen == "json":
        print_json(why_json(result, passages))
    elif chosen == "tsv":
        print_tsv(
            ("subject", "property", "value", "claim", "source", "start", "end", "passage", "rank"),
            why_rows(result, passages),
        )
    else:
        _print_evidence(result, labels, passages)


def _labels(reader: GraphReader, result: Why) -> dict[Any, str]:
    """The labels of every subject and value the answer shows."""
    triples = [t for e in result.evidence for t in e.triples]
    stack = list(result.derived)
    while stack:
        step = stack.pop()
        triples.append(step.triple)
        stack.extend(step.premises)
    speakers = {e.stated_by for e in result.evidence if e.stated_by is not None}
    return reader.labels({x for t in triples for x in (t.subject, t.object)} | speakers)


def _cells(triple: Triple, labels: dict[Any, str]) -> tuple[str, str, str]:
    """Subject, property and value as labels for people."""
    return (
        labels.get(triple.subject) or display(triple.subject),
        display(triple.predicate),
        labels.get(triple.object) or display(triple.object),
    )


def _print_evidence(result: Why, labels: dict[Any, str], passages: PassageReader) -> None:
    from rich.text import Text

    from gsekg.provenance import attribution

    out = console()
    tty = sys.stdout.isatty()

    def spans(located: list[tuple[str | None, tuple[int, int]]], indent: str) -> None:
        several = len({source_id for source_id, _ in located}) > 1
        for source_id, span in located:
            passage = passages.passage(source_id, span)
            article = f"{(source_id or '?')[:3]} " if several else ""
            line = Text(f"{indent}{article}[{span[0]}-{span[1]}] ")
            if passage is None:
                out.print(line)
            elif tty:
                line.append(passage.before)
                line.append(passage.text, style="bold reverse")
                line.append(passage.after)
                out.print(line)
            else:
                out.print(line + Text(passage.delimited()))

    for e in result.evidence:
        heading = Text.assemble((display(e.claim), "bold"), "  ", (e.attribution(), "cyan"))
        if e.rank not in (None, "normal"):
            heading.append(f"  rank {e.rank}", style="yellow")
        out.print(heading)
        if e.basis:
            names = ", ".join(display(c) for c in e.basis)
            out.print(Text(f"  derived from {names}", style="dim"))
        if e.rank_reason:
            out.print(Text(f"  ({e.rank_reason})", style="dim"))
        if e.stated_by is not None:
            who = labels.get(e.stated_by) or display(e.stated_by)
            out.print(Text(f"  as stated by {who}", style="dim"))
        for triple in e.triples:
            s, p, o = _cells(triple, labels)
            out.print(Text(f"  {s}  {p}  {o}"))
        spans(e.spans_in(), "  ")
        out.print()

    def step(s: Step, depth: int) -> None:
        from gsekg.derivation import describe_step

        indent = "  " * depth
        subject, prop, value = _cells(s.triple, labels)
        out.print(Text(f"{indent}{subject}  {prop}  {value}", style="bold" if not depth else ""))
        out.print(Text(f"{indent}  {describe_step(s)}", style="cyan"))
        claims = {c.iri: c for c in s.claims}
        for premise in s.premises:
            if premise.how == "stated":
                subject, prop, value = _cells(premise.triple, labels)
                names = ", ".join(display(c.iri) for c in premise.claims)
                out.print(Text(f"{indent}  {subject}  {prop}  {value}  ({names})"))
                claims.update((c.iri, c) for c in premise.claims)
            else:
                step(premise, depth + 1)
        for claim in claims.values():
            heading = Text.assemble(
                indent + "  ",
                (display(claim.iri), "bold"),
                "  ",
                (attribution(claim.source_ids, editorial=claim.editorial), "cyan"),
            )
            if claim.rank not in (None, "normal"):
                heading.append(f"  rank {claim.rank}", style="yellow")
            out.print(heading)
            spans(claim.spans_in(), indent + "    ")

    for derived in result.derived:
        step(derived, 0)
        out.print()
