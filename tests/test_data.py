"""The curated data: structure, provenance, and evidence read back from the corpus."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from gsekg.namespaces import GSO, PREFIXES, SRC
from kgdata import (
    CLAIM_CLASS,
    DERIVED,
    END,
    EVIDENCE,
    HAS_SOURCE,
    OWN_WORDS,
    RANK,
    RDF_TYPE,
    SELECTOR,
    START,
    XSD,
    Claim,
    all_claims,
    claims_of,
    corpus_text,
    is_entity,
    load_quads,
    names,
    normalise,
    registered_entities,
    registry,
    source_files,
)
from renderings import date_parts, duration_forms, number_forms, ordinal_forms

SOURCE_IDS = {path.stem for path in source_files()}
PROVENANCE_PREDICATES = {
    RDF_TYPE,
    DERIVED,
    RANK,
    EVIDENCE,
    HAS_SOURCE,
    SELECTOR,
    START,
    END,
    *(
        ox.NamedNode(PREFIXES[prefix] + name)
        for prefix, name in (
            ("gso", "rankReason"),
            ("gso", "statedBy"),
            ("gso", "deliveredBy"),
            ("skos", "editorialNote"),
        )
    ),
}
RANKS = {GSO + name for name in ("PreferredRank", "NormalRank", "DeprecatedRank")}


def claim_id(claim: Claim) -> str:
    return claim.iri.rsplit("/", 1)[-1]


CLAIMS = all_claims()


def test_every_source_has_a_data_file() -> None:
    assert {
        "000_e16defdeedae4764",
        "001_ec682e7534bf026a",
        "002_2b3a093da3c925aa",
        "003_9a262aed049202bf",
        "004_c4d78ee7870e79d4",
    } == SOURCE_IDS


@pytest.mark.parametrize("path", source_files(), ids=lambda p: p.stem[:3])
def test_outside_claims_only_provenance(path: object) -> None:
    """A source file holds claim graphs and, in its default graph, only their provenance."""
    quads = load_quads(path)  # type: ignore[arg-type]
    claim_iris = {q.graph_name for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    evidence = {q.object for q in quads if q.predicate == EVIDENCE}
    selectors = {q.object for q in quads if q.predicate == SELECTOR}
    for quad in quads:
        if isinstance(quad.graph_name, ox.DefaultGraph):
            assert quad.subject in claim_iris | evidence | selectors, f"stray triple {quad}"
            assert quad.predicate in PROVENANCE_PREDICATES, f"stray triple {quad}"


@pytest.mark.parametrize("claim", CLAIMS, ids=claim_id)
def test_claim_has_provenance(claim: Claim) -> None:
    assert claim.triples, "a claim graph states at least one triple"
    assert claim.sources_declared == 1, "exactly one prov:wasDerivedFrom"
    assert claim.source is not None and claim.source.removeprefix(SRC) in SOURCE_IDS
    assert claim.spans, "at least one gso:evidence with its oa:hasSelector"
    assert len(claim.ranks) == 1 and claim.ranks[0] in RANKS, "exactly one gso:rank"
    for start, end in claim.spans:
        assert 0 <= start < end, f"bad span {start}-{end}"
    assert claim.iri.rsplit("/", 1)[-1][:3] == claim.source.removeprefix(SRC)[:3], (
        "claim names start with their source's 3-digit prefix"
    )


def test_claims_are_typed() -> None:
    for path in source_files():
        typed = {q.subject.value for q in load_quads(path) if q.object == CLAIM_CLASS}
        assert typed == set(claims_of(path)), path.name


def test_claim_names_unique_across_files() -> None:
    seen = [claim.iri for claim in CLAIMS]
    assert len(seen) == len(set(seen))


def test_registry_entities_have_one_english_label() -> None:
    labels: dict[str, list[str]] = {}
    for triple in registry():
        if triple.predicate.value == PREFIXES["skos"] + "prefLabel":
            labels.setdefault(triple.subject.value, []).append(triple.object.language or "")
    for iri in registered_entities():
        assert labels.get(iri) == ["en"], f"{iri} needs exactly one @en skos:prefLabel"


def test_every_gse_iri_is_declared() -> None:
    """A gse: IRI used in a claim is in the registry or typed in a claim (an n-ary node)."""
    declared = set(registered_entities())
    typed_in_claims = {
        t.subject.value
        for c in CLAIMS
        for t in c.triples
        if t.predicate == RDF_TYPE and isinstance(t.subject, ox.NamedNode)
    }
    for claim in CLAIMS:
        for triple in claim.triples:
            for term in (triple.subject, triple.object):
                if isinstance(term, ox.NamedNode) and is_entity(term.value):
                    assert term.value in declared | typed_in_claims, (
                        f"{claim_id(claim)} uses undeclared {term.value}"
                    )


def test_no_blank_nodes_in_claims() -> None:
    for claim in CLAIMS:
        for triple in claim.triples:
            assert not isinstance(triple.subject, ox.BlankNode), claim_id(claim)
            assert not isinstance(triple.object, ox.BlankNode), claim_id(claim)


def _literal_groups(literal: ox.Literal, predicate: str) -> list[set[str]]:
    """Groups of renderings: one member of each group must appear in the evidence."""
    datatype = literal.datatype.value.removeprefix(XSD)
    lexical = literal.value
    if datatype in {"date", "gYear", "gYearMonth"}:
        return date_parts(lexical)
    if datatype == "duration":
        return [duration_forms(lexical)]
    if datatype in {"integer", "decimal", "nonNegativeInteger", "positiveInteger", "double"}:
        if predicate == GSO + "ordinal":
            return [ordinal_forms(int(lexical))]
        return [number_forms(float(lexical))]
    if datatype == "boolean":
        return []
    return [{lexical}]


def _edition_years() -> dict[str, str]:
    """Each conference edition's year, from the claims."""
    editions = {
        iri for iri, types in registered_entities().items() if GSO + "ConferenceEdition" in types
    }
    return {
        t.subject.value: t.object.value
        for c in CLAIMS
        for t in c.triples
        if t.subject.value in editions and t.predicate.value == GSO + "year"
    }


