"""Commands: describe, search and why (one entity: its facts, its names, its sources)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
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
from gsekg.errors import InputError
from gsekg.render import display

if TYPE_CHECKING:
    from pyoxigraph import Triple

    from gsekg.description import Description, Fact
    from gsekg.provenance import Evidence, Passage, Snapshot


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
    from gsekg.entities import NameIndex

    chosen = pick_format(fmt, ("table", "json"), "json")
    snapshot = replace(graph, no_inference=not inferred).snapshot()
    entity = NameIndex(snapshot).resolve(name)
    description = describe_entity(snapshot, entity)
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
    return (arrow + fact.predicate, value, _sources_text(fact.sources))


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

    With the corpus (--corpus, $GSEKG_CORPUS, or ../shared/corpus) each passage
    is printed with the span highlighted (delimited by « » when piped).
    """
    from gsekg.entities import NameIndex, resolve_property
    from gsekg.provenance import evidence_for

    chosen = pick_format(fmt, ("text", "tsv", "json"), "tsv")
    snapshot = graph.snapshot()
    entity = NameIndex(snapshot).resolve(name)
    predicate = resolve_property(snapshot, prop) if prop is not None else None
    rows = evidence_for(snapshot, entity, predicate)
    folder = corpus_folder(corpus, "passages are not shown")
    if not rows:
        note(f"no claim states {'that property of ' if prop else 'anything about '}{name!r}")
    reader = _PassageReader(folder, context)
    if chosen == "json":
        print_json([_evidence_json(snapshot, e, reader) for e in rows])
    elif chosen == "tsv":
        print_tsv(
            ("subject", "property", "value", "claim", "source", "start", "end", "passage"),
            (
                (
                    *_triple_cells(snapshot, t, labels=False),
                    display(e.claim),
                    e.source_id,
                    start,
                    end,
                    reader.delimited(e.source_id, (start, end)),
                )
                for e in rows
                for t in e.triples
                for start, end in e.spans
            ),
        )
    else:
        _print_evidence(snapshot, rows, reader)


class _PassageReader:
    """Reads passages from the corpus on demand; notes each missing article once."""

    def __init__(self, folder: Path | None, context: int) -> None:
        self.folder = folder
        self.context = context
        self.texts: dict[str, str | None] = {}

    def passage(self, source_id: str | None, span: tuple[int, int]) -> Passage | None:
        from gsekg.provenance import corpus_file, passage, read_article

        if self.folder is None or source_id is None:
            return None
        if source_id not in self.texts:
            try:
                self.texts[source_id] = read_article(corpus_file(self.folder, source_id))
            except InputError as error:
                note(f"{error}: its passages are not shown")
                self.texts[source_id] = None
        text = self.texts[source_id]
        if text is None:
            return None
        try:
            return passage(text, span, self.context)
        except InputError as error:
            note(f"{source_id}: {error}")
            return None

    def delimited(self, source_id: str | None, span: tuple[int, int]) -> str:
        """The passage with the span between « and », or ``""`` when it cannot be read."""
        found = self.passage(source_id, span)
        return found.delimited() if found else ""


def _triple_cells(snapshot: Snapshot, triple: Triple, labels: bool) -> tuple[str, str, str]:
    """Subject, property and value: as labels for people, else as compact names and literals."""
    show = snapshot.label if labels else _text
    return (show(triple.subject), display(triple.predicate), show(triple.object))


def _text(term: Any) -> str:
    """A literal's text (without language tag or datatype), else the compact name."""
    from pyoxigraph import Literal

    return str(term.value) if isinstance(term, Literal) else display(term)


def _evidence_json(snapshot: Snapshot, e: Evidence, reader: _PassageReader) -> dict[str, Any]:
    spans = []
    for start, end in e.spans:
        found = reader.passage(e.source_id, (start, end))
        spans.append(
            {"start": start, "end": end}
            | ({"before": found.before, "text": found.text, "after": found.after} if found else {})
        )
    return {
        "claim": display(e.claim),
        "source": e.source.value if e.source else None,
        "source_id": e.source_id,
        "facts": [
            dict(
                zip(
                    ("subject", "property", "value"),
                    _triple_cells(snapshot, t, labels=False),
                    strict=True,
                )
            )
            for t in e.triples
        ],
        "spans": spans,
    }


def _print_evidence(snapshot: Snapshot, rows: list[Evidence], reader: _PassageReader) -> None:
    from rich.text import Text

    out = console()
    tty = sys.stdout.isatty()
    for e in rows:
        out.print(
            Text.assemble((display(e.claim), "bold"), "  source ", (e.source_id or "?", "cyan"))
        )
        for triple in e.triples:
            s, p, o = _triple_cells(snapshot, triple, labels=True)
            out.print(Text(f"  {s}  {p}  {o}"))
        for span in e.spans:
            found = reader.passage(e.source_id, span)
            line = Text(f"  [{span[0]}-{span[1]}] ")
            if found is None:
                out.print(line)
            elif tty:
                line.append(found.before)
                line.append(found.text, style="bold reverse")
                line.append(found.after)
                out.print(line)
            else:
                out.print(line + Text(found.delimited()))
        out.print()
