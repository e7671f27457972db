"""Commands: source add, extract and review (a curator adds an article to the graph)."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from gsekg.cli.app import app, command
from gsekg.cli.options import CorpusOpt
from gsekg.errors import GsekgError, InputError

if TYPE_CHECKING:
    from gsekg.curation import Registry
    from gsekg.review import Draft, DraftClaim, Existing, Written

source_app = typer.Typer(
    help="Register source articles (metadata and checksum; the text stays in the corpus).",
    no_args_is_help=True,
)
app.add_typer(source_app, name="source")

CurationDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        envvar="GSEKG_DATA_DIR",
        help="The data folder (default: ./data in a checkout of the project).",
    ),
]

OwnCorpusOpt = Annotated[
    Path | None,
    typer.Option(
        "--corpus",
        envvar="GSEKG_CORPUS",
        help="A corpus folder of your own to copy the article into, where extract, review, "
        "why and validate read it (never the project's shared ../shared/corpus).",
    ),
]


def _corpus(explicit: Path | None) -> Path:
    from gsekg.resources import corpus_dir

    folder = corpus_dir(explicit)
    if folder is None or not folder.is_dir():
        raise InputError("no corpus folder: give --corpus DIR (or set GSEKG_CORPUS)")
    return folder


@command("add", on=source_app)
def source_add(
    file: Annotated[Path, typer.Argument(help="The article, a UTF-8 plain-text file.")],
    title: Annotated[str | None, typer.Option("--title", help="Its title.")] = None,
    publisher: Annotated[
        str | None, typer.Option("--publisher", help="Its publisher's id (gse:unesco-iite).")
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Its date: YYYY-MM-DD, YYYY-MM or YYYY.")
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="Where it was published.")] = None,
    language: Annotated[
        str | None, typer.Option("--language", help="Its language tag (en).")
    ] = None,
    data_dir: CurationDirOpt = None,
    corpus: OwnCorpusOpt = None,
) -> None:
    """Register an article: print its new source id (index + SHA-256 prefix).

    The record (metadata and SHA-256) goes to the data folder's sources.ttl; the text is
    copied into the corpus folder as <id>.txt, never into the project.
    """
    from gsekg.curation import curation_folder
    from gsekg.sources import add

    folder = curation_folder(data_dir)
    source_id = add(
        file,
        folder,
        _corpus(corpus),
        title=title,
        publisher=publisher,
        date=date,
        url=url,
        language=language,
    )
    typer.echo(source_id)


@command()
def extract(
    source: Annotated[str, typer.Argument(help="The source id, or its three-digit index.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the draft here (TriG).")
    ] = None,
    llm_url: Annotated[
        str | None,
        typer.Option(
            "--llm-url",
            help="Also ask a language model: an OpenAI-compatible API base "
            "(e.g. http://localhost:11434/v1 for Ollama).",
        ),
    ] = None,
    llm_model: Annotated[
        str, typer.Option("--llm-model", help="The model to ask with --llm-url.")
    ] = "llama3.1",
    data_dir: CurationDirOpt = None,
    corpus: CorpusOpt = None,
) -> None:
    """Propose candidate claims for a registered source, with spans, confidence and rule.

    The draft (TriG, gso:CandidateClaim) goes to --output or stdout; review it with
    `gsekg review`. Nothing is added to the graph. With --llm-url, a language model's facts
    are added too, each kept only if its evidence is found verbatim in the article.
    """
    from gsekg.atomic import write_text
    from gsekg.cli.progress import load_progress
    from gsekg.curation import curation_folder, extract_source

    llm = (llm_url, llm_model) if llm_url else None
    folder, articles = curation_folder(data_dir), _corpus(corpus)
    with load_progress("Extracting candidates", unit="steps") as progress:
        source_id, draft = extract_source(folder, articles, source, llm, progress)
    count = draft.count(" a gso:CandidateClaim")
    if output is None:
        sys.stdout.write(draft)
    else:
        write_text(output, draft)
    sys.stderr.write(f"{count} candidate claims from {source_id}\n")


@command()
def review(
    draft: Annotated[Path, typer.Argument(help="A draft written by `gsekg extract`.")],
    accept_all_above: Annotated[
        float | None,
        typer.Option(
            "--accept-all-above",
            min=0,
            max=1,
            help="Accept every candidate with at least this confidence, without asking.",
        ),
    ] = None,
    data_dir: CurationDirOpt = None,
    corpus: CorpusOpt = None,
) -> None:
    """Review candidate claims: accept, reject, relink or rank each; write the accepted ones.

    Accepted claims are appended to <data>/<source>.trig in the curated format, new
    entities to the registry. A candidate that gives another date or figure than an
    existing claim is shown beside it and kept as a second claim.
    """
    from gsekg.curation import Registry, curation_folder
    from gsekg.review import Existing, accept, load_draft

    folder = curation_folder(data_dir)
    loaded = load_draft(draft, _corpus(corpus))
    existing = Existing.read(folder)
    stop: _Stop | None = None
    if accept_all_above is not None:
        chosen = [c for c in loaded.claims if c.confidence >= accept_all_above]
        for claim in chosen:
            _show_conflicts(existing, claim)
    else:
        chosen = []
        try:
            _interactive(loaded, existing, Registry.of(folder), chosen)
        except (KeyboardInterrupt, EOFError) as error:
            stop = _Stop(error, len(chosen))
    with _uninterrupted():
        written = accept(loaded, chosen, folder)
    if stop is not None:
        stop.exit(written, len(loaded.claims))
    for name, why in written.skipped:
        sys.stderr.write(f"skipped {name}: {why}\n")
    where = f" to {written.path}" if written.path else ""
    typer.echo(
        f"accepted {len(written.claims)} of {len(loaded.claims)} candidates{where}; "
        f"{len(written.entities)} new {'entity' if len(written.entities) == 1 else 'entities'}"
    )


def _show_conflicts(existing: Existing, claim: DraftClaim) -> None:
    for c in existing.conflicts(claim):
        sys.stderr.write(
            f"{claim.name} {c.subject} {c.predicate} {c.proposed} contradicts "
            f"{c.claim} (source {c.source_id}): {c.value}; kept as a second claim\n"
        )


class _Stop:
    """An interactive review ended by Ctrl-C, SIGTERM or the end of its input, after the
    accepted candidates were written: one line saying what was kept, and the exit code."""

    def __init__(self, error: BaseException, accepted: int) -> None:
        self.error, self.accepted = error, accepted

    def exit(self, written: Written, total: int) -> NoReturn:
        from gsekg.cli.app import Terminated

        if isinstance(self.error, Terminated):
            why, code = "terminated (SIGTERM)", 128 + Terminated.signum
        elif isinstance(self.error, KeyboardInterrupt):
            why, code = "interrupted (Ctrl-C)", 128 + signal.SIGINT
        else:
            why, code = "the answers ended", 1
        kept = len(written.claims)
        sys.stderr.write(
            f"Error: {why} with {self.accepted} of {total} candidates accepted; "
            + (
                f"kept {kept} {'claim' if kept == 1 else 'claims'} in {written.path}"
                if written.path
                else "nothing to keep"
            )
            + (f" ({len(written.skipped)} skipped)" if written.skipped else "")
            + "\n"
        )
        raise typer.Exit(code)


@contextmanager
def _uninterrupted() -> Iterator[None]:
    """Hold Ctrl-C until the block ends, so that the claims and the registry are written
    together (each file is atomic; this keeps the pair whole)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if held:
        raise KeyboardInterrupt


