"""Converting terms between pyoxigraph (gsekg's currency) and rdflib (owlrl, the rdflib engine)."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import rdflib
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Triple

from gsekg.errors import EngineError
from gsekg.terms import Term

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_rdflib(term: Term) -> rdflib.term.Identifier:
    """The rdflib term for a pyoxigraph term; literals keep their exact lexical form."""
    if isinstance(term, NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language, normalize=False)
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return rdflib.Literal(term.value, normalize=False)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(datatype), normalize=False)
    raise EngineError("the rdflib engine cannot handle RDF-star triple terms")


def from_rdflib(term: rdflib.term.Node) -> NamedNode | BlankNode | Literal:
    """The pyoxigraph term for an rdflib term."""
    if isinstance(term, rdflib.URIRef):
        return NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        lexical = str(term)
        if term.language:
            return Literal(lexical, language=term.language)
        if term.datatype is None:
            return Literal(lexical)
        return Literal(lexical, datatype=NamedNode(str(term.datatype)))
    raise EngineError(f"unsupported rdflib term {term!r}")


def to_rdflib_graph(statements: Iterable[Triple | Quad]) -> rdflib.Graph:
    """An rdflib Graph of the triples of ``statements`` (the graph name of a quad is dropped)."""
    graph = rdflib.Graph()
    for statement in statements:
        graph.add(
            (
                to_rdflib(statement.subject),
                to_rdflib(statement.predicate),
                to_rdflib(statement.object),
            )
        )
    return graph


def to_rdflib_dataset(quads: Iterable[Quad]) -> rdflib.Dataset:
    """An rdflib Dataset holding ``quads`` (default-graph quads go to its default graph).

    SPARQL on it reads the default graph as the default graph, as Oxigraph does: the view
    the build put there (every claim, or the best-ranked ones), not the union of the claim
    graphs (rdflib's deprecation warnings for that path are silenced).
    """
    with quiet_rdflib():
        dataset = rdflib.Dataset(default_union=False)
        graphs: dict[NamedNode | BlankNode | DefaultGraph, rdflib.Graph] = {
            DefaultGraph(): dataset.default_graph
        }
        for quad in quads:
            graph = graphs.get(quad.graph_name)
            if graph is None:
                name = to_rdflib(quad.graph_name)  # type: ignore[arg-type]
                graph = graphs[quad.graph_name] = dataset.graph(name)
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return dataset


@contextmanager
def quiet_rdflib() -> Iterator[None]:
    """Silence the DeprecationWarnings rdflib 7 raises from its own internals."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield
