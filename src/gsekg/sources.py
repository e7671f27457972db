"""The source registry: articles known to the graph, by id, checksum and metadata.

A source id is the article's three-digit index in the registry, ``_``, and the first
16 hex digits of the SHA-256 of its UTF-8 text (``005_3f9a…``), so the same text
always gets the same suffix and a changed text a new one. The record holds metadata
and the checksum, never the text: the text stays in the corpus folder, as
``<id>.txt``.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gsekg.errors import InputError, NotFoundError
from gsekg.namespaces import GSE, PREFIXES, SRC

MAX_BYTES = 5 * 1024 * 1024
"""The largest article accepted (5 MB): news items are a few kilobytes."""
SOURCES_FILE = "sources.ttl"
"""Where ``source add`` records new sources, in the data folder."""

_SPDX = "http://spdx.org/rdf/terms#"
_HEADER = f"""# Source articles registered with `gsekg source add`: metadata and checksum only,
# never the text (it stays in the corpus folder as <id>.txt).

@prefix src: <{SRC}> .
@prefix gse: <{GSE}> .
@prefix gso: <{PREFIXES["gso"]}> .
@prefix dcterms: <{PREFIXES["dcterms"]}> .
@prefix schema: <{PREFIXES["schema"]}> .
@prefix skos: <{PREFIXES["skos"]}> .
@prefix spdx: <{_SPDX}> .
@prefix xsd: <{PREFIXES["xsd"]}> .
"""


@dataclass(frozen=True)
class Source:
    """A registered source: its id and, where recorded, the SHA-256 of its text."""

    id: str
    sha256: str | None


def read_article_file(path: Path) -> tuple[str, str]:
    """The text of an article file and the SHA-256 of its bytes.

    Raises:
        InputError: missing, empty, too large, binary, or not UTF-8.
    """
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise InputError(f"{path} is a folder, not an article")
        if size > MAX_BYTES:
            raise InputError(
                f"{path}: {size / 1e6:.0f} MB is too large for an article "
                f"(at most {MAX_BYTES // 2**20} MB)"
            )
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from None
    if not data.strip():
        raise InputError(f"{path} is empty")
    if b"\x00" in data:
        raise InputError(f"{path} looks binary (it holds NUL bytes), not a text article")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{path} is not UTF-8 (byte {error.start}); convert it first, e.g. with iconv"
        ) from None
    return text, hashlib.sha256(data).hexdigest()


def registered(data_dir: Path) -> dict[str, Source]:
    """Every source recorded in the data folder's Turtle files, by id."""
    from pyoxigraph import Literal, NamedNode

    from gsekg.loader import parse_file

    ids: dict[str, str] = {}
    checksums: dict[str, str] = {}
    values: dict[str, str] = {}
    for path in sorted(data_dir.glob("*.ttl")):
        for quad in parse_file(path):
            s, p, o = quad.subject, quad.predicate.value, quad.object
            key = s.value if isinstance(s, NamedNode) else str(s)
            if p == PREFIXES["dcterms"] + "identifier" and key.startswith(SRC):
                ids[key] = str(getattr(o, "value", o))
            elif p == _SPDX + "checksum":
                checksums[key] = o.value if isinstance(o, NamedNode) else str(o)
            elif p == _SPDX + "checksumValue" and isinstance(o, Literal):
                values[str(s)] = o.value
    return {
        source_id: Source(source_id, values.get(checksums.get(iri, "")))
        for iri, source_id in ids.items()
    }


def find(data_dir: Path, name: str) -> Source:
    """A registered source by its id or its three-digit index.

    Raises:
        NotFoundError: no such source.
    """
    sources = registered(data_dir)
    if name in sources:
        return sources[name]
    matches = [s for i, s in sources.items() if i.split("_", 1)[0] == name]
    if len(matches) == 1:
        return matches[0]
    raise NotFoundError(f"no source {name!r} in {data_dir}", sorted(sources)[:5])


