"""How a triple that no claim states got into the simple view: the rule or inference step.

The build adds to the default graph what the CONSTRUCT rules of ``ontology/rules/*.rq``
and inference derive (docs/model.md). Nothing records which step added what, so this
module finds it again by asking the engine, triple by triple:

* a rule: the rule's WHERE clause with the CONSTRUCT template's variables bound to the
  triple (one SELECT per rule); the claims behind it are those stating the triples of the
  nodes the match binds (the role node of the simple-view rule);
* a sub-property (or equivalent property): ``?s ?q ?o`` with ``?q rdfs:subPropertyOf ?p``;
* an inverse: ``?o ?q ?s`` with ``?q owl:inverseOf ?p``, stated by a claim;
* a type: another type of the subject that is a subclass (or equivalent class), or a
  property whose ``rdfs:domain`` or ``rdfs:range`` is the class.

Each premise is in turn stated (claims), derived (explained the same way, a few steps
deep) or registered (the registry or the ontology says it, with no claim).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from pyoxigraph import Literal, NamedNode, Triple

from gsekg.namespaces import PREFIXES
from gsekg.reader import BATCH, Claim, sparql_term
from gsekg.render import display
from gsekg.snapshot import RDF_TYPE

if TYPE_CHECKING:
    from gsekg.reader import GraphReader

MAX_DEPTH = 4
MAX_WAYS = 3
"""At most this many derivations are shown for one triple (a type may have dozens)."""
_ORDER = ("rule", "subproperty", "inverse", "subclass", "domain", "range")


@dataclass(frozen=True)
class Rule:
    """A CONSTRUCT rule split into its template and its WHERE clause."""

    name: str
    """The rule's path from the ontology folder, e.g. ``rules/simple-view.rq``."""
    prologue: str
    template: tuple[tuple[str, str, str], ...]
    where: str


