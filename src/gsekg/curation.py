"""The curator's data folder and the extraction of a registered source (no CLI here)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from gsekg.errors import InputError

if TYPE_CHECKING:
    from gsekg.extract import Progress
    from gsekg.snapshot import Snapshot


def curation_folder(explicit: Path | None) -> Path:
    """The data folder the curation commands write: ``--data-dir`` / ``$GSEKG_DATA_DIR``,
    else ``./data`` in a checkout of the project. Never a folder of an installed package.

    Raises:
        InputError: no folder given and the working folder is not a checkout, or the folder
            belongs to an installed package.
    """
    from gsekg.resources import checkout_data_dir

    folder = explicit or checkout_data_dir()
    if folder is None:
        raise InputError(
            "no data folder: give --data-dir DIR (or set GSEKG_DATA_DIR), or run in a checkout"
        )
    if not folder.is_dir():
        raise InputError(f"data folder {folder} does not exist")
    package = Path(__file__).resolve().parent
    resolved = folder.resolve()
    if resolved == package or package in resolved.parents or "site-packages" in resolved.parts:
        raise InputError(f"{folder} belongs to an installed package: give --data-dir DIR")
    return folder


def data_files(folder: Path) -> list[Path]:
    """The RDF files of a data folder, in a stable order."""
    return sorted(p for p in folder.iterdir() if p.suffix in {".ttl", ".trig"})


def extract_source(
    data_dir: Path,
    corpus: Path,
    name: str,
    llm: tuple[str, str] | None = None,
    progress: Progress | None = None,
) -> tuple[str, str]:
    """Extract candidate claims from a registered source: (source id, draft TriG).

    ``llm`` (API base URL, model name) adds the candidates of a language model, checked as
    the rules' are; ``progress`` hears of each rule done (steps done, steps in all).

    Raises:
        NotFoundError: unknown source.
        InputError: its article is missing or changed since it was registered.
    """
    from gsekg import sources
    from gsekg.extract import extract
    from gsekg.extract.draft import write_draft
    from gsekg.extract.known import KnownIndex

    source = sources.find(data_dir, name)
    path = corpus / f"{source.id}.txt"
    text, digest = sources.read_article_file(path)
    if source.sha256 is not None and source.sha256 != digest:
        raise InputError(
            f"{path} changed since source {source.id} was registered (checksum differs)"
        )
    known = KnownIndex.from_files(data_files(data_dir))
    candidates = extract(source.id, text, known, llm=llm, progress=progress)
    return source.id, write_draft(source.id, digest, candidates)


class Registry:
    """The entities a data folder declares (a ``skos:prefLabel`` outside the claims), found
    by compact name, bare slug, IRI or any of their names; an unknown one is refused with the
    nearest names."""

    def __init__(self, snapshot: Snapshot, where: str) -> None:
        from pyoxigraph import NamedNode

        from gsekg.entities import NameIndex
        from gsekg.namespaces import GSE
        from gsekg.snapshot import PREF_LABEL

        self.where = where
        self.snapshot = snapshot
        self.names = NameIndex(snapshot)
        self.declared = {
            t.subject.value
            for t in snapshot.default
            if t.predicate == PREF_LABEL
            and isinstance(t.subject, NamedNode)
            and t.subject.value.startswith(GSE)
        }

    @classmethod
    def of(cls, data_dir: Path) -> Registry:
        """The registry of the data folder's files."""
        from gsekg.loader import parse_file
        from gsekg.snapshot import Snapshot

        quads = [quad for path in data_files(data_dir) for quad in parse_file(path)]
        return cls(Snapshot.from_quads(quads), str(data_dir))

    def entity(self, name: str, what: str, proposed: Iterable[str] = ()) -> str:
        """The compact name (``gse:…``) of the declared entity ``name`` denotes, or of one of
        ``proposed`` (compact names of entities a draft would add).

        Raises:
            NotFoundError: no such entity (the message starts with ``what``, e.g. the
                option, and suggests the nearest names).
            AmbiguousNameError: a name several entities share.
        """
        from gsekg.entities import iri_spellings
        from gsekg.errors import NotFoundError
        from gsekg.namespaces import compact

        wanted = name.strip()
        spelled = {compact(i.value) for i in iri_spellings(wanted)}
        hit = next((p for p in proposed if p in spelled), None)
        if hit is not None:
            return hit
        try:
            iri = self.names.resolve(wanted)
        except NotFoundError:
            iri = None
        if iri is not None and iri.value in self.declared:
            return compact(iri.value)
        raise NotFoundError(
            f"{what}: no entity {wanted!r} in {self.where}", self.suggestions(wanted)
        )

    def classes(self, name: str) -> list[str]:
        """The classes (IRIs) the data folder gives the entity ``name`` (``gse:…``), sorted."""
        from pyoxigraph import NamedNode

        from gsekg.namespaces import GSE
        from gsekg.snapshot import RDF_TYPE

        entity = NamedNode(GSE + name.removeprefix("gse:"))
        return sorted(
            o.value for o in self.snapshot.objects(entity, RDF_TYPE) if isinstance(o, NamedNode)
        )

    def is_agent(self, name: str) -> bool:
        """Whether the entity ``name`` (``gse:…``) is of a class under ``prov:Agent`` in the
        bundled ontology (an organisation or a person): who can publish or state things."""
        from pyoxigraph import NamedNode

        from gsekg.loader import parse_file
        from gsekg.namespaces import PREFIXES
        from gsekg.resources import ontology_files

        sub_class = PREFIXES["rdfs"] + "subClassOf"
        supers: dict[str, set[str]] = {}
        for path in ontology_files():
            for quad in parse_file(path):
                sub, sup = quad.subject, quad.object
                if quad.predicate.value != sub_class:
                    continue
                if isinstance(sub, NamedNode) and isinstance(sup, NamedNode):
                    supers.setdefault(sub.value, set()).add(sup.value)
        todo = self.classes(name)
        seen = set(todo)
        while todo:
            current = todo.pop()
            if current == PREFIXES["prov"] + "Agent":
                return True
            for parent in supers.get(current, set()) - seen:
                seen.add(parent)
                todo.append(parent)
        return False

    def suggestions(self, name: str, limit: int = 3) -> list[str]:
        """The declared entities nearest to ``name``, by slug or by any of their names:
        ``name (gse:slug)``, best first."""
        from rapidfuzz import fuzz

        from gsekg.entities import normalise
        from gsekg.namespaces import GSE, compact

        local = name.strip().removeprefix("<").removesuffix(">").removeprefix(GSE)
        local = local.split(":", 1)[-1].lower()
        words = normalise(local.replace("-", " ").replace("_", " "))
        best: dict[str, tuple[float, str]] = {}
        for iri in self.declared:
            best[iri] = (fuzz.ratio(local, iri.removeprefix(GSE)), "")
        for text, names in self.names.by_key.items():
            score = fuzz.ratio(words, text)
            for n in names:
                iri = n.entity.value
                if iri in best and score > best[iri][0]:
                    best[iri] = (score, n.text)
        ranked = sorted(
            ((score, iri, text) for iri, (score, text) in best.items() if score >= 60),
            key=lambda hit: (-hit[0], hit[1]),
        )
        return [
            f"{text} ({compact(iri)})" if text else compact(iri) for _, iri, text in ranked[:limit]
        ]
