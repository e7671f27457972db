"""Building the dataset: claim graphs, a view in the default graph, rules and inference.

Steps (see docs/model.md):

1. every quad of every file is added as is, and the default graph receives the *view*:
   - ``union`` (the *simple view*): a copy of every triple of every named (claim) graph,
     made while the files are read;
   - ``best``: for each subject and property the claims state, the triples of the preferred
     claims if there are any, else of the normal ones (deprecated never), selected once the
     ranks are known and bulk-loaded after the files;
2. the CONSTRUCT rules in ``ontology/rules/*.rq`` run on the default graph and their triples
   are added to it;
3. inference adds the entailed triples to the default graph only, then rules and inference
   alternate until neither adds anything.

Each view is its own store (:class:`gsekg.store.Inputs` ``view``), so a build pays only for
the view it is asked for, and ``GRAPH ?g`` reads claim graphs and nothing else.

Inference: up to :data:`OWLRL_LIMIT` default-graph triples it is owlrl's OWL-RL closure (which
gives subclass, subproperty, equivalence and inverse closure), without its trivial output.
Above that, owlrl (pure Python, minutes per million triples) is replaced by
:data:`RDFS_LITE`, SPARQL updates run inside Oxigraph: class and property hierarchies
(with equivalences) and inverses, which is what the saved queries rely on.
"""

from __future__ import annotations

import io
import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Quad, Store

from gsekg.errors import InputError
from gsekg.loader import parse_file, unreadable
from gsekg.namespaces import PREFIXES, VIEWS

Progress = Callable[[int, int], None]
"""Called with (bytes read so far, total bytes) while files are loaded."""

OWLRL_LIMIT = 50_000
BATCH = 200_000
MAX_ROUNDS = 5
_AXIOM_NAMESPACES = tuple(PREFIXES[p] for p in ("rdf", "rdfs", "owl", "xsd"))
_RDF_TYPE = PREFIXES["rdf"] + "type"
_TRIVIAL_OBJECTS = frozenset(
    PREFIXES[ns] + name
    for ns, name in (
        ("rdfs", "Resource"),
        ("owl", "Thing"),
        ("owl", "Nothing"),
        ("rdfs", "Literal"),
        ("owl", "topObjectProperty"),
        ("owl", "topDataProperty"),
        ("owl", "bottomObjectProperty"),
        ("owl", "bottomDataProperty"),
    )
)
_REFLEXIVE = frozenset(
    PREFIXES[ns] + name
    for ns, name in (
        ("owl", "sameAs"),
        ("owl", "equivalentClass"),
        ("owl", "equivalentProperty"),
        ("rdfs", "subClassOf"),
        ("rdfs", "subPropertyOf"),
    )
)
_OWLRL_ERROR = "http://www.daml.org/2002/03/agents/agent-ont#"

_SUBPROPERTIES = """INSERT { ?s ?q ?o } WHERE {
    ?p rdfs:subPropertyOf ?q . ?s ?p ?o . FILTER(isIRI(?q)) }"""
RDFS_LITE = (
    # the hierarchies first (small), so that one pass over the instances is enough
    """INSERT { ?c rdfs:subClassOf ?d } WHERE {
        ?c (rdfs:subClassOf|owl:equivalentClass|^owl:equivalentClass)+ ?d .
        FILTER(?c != ?d && isIRI(?d) && isIRI(?c)) }""",
    """INSERT { ?p rdfs:subPropertyOf ?q } WHERE {
        ?p (rdfs:subPropertyOf|owl:equivalentProperty|^owl:equivalentProperty)+ ?q .
        FILTER(?p != ?q && isIRI(?p) && isIRI(?q)) }""",
    _SUBPROPERTIES,
    """INSERT { ?o ?q ?s } WHERE {
        ?p owl:inverseOf|^owl:inverseOf ?q . ?s ?p ?o . FILTER(!isLiteral(?o) && isIRI(?q)) }""",
    _SUBPROPERTIES,
    """INSERT { ?x a ?d } WHERE { ?c rdfs:subClassOf ?d . ?x a ?c . FILTER(isIRI(?d)) }""",
)
"""RDFS-lite: class and property hierarchies (with equivalences) and inverses, in one pass."""


@dataclass
class BuildStats:
    """What a build produced."""

    files: int = 0
    quads: int = 0
    named_graphs: int = 0
    rule_triples: int = 0
    inferred_triples: int = 0
    """Added to the default graph by inference; rules: ``rule_triples``."""
    view: str = "union"
    """What the default graph holds (:data:`VIEWS`)."""
    view_triples: int = 0
    """Claim triples the view copied into the default graph (a triple two claims state
    counts twice; the store holds it once)."""
    inference: str = "none"
    inconsistencies: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """The stats as a JSON-ready dict."""
        return asdict(self)


