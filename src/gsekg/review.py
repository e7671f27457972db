"""Review of a draft: read and check it, find what it contradicts, write what is accepted.

Accepted candidates become ``gso:Claim`` s in ``<data>/<source id>.trig`` (created with its
prefixes, else appended to), in the curated format; the entities they introduce go to the
registry (``<data>/entities.ttl``). A candidate that states another date or figure than an
existing claim is kept as a second claim beside it, never overwriting it.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from gsekg.errors import InputError
from gsekg.namespaces import CLAIM, GSE, PREFIXES, SRC, compact

if TYPE_CHECKING:
    from pyoxigraph import Quad

    from gsekg.curation import Registry

Triple = tuple[str, str, str]
RANKS = ("preferred", "normal", "deprecated")
_GSO, _PROV, _OA = PREFIXES["gso"], PREFIXES["prov"], PREFIXES["oa"]
_RDF_TYPE = PREFIXES["rdf"] + "type"
_SPDX = "http://spdx.org/rdf/terms#"
_SINGLE = {
    PREFIXES["schema"] + "startDate",
    PREFIXES["schema"] + "endDate",
    _GSO + "month",
    _GSO + "year",
    PREFIXES["schema"] + "location",
}
"""Properties with one value per source: another value is a contradiction."""


@dataclass(frozen=True)
class NewEntity:
    """An entity a candidate adds to the registry: IRI, class (compact) and name."""

    iri: str
    cls: str
    label: str


@dataclass
class DraftClaim:
    """A candidate claim as read back from a draft."""

    iri: str
    kind: str
    rule: str
    confidence: float
    spans: list[tuple[int, int]]
    triples: list[Triple]
    new: list[NewEntity] = field(default_factory=list)
    note: str = ""
    rank: str = "normal"

    @property
    def name(self) -> str:
        """The compact name (``claim:005-candidate-0001``)."""
        return compact(self.iri)

    def relink(self, old: str, new: str) -> DraftClaim:
        """The claim with entity ``old`` replaced by ``new`` (compact names or IRIs)."""
        old, new = _term(old), _term(new)
        triples = [tuple(new if t == old else t for t in triple) for triple in self.triples]
        kept = [e for e in self.new if compact(e.iri) != old]
        return replace(self, triples=[(s, p, o) for s, p, o in triples], new=kept)


@dataclass(frozen=True)
class Draft:
    """A checked draft: its source, that source's text, and its candidates."""

    path: Path
    source_id: str
    text: str
    claims: list[DraftClaim]

    def proposed(self) -> list[str]:
        """The compact names of the new entities the draft's candidates propose."""
        return sorted({compact(e.iri) for c in self.claims for e in c.new})

    def relink(self, claim: DraftClaim, old: str, new: str, registry: Registry) -> DraftClaim:
        """``claim`` with its entity ``old`` replaced by ``new``, an entity of the registry or
        one the draft proposes (by compact name, slug or any of its names).

        Raises:
            InputError: ``old`` is not an entity of the claim.
            NotFoundError: ``new`` is no known or proposed entity (with the nearest names).
        """
        mine = sorted({t for triple in claim.triples for t in triple if is_gse(t)})
        if _term(old.strip()) not in mine:
            raise InputError(
                f"{old.strip()!r} is not an entity of {claim.name}; its entities: "
                + ", ".join(mine)
            )
        return claim.relink(old.strip(), registry.entity(new, "relink", self.proposed()))


@dataclass(frozen=True)
class Conflict:
    """An existing claim that states another value for the same subject and property."""

    claim: str
    source_id: str
    subject: str
    predicate: str
    value: str
    proposed: str