def _interactive(
    draft: Draft, existing: Existing, registry: Registry, chosen: list[DraftClaim]
) -> None:
    """Ask about each candidate; ``chosen`` gathers the accepted ones as they are decided,
    so that what was decided survives Ctrl-C."""
    from rich.panel import Panel
    from rich.prompt import Prompt
    from rich.text import Text

    from gsekg.cli.output import console
    from gsekg.provenance import passage

    out = console()
    for number, claim in enumerate(draft.claims, start=1):
        body = Text()
        for span in claim.spans:
            p = passage(draft.text, span, 80)
            body.append(p.before)
            body.append(p.text, style="bold reverse")
            body.append(p.after + "\n")
        for s, pr, o in claim.triples:
            body.append(f"  {s} {pr} {o}\n", style="cyan")
        if claim.note:
            body.append(f"  note: {claim.note}\n", style="yellow")
        for c in existing.conflicts(claim):
            body.append(
                f"  contradicts {c.claim} (source {c.source_id}): {c.predicate} {c.value}, "
                f"here {c.proposed}; accepting keeps both\n",
                style="red",
            )
        title = f"{number}/{len(draft.claims)} {claim.kind} {claim.rule} {claim.confidence:.2f}"
        out.print(Panel(body, title=title, title_align="left"))
        while True:
            answer = Prompt.ask(
                # plain Text: in a markup string, "[a]" would be read as a style tag and vanish
                Text("(a)ccept (r)eject re(l)ink (p)referred (d)eprecated (q)uit"),
                choices=["a", "r", "l", "p", "d", "q"],
                default="r",
                console=out,
            )
            if answer == "l":
                old = Prompt.ask("entity to replace (gse:…)", console=out)
                new = Prompt.ask("replace with (gse:… or a name)", console=out)
                try:
                    claim = draft.relink(claim, old, new, registry)
                except GsekgError as error:
                    sys.stderr.write(f"Error: {error}\n")
                    continue
                out.print(Text("".join(f"  {s} {p} {o}\n" for s, p, o in claim.triples)))
                continue
            break
        if answer == "q":
            break
        if answer in {"a", "p", "d"}:
            claim.rank = {"a": "normal", "p": "preferred", "d": "deprecated"}[answer]
            chosen.append(claim)