def build(
    store: Store,
    files: Iterable[Path],
    *,
    rules: Iterable[Path] = (),
    inference: bool = True,
    progress: Progress | None = None,
    bulk: bool = False,
    view: str = "union",
) -> BuildStats:
    """Fill an empty store with the dataset of ``files``.

    Args:
        store: the empty target store.
        files: RDF files, loaded in this order.
        rules: SPARQL CONSTRUCT files whose results join the default graph.
        inference: apply the rules and inference (``False``: only the files and the view).
        progress: reports bytes read while loading.
        bulk: load with ``Store.bulk_extend`` (an on-disk store; not transactional).
        view: what the default graph holds besides the files' own default-graph triples
            (:data:`VIEWS`).
    """
    if view not in VIEWS:
        raise InputError(f"unknown view {view!r} (choose from: {', '.join(VIEWS)})")
    started = time.perf_counter()
    files = list(files)
    stats = BuildStats(files=len(files), view=view)
    graphs, copied = load(store, files, progress=progress, bulk=bulk, copy=view == "union")
    if view == "best":
        copied = add_best_view(store, bulk=bulk)
    size = len(store)
    stats.view_triples = copied
    if inference:
        rule_texts = [_read_rule(path) for path in rules]
        derived = apply_rules(store, rule_texts)
        for _ in range(MAX_ROUNDS):
            added = infer(store, stats, size=size + derived)
            derived += added
            stats.inferred_triples += added
            if not added:
                break
            more = apply_rules(store, rule_texts)
            derived += more
            if not more:
                break
        size += derived
        stats.rule_triples = derived - stats.inferred_triples
    stats.named_graphs = len(graphs)
    stats.quads = size
    stats.seconds = round(time.perf_counter() - started, 3)
    return stats


def load(
    store: Store,
    files: list[Path],
    *,
    progress: Progress | None = None,
    bulk: bool = False,
    copy: bool = True,
) -> tuple[set[NamedNode | BlankNode], int]:
    """Add every quad of ``files`` and, with ``copy``, a default-graph copy of every
    named-graph quad (the union view).

    Returns the names of the named graphs the files fill and how many copies were made
    (counted as they go by, which saves a scan of the store). Quads go in batches of
    :data:`BATCH`: with ``bulk``, each batch is one ``Store.bulk_extend``, which keeps
    memory bounded (one bulk load of a million quads holds over a gigabyte) and, measured,
    loads faster than one call fed by a generator.
    """
    reader = _ProgressReader(files, progress)
    seen = _Seen()
    parsed = (q for path in files for q in parse_file(path, reader.open(path)))
    try:
        _add_in_batches(store, seen.watch(parsed, copy=copy), bulk=bulk)
    finally:
        reader.close()
    return seen.graphs, seen.copies


class _Seen:
    """The named graphs a stream of quads fills, and the default-graph copies it was given."""

    def __init__(self) -> None:
        self.graphs: set[NamedNode | BlankNode] = set()
        self.copies = 0

    def watch(self, quads: Iterator[Quad], *, copy: bool) -> Iterator[Quad]:
        """The quads, each named-graph one followed by its default-graph copy with ``copy``."""
        default = DefaultGraph()
        for quad in quads:
            yield quad
            name = quad.graph_name
            if name != default:
                self.graphs.add(name)  # type: ignore[arg-type]
                if copy:
                    self.copies += 1
                    yield Quad(quad.subject, quad.predicate, quad.object, default)


def _add_in_batches(store: Store, quads: Iterator[Quad], *, bulk: bool) -> None:
    add = store.bulk_extend if bulk else store.extend
    while batch := list(itertools.islice(quads, BATCH)):
        add(batch)


_RANK = NamedNode(PREFIXES["gso"] + "rank")
_PREFERRED = NamedNode(PREFIXES["gso"] + "PreferredRank")
_DEPRECATED = NamedNode(PREFIXES["gso"] + "DeprecatedRank")


def add_best_view(store: Store, *, bulk: bool = False) -> int:
    """Add the best view of the claims to the default graph; return how many copies it made.

    For each subject and property some preferred claim states, only the preferred claims'
    triples; for the others, every claim's that is not deprecated (a named graph without
    a rank counts as normal). The claims are read from the store, so that ranks stated
    anywhere in the files are known; a triple two claims state is copied twice (the store
    keeps one), so that memory holds only the preferred claims' subjects and properties.
    """
    default = DefaultGraph()
    ranks = {
        quad.subject: quad.object
        for quad in store.quads_for_pattern(None, _RANK, None, default)
        if quad.object in (_PREFERRED, _DEPRECATED)
    }
    stated_by_preferred = {
        (q.subject, q.predicate)
        for g, rank in ranks.items()
        if rank == _PREFERRED
        for q in store.quads_for_pattern(None, None, None, g)  # type: ignore[arg-type]
    }
    copies = 0

    def chosen() -> Iterator[Quad]:
        nonlocal copies
        for graph in store.named_graphs():
            rank = ranks.get(graph)
            if rank == _DEPRECATED:
                continue
            for q in store.quads_for_pattern(None, None, None, graph):
                if rank == _PREFERRED or (q.subject, q.predicate) not in stated_by_preferred:
                    copies += 1
                    yield Quad(q.subject, q.predicate, q.object, default)

    _add_in_batches(store, chosen(), bulk=bulk)
    return copies


