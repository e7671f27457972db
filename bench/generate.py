"""Deterministic synthetic data shaped like the gsekg graph, at any size.

Editions with dates and places, organisations of several classes, people with posts, roles
(sponsor, organiser, speaker, …) in role lists, outcomes adopted or launched at editions,
reported quantities, and, as in ``data/*.trig``, every fact inside a claim graph whose
provenance (source, text selector) sits in the default graph. The same arguments always give
the same bytes.

    python bench/generate.py 1000000 bench/out/synthetic-1m.trig
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from pathlib import Path

PREFIXES = """\
@prefix gse: <https://w3id.org/gsekg/id/> .
@prefix gso: <https://w3id.org/gsekg/ontology#> .
@prefix roles: <https://w3id.org/gsekg/roles/> .
@prefix claim: <https://w3id.org/gsekg/claim/> .
@prefix src: <https://w3id.org/gsekg/source/> .
@prefix schema: <https://schema.org/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

"""
# A slice of the ontology, so that inference has hierarchies and an inverse to work on.
SCHEMA = """\
gso:ConferenceEdition rdfs:subClassOf schema:Event .
gso:University rdfs:subClassOf gso:Organisation .
gso:Company rdfs:subClassOf gso:Organisation .
gso:ResearchInstitute rdfs:subClassOf gso:Organisation .
gso:Organisation rdfs:subClassOf schema:Organization .
gso:Declaration rdfs:subClassOf gso:Outcome .
gso:Initiative rdfs:subClassOf gso:Outcome .
gso:coOrganiser rdfs:subPropertyOf schema:contributor .
org:heldBy owl:inverseOf org:holds .

"""
ORG_CLASSES = ("University", "Company", "ResearchInstitute")
ROLE_KINDS = ("sponsor", "organiser", "co-organiser", "speaker", "partner", "supporter")
OUTCOME_CLASSES = ("Declaration", "Initiative")
SOURCES = 50


class _Block:
    """The claims of one edition and their provenance, as TriG text."""

    def __init__(self, rng: random.Random, first_claim: int) -> None:
        self.rng = rng
        self.number = first_claim
        self.claims: list[str] = []
        self.provenance: list[str] = []
        self.triples = 0

    def claim(self, body: list[str]) -> None:
        """One claim graph holding ``body``, and its provenance in the default graph."""
        self.number += 1
        name = f"claim:c{self.number}"
        source = f"src:s{self.rng.randrange(SOURCES)}"
        start = self.rng.randrange(20000)
        self.claims.append(f"{name} {{\n" + "".join(f"  {t} .\n" for t in body) + "}\n")
        self.provenance.append(
            f"{name} a gso:Claim ; prov:wasDerivedFrom {source} ; oa:hasSelector "
            f"[ a oa:TextPositionSelector ; oa:start {start} ; oa:end {start + 40} ] .\n"
        )
        self.triples += len(body) + 6


def blocks(seed: int) -> Iterator[_Block]:
    """Endless blocks, one per edition."""
    rng = random.Random(seed)
    edition = 0
    claims = 0
    while True:
        edition += 1
        block = _Block(rng, claims)
        e = f"gse:ed{edition}"
        year = 1990 + edition % 35
        block.claim(
            [
                f"{e} a gso:ConferenceEdition",
                f'{e} gso:year "{year}"^^xsd:gYear',
                f'{e} schema:startDate "{year}-08-{1 + edition % 28:02d}"^^xsd:date',
                f"{e} schema:location gse:city{edition % 40}",
                f'{e} skos:prefLabel "Edition {edition}"@en',
            ]
        )
        for k in range(rng.randrange(8, 16)):
            o = f"gse:org{rng.randrange(5000)}"
            kind = ROLE_KINDS[k % len(ROLE_KINDS)]
            role = f"gse:ed{edition}-{kind}-{k}"
            block.claim(
                [
                    f"{o} a gso:{ORG_CLASSES[int(o[7:]) % len(ORG_CLASSES)]}",
                    f'{o} skos:prefLabel "Organisation {o[7:]}"@en',
                    f"{role} a gso:Role",
                    f"{role} gso:roleKind roles:{kind}",
                    f"{role} gso:agent {o}",
                    f"{role} gso:roleIn {e}",
                ]
            )
        for k in range(rng.randrange(2, 5)):
            person = f"gse:person{rng.randrange(20000)}"
            post = f"gse:post-ed{edition}-{k}"
            block.claim(
                [
                    f"{person} a schema:Person",
                    f'{person} skos:prefLabel "Person {person[10:]}"@en',
                    f"{post} a org:Post",
                    f"{post} org:heldBy {person}",
                    f"{post} org:postIn gse:org{rng.randrange(5000)}",
                    f'{post} schema:jobTitle "Director"',
                ]
            )
        for k in range(rng.randrange(1, 3)):
            outcome = f"gse:outcome-ed{edition}-{k}"
            block.claim(
                [
                    f"{outcome} a gso:{OUTCOME_CLASSES[k % 2]}",
                    f"{outcome} gso:adoptedAt {e}",
                    f"{outcome} gso:adoptedBy gse:org{rng.randrange(5000)}",
                    f'{outcome} skos:prefLabel "Outcome {edition}.{k}"@en',
                ]
            )
        q = f"gse:q-ed{edition}"
        block.claim(
            [
                f"{e} gso:participation {q}",
                f"{q} a gso:Quantity",
                f"{q} schema:value {rng.randrange(100, 5_000_000)}",
                f"{q} gso:qualifier gso:over",
                f'{q} gso:counts "participants"',
            ]
        )
        claims = block.number
        yield block


def generate(size: int, target: Path, seed: int = 20240820) -> int:
    """Write about ``size`` triples (at least) to ``target``; return the exact number."""
    written = 9
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8") as out:
        out.write(PREFIXES + SCHEMA)
        for block in blocks(seed):
            out.writelines(block.claims)
            out.writelines(block.provenance)
            written += block.triples
            if written >= size:
                return written
    raise AssertionError("unreachable")


def main() -> None:
    """Command line: SIZE TARGET [--seed N]."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("size", type=int, help="number of triples (at least)")
    parser.add_argument("target", type=Path, help="TriG file to write")
    parser.add_argument("--seed", type=int, default=20240820)
    args = parser.parse_args()
    print(generate(args.size, args.target, args.seed))


if __name__ == "__main__":
    main()
