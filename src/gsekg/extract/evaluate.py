"""Leave-one-out evaluation of the extractor against the curated claims.

For each source article, the known-entity index is built from the registry and the
*other* sources' claims only; the candidates are then scored against that article's
curated claims, kind by kind. The article's own claims are read only after its
extraction, as the answer key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gsekg.extract.candidates import Candidate
from gsekg.extract.known import KnownIndex
from gsekg.extract.text import normalise
from gsekg.namespaces import GSE, PREFIXES

KINDS = ("mention", "date", "figure", "title", "role", "post")
ROLE_GROUPS = {
    "organiser": "organising",
    "co-organiser": "organising",
    "host": "organising",
    "co-host": "organising",
    "organiser-in-cooperation": "organising",
    "speaker": "speaking",
    "keynote-speaker": "speaking",
    "presenter": "speaking",
    "founding-member": "founding",
    "founding-partner": "founding",
    "partner": "partnership",
    "collaborator": "partnership",
}
"""Role kinds scored as one: the wording rarely tells an organiser from a co-host."""

Key = tuple[str, ...]


@dataclass
class Score:
    """Matches, predictions and answers of one kind."""

    hits: int = 0
    predicted: int = 0
    expected: int = 0

    @property
    def precision(self) -> float:
        """hits / predicted (1.0 when nothing was predicted)."""
        return self.hits / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        """hits / expected (1.0 when nothing was expected)."""
        return self.hits / self.expected if self.expected else 1.0

    def add(self, predicted: set[Key], expected: set[Key]) -> None:
        """Count one article's sets."""
        self.hits += len(predicted & expected)
        self.predicted += len(predicted)
        self.expected += len(expected)


@dataclass
class Report:
    """Scores per kind, overall, and the files each article's index was built from."""

    kinds: dict[str, Score] = field(default_factory=lambda: {k: Score() for k in KINDS})
    index_files: dict[str, list[Path]] = field(default_factory=dict)

    @property
    def overall(self) -> Score:
        """All kinds together (micro-averaged)."""
        total = Score()
        for score in self.kinds.values():
            total.hits += score.hits
            total.predicted += score.predicted
            total.expected += score.expected
        return total

    def rows(self) -> list[tuple[str, int, int, int, str, str]]:
        """(kind, hits, predicted, expected, precision, recall) per kind, then overall."""
        pairs = [*self.kinds.items(), ("overall", self.overall)]
        return [
            (k, s.hits, s.predicted, s.expected, f"{s.precision:.2f}", f"{s.recall:.2f}")
            for k, s in pairs
        ]


def evaluate(
    data_dir: Path,
    corpus: Path,
    *,
    extractor: Callable[[str, str, KnownIndex], list[Candidate]] | None = None,
) -> Report:
    """Leave-one-out over every source with a claims file in ``data_dir`` and a corpus file."""
    from gsekg.extract import extract

    run = extractor or extract
    claim_files = sorted(p for p in data_dir.glob("*.trig") if re.match(r"\d{3}_", p.name))
    registry = sorted(p for p in data_dir.glob("*.ttl"))
    report = Report()
    for target in claim_files:
        source_id = target.stem
        article = corpus / f"{source_id}.txt"
        if not article.is_file():
            continue
        text = article.read_text(encoding="utf-8")
        others = [p for p in claim_files if p != target]
        report.index_files[source_id] = [*registry, *others]
        candidates = run(source_id, text, KnownIndex.from_files([*registry, *others]))
        predicted = predicted_keys(candidates)
        expected = answer_keys(target, text, [*registry, *claim_files])
        for kind in KINDS:
            report.kinds[kind].add(predicted[kind], expected[kind])
    return report


MIN_CONFIDENCE = 0.5
"""Candidates below this (flagged near-duplicates, guessed concepts) are left to the reviewer
and not scored."""


def predicted_keys(candidates: Sequence[Candidate]) -> dict[str, set[Key]]:
    """The candidates' keys by kind, with role kinds grouped and titles normalised."""
    out: dict[str, set[Key]] = {k: set() for k in KINDS}
    for candidate in candidates:
        if candidate.confidence < MIN_CONFIDENCE:
            continue
        for key in candidate.keys:
            out[key[0]].add(_canonical(key))
    return out


def _canonical(key: Key) -> Key:
    if key[0] == "role":
        return ("role", key[1], ROLE_GROUPS.get(key[2], key[2]), key[3])
    if key[0] == "title":
        return ("title", _title(key[1]))
    return key


def _title(text: str) -> str:
    return re.sub(r"[^\w ]+", "", normalise(text).lower()).strip()


def answer_keys(target: Path, text: str, all_files: Sequence[Path]) -> dict[str, set[Key]]:
    """What the curated claims of ``target`` state, by kind (its answer key)."""
    from pyoxigraph import DefaultGraph, Literal, NamedNode, RdfFormat, Store

    store = Store()
    store.load(path=str(target), format=RdfFormat.TRIG)
    triples = [q.triple for q in store if not isinstance(q.graph_name, DefaultGraph)]
    p = PREFIXES
    out: dict[str, set[Key]] = {k: set() for k in KINDS}
    by_subject: dict[str, dict[str, list[str]]] = {}
    for t in triples:
        values = by_subject.setdefault(t.subject.value, {}).setdefault(t.predicate.value, [])
        values.append(t.object.value)
        if isinstance(t.object, Literal):
            datatype = t.object.datatype.value
            if datatype in {p["xsd"] + "date", p["xsd"] + "gYearMonth"}:
                out["date"].add(("date", t.object.value))
            if t.predicate.value in {p["gso"] + "theme", p["gso"] + "talkTitle"}:
                out["title"].add(("title", _title(t.object.value)))
    for props in by_subject.values():
        types = set(props.get(p["rdf"] + "type", []))
        if p["gso"] + "Quantity" in types:
            out["figure"].update(("figure", v) for v in props.get(p["schema"] + "value", []))
        if p["gso"] + "Role" in types:
            kind = props.get(p["gso"] + "roleKind", [""])[0].rsplit("/", 1)[-1]
            for agent in props.get(p["gso"] + "agent", []):
                for event in props.get(p["gso"] + "roleIn", []):
                    out["role"].add(_canonical(("role", agent, kind, event)))
        if p["org"] + "Post" in types:
            for person in props.get(p["org"] + "heldBy", []):
                for org in props.get(p["org"] + "postIn", []):
                    out["post"].add(("post", person, org))
    known = KnownIndex.from_files(all_files)
    lowered = " " + re.sub(r"\s+", " ", normalise(text).lower()) + " "
    used = {
        term.value
        for t in triples
        for term in (t.subject, t.object)
        if isinstance(term, NamedNode) and term.value.startswith(GSE)
    }
    for iri in used:
        entity = known.entities.get(iri)
        if entity is None:
            continue
        names = [normalise(n).lower() for n, _ in entity.names]
        if any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", lowered) for n in names if n):
            out["mention"].add(("mention", iri))
    return out