def apply_rules(store: Store, rules: list[str]) -> int:
    """Run each CONSTRUCT rule on the default graph and add its new triples there."""
    default = DefaultGraph()
    added = 0
    for rule in rules:
        try:
            triples = list(store.query(rule, prefixes=PREFIXES))  # type: ignore[arg-type]
        except SyntaxError as error:
            raise InputError(f"rule: {error}") from None
        new = [
            q
            for t in triples
            if (q := Quad(t.subject, t.predicate, t.object, default)) not in store
        ]
        store.extend(new)
        added += len(set(new))
    return added


def infer(store: Store, stats: BuildStats, *, size: int | None = None) -> int:
    """Add the non-trivial entailments of the default graph to it; return how many.

    Which inference runs depends on the store's size (all quads: a cheap upper bound of
    the default graph's size); ``size``, when the caller knows it, saves counting them.
    """
    before = len(store) if size is None else size
    if before > OWLRL_LIMIT:
        stats.inference = "rdfs-lite"
        return _rdfs_lite(store, before)
    stats.inference = "owl-rl"
    return _owlrl(store, stats)


def _rdfs_lite(store: Store, before: int) -> int:
    """Run :data:`RDFS_LITE`; ``before``: the store's size (the updates only add)."""
    for update in RDFS_LITE:
        store.update(update, prefixes=PREFIXES)
    return len(store) - before


def _owlrl(store: Store, stats: BuildStats) -> int:
    import owlrl
    import rdflib

    from gsekg.bridge import from_rdflib, to_rdflib_graph

    target = DefaultGraph()
    graph = to_rdflib_graph(store.quads_for_pattern(None, None, None, target))
    original = set(graph)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(graph)
    stats.inconsistencies = sum(
        1
        for _ in graph.triples(
            (None, rdflib.RDF.type, rdflib.URIRef(_OWLRL_ERROR + "ErrorMessage"))
        )
    )
    new = []
    for s, p, o in set(graph) - original:
        if isinstance(s, rdflib.Literal) or not isinstance(p, rdflib.URIRef):
            continue
        if _is_trivial(str(s), str(p), o):
            continue
        new.append(Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o), target))  # type: ignore[arg-type]
    store.extend(new)
    return len(new)


def _is_trivial(subject: str, predicate: str, obj: object) -> bool:
    """Whether an owlrl entailment says nothing a user wants to query."""
    import rdflib

    if subject.startswith(_AXIOM_NAMESPACES) or predicate.startswith(_OWLRL_ERROR):
        return True
    if isinstance(obj, rdflib.Literal):
        return predicate == _RDF_TYPE
    if isinstance(obj, rdflib.BNode) and predicate.startswith(_AXIOM_NAMESPACES):
        return True  # membership in, or domain of, an anonymous class expression
    value = str(obj)
    if predicate in _REFLEXIVE and value == subject:
        return True
    if value in _TRIVIAL_OBJECTS or value.startswith(_OWLRL_ERROR):
        return True
    return (
        predicate == _RDF_TYPE
        and value.startswith(_AXIOM_NAMESPACES)
        and (value.endswith(("Datatype", "Literal", "Class", "Property", "Resource")))
    )


def _read_rule(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise unreadable(path, error) from None


class _ProgressReader:
    """Opens the files one by one, counting the bytes read for a progress hook."""

    def __init__(self, files: list[Path], progress: Progress | None) -> None:
        self._progress = progress
        self._done = 0
        self._total = sum(_size(p) for p in files) if progress else 0
        self._current: io.RawIOBase | None = None

    def open(self, path: Path) -> io.RawIOBase | None:
        """A binary stream of the file that reports progress, or ``None`` without a hook."""
        self.close()
        if self._progress is None:
            return None
        try:
            self._current = _Counting(path.open("rb", buffering=0), self._advance)
        except OSError as error:
            raise unreadable(path, error) from None
        return self._current

    def close(self) -> None:
        """Close the current file."""
        if self._current is not None:
            self._current.close()
            self._current = None

    def _advance(self, n: int) -> None:
        self._done += n
        if self._progress is not None:
            self._progress(self._done, self._total)


class _Counting(io.RawIOBase):
    """A raw binary reader that tells ``on_read`` how many bytes each read returned."""

    def __init__(self, raw: io.RawIOBase, on_read: Callable[[int], None]) -> None:
        super().__init__()
        self._raw = raw
        self._on_read = on_read

    def readinto(self, buffer: Any) -> int:
        n = self._raw.readinto(buffer) or 0
        self._on_read(n)
        return n

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._raw.close()
        super().close()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