def add(
    path: Path,
    data_dir: Path,
    corpus: Path,
    *,
    title: str | None = None,
    publisher: str | None = None,
    date: str | None = None,
    url: str | None = None,
    language: str | None = None,
) -> str:
    """Register an article: check it, record it in ``sources.ttl``, put it in the corpus.

    Returns:
        The new source id.

    Raises:
        InputError: bad file or metadata, or a text already registered.
        NotFoundError: a publisher the data folder does not declare (with the nearest).
        InputError: a publisher that is no organisation or person (an event, a place).
    """
    text, digest = read_article_file(path)
    del text
    _check_metadata(publisher, date, url, language)
    if publisher is not None:
        from gsekg.curation import Registry
        from gsekg.namespaces import compact

        known = Registry.of(data_dir)
        publisher = known.entity(publisher, "--publisher")
        if not known.is_agent(publisher):
            kinds = ", ".join(compact(c) for c in known.classes(publisher)) or "no class"
            raise InputError(
                f"--publisher {publisher} is a {kinds}, not an organisation or a person: "
                "give the publisher's id, such as gse:unesco-iite"
            )
    with _one_registration_at_a_time(data_dir):
        sources = registered(data_dir)
        for source in sources.values():
            if source.sha256 == digest or source.id.split("_", 1)[-1] == digest[:16]:
                raise InputError(f"{path} is already registered as source {source.id}")
        index = 1 + max((int(i[:3]) for i in sources if i[:3].isdigit()), default=-1)
        source_id = f"{index:03d}_{digest[:16]}"
        target = corpus / f"{source_id}.txt"
        if not corpus.is_dir():
            raise InputError(f"corpus folder {corpus} does not exist")
        _check_outside(corpus, data_dir)
        _check_not_shared(corpus)
        record = _record(source_id, digest, title, publisher, date, url, language)
        registry = data_dir / SOURCES_FILE
        try:
            old = registry.read_text(encoding="utf-8") if registry.exists() else _HEADER
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"cannot read {registry}: {error}") from None
        if not target.exists() or target.read_bytes() != path.read_bytes():
            _copy(path, target)
        from gsekg.atomic import write_text

        write_text(registry, old.rstrip("\n") + "\n\n" + record)
        return source_id


@contextlib.contextmanager
def _one_registration_at_a_time(data_dir: Path) -> Iterator[None]:
    """Hold the data folder's lock: the next index and the registry are read, then written."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(data_dir / f".{SOURCES_FILE}.lock"), timeout=60)
    try:
        lock.acquire()
    except Timeout:
        raise InputError(f"another gsekg is adding a source to {data_dir}; try again") from None
    except OSError as error:
        raise InputError(f"cannot lock {data_dir}: {error.strerror or error}") from None
    try:
        yield
    finally:
        lock.release()


def _check_outside(corpus: Path, data_dir: Path) -> None:
    corpus, data_dir = corpus.resolve(), data_dir.resolve()
    if corpus == data_dir or data_dir in corpus.parents:
        raise InputError(f"the corpus folder {corpus} must not lie inside the data folder")


def _check_not_shared(corpus: Path) -> None:
    from gsekg.resources import shared_corpora

    resolved = corpus.resolve()
    shared = {folder.resolve() for folder in shared_corpora()}
    if resolved in shared or shared & set(resolved.parents):  # the folder or one inside it
        raise InputError(
            f"{corpus} is (or lies in) the project's shared corpus, which is never written: give "
            "--corpus DIR (or set GSEKG_CORPUS), a folder of your own, and copy the shared "
            "articles there too so that why and validate find them all"
        )


def _copy(path: Path, target: Path) -> None:
    from gsekg.atomic import open_atomic

    try:
        with open_atomic(target, "wb") as out, path.open("rb") as source:
            shutil.copyfileobj(source, out)
    except OSError as error:
        raise InputError(f"cannot write {target}: {error.strerror or error}") from None


def _check_metadata(
    publisher: str | None, date: str | None, url: str | None, language: str | None
) -> None:
    if date is not None and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", date):
        raise InputError(f"--date {date!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    if url is not None and not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", url):
        raise InputError(f"--url {url!r}: an http(s) URL is needed")
    if language is not None and not re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*", language):
        raise InputError(f"--language {language!r}: a language tag such as en or zh-Hans")
    if publisher is not None and not re.fullmatch(r"(gse:)?[a-z0-9][a-z0-9-]*", publisher):
        raise InputError(f"--publisher {publisher!r}: the publisher's id, such as gse:unesco-iite")


def _record(
    source_id: str,
    digest: str,
    title: str | None,
    publisher: str | None,
    date: str | None,
    url: str | None,
    language: str | None,
) -> str:
    from gsekg.extract.candidates import literal

    lines = [
        f"src:{source_id} a gso:SourceArticle",
        f"dcterms:identifier {literal(source_id, None)}",
    ]
    if title:
        lines += [f"dcterms:title {literal(title)}", f"skos:prefLabel {literal(title)}"]
    if publisher:
        lines.append(f"dcterms:publisher gse:{publisher.removeprefix('gse:')}")
    if date:
        kind = {4: "gYear", 7: "gYearMonth", 10: "date"}[len(date)]
        lines.append(f"dcterms:date {literal(date, datatype='xsd:' + kind)}")
    if url:
        lines.append(f"schema:url <{url}>")
    if language:
        lines.append(f"dcterms:language {literal(language, None)}")
    lines.append(
        "spdx:checksum [ a spdx:Checksum ; spdx:algorithm spdx:checksumAlgorithm_sha256 ; "
        f'spdx:checksumValue "{digest}" ]'
    )
    return " ;\n    ".join(lines) + " .\n"
