"""OWL RL closure of ontology and data: nothing a reader of the articles would call false.

Each triple below was entailed by an earlier alignment (every role a prov:Association,
centres under UNESCO's auspices part of UNESCO, misspellings as plain alternative names,
projects as entities rather than activities) and must stay absent from the built union.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from gsekg.engines import inputs
from gsekg.namespaces import PREFIXES
from gsekg.store import build_in_memory


def _iri(curie: str) -> ox.NamedNode:
    prefix, local = curie.split(":", 1)
    return ox.NamedNode(PREFIXES[prefix] + local)


FALSE = [
    ("gse:unesco-ichei", "org:subOrganizationOf", "gse:unesco"),
    ("gse:gse2022-sponsor-lenovo", "rdf:type", "prov:Association"),
    ("gse:joint-research-plan", "rdf:type", "prov:Entity"),
    ("gse:project-national-strategy", "rdf:type", "prov:Entity"),
    ("gse:gsenet-initiative", "rdf:type", "prov:Entity"),
    # with PROV-O's own axioms loaded, these would make every role and list an influence
    ("gse:gse2022-sponsor-lenovo", "prov:agent", "gse:lenovo"),
    ("gse:gse2022-sponsor-lenovo", "prov:hadRole", "roles:sponsor"),
    ("gse:gse2022-sponsors", "prov:hadRole", "roles:sponsor"),
]
FALSE_NAMES = [
    ("gse:alecso", "skos:altLabel", "ASLECSO"),
    ("gse:alecso", "skos:altLabel", "ALSCO"),
]
TRUE = [
    ("gse:unesco-ichei", "org:linkedTo", "gse:unesco"),
    ("gse:joint-research-plan", "rdf:type", "prov:Activity"),
    ("gse:pub-national-framework", "prov:wasGeneratedBy", "gse:joint-research-plan"),
    ("gse:pub-national-framework", "rdf:type", "prov:Entity"),
]


@pytest.fixture(scope="module")
def closure() -> ox.Store:
    """The bundled graph built with rules and OWL RL inference (the union view)."""
    built = build_in_memory(inputs())
    assert built.manifest["stats"]["inference"] == "owl-rl"
    return built.store


def _holds(store: ox.Store, s: str, p: str, o: ox.NamedNode | ox.Literal) -> bool:
    return ox.Quad(_iri(s), _iri(p), o, ox.DefaultGraph()) in store


@pytest.mark.parametrize(("s", "p", "o"), FALSE, ids=[" ".join(t) for t in FALSE])
def test_false_triple_is_not_entailed(closure: ox.Store, s: str, p: str, o: str) -> None:
    assert not _holds(closure, s, p, _iri(o))


@pytest.mark.parametrize(("s", "p", "name"), FALSE_NAMES, ids=[t[2] for t in FALSE_NAMES])
def test_misspelling_is_hidden_not_alternative(
    closure: ox.Store, s: str, p: str, name: str
) -> None:
    found = {
        q.object.language
        for q in closure.quads_for_pattern(_iri(s), None, None, ox.DefaultGraph())
        if isinstance(q.object, ox.Literal) and q.object.value == name and q.predicate == _iri(p)
    }
    assert found == set()
    hidden = ox.Quad(_iri(s), _iri("skos:hiddenLabel"), ox.Literal(name, language="en"))
    assert hidden in closure


def test_no_role_is_an_association(closure: ox.Store) -> None:
    roles = list(closure.quads_for_pattern(None, _iri("rdf:type"), _iri("gso:Role"), None))
    associations = list(
        closure.quads_for_pattern(None, _iri("rdf:type"), _iri("prov:Association"), None)
    )
    assert len(roles) > 100
    assert associations == []


@pytest.mark.parametrize(("s", "p", "o"), TRUE, ids=[" ".join(t) for t in TRUE])
def test_true_alignment_is_entailed(closure: ox.Store, s: str, p: str, o: str) -> None:
    assert _holds(closure, s, p, _iri(o))


def test_hidden_labels_are_names_not_fragments(closure: ox.Store) -> None:
    """An edition is not named "…conferences 2022 and 2023" (003) or "Conference … 2024" (001)."""
    for edition in ("gse:gse2022", "gse:gse2023", "gse:gse2024"):
        hidden = [
            q.object.value
            for q in closure.quads_for_pattern(_iri(edition), _iri("skos:hiddenLabel"), None, None)
        ]
        assert hidden == [], edition
