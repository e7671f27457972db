"""Commands: describe, search, why; and the output helpers the entity-facing commands share."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gsekg.cli.app import command
from gsekg.cli.options import (
    CacheDirOpt,
    CorpusOpt,
    DataOpt,
    EndpointOpt,
    EngineOpt,
    NoInferenceOpt,
    WithBundledOpt,
    open_graph,
)
from gsekg.errors import InputError
from gsekg.namespaces import compact
from gsekg.render import display

if TYPE_CHECKING:
    from pyoxigraph import Triple
    from rich.console import Console

    from gsekg.description import Description, Fact
    from gsekg.provenance import Evidence, Passage, Snapshot


def pick_format(requested: str | None, allowed: Sequence[str], piped: str) -> str:
    """``requested`` if allowed, else ``table`` on a terminal and ``piped`` otherwise.

    Raises:
        InputError: ``requested`` is not one of ``allowed``.
    """
    if requested is None:
        return allowed[0] if sys.stdout.isatty() else piped
    if requested not in allowed:
        raise InputError(f"unknown format {requested!r}; use one of {', '.join(allowed)}")
    return requested


def console() -> Console:
    """A rich console on stdout (plain, no colour, when piped; honours NO_COLOR)."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=not sys.stdout.isatty())


def note(message: str) -> None:
    """A message for people, on stderr."""
    sys.stderr.write(f"Note: {message}\n")


def print_json(document: Any) -> None:
    """``document`` as indented JSON on stdout."""
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def print_tsv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """A header line and tab-separated rows (tabs and newlines in cells become spaces)."""

    def cell(value: object) -> str:
        return " ".join(str(value).split()) if value is not None else ""

    lines = ["\t".join(header)] + ["\t".join(cell(v) for v in row) for row in rows]
    sys.stdout.write("\n".join(lines) + "\n")


def print_table(title: str | None, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """A rich table on stdout; cells are plain text, never markup."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left", highlight=False)
    for name in header:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*(Text(str(v)) for v in row))
    console().print(table)


def load_snapshot(
    data: list[Path] | None,
    with_bundled: bool,
    no_inference: bool,
    engine: str,
    endpoint: str | None,
    cache_dir: Path | None,
) -> Snapshot:
    """Open the graph the shared options describe and hold it in memory."""
    from gsekg.provenance import Snapshot

    graph = open_graph(data, with_bundled, no_inference, engine, endpoint, cache_dir)
    try:
        return Snapshot.from_quads(graph.quads())
    finally:
        graph.close()


FormatOpt = Annotated[
    str | None,
    typer.Option("--format", "-f", help="table (terminal default) or json (default when piped)."),
]


@command()
def describe(
    name: Annotated[str, typer.Argument(help="IRI, compact name (gse:alecso), label or alias.")],
    fmt: FormatOpt = None,
    inferred: Annotated[
        bool,
        typer.Option("--inferred", help="Also show inferred facts and rule-derived properties."),
    ] = False,
    data: DataOpt = None,
    with_bundled: WithBundledOpt = False,
    engine: EngineOpt = "oxigraph",
    endpoint: EndpointOpt = None,
    cache_dir: CacheDirOpt = None,
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
    snapshot = load_snapshot(data, with_bundled, not inferred, engine, endpoint, cache_dir)
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
def search(
    text: Annotated[str, typer.Argument(help="Words to look for in names and aliases.")],
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help="Show at most this many.")
    ] = 10,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="table (terminal default), tsv (piped) or json."),
    ] = None,
    data: DataOpt = None,
    with_bundled: WithBundledOpt = False,
    no_inference: NoInferenceOpt = False,
    engine: EngineOpt = "oxigraph",
    endpoint: EndpointOpt = None,
    cache_dir: CacheDirOpt = None,
) -> None:
    """Entities whose names best match TEXT (fuzzy, case- and accent-insensitive), best first."""
    from gsekg.entities import NameIndex

    chosen = pick_format(fmt, ("table", "tsv", "json"), "tsv")
    snapshot = load_snapshot(data, with_bundled, no_inference, engine, endpoint, cache_dir)
    matches = NameIndex(snapshot).search(text, limit)
    if not matches:
        note(f"no name resembles {text!r}")
    header = ("score", "entity", "label", "matched", "kind", "types")
    rows = [
        (m.score, compact(m.entity.value), m.label, m.matched, m.kind, " ".join(m.types))
        for m in matches
    ]
    if chosen == "json":
        print_json([dict(zip(header, row, strict=True)) for row in rows])
    elif chosen == "tsv":
        print_tsv(header, rows)
    elif matches:
        print_table(None, header, ((f"{r[0]:g}", *map(str, r[1:])) for r in rows))


@command()
def why(
    name: Annotated[str, typer.Argument(help="The entity: IRI, compact name, label or alias.")],
    prop: Annotated[
        str | None,
        typer.Argument(
            metavar="[PROPERTY]", help="Only this property (gso:theme, an IRI, or startDate)."
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="text (default), json or tsv."),
    ] = None,
    context: Annotated[
        int, typer.Option("--context", min=0, help="Characters of context either side.")
    ] = 60,
    corpus: CorpusOpt = None,
    data: DataOpt = None,
    with_bundled: WithBundledOpt = False,
    engine: EngineOpt = "oxigraph",
    endpoint: EndpointOpt = None,
    cache_dir: CacheDirOpt = None,
) -> None:
    """Where each fact about an entity comes from: claim, source article, span and passage.

    With the corpus (--corpus, $GSEKG_CORPUS, or ../shared/corpus) each passage
    is printed with the span highlighted (delimited by « » when piped).
    """
    from gsekg.entities import NameIndex, resolve_property
    from gsekg.provenance import evidence_for
    from gsekg.resources import corpus_dir

    chosen = pick_format(fmt, ("text", "json", "tsv"), "text")
    snapshot = load_snapshot(data, with_bundled, False, engine, endpoint, cache_dir)
    entity = NameIndex(snapshot).resolve(name)
    predicate = resolve_property(snapshot, prop) if prop is not None else None
    rows = evidence_for(snapshot, entity, predicate)
    folder = corpus_dir(corpus)
    if folder is None or not folder.is_dir():
        note("no corpus folder found (use --corpus or GSEKG_CORPUS): passages are not shown")
        folder = None
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