def load_draft(path: Path, corpus: Path) -> Draft:
    """Read and check a draft against its article in ``corpus``.

    Raises:
        InputError: invalid TriG, a malformed candidate, or an article that changed since.
    """
    from pyoxigraph import DefaultGraph

    from gsekg.loader import parse_file

    if not path.is_file():
        raise InputError(f"no draft {path}")
    quads = list(parse_file(path))
    default: dict[str, dict[str, list[object]]] = defaultdict(lambda: defaultdict(list))
    graphs: dict[str, list[Quad]] = defaultdict(list)
    for quad in quads:
        if isinstance(quad.graph_name, DefaultGraph):
            default[str(quad.subject)][quad.predicate.value].append(quad.object)
        else:
            graphs[str(quad.graph_name)].append(quad)
    candidate_type = _GSO + "CandidateClaim"
    if not any(
        candidate_type in {str(getattr(t, "value", t)) for t in props.get(_RDF_TYPE, [])}
        for props in default.values()
    ):
        raise InputError(f"{path}: no gso:CandidateClaim in the draft")
    sources = {
        str(getattr(o, "value", o))
        for props in default.values()
        for o in props.get(_PROV + "wasDerivedFrom", [])
    }
    if len(sources) != 1:
        raise InputError(f"{path}: a draft cites exactly one source, not {len(sources)}")
    source_iri = sources.pop()
    source_id = source_iri.removeprefix(SRC)
    if not source_iri.startswith(SRC) or not SOURCE_ID.fullmatch(source_id):
        raise InputError(
            f"{path}: the draft's source {source_iri!r} is not a source id of ours "
            "(NNN_ and 16 hex digits under https://w3id.org/gsekg/source/)"
        )
    recorded = _checksum(default, f"<{source_iri}>")
    article = corpus / f"{source_id}.txt"
    try:
        data = article.read_bytes()
    except OSError:
        raise InputError(f"{path}: its article {article} cannot be read") from None
    if recorded is None or hashlib.sha256(data).hexdigest() != recorded:
        raise InputError(
            f"{path}: the article {article.name} changed since the draft was made "
            "(checksum differs); extract again"
        )
    text = data.decode("utf-8")
    claims = []
    for subject, props in default.items():
        types = {getattr(t, "value", "") for t in props.get(_RDF_TYPE, [])}
        if _GSO + "CandidateClaim" not in types:
            continue
        claims.append(_claim(path, subject, props, default, graphs, text))
    return Draft(path, source_id, text, sorted(claims, key=lambda c: c.iri))


def _checksum(default: dict[str, dict[str, list[object]]], source: str) -> str | None:
    for node in default.get(source, {}).get(_SPDX + "checksum", []):
        for value in default.get(str(node), {}).get(_SPDX + "checksumValue", []):
            return str(getattr(value, "value", ""))
    return None


def _claim(
    path: Path,
    subject: str,
    props: dict[str, list[object]],
    default: dict[str, dict[str, list[object]]],
    graphs: dict[str, list[Quad]],
    text: str,
) -> DraftClaim:
    iri = subject.strip("<>")
    where = f"{path}: {compact(iri)}"

    def one(prop: str) -> str:
        values = props.get(prop, [])
        if len(values) != 1:
            raise InputError(f"{where} needs exactly one {compact(prop)}")
        return str(getattr(values[0], "value", values[0]))

    try:
        confidence = float(one(_GSO + "confidence"))
    except ValueError:
        raise InputError(f"{where}: gso:confidence is not a number") from None
    if not 0 <= confidence <= 1:
        raise InputError(f"{where}: gso:confidence {confidence} is outside 0..1")
    spans = []
    for node in props.get(_GSO + "evidence", []):
        for selector in default.get(str(node), {}).get(_OA + "hasSelector", []):
            sel = default.get(str(selector), {})
            try:
                start = int(getattr(sel[_OA + "start"][0], "value", ""))
                end = int(getattr(sel[_OA + "end"][0], "value", ""))
            except (KeyError, IndexError, ValueError):
                raise InputError(f"{where}: a selector lacks an integer start or end") from None
            if not 0 <= start < end <= len(text):
                raise InputError(f"{where}: span {start}-{end} lies outside the article")
            spans.append((start, end))
    if not spans:
        raise InputError(f"{where} has no gso:evidence span")
    triples = [_triple(where, q) for q in graphs.get(subject, [])]
    if not triples:
        raise InputError(f"{where}: its graph is empty")
    new = []
    for entity in props.get(_GSO + "proposesEntity", []):
        e = default.get(str(entity), {})
        cls = next((compact(str(getattr(t, "value", t))) for t in e.get(_RDF_TYPE, [])), "")
        labels = e.get(PREFIXES["skos"] + "prefLabel", [])
        label = next((str(getattr(v, "value", v)) for v in labels), None)
        if label is None:
            raise InputError(f"{where}: proposed entity {entity} lacks a skos:prefLabel")
        new.append(NewEntity(str(getattr(entity, "value", entity)), cls, label))
    note = next(
        (str(getattr(v, "value", "")) for v in props.get(PREFIXES["skos"] + "editorialNote", [])),
        "",
    )
    kinds = props.get(PREFIXES["dcterms"] + "type", [])
    return DraftClaim(
        iri,
        str(getattr(kinds[0], "value", "")) if kinds else "",
        one(_GSO + "extractionRule"),
        confidence,
        sorted(spans),
        sorted(triples),
        new,
        note,
    )


def _triple(where: str, quad: Quad) -> Triple:
    return (
        _turtle(where, quad.subject),
        _turtle(where, quad.predicate),
        _turtle(where, quad.object),
    )


