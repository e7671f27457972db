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


@dataclass(frozen=True)
class Difference:
    """What the sources say about one subject and property (or role family)."""

    subject: str
    what: str
    """The property (compact IRI) or the role family (``roles:member``)."""
    is_role: bool
    sources: tuple[str, ...]
    rows: tuple[Row, ...]


def differences(data: SiteData, subject: str) -> list[Difference]:
    """Every difference between sources about the entity ``subject``."""
    entity = NamedNode(subject)
    found: list[Difference] = []
    by_property: dict[NamedNode, list[Triple]] = defaultdict(list)
    for triple in data.out.get(entity, ()):
        if triple.predicate != RDF_TYPE and triple.predicate not in LABEL_PROPERTIES:
            by_property[triple.predicate].append(triple)
    for predicate in sorted(by_property, key=lambda p: compact(p.value)):
        stated = [(t.object, data.claims_of.get(t, [])) for t in by_property[predicate]]
        difference = _compare(subject, compact(predicate.value), False, stated)
        if difference is not None:
            found.append(difference)
    families: dict[str, list[tuple[Term, list[Claim]]]] = defaultdict(list)
    for role in (t.subject for t in data.into.get(entity, ()) if t.predicate == _ROLE_IN):
        if _ROLE not in data.types(role):
            continue
        kinds = [k for k in data.objects(role, _ROLE_KIND) if isinstance(k, NamedNode)]
        agents = data.objects(role, _AGENT) or data.objects(role, _AGENT_DESCRIPTION)
        for kind in kinds:
            family = compact(data.family(kind.value))
            for agent in agents:
                claims = data.claims_of.get(Triple(role, _ROLE_KIND, kind), [])
                families[family].append((agent, claims))
    for family in sorted(families):
        difference = _compare(subject, family, True, families[family])
        if difference is not None:
            found.append(difference)
    return found


def _compare(
    subject: str, what: str, is_role: bool, stated: list[tuple[Term, list[Claim]]]
) -> Difference | None:
    """A difference when two sources or more state values and their sets of values differ."""
    claims: dict[Term, dict[str, set[Claim]]] = defaultdict(lambda: defaultdict(set))
    for value, by in stated:
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
        )
        for value in sorted(claims, key=lambda v: (_text(v), sort_key(v)))
    )
    return Difference(subject, what, is_role, tuple(sources), rows)


def _text(term: Term) -> str:
    return term.value if isinstance(term, Literal | NamedNode) else ""
