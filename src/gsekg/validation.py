"""Validation of the asserted data, before any rule or inference runs.

The files are read as they are (claim graphs, claim provenance, the entity registry and the
ontology); nothing is inferred, so an ``rdfs:range`` cannot retype a wrong value into a
right one. The checks, in order:

- ``literal``: every typed literal of a checked XSD datatype is well formed (an ill-formed
  ``"2023-02-30"^^xsd:date`` is a violation naming its file and claim, and is left out of
  the other checks);
- ``term``: every IRI in the ``gso:`` and ``roles:`` namespaces is declared by the ontology
  (``rdfs:isDefinedBy`` the ontology);
- ``shacl``: the shapes, in two passes. Cardinalities (``sh:maxCount``), comparisons
  between values (``sh:lessThanOrEquals``), one label per language and the SPARQL
  constraints hold *per source*: each source's claims are checked on their own (with the
  registry, the provenance and every asserted type), so a second source may give another
  start date or figure; the editorial claims form one more part, the curators' account.
  Everything else (``sh:minCount`` above all) is checked on the union of all claims. The
  ontology's class hierarchy is in the data, so ``sh:class``
  reaches subclasses without inference;
- ``entity``: every ``gse:`` entity has a type in ``gso:``/``schema:``/``org:`` and a
  ``skos:prefLabel`` (n-ary nodes and claims are exempt);
- ``claim``: every claim graph is non-empty, states no ``owl:sameAs`` (identity is a
  ranked ``skos:exactMatch`` claim), has exactly one source, exactly one rank and
  one or more evidence spans whose ``oa:hasSource`` is that source, with
  ``0 <= start < end <= len(article)``. An editorial claim (``gso:EditorialClaim``, the
  curators' inference) has no source of its own: it is derived from two source claims or
  more, or cites spans of two articles or more (each span checked against its own article),
  and is attributed to an agent;
- ``source``: with a corpus, each article's SHA-256 is compared with its source record
  first; the spans of an article whose checksum differs are not checked;
- ``named-graph``: every named graph is a declared ``gso:Claim``;
- ``registry``: every ``gse:`` IRI a claim uses is declared in the entity registry (a
  ``skos:prefLabel`` outside the claims) or is an n-ary node typed in a claim.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, Triple

from gsekg.errors import InputError
from gsekg.namespaces import GSE, GSO, PREFIXES, ROLES
from gsekg.provenance import corpus_file, read_article
from gsekg.render import display
from gsekg.snapshot import (
    ATTRIBUTED_TO,
    EVIDENCE,
    HAS_SELECTOR,
    HAS_SOURCE,
    NARY_CLASSES,
    OA_END,
    OA_START,
    PREF_LABEL,
    RANK,
    RDF_TYPE,
    Claim,
    Snapshot,
)
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


def validate_files(
    files: Iterable[Path], *, shapes: Path | None, corpus: Path | None = None
) -> Report:
    """Validate the asserted data of ``files`` (ontology and data) before any inference.

    Raises:
        InputError: a file cannot be read or parsed, or the shapes cannot be read.
    """
    from gsekg.loader import parse_file

    quads: list[Quad] = []
    findings: list[Finding] = []
    for path in files:
        for quad in parse_file(path):
            problem = _literal_problem(quad, path)
            if problem is None:
                quads.append(quad)
            else:
                findings.append(problem)
    snapshot = Snapshot.from_quads(quads)
    findings += term_findings(snapshot)
    if shapes is not None:
        findings += shacl_findings(snapshot, shapes)
    # a claim whose only triples were ill-formed literals is reported for those, not as empty
    reported = {f.focus for f in findings if f.check == "literal"}
    findings += [
        f
        for f in integrity_findings(snapshot, corpus)
        if not (f.message == EMPTY_CLAIM and f.focus in reported)
    ]
    return _report(findings)


def validate(snapshot: Snapshot, *, shapes: Path | None, corpus: Path | None = None) -> Report:
    """Run the term checks, the SHACL shapes (when given) and the integrity checks."""
    findings = term_findings(snapshot)
    if shapes is not None:
        findings += shacl_findings(snapshot, shapes)
    findings += integrity_findings(snapshot, corpus)
    return _report(findings)


def _report(findings: list[Finding]) -> Report:
    order = {s: i for i, s in enumerate(SEVERITIES)}
    unique = sorted(
        set(findings), key=lambda f: (order[f.severity], f.check, f.focus, f.path, f.message)
    )
    return Report(unique)


EMPTY_CLAIM = "the claim graph is empty"

# --- literals -------------------------------------------------------------------------------

_XSD = PREFIXES["xsd"]
_ZONE = r"(Z|[+-]\d\d:\d\d)?"
_LEXICAL: dict[str, re.Pattern[str]] = {
    "date": re.compile(rf"-?(\d{{4,}})-(\d\d)-(\d\d){_ZONE}"),
    "dateTime": re.compile(rf"-?(\d{{4,}})-(\d\d)-(\d\d)T\d\d:\d\d:\d\d(\.\d+)?{_ZONE}"),
    "gYear": re.compile(rf"-?\d{{4,}}{_ZONE}"),
    "gYearMonth": re.compile(rf"-?\d{{4,}}-(0[1-9]|1[0-2]){_ZONE}"),
    "integer": re.compile(r"[+-]?\d+"),
    "nonNegativeInteger": re.compile(r"\+?\d+"),
    "positiveInteger": re.compile(r"\+?0*[1-9]\d*"),
    "decimal": re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    "boolean": re.compile(r"true|false|1|0"),
    "duration": re.compile(
        r"-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
    ),
}


def well_formed(literal: Literal) -> bool:
    """Whether a literal of a checked XSD datatype has a valid lexical form (others pass)."""
    kind = literal.datatype.value.removeprefix(_XSD)
    pattern = _LEXICAL.get(kind) if literal.datatype.value.startswith(_XSD) else None
    if pattern is None:
        return True
    match = pattern.fullmatch(literal.value)
    if match is None:
        return False
    if kind in {"date", "dateTime"}:
        try:
            date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return False
    return True


def _literal_problem(quad: Quad, path: Path) -> Finding | None:
    value = quad.object
    if not isinstance(value, Literal) or well_formed(value):
        return None
    graph = quad.graph_name
    where = "default graph" if isinstance(graph, DefaultGraph) else display(graph)
    datatype = display(value.datatype)
    return Finding(
        "violation",
        "literal",
        where,
        f'{path.name}: {where}: ill-formed {datatype} literal "{value.value}" '
        f"({display(quad.subject)} {display(quad.predicate)})",
        display(quad.predicate),
    )


# --- terms ----------------------------------------------------------------------------------

_ONTOLOGY = NamedNode(GSO.rstrip("#"))
_IS_DEFINED_BY = NamedNode(PREFIXES["rdfs"] + "isDefinedBy")
_OUR_TERMS = (GSO, ROLES)


def term_findings(snapshot: Snapshot) -> list[Finding]:
    """Every ``gso:``/``roles:`` IRI that is used but not declared by the ontology."""
    declared = {
        t.subject for t in snapshot.into.get(_ONTOLOGY, ()) if t.predicate == _IS_DEFINED_BY
    }
    used: dict[NamedNode, str] = {}
    for triple in snapshot.facts:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, NamedNode) and term.value.startswith(_OUR_TERMS):
                used.setdefault(term, display(triple.subject))
    return [
        Finding(
            "violation",
            "term",
            display(term),
            f"not declared by the ontology (used on {used[term]})",
        )
        for term in sorted(used, key=lambda n: n.value)
        if term not in declared and term != _ONTOLOGY
    ]


_PER_SOURCE = ("maxCount", "lessThanOrEquals", "uniqueLang")
"""Constraints that hold within one source (with the SPARQL constraints marked
``gsh:perSource``): checked per source, not on the union."""
_STRUCTURE = (
    "target",
    "targetClass",
    "targetSubjectsOf",
    "targetObjectsOf",
    "targetNode",
    "path",
    "property",
    "message",
    "severity",
    "prefixes",
    "declare",
    "prefix",
    "namespace",
    "select",
)
"""What a shape needs besides its constraints: targets, paths, messages, SPARQL text."""
_PER_SOURCE_MARK = "https://w3id.org/gsekg/shapes#perSource"


def shacl_findings(snapshot: Snapshot, shapes: Path) -> list[Finding]:
    """The results of the SHACL shapes on the asserted data of ``snapshot``.

    Pass one checks the union of all claims and the default graph with every constraint
    but the per-source ones (:data:`_PER_SOURCE`, marked SPARQL constraints); pass two
    checks only those, on the default graph, then on each source's claims with every
    asserted type and the class and role-kind hierarchies.

    Raises:
        InputError: the shapes file cannot be read.
    """
    union_shapes, source_shapes = _split(_read_shapes(shapes))
    findings = _shacl_run(snapshot.facts, union_shapes)
    findings += _shacl_run(snapshot.default, source_shapes)
    # what a source's claims need to meet their shapes: every type and the class and
    # role-kind hierarchies, not the registry's other triples (checked once, above)
    context = [
        t
        for t in snapshot.facts
        if t.predicate in _CONTEXT and (t.predicate == RDF_TYPE or t in snapshot.default)
    ]
    for triples in _per_source(snapshot).values():
        findings += _shacl_run([*context, *triples], source_shapes)
    return findings


def _split(shapes: Any) -> tuple[Any, Any]:
    """The shapes for the union (per-source constraints left out) and for each source."""
    import rdflib

    sh = rdflib.Namespace(PREFIXES["sh"])
    mark = rdflib.URIRef(_PER_SOURCE_MARK)
    per_source = {sh[name] for name in _PER_SOURCE}
    kept = per_source | {sh[name] for name in _STRUCTURE} | {rdflib.RDF.type}
    marked = set(shapes.subjects(mark, None))
    union, source = rdflib.Graph(), rdflib.Graph()
    for s, p, o in shapes:
        if p == sh.sparql:
            (source if o in marked else union).add((s, p, o))
            continue
        if p not in per_source:
            union.add((s, p, o))
        if p in kept or p in (rdflib.RDF.first, rdflib.RDF.rest) or s in marked:
            source.add((s, p, o))
    return union, source


_CONTEXT = frozenset(
    (
        RDF_TYPE,
        NamedNode(PREFIXES["rdfs"] + "subClassOf"),
        NamedNode(PREFIXES["skos"] + "inScheme"),
    )
)


EDITORIAL = "editorial"
"""The part of the editorial claims: the curators' account, checked apart from every source."""


