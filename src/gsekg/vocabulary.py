"""The terms of the ontology as plain data: what the HTML docs and the model picture show.

:func:`read_vocabulary` turns an rdflib graph of ``ontology/`` (the OWL/SKOS
terms and, optionally, the SHACL shapes) into :class:`Term` records: every
class, property, individual, role kind and concept scheme, with its label,
definition, notes, super-terms, domain, range and alignments, plus the
constraints the shapes put on it. Everything is sorted, so that two readings of
the same ontology give equal records and the documents built from them are
byte-for-byte the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from gsekg.namespaces import GSO, PREFIXES, ROLES, compact

KINDS = (
    "class",
    "object property",
    "datatype property",
    "annotation property",
    "property",
    "role kind",
    "concept scheme",
    "concept",
    "individual",
)
"""Kinds of term, in the order the documentation lists them."""

_TARGET_SUBSET = rdflib.URIRef("https://w3id.org/gsekg/shapes#targetSubsetOf")
"""On a node shape with a SPARQL target: the class whose instances it picks some of."""

_TYPE_KINDS = (
    (OWL.Class, "class"),
    (RDFS.Class, "class"),
    (OWL.ObjectProperty, "object property"),
    (OWL.DatatypeProperty, "datatype property"),
    (OWL.AnnotationProperty, "annotation property"),
    (RDF.Property, "property"),
    (SKOS.ConceptScheme, "concept scheme"),
    (SKOS.Concept, "concept"),
    (OWL.NamedIndividual, "individual"),
)

ALIGNMENTS = (
    (OWL.equivalentClass, "equivalent class"),
    (OWL.equivalentProperty, "equivalent property"),
    (OWL.inverseOf, "inverse of"),
    (SKOS.exactMatch, "exact match"),
    (SKOS.closeMatch, "close match"),
    (SKOS.broadMatch, "broad match"),
    (SKOS.narrowMatch, "narrow match"),
    (SKOS.relatedMatch, "related match"),
    (SKOS.related, "related"),
    (RDFS.seeAlso, "see also"),
)
"""Links to other terms shown beside a term's super-terms, with the words that name them."""

_DEFINITIONS = (SKOS.definition, RDFS.comment)
_NOTES = (SKOS.scopeNote, SKOS.editorialNote, SKOS.note)
_LABELS = (RDFS.label, SKOS.prefLabel)
_DIRECT_PROPERTY = rdflib.URIRef(GSO + "directProperty")


@dataclass(frozen=True)
class Constraint:
    """What a SHACL property shape asks of one property, on the things a shape targets.

    ``classes`` are the classes (``sh:class``, also inside ``sh:or``) a value must
    have, ``datatypes`` its datatypes, ``values`` the IRIs it must be one of
    (``sh:in``, ``sh:hasValue``); ``message`` is the shape's own explanation.
    """

    path: str
    classes: tuple[str, ...] = ()
    datatypes: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    min_count: int | None = None
    max_count: int | None = None
    message: str = ""


@dataclass(frozen=True)
class Term:
    """One term of the ontology, as the documentation shows it.

    IRIs are full strings; ``name`` is the compact form (``gso:Role``).
    ``supers`` are the direct super-classes, super-properties or broader role
    kinds; ``domain`` and ``range`` the declared ones, a class union flattened to
    its members. ``constraints`` are the shapes' demands on a class's
    instances (or, for a property, on every use of it).
    """

    iri: str
    name: str
    kind: str
    label: str = ""
    definition: str = ""
    notes: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    supers: tuple[str, ...] = ()
    domain: tuple[str, ...] = ()
    range: tuple[str, ...] = ()
    alignments: tuple[tuple[str, str], ...] = ()
    direct_property: str | None = None
    constraints: tuple[Constraint, ...] = ()
    ours: bool = False

    @property
    def anchor(self) -> str:
        """A stable fragment identifier for the term: ``gso-Role``, ``roles-co-host``."""
        return "".join(c if c.isalnum() or c in "-_." else "-" for c in self.name.strip("<>"))


@dataclass(frozen=True)
class Vocabulary:
    """Every documented term, by IRI, plus the ontology's own header."""

    terms: dict[str, Term]
    title: str = ""
    description: str = ""
    version: str = ""
    iri: str = ""
    subs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """The direct sub-terms of each term (the inverse of :attr:`Term.supers`)."""
    prefixes: dict[str, str] = field(default_factory=lambda: dict(PREFIXES))
    """Prefix to namespace: gsekg's own, then those the ontology files declare."""

    def of_kind(self, *kinds: str) -> list[Term]:
        """The terms of these kinds, sorted by compact name."""
        return sorted((t for t in self.terms.values() if t.kind in kinds), key=_sort_key)

    def name(self, iri: str) -> str:
        """The compact name of an IRI."""
        term = self.terms.get(iri)
        return term.name if term else shorten(iri, self.prefixes)


