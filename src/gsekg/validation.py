"""Validation: the SHACL shapes, and integrity checks that shapes cannot express.

SHACL (pyshacl) runs on the simple view: the default graph as the engine built
it, which already holds the ontology and the inferred triples, so pyshacl gets
no ``ont_graph`` and no inference of its own (mixing the ontology in again
costs minutes in pyshacl's cloning and adds nothing). The integrity checks look
at the claims themselves:

- ``entity``: every ``gse:`` entity has a type in ``gso:``/``schema:``/``org:`` and a
  ``skos:prefLabel`` (n-ary nodes and claims are exempt);
- ``claim``: every claim graph is non-empty, has exactly one source, and one or
  more selectors with ``0 <= start < end <= len(article)`` (the bound is checked
  when the corpus is available);
- ``named-graph``: every named graph is a declared ``gso:Claim``;
- ``registry``: every ``gse:`` IRI a claim uses is declared in the entity
  registry (a ``skos:prefLabel`` outside the claims) or is an n-ary node typed in a claim.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode

from gsekg.errors import InputError
from gsekg.namespaces import GSE, PREFIXES
from gsekg.provenance import (
    HAS_SELECTOR,
    NARY_CLASSES,
    OA_END,
    OA_START,
    PREF_LABEL,
    RDF_TYPE,
    Claim,
    Snapshot,
    corpus_file,
    read_article,
)
from gsekg.render import display
from gsekg.terms import Term

SEVERITIES = ("violation", "warning", "info")
_ENTITY_NAMESPACES = tuple(PREFIXES[p] for p in ("gso", "schema", "org"))


@dataclass(frozen=True)
class Finding:
    """One problem (or note) found in the data."""

    severity: str
    check: str
    focus: str
    message: str
    path: str = ""

    def to_json(self) -> dict[str, str]:
        """A JSON-ready dictionary."""
        return {
            "severity": self.severity,
            "check": self.check,
            "focus": self.focus,
            "path": self.path,
            "message": self.message,
        }


@dataclass
class Report:
    """The findings of a validation run."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        """No violations (warnings and notes are allowed)."""
        return not any(f.severity == "violation" for f in self.findings)

    def counts(self) -> dict[str, int]:
        """Findings per severity, every severity listed."""
        found = Counter(f.severity for f in self.findings)
        return {severity: found[severity] for severity in SEVERITIES}

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            "conforms": self.conforms,
            "counts": self.counts(),
            "findings": [f.to_json() for f in self.findings],
        }


def validate(
    snapshot: Snapshot,
    *,
    shapes: Path | None,
    corpus: Path | None = None,
) -> Report:
    """Run the SHACL shapes (when given) and the integrity checks on ``snapshot``."""
    findings = shacl_findings(snapshot, shapes) if shapes is not None else []
    findings += integrity_findings(snapshot, corpus)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    findings.sort(key=lambda f: (order[f.severity], f.check, f.focus, f.path, f.message))
    return Report(findings)


def shacl_findings(snapshot: Snapshot, shapes: Path) -> list[Finding]:
    """The results of the SHACL shapes on the default graph of ``snapshot``.

    Raises:
        InputError: the shapes file cannot be read.
    """
    import rdflib
    from pyshacl import validate as shacl_validate

    from gsekg.bridge import to_rdflib_graph

    _, results, _ = shacl_validate(
        to_rdflib_graph(snapshot.default),
        shacl_graph=_read_shapes(shapes),
        inference="none",
        allow_warnings=True,
        advanced=True,
    )
    sh = rdflib.Namespace(PREFIXES["sh"])
    findings = []
    for result in results.subjects(rdflib.RDF.type, sh.ValidationResult):
        severity = str(results.value(result, sh.resultSeverity) or sh.Violation)
        messages = sorted(str(m) for m in results.objects(result, sh.resultMessage))
        path = results.value(result, sh.resultPath)
        findings.append(
            Finding(
                severity=severity.removeprefix(PREFIXES["sh"]).lower(),
                check="shacl",
                focus=_show(results.value(result, sh.focusNode)),
                path=_show(path) if isinstance(path, rdflib.URIRef) else "",
                message="; ".join(messages) or "does not conform to its shape",
            )
        )
    return findings


def _read_shapes(path: Path) -> Any:
    """An rdflib graph of a shapes file (any RDF syntax, by extension)."""
    from gsekg.bridge import to_rdflib_graph
    from gsekg.loader import parse_file

    return to_rdflib_graph(parse_file(path))


def _show(term: object) -> str:
    from gsekg.bridge import from_rdflib

    return display(from_rdflib(term)) if term is not None else ""  # type: ignore[arg-type]


def integrity_findings(snapshot: Snapshot, corpus: Path | None) -> list[Finding]:
    """The integrity checks; the span bounds only when ``corpus`` is given."""
    findings = _entity_findings(snapshot) + _registry_findings(snapshot)
    texts: dict[NamedNode, str | None] = {}
    for claim in snapshot.claims.values():
        findings += _claim_findings(snapshot, claim, corpus, texts)
    if corpus is None:
        findings.append(
            Finding("info", "claim", "", "no corpus folder: spans not checked against the articles")
        )
    return findings


def _entity_findings(snapshot: Snapshot) -> list[Finding]:
    findings = []
    for subject in sorted({t.subject for t in snapshot.facts}, key=str):
        if not _is_gse(subject) or snapshot.is_nary(subject):
            continue
        types = snapshot.types(subject)
        if not types:
            findings.append(Finding("violation", "entity", display(subject), "has no rdf:type"))
        elif any(t.value.startswith(_ENTITY_NAMESPACES) for t in types) and not any(
            isinstance(v, Literal) for v in snapshot.objects(subject, PREF_LABEL)
        ):
            findings.append(
                Finding("violation", "entity", display(subject), "has no skos:prefLabel")
            )
    return findings


def _registry_findings(snapshot: Snapshot) -> list[Finding]:
    used: set[NamedNode] = set()
    for claim in snapshot.claims.values():
        for triple in claim.triples:
            used.update(t for t in (triple.subject, triple.object) if _is_gse(t))  # type: ignore[misc]
    return [
        Finding(
            "violation",
            "registry",
            display(iri),
            "used in a claim but not declared in the entity registry "
            "(no skos:prefLabel outside the claims) nor typed as an n-ary node in a claim",
        )
        for iri in sorted(used, key=lambda n: n.value)
        if not _declared(snapshot, iri)
    ]


def _declared(snapshot: Snapshot, iri: NamedNode) -> bool:
    for triple in snapshot.out.get(iri, ()):
        if triple.predicate == PREF_LABEL and triple not in snapshot.claims_of:
            return True
        if (
            triple.predicate == RDF_TYPE
            and triple.object in NARY_CLASSES
            and triple in snapshot.claims_of
        ):
            return True
    return False


def _is_gse(term: Term) -> bool:
    return isinstance(term, NamedNode) and term.value.startswith(GSE)


def _claim_findings(
    snapshot: Snapshot, claim: Claim, corpus: Path | None, texts: dict[NamedNode, str | None]
) -> list[Finding]:
    focus = display(claim.iri)
    if not claim.typed:
        return [
            Finding(
                "violation",
                "named-graph",
                focus,
                f"named graph with {len(claim.triples)} triples is not a declared gso:Claim",
            )
        ]
    found = []

    def problem(message: str) -> None:
        found.append(Finding("violation", "claim", focus, message))

    if not claim.triples:
        problem("the claim graph is empty")
    if len(claim.sources) != 1:
        problem(f"has {len(claim.sources)} sources (prov:wasDerivedFrom); exactly one is needed")
    selectors = snapshot.objects(claim.iri, HAS_SELECTOR)
    if not selectors:
        problem("has no selector (oa:hasSelector)")
    text = _article(snapshot, claim, corpus, texts, found)
    for selector in selectors:
        start, end = snapshot.integer(selector, OA_START), snapshot.integer(selector, OA_END)
        if start is None or end is None:
            problem("a selector lacks an integer oa:start or oa:end")
        elif not 0 <= start < end:
            problem(f"span {start}-{end} is not 0 <= start < end")
        elif text is not None and end > len(text):
            problem(f"span {start}-{end} ends after the article (length {len(text)})")
    return found


def _article(
    snapshot: Snapshot,
    claim: Claim,
    corpus: Path | None,
    texts: dict[NamedNode, str | None],
    found: list[Finding],
) -> str | None:
    """The text of the claim's single source, read once per source; notes a missing file."""
    if corpus is None or len(claim.sources) != 1:
        return None
    source = claim.sources[0]
    if source not in texts:
        path = corpus_file(corpus, snapshot.source_id(source))
        try:
            texts[source] = read_article(path)
        except InputError:
            texts[source] = None
            found.append(
                Finding("warning", "claim", display(source), f"no readable corpus file {path.name}")
            )
    return texts[source]
