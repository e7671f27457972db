"""Reading what the commands need from an engine, one small SPARQL query at a time.

:class:`GraphReader` is how ``describe``, ``why``, ``stats``, ``timeline`` and the network
labels see the graph: each asks for the facts about one entity, the labels and types of a
few terms, or the claims stating a few triples, and never reads every quad. The same
queries run on the embedded Oxigraph store, the rdflib engine and a remote endpoint, so
all three show the same thing.

Stated and derived. The default graph (the simple view) holds the claims' triples, the
registry and the ontology, plus what rules and inference derived. A triple is *stated*
when a claim graph holds it, *derived* when :meth:`GraphReader.derivable` can rebuild it
from other triples (a rule, a sub-property or inverse, a subclass, a domain or range), and
otherwise *registered* (the entity registry and the ontology). The plain views of
``describe`` show stated and registered triples, so a remote endpoint that holds the
inferred graph shows what a local store built without inference shows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from gsekg.errors import InputError, NotFoundError
from gsekg.namespaces import BASE, GSE, GSO, PREFIXES, SRC, compact
from gsekg.render import display
from gsekg.snapshot import NARY_CLASSES, PREF_LABEL
from gsekg.terms import QueryResult, Term

if TYPE_CHECKING:
    from gsekg.engines import Engine

Span = tuple[int, int]
BATCH = 200
"""Terms per VALUES block."""
VIEW_GRAPHS = BASE + "view/"
"""Named graphs under this namespace are views of the claims (the best view), not claims."""
"""Classes of n-ary nodes, structured values and claims: not entities in their own right."""
_NARY_LIST = ", ".join(f"<{c.value}>" for c in sorted(NARY_CLASSES, key=str))


@dataclass(frozen=True)
class Claim:
    """One claim (a named graph) and its provenance."""

    iri: NamedNode | BlankNode
    sources: tuple[NamedNode, ...]
    source_ids: tuple[str, ...]
    spans: tuple[Span, ...]
    rank: str | None = None
    """``preferred``, ``normal`` or ``deprecated`` (``None`` where no rank is stated)."""
    rank_reason: str | None = None
    stated_by: NamedNode | None = None
    """Whose statement it is, for reported speech (``gso:statedBy``)."""
    editorial: bool = False
    """The curators' inference (``gso:EditorialClaim``) rather than one article's statement;
    its sources are the articles its evidence lies in."""
    basis: tuple[NamedNode, ...] = ()
    """The claims it is derived from (an editorial claim's source claims)."""
    located: tuple[tuple[str | None, Span], ...] = ()
    """Each span with the id of the article it lies in, in the order of ``spans``."""

    @property
    def source(self) -> NamedNode | None:
        """The first source article, if any."""
        return self.sources[0] if self.sources else None

    @property
    def source_id(self) -> str | None:
        """The corpus file stem of the first source article, if any."""
        return self.source_ids[0] if self.source_ids else None

    def spans_in(self) -> list[tuple[str | None, Span]]:
        """Each span with the id of its article (a source claim's spans are all in its one)."""
        return list(self.located) or [(self.source_id, span) for span in self.spans]


@dataclass(frozen=True)
class Fact:
    """A default-graph triple and the claims (named graphs) that state it."""

    triple: Triple
    claims: tuple[NamedNode | BlankNode, ...]


def sparql_term(term: Term) -> str:
    """A term in SPARQL syntax (IRIs and literals only; pyoxigraph escapes them)."""
    if not isinstance(term, NamedNode | Literal):
        raise InputError(f"{display(term)}: only IRIs and literals can be sent in a query")
    return str(term)


def values(variable: str, terms: Iterable[Term]) -> str:
    """A ``VALUES ?variable { … }`` block of the IRIs and literals among ``terms``."""
    cells = " ".join(sparql_term(t) for t in terms if isinstance(t, NamedNode | Literal))
    return f"VALUES ?{variable} {{ {cells} }}"


def _chunks(terms: Iterable[Term]) -> list[list[Term]]:
    unique: list[Term] = sorted({t for t in terms if isinstance(t, NamedNode | Literal)}, key=str)
    return [unique[i : i + BATCH] for i in range(0, len(unique), BATCH)]


class GraphReader:
    """Targeted reads of one engine, with small caches for labels, types and claims."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        default = engine.default_graph
        views = sparql_term(Literal(VIEW_GRAPHS))
        self._not_claim = f"FILTER(!STRSTARTS(STR(?g), {views}))" + (
            f" FILTER(?g != {sparql_term(default)})" if default else ""
        )
        self._labels: dict[Term, str] = {}
        self._types: dict[Term, frozenset[NamedNode]] = {}
        self._claims: dict[Term, Claim] = {}
        self._supers: dict[NamedNode, frozenset[NamedNode]] = {}

    # Queries -------------------------------------------------------------------------------

    def in_claim(self, pattern: str) -> str:
        """``GRAPH ?g { pattern }`` for claim graphs only (not a server's default graph)."""
        return f"GRAPH ?g {{ {pattern} }} {self._not_claim}"

    def select(self, sparql: str) -> QueryResult:
        """Run a SELECT (or ASK) with the engine."""
        return self.engine.query(sparql)

    def ask(self, sparql: str) -> bool:
        """Run an ASK."""
        return bool(self.engine.query(sparql).boolean)

    # Terms ---------------------------------------------------------------------------------

    def exists(self, term: NamedNode) -> bool:
        """Whether ``term`` occurs as subject or object in the simple view."""
        t = sparql_term(term)
        return self.ask(f"ASK {{ {{ {t} ?p ?o }} UNION {{ ?s ?p {t} }} }}")

    def labels(self, terms: Iterable[Term]) -> dict[Term, str]:
        """The preferred label of each term (see :meth:`label`)."""
        terms = list(terms)
        wanted = [t for t in terms if t not in self._labels and isinstance(t, NamedNode)]
        for chunk in _chunks(wanted):
            found: dict[Term, list[str]] = defaultdict(list)
            result = self.select(
                f"SELECT ?n ?l WHERE {{ {values('n', chunk)} ?n skos:prefLabel ?l }}"
            )
            for n, label in result.rows:
                if n is not None and isinstance(label, Literal):
                    found[n].append(label.value)
            for t in chunk:
                self._labels[t] = min(found[t]) if found.get(t) else display(t)
        return {t: self._label_of(t) for t in terms}

    def label(self, term: Term) -> str:
        """A short name for people: the preferred label, else the compact IRI or literal text."""
        return self.labels([term])[term]

    def _label_of(self, term: Term) -> str:
        if isinstance(term, Literal):
            return term.value
        return self._labels.get(term) or display(term)

    def types(self, terms: Iterable[Term]) -> dict[Term, frozenset[NamedNode]]:
        """The classes of each term (asserted or inferred)."""
        terms = list(terms)
        wanted = [t for t in terms if t not in self._types and isinstance(t, NamedNode)]
        for chunk in _chunks(wanted):
            found: dict[Term, set[NamedNode]] = defaultdict(set)
            result = self.select(f"SELECT ?n ?t WHERE {{ {values('n', chunk)} ?n a ?t }}")
            for n, cls in result.rows:
                if n is not None and isinstance(cls, NamedNode):
                    found[n].add(cls)
            for t in chunk:
                self._types[t] = frozenset(found.get(t, ()))
        return {t: self._types.get(t, frozenset()) for t in terms}

    def type_set(self, term: Term) -> frozenset[NamedNode]:
        """The classes of one term."""
        return self.types([term])[term]

    def is_nary(self, term: Term) -> bool:
        """Whether ``term`` is an n-ary node (role, post, quantity…), not an entity."""
        return isinstance(term, BlankNode) or bool(self.type_set(term) & NARY_CLASSES)

    def superclasses(self, classes: Iterable[NamedNode]) -> dict[NamedNode, frozenset[NamedNode]]:
        """Each class's strict superclasses (through ``rdfs:subClassOf`` chains)."""
        classes = list(classes)
        wanted = [c for c in classes if c not in self._supers]
        for chunk in _chunks(wanted):
            found: dict[Term, set[NamedNode]] = defaultdict(set)
            # one branch per class: some servers (Virtuoso) need a path's start written out
            branches = " UNION ".join(
                f"{{ BIND({sparql_term(c)} AS ?c) {sparql_term(c)} rdfs:subClassOf+ ?d }}"
                for c in chunk
            )
            result = self.select(f"SELECT ?c ?d WHERE {{ {branches} }}")
            for c, d in result.rows:
                if c is not None and isinstance(d, NamedNode) and d != c:
                    found[c].add(d)
            for c in chunk:
                if isinstance(c, NamedNode):
                    self._supers[c] = frozenset(found.get(c, ()))
        return {c: self._supers.get(c, frozenset()) for c in classes}

    def most_specific(self, types: Iterable[NamedNode]) -> list[NamedNode]:
        """The classes among ``types`` that are not superclasses of another of them."""
        types = set(types)
        supers = set().union(*self.superclasses(types).values()) if types else set()
        specific = sorted((t for t in types if t not in supers), key=lambda t: t.value)
        return specific or sorted(types, key=lambda t: t.value)

    # Facts and claims ----------------------------------------------------------------------

    def facts_about(self, entity: NamedNode) -> tuple[list[Fact], list[Fact]]:
        """The default-graph triples with ``entity`` as subject, and as object, with claims."""
        e = sparql_term(entity)
        out = self._facts(
            f"SELECT ?s ?p ?o ?g WHERE {{ BIND({e} AS ?s) {e} ?p ?o . "
            f"OPTIONAL {{ GRAPH ?g {{ {e} ?p ?o }} {self._not_claim} }} }}"
        )
        into = self._facts(
            f"SELECT ?s ?p ?o ?g WHERE {{ BIND({e} AS ?o) ?s ?p {e} . "
            f"OPTIONAL {{ GRAPH ?g {{ ?s ?p {e} }} {self._not_claim} }} }}"
        )
        return out, into

    def nary_facts(self, entity: NamedNode, *, incoming: bool) -> list[Fact]:
        """The triples of the n-ary nodes linked to ``entity`` (one step out, or in)."""
        e = sparql_term(entity)
        link = f"?n ?link {e}" if incoming else f"{e} ?link ?n"
        return self._facts(
            # the n-ary neighbours first, then their triples (OPTIONAL: evaluated per node,
            # so that no engine expands the triples of every neighbour)
            f"SELECT DISTINCT ?s ?p ?o ?g WHERE {{ "
            f"{{ {link} . ?n a ?nc . FILTER(?nc IN ({_NARY_LIST})) }} "
            f"UNION {{ {link} . FILTER(isBlank(?n)) }} "
            f"OPTIONAL {{ ?n ?p ?o . OPTIONAL {{ GRAPH ?g {{ ?n ?p ?o }} {self._not_claim} }} }} "
            f"BIND(?n AS ?s) }}"
        )

    def _facts(self, sparql: str) -> list[Fact]:
        result = self.select(sparql)
        claims: dict[Triple, set[NamedNode | BlankNode]] = defaultdict(set)
        for s, p, o, g in result.rows:
            if s is None or not isinstance(p, NamedNode) or o is None:
                continue
            triple = Triple(s, p, o)  # type: ignore[arg-type]
            found = claims[triple]
            if isinstance(g, NamedNode | BlankNode):
                found.add(g)
        return [
            Fact(t, tuple(sorted(gs, key=str)))
            for t, gs in sorted(claims.items(), key=lambda kv: str(kv[0]))
        ]

    def claims_of(
        self, triples: Sequence[Triple]
    ) -> dict[Triple, tuple[NamedNode | BlankNode, ...]]:
        """The claim graphs stating each triple (IRIs and literals only)."""
        found: dict[Triple, set[NamedNode | BlankNode]] = defaultdict(set)
        sendable = [t for t in triples if _sendable(t)]
        for i in range(0, len(sendable), BATCH):
            rows = " ".join(
                f"({sparql_term(t.subject)} {sparql_term(t.predicate)} {sparql_term(t.object)})"
                for t in sendable[i : i + BATCH]
            )
            result = self.select(
                f"SELECT ?s ?p ?o ?g WHERE {{ VALUES (?s ?p ?o) {{ {rows} }} "
                f"GRAPH ?g {{ ?s ?p ?o }} {self._not_claim} }}"
            )
            for s, p, o, g in result.rows:
                if isinstance(g, NamedNode | BlankNode):
                    found[Triple(s, p, o)].add(g)  # type: ignore[arg-type]
        return {t: tuple(sorted(found.get(t, ()), key=str)) for t in triples}

    def claims(self, names: Iterable[NamedNode | BlankNode]) -> dict[Term, Claim]:
        """Source articles, their ids and the spans of each claim."""
        names = list(names)
        wanted = [n for n in names if n not in self._claims]
        ids: dict[Term, str] = {}

        def source_id(source: NamedNode) -> str:
            return ids.get(source, source.value.removeprefix(SRC))

        for chunk in _chunks(wanted):
            sources: dict[Term, set[NamedNode]] = defaultdict(set)
            spans: dict[Term, set[tuple[Span, NamedNode | None]]] = defaultdict(set)
            result = self.select(
                f"SELECT ?c ?src ?id WHERE {{ {values('c', chunk)} "
                "?c prov:wasDerivedFrom|gso:evidence/oa:hasSource ?src . FILTER(isIRI(?src)) "
                "FILTER NOT EXISTS { ?src a gso:Claim } "
                "OPTIONAL { ?src dcterms:identifier ?id } }"
            )
            for c, src, ident in result.rows:
                if isinstance(src, NamedNode):
                    sources[c].add(src)  # type: ignore[index]
                    if isinstance(ident, Literal):
                        ids[src] = ident.value
            result = self.select(
                f"SELECT DISTINCT ?c ?sel ?start ?end ?src WHERE {{ {values('c', chunk)} "
                "{ ?c oa:hasSelector ?sel } UNION "
                "{ ?c gso:evidence ?e . ?e oa:hasSelector ?sel OPTIONAL { ?e oa:hasSource ?src } } "
                "?sel oa:start ?start ; oa:end ?end }"
            )
            for c, _, start, end, src in result.rows:
                if c is None:
                    continue
                try:
                    span = (int(start.value), int(end.value))  # type: ignore[union-attr]
                except (AttributeError, ValueError):
                    continue
                spans[c].add((span, src if isinstance(src, NamedNode) else None))
            ranks: dict[Term, tuple[str | None, str | None, NamedNode | None]] = {}
            result = self.select(
                f"SELECT ?c ?rank ?reason ?by WHERE {{ {values('c', chunk)} "
                "OPTIONAL { ?c gso:rank ?rank } OPTIONAL { ?c gso:rankReason ?reason } "
                "OPTIONAL { ?c gso:statedBy ?by } }"
            )
            for c, rank, reason, by in result.rows:
                if c is None or c in ranks:
                    continue
                ranks[c] = (
                    _rank_name(rank),
                    reason.value if isinstance(reason, Literal) else None,
                    by if isinstance(by, NamedNode) else None,
                )
            editorial = {
                c
                for (c,) in self.select(
                    f"SELECT ?c WHERE {{ {values('c', chunk)} ?c a gso:EditorialClaim }}"
                ).rows
            }
            basis: dict[Term, set[NamedNode]] = defaultdict(set)
            for c, claim in self.select(
                f"SELECT ?c ?b WHERE {{ {values('c', chunk)} "
                "?c prov:wasDerivedFrom ?b . ?b a gso:Claim }"
            ).rows:
                if isinstance(claim, NamedNode):
                    basis[c].add(claim)  # type: ignore[index]

            for c in chunk:
                found = tuple(sorted(sources.get(c, ()), key=lambda s: s.value))
                claim_rank, claim_reason, claim_by = ranks.get(c, (None, None, None))
                # an editorial claim's spans lie in several articles: each keeps its own
                located = sorted(
                    (source_id(s), span)
                    for span, s in spans.get(c, ())
                    if s is not None and c in editorial
                )
                self._claims[c] = Claim(
                    iri=c,  # type: ignore[arg-type]
                    sources=found,
                    source_ids=tuple(source_id(s) for s in found),
                    spans=tuple(sorted({span for span, _ in spans.get(c, ())})),
                    rank=claim_rank,
                    rank_reason=claim_reason,
                    stated_by=claim_by,
                    editorial=c in editorial,
                    basis=tuple(sorted(basis.get(c, ()), key=lambda b: b.value)),
                    located=tuple((i, span) for i, span in located),
                )
        return {
            n: self._claims.get(n) or Claim(n, (), (), ())
            for n in names  # blank-node claims cannot be asked about
        }

    def source_ids(self, claims: Iterable[NamedNode | BlankNode]) -> tuple[str, ...]:
        """The sorted, distinct source ids of ``claims``."""
        found = self.claims(claims)
        return tuple(sorted({i for c in found.values() for i in c.source_ids}))

    # Names ---------------------------------------------------------------------------------

    def resolve(self, name: str) -> NamedNode:
        """The entity ``name`` refers to: an IRI, compact name, ``gse:`` slug, label or alias.

        Raises:
            NotFoundError: nothing is called ``name`` (with the nearest names).
            AmbiguousNameError: several entities share the name and none has it as
                preferred label.
        """
        from gsekg.entities import normalise

        iri = self._as_iri(name.strip())
        if iri is not None:
            return iri
        wanted = normalise(name)
        hits = [n for n in self._names(name) if normalise(n[1]) == wanted]
        if hits:
            return NameTable(hits).resolve(name)
        return self.name_table().resolve(name)

    def name_table(self) -> NameTable:
        """Every name of every ``gse:``/``src:`` entity (one query over the name properties)."""
        return NameTable(self._names(None))

    def resolve_value(self, text: str) -> NamedNode | str:
        """A value named on the command line: an entity or class if one is called so, else
        the text of a literal."""
        from gsekg.entities import AmbiguousNameError

        iri = self._as_iri(text.strip())
        if iri is not None:
            return iri
        try:
            return self.resolve(text)
        except AmbiguousNameError:
            raise
        except NotFoundError:
            return text

    def _as_iri(self, name: str) -> NamedNode | None:
        from gsekg.entities import iri_spellings

        return next((iri for iri in iri_spellings(name) if self.exists(iri)), None)

    def _names(self, text: str | None) -> list[tuple[NamedNode, str, NamedNode]]:
        """(entity, name, name property) of ``gse:``/``src:`` entities; with ``text``, only
        the names equal to it ignoring case (the fast path: the engine filters)."""
        from gsekg.entities import LABEL_KINDS

        kinds = " ".join(f"<{k.value}>" for k in LABEL_KINDS)
        match = ""
        if text is not None:
            wanted = sparql_term(Literal(" ".join(text.split()).lower()))
            match = f"FILTER(LCASE(STR(?l)) = {wanted})"
        result = self.select(
            f"SELECT ?e ?l ?k WHERE {{ VALUES ?k {{ {kinds} }} ?e ?k ?l . "
            f'FILTER(isIRI(?e) && (STRSTARTS(STR(?e), "{GSE}") || STRSTARTS(STR(?e), "{SRC}"))) '
            f"{match} }}"
        )
        return [
            (e, label.value, k)
            for e, label, k in result.rows
            if isinstance(e, NamedNode) and isinstance(label, Literal) and isinstance(k, NamedNode)
        ]

    def resolve_property(self, name: str) -> NamedNode:
        """The property ``name`` means: an IRI, a compact name, or a local name (``startDate``).

        Only properties used in the graph are known; local names compare case-insensitively.

        Raises:
            NotFoundError: no property in use has that name (with the nearest ones).
            AmbiguousNameError: the local name belongs to several namespaces.
        """
        from gsekg.entities import match_property, property_iri

        text = property_iri(name)
        try:
            iri = NamedNode(text) if ":" in text and " " not in text else None
        except ValueError:
            iri = None
        if iri is not None and self.ask(f"ASK {{ ?s {sparql_term(iri)} ?o }}"):
            return iri  # one ASK, not the list of every property in use
        return match_property(name, self._used_properties())

    def _used_properties(self) -> list[NamedNode]:
        result = self.select("SELECT DISTINCT ?p WHERE { ?s ?p ?o }")
        return sorted((p for (p,) in result.rows if isinstance(p, NamedNode)), key=str)

    # Derivations ---------------------------------------------------------------------------

    def derivable(self, triples: Sequence[Triple]) -> set[Triple]:
        """Those of ``triples`` that a rule or inference step rebuilds from other triples."""
        from gsekg.derivation import derivable

        return derivable(self, triples)

    def derivations(self, triples: Sequence[Triple]) -> dict[Triple, set[str]]:
        """How each derivable triple among ``triples`` can be derived (``rule``, ``subclass``…)."""
        from gsekg.derivation import ways_of

        return ways_of(self, triples)


class NameTable:
    """Names of entities, resolved as :meth:`GraphReader.resolve` does, without the engine."""

    def __init__(self, names: Iterable[tuple[NamedNode, str, NamedNode]]) -> None:
        from gsekg.entities import normalise

        self.names = sorted(set(names), key=lambda n: (n[0].value, n[1], n[2].value))
        self.by_key: dict[str, list[tuple[NamedNode, str, NamedNode]]] = defaultdict(list)
        for found in self.names:
            self.by_key[normalise(found[1])].append(found)
        self.entities = {e for e, _, _ in self.names}

    def resolve(self, name: str) -> NamedNode:
        """The entity called ``name`` (IRI, compact name, slug or any name).

        Raises:
            NotFoundError: nothing is called ``name`` (with the nearest names).
            AmbiguousNameError: several entities share the name, none as preferred label.
        """
        from gsekg.entities import AmbiguousNameError, normalise

        text = name.strip()
        prefix, colon, local = text.partition(":")
        for candidate in (
            text.removeprefix("<").removesuffix(">"),
            PREFIXES[prefix] + local if colon and prefix in PREFIXES else GSE + text,
        ):
            for entity in self.entities:
                if entity.value == candidate:
                    return entity
        hits = self.by_key.get(normalise(name), [])
        entities = sorted({e for e, _, _ in hits}, key=lambda e: e.value)
        if len(entities) > 1:
            preferred = {e for e, _, kind in hits if kind == PREF_LABEL}
            if len(preferred) == 1:
                return preferred.pop()
            raise AmbiguousNameError(name, [compact(e.value) for e in entities])
        if entities:
            return entities[0]
        raise NotFoundError(f"no entity is called {name!r}", self.suggestions(name))

    def label(self, entity: NamedNode) -> str | None:
        """The preferred label of ``entity``, if it has one."""
        return next((n for e, n, kind in self.names if e == entity and kind == PREF_LABEL), None)

    def suggestions(self, name: str, limit: int = 3) -> list[str]:
        """The names nearest to ``name``: ``text (compact name)``, one per entity."""
        from rapidfuzz import fuzz, process

        from gsekg.entities import MISSPELLING_PENALTY, normalise

        query = normalise(name)
        if not query:
            return []
        scored = process.extract(
            query, list(self.by_key), scorer=fuzz.WRatio, limit=None, score_cutoff=60
        )
        misspelling = PREFIXES["gso"] + "misspelling"
        typos = {(e, text) for e, text, kind in self.names if kind.value == misspelling}
        best: dict[NamedNode, tuple[float, str]] = {}
        for key, found, _ in scored:
            for entity, text, _ in self.by_key[key]:
                # canonical names first: a typo (under any of its name properties, e.g. the
                # inferred hiddenLabel) is suggested only when nothing better is near
                score = found - MISSPELLING_PENALTY if (entity, text) in typos else found
                if entity not in best or score > best[entity][0]:
                    best[entity] = (score, text)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], len(kv[1][1]), kv[0].value))
        return [f"{text} ({compact(e.value)})" for e, (_, text) in ranked[:limit]]


def _sendable(triple: Triple) -> bool:
    return all(isinstance(t, NamedNode | Literal) for t in triple)


def _rank_name(rank: Term | None) -> str | None:
    """``gso:PreferredRank`` → ``preferred`` (``None`` for no rank or another term)."""
    if not isinstance(rank, NamedNode) or not rank.value.startswith(GSO):
        return None
    name = rank.value.removeprefix(GSO)
    return name.removesuffix("Rank").lower() if name.endswith("Rank") else None