def _turtle(where: str, term: object) -> str:
    """A term as Turtle text: compact name, literal with its tag or datatype."""
    from pyoxigraph import Literal, NamedNode

    if isinstance(term, NamedNode):
        return compact(term.value)
    if isinstance(term, Literal):
        from gsekg.extract.candidates import literal

        datatype = term.datatype.value
        if term.language:
            return literal(term.value, term.language)
        if datatype == PREFIXES["xsd"] + "integer":
            return term.value
        if datatype == PREFIXES["xsd"] + "boolean":
            return term.value
        if datatype == PREFIXES["xsd"] + "string":
            return literal(term.value, None)
        return literal(term.value, datatype=compact(datatype))
    raise InputError(f"{where}: blank nodes are not allowed inside a claim")


def _term(name: str) -> str:
    if name.startswith(("http://", "https://")):
        return compact(name)
    if ":" not in name:
        return f"gse:{name}"
    return name


@dataclass
class Existing:
    """What the data folder already states: (subject, property) -> [(value, claim, source)]."""

    values: dict[tuple[str, str], list[tuple[str, str, str]]]
    triples_by_source: dict[str, set[Triple]]
    entities: set[str]
    claim_names: set[str]

    @classmethod
    def read(cls, data_dir: Path) -> Existing:
        """Index the data folder's files."""
        from pyoxigraph import DefaultGraph

        from gsekg.loader import parse_file

        quads: list[Quad] = []
        for path in sorted(data_dir.iterdir()):
            if path.suffix in {".ttl", ".trig"}:
                quads += parse_file(path)
        source_of: dict[str, str] = {}
        for q in quads:
            if (
                isinstance(q.graph_name, DefaultGraph)
                and q.predicate.value == _PROV + "wasDerivedFrom"
            ):
                derived = str(getattr(q.object, "value", ""))
                if derived.startswith(CLAIM):  # an editorial claim: the curators', no article's
                    source_of.setdefault(str(q.subject), "editorial")
                else:
                    source_of[str(q.subject)] = derived.removeprefix(SRC)
        values: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
        by_source: dict[str, set[Triple]] = defaultdict(set)
        entities: set[str] = set()
        for q in quads:
            if isinstance(q.graph_name, DefaultGraph):
                if q.predicate.value == PREFIXES["skos"] + "prefLabel":
                    entities.add(compact(q.subject.value) if hasattr(q.subject, "value") else "")
                continue
            graph = str(q.graph_name)
            source = source_of.get(graph, "?")
            triple = _triple("data", q) if not _has_blank(q) else None
            if triple is None:
                continue
            by_source[source].add(triple)
            values[(triple[0], triple[1])].append((triple[2], compact(graph.strip("<>")), source))
        names = {compact(str(g).strip("<>")) for g in source_of}
        return cls(dict(values), dict(by_source), entities, names)

    def conflicts(self, claim: DraftClaim) -> list[Conflict]:
        """Existing claims that give another value for a single-valued property."""
        out = []
        for s, p, o in claim.triples:
            if _expand(p) not in _SINGLE:
                continue
            for value, other, source in self.values.get((s, p), []):
                if value != o:
                    out.append(Conflict(other, source, s, p, value, o))
        out += self._figure_conflicts(claim)
        return out

    def _figure_conflicts(self, claim: DraftClaim) -> list[Conflict]:
        """Another figure for the same subject and the same thing counted."""
        out = []
        quantities = {o for s, p, o in claim.triples if p == "gso:participation"}
        for q in quantities:
            counts = [o for s, p, o in claim.triples if s == q and p == "gso:counts"]
            value = next((o for s, p, o in claim.triples if s == q and p == "schema:value"), None)
            subject = next(s for s, p, o in claim.triples if o == q)
            for other_q, other_claim, source in self.values.get((subject, "gso:participation"), []):
                other_counts = [v for v, _, _ in self.values.get((other_q, "gso:counts"), [])]
                other_value = [v for v, _, _ in self.values.get((other_q, "schema:value"), [])]
                if counts and other_counts == counts and other_value and other_value[0] != value:
                    out.append(
                        Conflict(
                            other_claim, source, subject, "schema:value", other_value[0], str(value)
                        )
                    )
        return out


def _has_blank(quad: Quad) -> bool:
    from pyoxigraph import BlankNode

    return isinstance(quad.subject, BlankNode) or isinstance(quad.object, BlankNode)


def _expand(name: str) -> str:
    prefix, _, local = name.partition(":")
    return PREFIXES.get(prefix, "") + local


@dataclass(frozen=True)
class Written:
    """What ``accept`` wrote: claims, entities, and claims left out (with why)."""

    claims: list[str]
    entities: list[str]
    skipped: list[tuple[str, str]]
    path: Path | None