def ontology_graph(folder: Path | None = None) -> rdflib.Graph:
    """The ontology and its shapes (every ``*.ttl`` of ``folder``, default the bundled one)."""
    from gsekg.errors import InputError
    from gsekg.resources import ontology_dir

    root = ontology_dir() if folder is None else folder
    files = sorted(root.glob("*.ttl"))
    if not files:
        raise InputError(f"no ontology files (*.ttl) in {root}")
    graph = rdflib.Graph()
    for path in files:
        try:
            graph.parse(path, format="turtle")
        except Exception as error:  # rdflib raises many unrelated types on bad input
            raise InputError(f"{path}: not valid Turtle: {error}") from None
    return graph


def shorten(iri: str, prefixes: dict[str, str]) -> str:
    """``prefix:local`` by the longest matching namespace of ``prefixes``, else ``<iri>``."""
    known = compact(iri)
    if not known.startswith("<"):
        return known
    best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default="")
    local = iri[len(best) :]
    if best and local and all(c.isalnum() or c in "-_." for c in local):
        prefix = min(p for p, ns in prefixes.items() if ns == best)
        return f"{prefix}:{local}"
    return known


def read_vocabulary(graph: rdflib.Graph) -> Vocabulary:
    """The documented terms of ``graph``: every named class, property, individual and concept."""
    prefixes = dict(PREFIXES)
    declared = {str(ns) for ns in PREFIXES.values()}
    for prefix, namespace in sorted(graph.namespace_manager.namespaces()):
        if prefix and str(namespace) not in declared and prefix not in prefixes:
            prefixes[prefix] = str(namespace)
    constraints = _constraints(graph)
    terms: dict[str, Term] = {}
    for subject in sorted({s for s in graph.subjects(RDF.type) if isinstance(s, rdflib.URIRef)}):
        kind = _kind(graph, subject)
        if kind is None:
            continue
        terms[str(subject)] = _term(
            graph, subject, kind, constraints.get(str(subject), ()), shorten(str(subject), prefixes)
        )
    subs: dict[str, list[str]] = defaultdict(list)
    for term in terms.values():
        for parent in term.supers:
            subs[parent].append(term.iri)
    found = min((str(s) for s in graph.subjects(RDF.type, OWL.Ontology)), default=None)
    header = rdflib.URIRef(found) if found else rdflib.BNode()
    return Vocabulary(
        terms=terms,
        title=_text(graph, header, (rdflib.DCTERMS.title, RDFS.label)),
        description=_text(graph, header, (rdflib.DCTERMS.description, RDFS.comment)),
        version=_text(graph, header, (OWL.versionInfo,)),
        iri=found or "",
        subs={
            k: tuple(sorted(v, key=lambda i: shorten(i, prefixes).lower())) for k, v in subs.items()
        },
        prefixes=prefixes,
    )


def ancestors(vocabulary: Vocabulary, iri: str) -> Iterator[str]:
    """Every super-term of ``iri``, nearest first, each once (cycles are safe)."""
    seen = {iri}
    todo = [iri]
    while todo:
        current = todo.pop(0)
        term = vocabulary.terms.get(current)
        for parent in term.supers if term else ():
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
                yield parent


def _sort_key(term: Term) -> tuple[str, str]:
    return (term.name.lower(), term.name)


def _kind(graph: rdflib.Graph, subject: rdflib.URIRef) -> str | None:
    types = set(graph.objects(subject, RDF.type))
    if SKOS.Concept in types and str(subject).startswith(ROLES):
        return "role kind"
    for rdf_type, kind in _TYPE_KINDS:
        if rdf_type in types:
            return kind
    return "individual" if types & _individual_classes(graph) else None


def _individual_classes(graph: rdflib.Graph) -> set[rdflib.term.Node]:
    """Classes declared in the graph: a thing typed with one of them is an individual."""
    return set(graph.subjects(RDF.type, OWL.Class)) | set(graph.subjects(RDF.type, RDFS.Class))


def _term(
    graph: rdflib.Graph,
    subject: rdflib.URIRef,
    kind: str,
    constraints: Sequence[Constraint],
    name: str,
) -> Term:
    iri = str(subject)
    if kind == "class":
        supers = _iris(graph.objects(subject, RDFS.subClassOf))
    elif kind == "role kind" or kind == "concept":
        supers = _iris(graph.objects(subject, SKOS.broader))
    elif kind.endswith("property"):
        supers = _iris(graph.objects(subject, RDFS.subPropertyOf))
    else:
        supers = ()
    alignments = tuple(
        sorted(
            (words, str(o))
            for predicate, words in ALIGNMENTS
            for o in graph.objects(subject, predicate)
            if isinstance(o, rdflib.URIRef)
        )
    )
    direct = graph.value(subject, _DIRECT_PROPERTY)
    notes = tuple(sorted(str(o) for p in _NOTES for o in graph.objects(subject, p)))
    declared = {OWL.NamedIndividual, SKOS.Concept}
    types = _iris(t for t in graph.objects(subject, RDF.type) if t not in declared)
    return Term(
        iri=iri,
        name=name,
        kind=kind,
        label=_text(graph, subject, _LABELS),
        definition=_text(graph, subject, _DEFINITIONS),
        notes=notes,
        types=types if kind in ("individual", "concept") else (),
        supers=supers,
        domain=_members(graph, graph.objects(subject, RDFS.domain)),
        range=_members(graph, graph.objects(subject, RDFS.range)),
        alignments=alignments,
        direct_property=str(direct) if isinstance(direct, rdflib.URIRef) else None,
        constraints=tuple(constraints),
        ours=iri.startswith((GSO, ROLES)),
    )


