"""The ontology page: the project's ontology documentation inside the site's frame.

The page body is what ``gsekg ontology docs`` writes (:mod:`gsekg.ontodoc`: every
term with its definition, super- and sub-terms, domain, range and SHACL
constraints). If that generator is missing or its page cannot be read, a plain
page is built instead from the graph the site is built from, by one SPARQL query
per list. Both give each term the anchor ``prefix-local`` (``gso-theme``,
``roles-host``) that the other pages link to. The page's JSON-LD always comes
from the graph: each term with its label, definition and direct super-terms.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pyoxigraph import Literal, NamedNode

from gsekg.namespaces import compact
from gsekg.site.markup import esc, jsonld_id, page, table, tag

if TYPE_CHECKING:
    from gsekg.engines import Engine

ONTOLOGY = "https://w3id.org/gsekg/ontology"

TERMS_QUERY = f"""
SELECT ?term ?kind ?label ?definition WHERE {{
  ?term rdfs:isDefinedBy <{ONTOLOGY}> ; a ?kind .
  VALUES ?kind {{ owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty
                 owl:NamedIndividual }}
  OPTIONAL {{ ?term rdfs:label ?label }}
  OPTIONAL {{ ?term skos:definition ?definition }}
}}"""

PARENTS_QUERY = f"""
SELECT ?term ?parent WHERE {{
  ?term rdfs:isDefinedBy <{ONTOLOGY}> ; rdfs:subClassOf|rdfs:subPropertyOf ?parent .
  FILTER(isIRI(?parent) && ?parent != ?term)
}}"""

ROLES_QUERY = """
SELECT ?term ?label ?definition ?broader WHERE {
  ?term a skos:Concept ; skos:inScheme roles:scheme .
  OPTIONAL { ?term skos:prefLabel ?label }
  OPTIONAL { ?term skos:definition ?definition }
  OPTIONAL { ?term skos:broader ?broader }
}"""

SECTIONS = (
    ("http://www.w3.org/2002/07/owl#Class", "Classes"),
    ("http://www.w3.org/2002/07/owl#ObjectProperty", "Object properties"),
    ("http://www.w3.org/2002/07/owl#DatatypeProperty", "Data properties"),
    ("http://www.w3.org/2002/07/owl#AnnotationProperty", "Annotation properties"),
    ("http://www.w3.org/2002/07/owl#NamedIndividual", "Individuals"),
)


@dataclass(frozen=True)
class Term:
    """One documented term."""

    iri: str
    label: str
    definition: str
    parents: tuple[str, ...]


def anchor(iri: str) -> str:
    """The fragment id of a term: ``gso-theme`` for ``gso:theme``."""
    return compact(iri).replace(":", "-", 1).strip("<>")


def _text(value: Any) -> str:
    return value.value if isinstance(value, Literal | NamedNode) else ""


def _direct(parents: dict[str, set[str]]) -> dict[str, tuple[str, ...]]:
    """Only the direct parents: the inferred closure less any parent another one is below."""

    def below(other: str, parent: str) -> bool:
        """Whether ``other`` is strictly below ``parent`` (equivalent classes are not)."""
        return parent in parents.get(other, ()) and other not in parents.get(parent, ())

    return {
        term: tuple(sorted(p for p in found if not any(below(o, p) for o in found if o != p)))
        for term, found in parents.items()
    }


def ontology_page(engine: Engine) -> str:
    """The ontology documentation page (from :mod:`gsekg.ontodoc` when it is there)."""
    own, graph = _own_page(engine)
    generated = _generated()
    if generated is None:
        return page("Ontology", own, root="", current="ontology.html", jsonld=graph)
    style, body = generated
    return page(
        "Ontology",
        tag("div", body, class_="ontodoc"),
        root="",
        current="ontology.html",
        jsonld=graph,
        head=f"<style>{style}</style>",
    )


def _generated() -> tuple[str, str] | None:
    """The style and body of the ontology docs generator's page, or ``None``."""
    try:
        from gsekg.ontodoc import render_html
        from gsekg.vocabulary import ontology_graph, read_vocabulary
    except ImportError:
        return None
    document = render_html(read_vocabulary(ontology_graph()))
    body = re.search(r"<body>(.*)</body>", document, re.DOTALL)
    style = re.search(r"<style>(.*?)</style>", document, re.DOTALL)
    if body is None:
        return None
    # the site's stylesheet lays out the page; keep the generator's rules for its own parts
    rules = re.sub(r"(?s)\bbody\s*\{[^}]*\}", "", style.group(1) if style else "")
    return rules.replace("</", "<\\/"), body.group(1)


def _own_page(engine: Engine) -> tuple[str, list[dict[str, Any]]]:
    """A plain ontology page (body) and the terms as JSON-LD."""
    kinds: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, str] = {}
    definitions: dict[str, str] = {}
    for row in engine.query(TERMS_QUERY).rows:
        iri, kind_iri, label, definition = (_text(t) for t in row)
        kinds[kind_iri].add(iri)
        labels[iri] = min(filter(None, (labels.get(iri), label)), default="")
        definitions[iri] = min(filter(None, (definitions.get(iri), definition)), default="")
    parents: dict[str, set[str]] = defaultdict(set)
    for term, parent in engine.query(PARENTS_QUERY).rows:
        parents[_text(term)].add(_text(parent))
    direct = _direct(parents)
    known = {iri for found in kinds.values() for iri in found}
    parts = [
        tag("h1", "Ontology"),
        tag(
            "p",
            "The classes and properties of the gsekg ontology ("
            + tag("code", "gso:")
            + "), with their definitions and the terms they specialise, and the role kinds ("
            + tag("code", "roles:")
            + "). The full model is described in the project's docs/model.md.",
            class_="lead",
        ),
    ]
    graph: list[dict[str, Any]] = []

    def ref(iri: str) -> str:
        name = compact(iri)
        if iri in known:
            return tag("a", esc(name), href=f"#{anchor(iri)}")
        return tag("code", esc(name))

    for kind, title in SECTIONS:
        terms = sorted(kinds.get(kind, ()), key=lambda i: compact(i).casefold())
        if not terms:
            continue
        rows = []
        for iri in terms:
            rows.append(
                (
                    tag("code", esc(compact(iri)), id=anchor(iri)),
                    esc(labels.get(iri, "")),
                    esc(definitions.get(iri, "")),
                    ", ".join(ref(p) for p in direct.get(iri, ())),
                )
            )
            graph.append(_term_jsonld(iri, kind, labels, definitions, direct))
        parts.append(
            tag("h2", esc(f"{title} ({len(terms)})"))
            + table(("term", "label", "definition", "specialises"), rows, "terms")
        )
    roles: dict[str, tuple[str, str, set[str]]] = {}
    for row in engine.query(ROLES_QUERY).rows:
        iri, label, definition, broader = (_text(t) for t in row)
        _, _, found = roles.get(iri, ("", "", set()))
        if broader:
            found.add(broader)
        roles[iri] = (label, definition, found)
    if roles:
        known |= set(roles)
        rows = [
            (
                tag("code", esc(compact(iri)), id=anchor(iri)),
                esc(label),
                esc(definition),
                ", ".join(ref(b) for b in sorted(broader)),
            )
            for iri, (label, definition, broader) in sorted(roles.items())
        ]
        parts.append(
            tag("h2", esc(f"Role kinds ({len(roles)})"), id="roles")
            + table(("concept", "label", "definition", "broader"), rows, "terms")
        )
    return "\n".join(parts), graph


def _term_jsonld(
    iri: str,
    kind: str,
    labels: dict[str, str],
    definitions: dict[str, str],
    parents: dict[str, tuple[str, ...]],
) -> dict[str, Any]:
    node: dict[str, Any] = {"@id": jsonld_id(iri), "@type": jsonld_id(kind)}
    if labels.get(iri):
        node["rdfs:label"] = {"@value": labels[iri], "@language": "en"}
    if definitions.get(iri):
        node["skos:definition"] = {"@value": definitions[iri], "@language": "en"}
    relation = "rdfs:subClassOf" if kind.endswith("#Class") else "rdfs:subPropertyOf"
    if parents.get(iri) and not kind.endswith("Individual"):
        node[relation] = [{"@id": jsonld_id(p)} for p in parents[iri]]
    return node