@dataclass(frozen=True)
class Step:
    """Why one triple holds: stated by claims, registered, or derived from premises."""

    triple: Triple
    how: str
    """``stated``, ``registered``, ``rule``, ``subproperty``, ``inverse``, ``subclass``,
    ``domain``, ``range``, or ``unexplained`` (the search stopped)."""
    via: str = ""
    """The rule file, or the ontology axiom used (``gso:acronym rdfs:subPropertyOf …``)."""
    claims: tuple[Claim, ...] = ()
    premises: tuple[Step, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dictionary (claims as ids; spans as start and end)."""
        return {
            "fact": triple_json(self.triple),
            "how": self.how,
            "via": self.via,
            "claims": [
                {
                    "claim": display(c.iri),
                    "source_id": None if c.editorial else c.source_id,
                    "spans": [
                        ({"source_id": i} if c.editorial else {}) | {"start": s, "end": e}
                        for i, (s, e) in c.spans_in()
                    ],
                }
                for c in self.claims
            ],
            "premises": [p.to_json() for p in self.premises],
        }

    def claims_within(self) -> list[Claim]:
        """Every claim this step rests on, premises included, without repeats."""
        found = {c.iri: c for c in self.claims}
        for premise in self.premises:
            for claim in premise.claims_within():
                found.setdefault(claim.iri, claim)
        return sorted(found.values(), key=lambda c: (c.source_id or "", str(c.iri)))


def triple_json(triple: Triple) -> dict[str, str]:
    """Subject, property and value as compact names and literal texts."""
    return {
        "subject": text(triple.subject),
        "property": display(triple.predicate),
        "value": text(triple.object),
    }


def text(term: Any) -> str:
    """A literal's text (without language tag or datatype), else the compact name."""
    return str(term.value) if isinstance(term, Literal) else display(term)


@cache
def rules() -> tuple[Rule, ...]:
    """The bundled CONSTRUCT rules whose template can be traced."""
    from gsekg import resources

    folder = resources.ontology_dir()
    found = []
    for path in sorted((folder / "rules").glob("*.rq")):
        rule = parse_rule(path.read_text(encoding="utf-8"), f"{folder.name}/rules/{path.name}")
        if rule is not None:
            found.append(rule)
    return tuple(found)


def parse_rule(sparql: str, name: str) -> Rule | None:
    """Split a ``CONSTRUCT { template } WHERE { … }`` rule; ``None`` if its shape is other."""
    body = re.sub(r"(?m)^\s*#.*$", "", sparql)
    prologue = "".join(re.findall(r"(?im)^\s*PREFIX\s+\S*:\s*<[^>]*>\s*$\n?", body))
    match = re.search(r"CONSTRUCT\s*\{(.*?)\}\s*WHERE\s*(\{.*\})\s*$", body, re.S | re.I)
    if match is None:
        return None
    tokens = [t for t in match.group(1).replace(" .", " ").split() if t != "."]
    if not tokens or len(tokens) % 3:
        return None
    template = tuple(
        (tokens[i], tokens[i + 1], tokens[i + 2].rstrip(".")) for i in range(0, len(tokens), 3)
    )
    return Rule(name, prologue, template, match.group(2))


def _bindings(
    rule: Rule, pattern: tuple[str, str, str], triples: Sequence[Triple]
) -> tuple[list[str], Sequence[Triple]] | None:
    """The template variables of ``pattern`` and the triples whose constants it matches."""
    variables = []
    for position, term in enumerate(pattern):
        if term.startswith(("?", "$")):
            if term[1:] in variables:
                return None
            variables.append(term[1:])
        else:
            constant = _expand(rule, term)
            if constant is None:
                return None
            triples = [t for t in triples if _at(t, position) == constant]
    return variables, triples


def _expand(rule: Rule, term: str) -> NamedNode | None:
    if term == "a":
        return RDF_TYPE
    if term.startswith("<") and term.endswith(">"):
        return NamedNode(term[1:-1])
    prefix, colon, local = term.partition(":")
    declared = dict(re.findall(r"(?i)PREFIX\s+(\S*):\s*<([^>]*)>", rule.prologue))
    namespace = declared.get(prefix, PREFIXES.get(prefix))
    return NamedNode(namespace + local) if colon and namespace is not None else None


def _at(triple: Triple, position: int) -> Any:
    return (triple.subject, triple.predicate, triple.object)[position]


def _rule_matches(
    reader: GraphReader, rule: Rule, triples: Sequence[Triple]
) -> list[tuple[Triple, dict[str, Any]]]:
    """Each triple the rule derives, with the variable bindings of one match."""
    matches: list[tuple[Triple, dict[str, Any]]] = []
    for pattern in rule.template:
        bound = _bindings(rule, pattern, [t for t in triples if _sendable(t)])
        if bound is None:
            continue
        variables, candidates = bound
        positions = [i for i, term in enumerate(pattern) if term.startswith(("?", "$"))]
        for i in range(0, len(candidates), BATCH):
            chunk = candidates[i : i + BATCH]
            rows = " ".join(
                "(" + " ".join(sparql_term(_at(t, p)) for p in positions) + ")" for t in chunk
            )
            names = " ".join(f"?{v}" for v in variables)
            result = reader.select(
                f"{rule.prologue}SELECT * WHERE {{ VALUES ({names}) {{ {rows} }} {rule.where} }}"
            )
            wanted = {tuple(_at(t, p) for p in positions): t for t in chunk}
            for record in result.records():
                key = tuple(record.get(v) for v in variables)
                if key in wanted:
                    matches.append((wanted[key], record))
    return matches


def _sendable(triple: Triple) -> bool:
    return all(isinstance(t, NamedNode | Literal) for t in triple)


def _values3(triples: Sequence[Triple]) -> str:
    return " ".join(
        f"({sparql_term(t.subject)} {sparql_term(t.predicate)} {sparql_term(t.object)})"
        for t in triples
    )


_PROPERTY_WAYS = """SELECT DISTINCT ?s ?p ?o ?how ?q ?x WHERE {{
    VALUES (?s ?p ?o) {{ {rows} }}
    {{ ?q rdfs:subPropertyOf|owl:equivalentProperty|^owl:equivalentProperty ?p .
       FILTER(?q != ?p) ?s ?q ?o . BIND("subproperty" AS ?how) }}
    UNION
    {{ ?q owl:inverseOf|^owl:inverseOf ?p . FILTER(!isLiteral(?o))
       GRAPH ?g {{ ?o ?q ?s }} BIND("inverse" AS ?how) }}
}}"""
_TYPE_WAYS = """SELECT DISTINCT ?s ?p ?o ?how ?q ?x WHERE {{
    VALUES (?s ?p ?o) {{ {rows} }}
    {{ ?s a ?q . ?q rdfs:subClassOf|owl:equivalentClass|^owl:equivalentClass ?o .
       FILTER(?q != ?o) BIND("subclass" AS ?how) }}
    UNION
    {{ ?q rdfs:domain ?o . ?s ?q ?x . BIND("domain" AS ?how) }}
    UNION
    {{ ?q rdfs:range ?o . ?x ?q ?s . BIND("range" AS ?how) }}
}}"""


def _ways(reader: GraphReader, triples: Sequence[Triple]) -> list[tuple[Triple, str, Any, Any]]:
    """(triple, how, the property or class it comes from, the other node) per inference step."""
    found: list[tuple[Triple, str, Any, Any]] = []
    sendable = [t for t in triples if _sendable(t)]
    typed = [t for t in sendable if t.predicate == RDF_TYPE]
    plain = [t for t in sendable if t.predicate != RDF_TYPE]
    for group, template in ((plain, _PROPERTY_WAYS), (typed, _TYPE_WAYS)):
        for i in range(0, len(group), BATCH):
            chunk = group[i : i + BATCH]
            query = template.format(rows=_values3(chunk))
            result = reader.select(
                query.replace("GRAPH ?g { ?o ?q ?s }", reader.in_claim("?o ?q ?s"))
            )
            for s, p, o, how, q, x in result.rows:
                if isinstance(how, Literal):
                    found.append((Triple(s, p, o), how.value, q, x))  # type: ignore[arg-type]
    return found


def derivable(reader: GraphReader, triples: Sequence[Triple]) -> set[Triple]:
    """Those of ``triples`` that a rule or an inference step rebuilds from other triples."""
    return set(ways_of(reader, triples))


def ways_of(reader: GraphReader, triples: Sequence[Triple]) -> dict[Triple, set[str]]:
    """How each derivable triple among ``triples`` can be derived (``rule``, ``subclass``…)."""
    found: dict[Triple, set[str]] = {}
    for triple, how, _, _ in _ways(reader, triples):
        found.setdefault(triple, set()).add(how)
    rest = [t for t in triples if t not in found]
    for rule in rules():
        for triple, _ in _rule_matches(reader, rule, rest):
            found.setdefault(triple, set()).add("rule")
    return found


def explain(
    reader: GraphReader, triple: Triple, depth: int = 0, path: frozenset[Triple] = frozenset()
) -> Step:
    """Why ``triple`` holds: its claims, or the rule or step that derives it (recursively).

    A premise already on the path (equivalent classes derive each other) is not followed;
    when some ways rest directly on stated or registered triples, only those are kept.
    """
    claims = reader.claims_of([triple])[triple]
    if claims:
        return Step(triple, "stated", claims=tuple(reader.claims(claims).values()))
    if depth >= MAX_DEPTH:
        return Step(triple, "unexplained")
    path = path | {triple}
    steps: list[Step] = []
    for rule in rules():
        for _, record in _rule_matches(reader, rule, [triple])[:MAX_WAYS]:
            steps.append(_rule_step(reader, rule, triple, record, depth, path))
    ways = _ways(reader, [triple])
    for how in _ORDER:
        for _, _, via, other in [w for w in ways if w[1] == how]:
            premise, axiom = _premise(triple, how, via, other)
            if premise is not None and premise not in path:
                reason = explain(reader, premise, depth + 1, path)
                steps.append(Step(triple, how, axiom, premises=(reason,)))
    direct = [s for s in steps if all(p.how in {"stated", "registered"} for p in s.premises)]
    steps = direct or [s for s in steps if s.how == "rule" or _grounded(s)]
    steps.sort(key=lambda s: (_ORDER.index(s.how) if s.how in _ORDER else 99, s.via))
    if not steps:
        return Step(triple, "registered")
    if len(steps) == 1:
        return steps[0]
    return Step(triple, "derived", premises=tuple(steps[:MAX_WAYS]))


def _grounded(step: Step) -> bool:
    """Whether the step's reasons end in stated or registered triples, not a dead end."""
    if step.how in {"stated", "registered"}:
        return True
    return bool(step.premises) and all(_grounded(p) for p in step.premises)


def _premise(triple: Triple, how: str, via: Any, other: Any) -> tuple[Triple | None, str]:
    s, p, o = triple.subject, triple.predicate, triple.object
    name = display(via)
    if how == "subproperty":
        return Triple(s, via, o), f"{name} rdfs:subPropertyOf {display(p)}"
    if how == "inverse" and not isinstance(o, Literal):
        return Triple(o, via, s), f"{name} owl:inverseOf {display(p)}"
    if how == "subclass":
        return Triple(s, RDF_TYPE, via), f"{name} rdfs:subClassOf {display(o)}"
    if how == "domain" and other is not None:
        return Triple(s, via, other), f"{name} rdfs:domain {display(o)}"
    if how == "range" and other is not None and not isinstance(other, Literal):
        return Triple(other, via, s), f"{name} rdfs:range {display(o)}"
    return None, ""


def _rule_step(
    reader: GraphReader,
    rule: Rule,
    triple: Triple,
    record: dict[str, Any],
    depth: int,
    path: frozenset[Triple],
) -> Step:
    """The rule's match: the claim triples of the nodes it binds besides the template's."""
    template_vars = {t[1:] for pattern in rule.template for t in pattern if t[0] in "?$"}
    nodes = [
        v
        for k, v in sorted(record.items())
        if k not in template_vars and isinstance(v, NamedNode) and not _is_vocabulary(v)
    ]
    premises: list[Step] = []
    if nodes:
        from gsekg.reader import values

        result = reader.select(
            f"SELECT DISTINCT ?n ?p ?o WHERE {{ {values('n', nodes)} "
            f"{reader.in_claim('?n ?p ?o')} }}"
        )
        stated = sorted(
            (Triple(n, p, o) for n, p, o in result.rows),  # type: ignore[arg-type]
            key=str,
        )
        premises = [explain(reader, t, depth + 1, path) for t in stated if t not in path]
    bound = ", ".join(
        f"?{k} = {display(v)}" for k, v in sorted(record.items()) if k not in template_vars
    )
    return Step(triple, "rule", f"{rule.name} ({bound})", premises=tuple(premises))


def _is_vocabulary(term: NamedNode) -> bool:
    """Ontology and role-scheme terms: bound by a rule, but not what claims are about."""
    return term.value.startswith((PREFIXES["gso"], PREFIXES["roles"])) or not term.value.startswith(
        (PREFIXES["gse"], PREFIXES["claim"], PREFIXES["src"])
    )


def explain_all(reader: GraphReader, triples: Sequence[Triple]) -> list[Step]:
    """:func:`explain` for each triple, in a stable order."""
    return [explain(reader, t) for t in sorted(triples, key=str)]


def describe_step(step: Step) -> str:
    """One line for people: how the step derives its triple."""
    if step.how == "stated":
        return "stated by " + ", ".join(display(c.iri) for c in step.claims)
    if step.how == "rule":
        return f"derived by the rule {step.via}"
    if step.how in {"subproperty", "inverse", "subclass", "domain", "range"}:
        return f"inferred ({step.how}: {step.via})" if step.via else f"inferred ({step.how})"
    if step.how == "registered":
        return "stated by the registry or the ontology (no claim)"
    if step.how == "derived":
        return "derived in several ways"
    return "not traced further"