def accept(draft: Draft, chosen: Sequence[DraftClaim], data_dir: Path) -> Written:
    """Append ``chosen`` to ``<data_dir>/<source>.trig`` and their entities to the registry.

    Claims already stated by the same source are skipped; of two chosen claims that give
    one subject two values of a single-valued property, the more confident is kept.
    """
    from gsekg.atomic import write_text

    existing = Existing.read(data_dir)
    already = existing.triples_by_source.get(draft.source_id, set())
    skipped: list[tuple[str, str]] = []
    kept: list[DraftClaim] = []
    single: dict[tuple[str, str], str] = {}
    for claim in sorted(chosen, key=lambda c: -c.confidence):
        if set(claim.triples) <= already:
            skipped.append((claim.name, "this source already states it"))
            continue
        clash = [
            (s, p)
            for s, p, o in claim.triples
            if _expand(p) in _SINGLE and single.get((s, p), o) != o
        ]
        clash += [
            (s, p)
            for s, p, o in claim.triples
            if _expand(p) in _SINGLE
            and any(
                v != o and src == draft.source_id for v, _, src in existing.values.get((s, p), [])
            )
        ]
        if clash:
            skipped.append((claim.name, f"this source already gives another {clash[0][1]}"))
            continue
        if any(t.startswith("gse:unlinked") for triple in claim.triples for t in triple):
            skipped.append((claim.name, "not linked to an entity: relink it first"))
            continue
        for s, p, o in claim.triples:
            if _expand(p) in _SINGLE:
                single[(s, p)] = o
        kept.append(claim)
        already |= set(claim.triples)
    if not kept:
        return Written([], [], skipped, None)
    kept.sort(key=lambda c: c.iri)
    names = _claim_names(draft, kept, existing.claim_names)
    target = data_dir / f"{draft.source_id}.trig"
    blocks = [_curated(draft.source_id, name, c) for name, c in zip(names, kept, strict=True)]
    new_entities = _new_entities(kept, existing.entities)
    registry = data_dir / "entities.ttl"
    entity_text = "".join(
        f"{compact(e.iri)} {f'a {e.cls} ; ' if e.cls else ''}skos:prefLabel {_label(e.label)} .\n"
        for e in new_entities
    )
    old_registry = _read(registry) if new_entities else ""
    old = _read(target) if target.exists() else _header(draft.source_id)
    write_text(target, old.rstrip("\n") + "\n\n" + "\n".join(blocks))
    if new_entities:
        if not old_registry:
            from gsekg.extract.draft import prefix_block

            old_registry = prefix_block()
        write_text(
            registry,
            old_registry.rstrip("\n")
            + f"\n\n# --- Added by `gsekg review` from source {draft.source_id} ---\n"
            + entity_text,
        )
    return Written(names, [compact(e.iri) for e in new_entities], skipped, target)


SOURCE_ID = re.compile(r"\d{3}_[0-9a-f]{16}")
"""A source id as ``gsekg source add`` makes them: it names files, so nothing else passes."""


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read {path}: {error}") from None


def _label(text: str) -> str:
    from gsekg.extract.candidates import literal

    return literal(text)


def _new_entities(claims: Iterable[DraftClaim], known: set[str]) -> list[NewEntity]:
    seen: dict[str, NewEntity] = {}
    for claim in claims:
        for entity in claim.new:
            if compact(entity.iri) not in known:
                seen.setdefault(entity.iri, entity)
    return sorted(seen.values(), key=lambda e: e.iri)


def _claim_names(draft: Draft, claims: Sequence[DraftClaim], taken: set[str]) -> list[str]:
    out = []
    used = set(taken)
    prefix = draft.source_id[:3]
    for claim in claims:
        subject = claim.triples[0][0].removeprefix("gse:").removeprefix("src:")
        base = f"claim:{prefix}-{claim.kind or 'claim'}-{subject}"[:80].rstrip("-")
        name, n = base, 2
        while name in used:
            name, n = f"{base}-{n}", n + 1
        used.add(name)
        out.append(name)
    return out


def _header(source_id: str) -> str:
    from gsekg.extract.draft import prefix_block

    return (
        f"# Claims from source {source_id}, accepted with `gsekg review`. One named graph\n"
        "# per claim; its provenance (source, rank, evidence spans) in the default graph.\n\n"
        + prefix_block()
    )


def _curated(source_id: str, name: str, claim: DraftClaim) -> str:
    from gsekg.extract.draft import evidence, graph_block

    rank = {"preferred": "gso:PreferredRank", "normal": "gso:NormalRank"}.get(
        claim.rank, "gso:DeprecatedRank"
    )
    return (
        graph_block(name, claim.triples)
        + f"{name} a gso:Claim ; prov:wasDerivedFrom src:{source_id} ; gso:rank {rank} ;\n"
        + f"    gso:evidence {evidence(source_id, claim.spans)} .\n"
    )


def is_gse(term: str) -> bool:
    """Whether a Turtle term names one of our entities."""
    return term.startswith("gse:") or term.startswith(f"<{GSE}")
