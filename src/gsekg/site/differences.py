"""Where the sources differ: the values each source gives for one subject and property.

Two kinds of differences are found, both shown side by side on the pages:

- a property of an entity for which at least two sources state values, and the
  sets of values differ (one article gives a date or founder the other does not);
- the agents in a family of roles at an entity (the founding members of GSENet,
  whether an article calls them founding members, founding partners or initiators):
  role kinds are compared by their top concept in the role scheme.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, Triple

from gsekg.namespaces import GSO, compact
from gsekg.site.data import LABEL_PROPERTIES, RDF_TYPE, Claim, SiteData, sort_key
from gsekg.terms import Term

_ROLE = GSO + "Role"
_AGENT = NamedNode(GSO + "agent")
_ROLE_IN = NamedNode(GSO + "roleIn")
_ROLE_KIND = NamedNode(GSO + "roleKind")
_AGENT_DESCRIPTION = NamedNode(GSO + "agentDescription")


@dataclass(frozen=True)
class Row:
    """One value and, for each source that states it, the claims that do."""

    value: Term
    claims: dict[str, tuple[Claim, ...]]
    kept: bool = True
    """Whether the view's default graph holds the value (the best view may leave it out)."""


@dataclass(frozen=True)
class Difference:
    """What the sources say about one subject and property (or role family)."""

    subject: str
    what: str
    """The property (compact IRI) or the role family (``roles:member``)."""
    is_role: bool
    sources: tuple[str, ...]
    rows: tuple[Row, ...]

    @property
    def view_chooses(self) -> bool:
        """Whether the view keeps some of the values and leaves others out."""
        return any(not row.kept for row in self.rows)


Stated = tuple[Term, list[Claim], bool]
"""A value, the claims stating it, and whether the view's default graph holds it."""


def differences(data: SiteData, subject: str) -> list[Difference]:
    """Every difference between sources about the entity ``subject``.

    Read from the claim graphs (what each source states), not from the view's default
    graph: a conflict the ranks settle in the best view is still a difference between
    the sources; each value says whether the view keeps it.
    """
    entity = NamedNode(subject)
    found: list[Difference] = []
    by_property: dict[NamedNode, list[Triple]] = defaultdict(list)
    for triple in data.claimed_out.get(entity, ()):
        if triple.predicate != RDF_TYPE and triple.predicate not in LABEL_PROPERTIES:
            by_property[triple.predicate].append(triple)
    for predicate in sorted(by_property, key=lambda p: compact(p.value)):
        stated = [
            (t.object, data.claims_of.get(t, []), data.in_view(t)) for t in by_property[predicate]
        ]
        difference = _compare(subject, compact(predicate.value), False, stated)
        if difference is not None:
            found.append(difference)
    families: dict[str, list[Stated]] = defaultdict(list)
    roles = {t.subject for t in data.claimed_into.get(entity, ()) if t.predicate == _ROLE_IN}
    for role in sorted(roles, key=sort_key):
        if _ROLE not in data.types(role) | _claimed_objects(data, role, RDF_TYPE):
            continue
        role_in = Triple(role, _ROLE_IN, entity)
        kinds = sorted(
            (k for k in _claimed_terms(data, role, _ROLE_KIND) if isinstance(k, NamedNode)),
            key=sort_key,
        )
        agent_triples = _claimed_triples(data, role, _AGENT) or _claimed_triples(
            data, role, _AGENT_DESCRIPTION
        )
        for kind in kinds:
            family = compact(data.family(kind.value))
            kind_triple = Triple(role, _ROLE_KIND, kind)
            claims = data.claims_of.get(kind_triple, [])
            for agent in agent_triples:
                kept = all(data.in_view(t) for t in (role_in, kind_triple, agent))
                families[family].append((agent.object, claims, kept))
    for family in sorted(families):
        difference = _compare(subject, family, True, families[family])
        if difference is not None:
            found.append(difference)
    return found


def _claimed_triples(data: SiteData, subject: Term, predicate: NamedNode) -> list[Triple]:
    return [t for t in data.claimed_out.get(subject, ()) if t.predicate == predicate]


def _claimed_terms(data: SiteData, subject: Term, predicate: NamedNode) -> list[Term]:
    return [t.object for t in _claimed_triples(data, subject, predicate)]


def _claimed_objects(data: SiteData, subject: Term, predicate: NamedNode) -> set[str]:
    return {o.value for o in _claimed_terms(data, subject, predicate) if isinstance(o, NamedNode)}


def _compare(subject: str, what: str, is_role: bool, stated: list[Stated]) -> Difference | None:
    """A difference when two sources or more state values and their sets of values differ."""
    claims: dict[Term, dict[str, set[Claim]]] = defaultdict(lambda: defaultdict(set))
    kept: set[Term] = set()
    for value, by, in_view in stated:
        if in_view:
            kept.add(value)
        for claim in by:
            for source in claim.sources:
                claims[value][source].add(claim)
    sources = sorted({s for per_source in claims.values() for s in per_source})
    values_of = {s: frozenset(v for v, per in claims.items() if s in per) for s in sources}
    if len(sources) < 2 or len(set(values_of.values())) < 2:
        return None
    rows = tuple(
        Row(
            value,
            {
                source: tuple(sorted(found, key=lambda c: c.iri))
                for source, found in sorted(claims[value].items())
            },
            value in kept,
        )
        for value in sorted(claims, key=lambda v: (_text(v), sort_key(v)))
    )
    return Difference(subject, what, is_role, tuple(sources), rows)


def _text(term: Term) -> str:
    return term.value if isinstance(term, Literal | NamedNode) else ""