def _text(
    graph: rdflib.Graph, subject: rdflib.term.Node, predicates: Iterable[rdflib.URIRef]
) -> str:
    """The first value of the first predicate that has one, English preferred."""
    for predicate in predicates:
        values = sorted(
            (o for o in graph.objects(subject, predicate) if isinstance(o, rdflib.Literal)),
            key=lambda o: (o.language not in ("en", None), o.language or "", str(o)),
        )
        if values:
            return str(values[0])
    return ""


def _iris(nodes: Iterable[rdflib.term.Node]) -> tuple[str, ...]:
    return tuple(sorted({str(n) for n in nodes if isinstance(n, rdflib.URIRef)}))


def _members(graph: rdflib.Graph, nodes: Iterable[rdflib.term.Node]) -> tuple[str, ...]:
    """Named classes, with a class union (``owl:unionOf``) replaced by its members."""
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, rdflib.URIRef):
            found.add(str(node))
            continue
        union = graph.value(node, OWL.unionOf)
        if union is not None:
            found.update(str(m) for m in Collection(graph, union) if isinstance(m, rdflib.URIRef))
    return tuple(sorted(found))


def _constraints(graph: rdflib.Graph) -> dict[str, tuple[Constraint, ...]]:
    """The shapes' property constraints, by the class (or property) they apply to.

    A node shape with ``sh:targetClass C`` puts its property shapes on ``C``, and so does
    one whose SPARQL target picks some instances of ``C`` (``gsh:targetSubsetOf C``: the
    claims that are not editorial); one with ``sh:targetObjectsOf p`` puts them on the
    declared range of ``p``; a property shape with ``sh:targetSubjectsOf p`` puts itself
    on the property ``p``.
    """
    found: dict[str, set[Constraint]] = defaultdict(set)
    classes = [
        *graph.subject_objects(SH.targetClass),
        *graph.subject_objects(_TARGET_SUBSET),
    ]
    for shape, target in classes:
        for prop in graph.objects(shape, SH.property):
            constraint = _constraint(graph, prop)
            if constraint is not None:
                found[str(target)].add(constraint)
    for shape, prop in graph.subject_objects(SH.targetObjectsOf):
        for ranged in _members(graph, graph.objects(prop, RDFS.range)):
            for member in graph.objects(shape, SH.property):
                constraint = _constraint(graph, member)
                if constraint is not None:
                    found[ranged].add(constraint)
    for shape, target in graph.subject_objects(SH.targetSubjectsOf):
        constraint = _constraint(graph, shape)
        if constraint is not None:
            found[str(target)].add(constraint)
    return {
        k: tuple(sorted(v, key=lambda c: (compact(c.path), c.message, repr(c))))
        for k, v in found.items()
    }


def _or_branches(graph: rdflib.Graph, node: rdflib.term.Node) -> list[rdflib.term.Node]:
    return [
        member
        for alternatives in graph.objects(node, SH["or"])
        for member in Collection(graph, alternatives)
    ]


def _constraint(graph: rdflib.Graph, shape: rdflib.term.Node) -> Constraint | None:
    path = graph.value(shape, SH.path)
    if not isinstance(path, rdflib.URIRef):
        return None
    options = [shape, *_or_branches(graph, shape)]
    classes = _iris(c for o in options for c in graph.objects(o, SH["class"]))
    datatypes = _iris(d for o in options for d in graph.objects(o, SH.datatype))
    for node_shape in graph.objects(shape, SH.node):
        datatypes += _iris(
            d for o in _or_branches(graph, node_shape) for d in graph.objects(o, SH.datatype)
        )
    values = [v for o in options for v in graph.objects(o, SH.hasValue)]
    for listed in graph.objects(shape, SH["in"]):
        values += list(Collection(graph, listed))
    low = graph.value(shape, SH.minCount)
    high = graph.value(shape, SH.maxCount)
    return Constraint(
        path=str(path),
        classes=classes,
        datatypes=tuple(sorted(set(datatypes))),
        values=_iris(values),
        min_count=int(low) if isinstance(low, rdflib.Literal) else None,
        max_count=int(high) if isinstance(high, rdflib.Literal) else None,
        message=_text(graph, shape, (SH.message,)),
    )