EDITION_YEARS = _edition_years()


def _edition_named(iri: str, evidence: str) -> bool:
    """An edition is named by the series name (or GSE) and its year, as the articles do."""
    year = EDITION_YEARS.get(iri)
    series = ("global smart education", "gse")
    return year is not None and year in evidence and any(s in evidence for s in series)


@pytest.mark.corpus
@pytest.mark.parametrize("claim", CLAIMS, ids=claim_id)
def test_evidence_names_what_the_claim_states(claim: Claim) -> None:
    """Every entity or value a claim states is named inside its spans in the article."""
    assert claim.source is not None
    text = corpus_text(claim.source)
    if text is None:
        pytest.skip("corpus not found: set GSEKG_CORPUS or put it at ../shared/corpus")
    for start, end in claim.spans:
        assert end <= len(text), f"span {start}-{end} beyond the end of the article"
    evidence = normalise(" … ".join(text[s:e] for s, e in claim.spans))
    entity_names = names()
    registered = registered_entities()
    for triple in claim.triples:
        obj, predicate = triple.object, triple.predicate.value
        if predicate in OWN_WORDS or triple.predicate == RDF_TYPE:
            continue
        if isinstance(obj, ox.NamedNode):
            if obj.value not in registered:
                continue  # n-ary nodes, classes, concepts: their own facts carry evidence
            options = entity_names.get(obj.value, set())
            if _edition_named(obj.value, evidence):
                continue
            assert any(normalise(n) in evidence for n in options), (
                f"{claim_id(claim)}: no name of {obj.value} in its evidence {evidence!r}; "
                f"known names: {sorted(options)}"
            )
        elif isinstance(obj, ox.Literal):
            for group in _literal_groups(obj, predicate):
                assert any(normalise(form) in evidence for form in group), (
                    f"{claim_id(claim)}: {predicate} {obj.value!r} not in {evidence!r}"
                )
