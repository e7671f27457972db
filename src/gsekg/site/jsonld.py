"""The pages' data as JSON-LD node objects (compact IRIs under the site's ``@context``)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from pyoxigraph import Literal, NamedNode, Triple

from gsekg.namespaces import PREFIXES
from gsekg.site.data import RDF_TYPE, Claim, SiteData
from gsekg.site.markup import jsonld_id
from gsekg.terms import Term

_XSD_STRING = PREFIXES["xsd"] + "string"


def term_jsonld(term: Term) -> Any:
    """A JSON-LD value object for ``term`` (``None`` for a blank node or quoted triple)."""
    if isinstance(term, NamedNode):
        return {"@id": jsonld_id(term.value)}
    if isinstance(term, Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == _XSD_STRING:
            return {"@value": term.value}
        return {"@value": term.value, "@type": jsonld_id(term.datatype.value)}
    return None


def triples_jsonld(subject: NamedNode, triples: Iterable[Triple]) -> dict[str, Any]:
    """A node object for ``subject`` holding ``triples`` (those with it as subject)."""
    node: dict[str, Any] = {"@id": jsonld_id(subject.value)}
    values: dict[str, list[Any]] = defaultdict(list)
    for triple in triples:
        if triple.subject != subject:
            continue
        if triple.predicate == RDF_TYPE and isinstance(triple.object, NamedNode):
            values["@type"].append(jsonld_id(triple.object.value))
            continue
        value = term_jsonld(triple.object)
        if value is not None:
            values[jsonld_id(triple.predicate.value)].append(value)
    for key, found in sorted(values.items()):
        unique = sorted({_json_key(v): v for v in found}.items())
        node[key] = [v for _, v in unique]
    return node


def _json_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def claim_jsonld(data: SiteData, claim: Claim) -> dict[str, Any]:
    """A claim as a named graph node: its triples, sources, spans and rank."""
    subjects = sorted(
        {t.subject for t in claim.triples if isinstance(t.subject, NamedNode)}, key=str
    )
    derived = (
        [{"@id": jsonld_id(c)} for c in claim.basis]
        if claim.editorial
        else [{"@id": jsonld_id(data.sources[s].iri)} for s in claim.sources if s in data.sources]
    )
    node: dict[str, Any] = {
        "@id": jsonld_id(claim.iri),
        "@type": ["gso:Claim", "gso:EditorialClaim"] if claim.editorial else "gso:Claim",
        "@graph": [triples_jsonld(s, claim.triples) for s in subjects],
        "prov:wasDerivedFrom": derived,
    }
    evidence = [
        {
            "@type": "oa:SpecificResource",
            "oa:hasSource": {"@id": jsonld_id(data.sources[span.source].iri)},
            "oa:hasSelector": {
                "@type": "oa:TextPositionSelector",
                "oa:start": span.start,
                "oa:end": span.end,
            },
        }
        for span in claim.spans
        if span.source in data.sources
    ]
    if evidence:
        node["gso:evidence"] = evidence
    if claim.rank:
        node["gso:rank"] = {"@id": jsonld_id(claim.rank)}
    return node