def _per_source(snapshot: Snapshot) -> dict[str, set[Triple]]:
    parts: dict[str, set[Triple]] = defaultdict(set)
    for claim in snapshot.claims.values():
        key = EDITORIAL if claim.editorial else ",".join(sorted(s.value for s in claim.sources))
        parts[key].update(claim.triples)
    return parts


def _shacl_run(triples: Iterable[Triple], shapes: Any) -> list[Finding]:
    import rdflib
    from pyshacl import validate as shacl_validate

    from gsekg.bridge import to_rdflib_graph

    _, results, _ = shacl_validate(
        to_rdflib_graph(triples),
        shacl_graph=shapes,
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
    if corpus is not None:
        findings += _checksum_findings(snapshot, corpus, texts)
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
        problem(EMPTY_CLAIM)
    for triple in sorted(claim.triples, key=str):
        if triple.predicate == _SAME_AS:
            problem(
                f"states {display(triple.subject)} owl:sameAs {display(triple.object)}: two "
                "names for one thing are a ranked skos:exactMatch claim, never owl:sameAs, "
                "which would merge the nodes and their sources' accounts"
            )
    if claim.editorial:
        _editorial_problems(snapshot, claim, problem)
    elif len(claim.sources) != 1:
        problem(f"has {len(claim.sources)} sources (prov:wasDerivedFrom); exactly one is needed")
    ranks = snapshot.objects(claim.iri, RANK)
    if len(ranks) != 1:
        problem(f"has {len(ranks)} ranks (gso:rank); exactly one is needed")
    evidence = snapshot.objects(claim.iri, EVIDENCE)
    if not evidence:
        problem("has no evidence (gso:evidence)")
    own = claim.sources[0] if not claim.editorial and len(claim.sources) == 1 else None
    for item in evidence:
        targets = snapshot.objects(item, HAS_SOURCE)
        if own is not None and targets != [own]:
            problem("an evidence's oa:hasSource is not the claim's source")
        if claim.editorial and len(targets) != 1:
            problem("an evidence of an editorial claim needs exactly one oa:hasSource")
        source = own
        if claim.editorial and len(targets) == 1 and isinstance(targets[0], NamedNode):
            source = targets[0]
        text = _article(snapshot, source, corpus, texts, found)
        selectors = snapshot.objects(item, HAS_SELECTOR)
        if not selectors:
            problem("an evidence has no selector (oa:hasSelector)")
        for selector in selectors:
            found += _span_problems(snapshot, selector, text, focus)
    return found


def _editorial_problems(snapshot: Snapshot, claim: Claim, problem: Callable[[str], None]) -> None:
    """An editorial claim rests on claims (two, or spans of two articles), has an agent."""
    if claim.sources:
        names = ", ".join(display(s) for s in claim.sources)
        problem(f"an editorial claim is derived from claims, not straight from articles ({names})")
    if len(claim.basis) < 2 and len(claim.evidence_sources) < 2:
        problem(
            f"an editorial claim rests on {len(claim.basis)} source claims and cites "
            f"{len(claim.evidence_sources)} articles; at least two of either are needed"
        )
    if not snapshot.objects(claim.iri, ATTRIBUTED_TO):
        problem("an editorial claim is attributed to its agent (prov:wasAttributedTo)")


def _span_problems(
    snapshot: Snapshot, selector: Term, text: str | None, focus: str
) -> list[Finding]:
    start, end = snapshot.integer(selector, OA_START), snapshot.integer(selector, OA_END)
    message = None
    if start is None or end is None:
        message = "a selector lacks an integer oa:start or oa:end"
    elif not 0 <= start < end:
        message = f"span {start}-{end} is not 0 <= start < end"
    elif text is not None and end > len(text):
        message = f"span {start}-{end} ends after the article (length {len(text)})"
    return [] if message is None else [Finding("violation", "claim", focus, message)]


_SAME_AS = NamedNode(PREFIXES["owl"] + "sameAs")
_CHECKSUM = NamedNode("http://spdx.org/rdf/terms#checksum")
_CHECKSUM_VALUE = NamedNode("http://spdx.org/rdf/terms#checksumValue")
_SOURCE_ARTICLE = NamedNode(GSO + "SourceArticle")


def _checksum_findings(
    snapshot: Snapshot, corpus: Path, texts: dict[NamedNode, str | None]
) -> list[Finding]:
    """Each source's corpus file against the SHA-256 of its record, before any span.

    A file whose checksum differs gets a violation and its text is set aside (``None`` in
    ``texts``), so the spans of its claims are not checked against a different text.
    """
    findings = []
    for source in snapshot.subjects(RDF_TYPE, _SOURCE_ARTICLE):
        if not isinstance(source, NamedNode):
            continue
        expected = {
            v.value
            for c in snapshot.objects(source, _CHECKSUM)
            for v in snapshot.objects(c, _CHECKSUM_VALUE)
            if isinstance(v, Literal)
        }
        path = corpus_file(corpus, snapshot.source_id(source))
        if not expected or not path.is_file():
            continue  # a missing checksum is a shape violation; a missing file is noted later
        try:
            actual = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as error:
            findings.append(
                Finding("violation", "source", display(source), f"{path.name}: {error.strerror}")
            )
            texts[source] = None
            continue
        if actual not in expected:
            findings.append(
                Finding(
                    "violation",
                    "source",
                    display(source),
                    f"corpus file {path.name} has SHA-256 {actual}, the source record says "
                    f"{', '.join(sorted(expected))}: the article changed, so its spans are "
                    "not checked",
                )
            )
            texts[source] = None
    return findings


def _article(
    snapshot: Snapshot,
    source: NamedNode | None,
    corpus: Path | None,
    texts: dict[NamedNode, str | None],
    found: list[Finding],
) -> str | None:
    """The text of one source article, read once per source; notes a missing file."""
    if corpus is None or source is None:
        return None
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
