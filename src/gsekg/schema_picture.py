"""The picture of the model: classes and how the n-ary nodes attach, drawn by Graphviz.

:func:`model_dot` writes a Graphviz DOT description of the ontology from its
declarations alone: every class of the ontology is in a box or listed in the
box of its nearest drawn ancestor; an arrow is a property whose domain and
range are declared (``rdfs:domain``/``rdfs:range``) or that a SHACL shape
constrains (``sh:targetClass`` with ``sh:path`` and ``sh:class``); a box lists
the literal-valued properties of its class, the individuals and role kinds of
its class, and the reused classes it is aligned to (``⊑``). A hollow arrow is
``rdfs:subClassOf``.

:func:`render_svg` runs Graphviz's ``dot`` on it. The DOT text is built in a
fixed order, so the same ontology gives the same text; ``dot`` of one Graphviz
version turns the same text into the same bytes. The SVG carries the SHA-256
of its DOT text in a comment (:func:`source_digest`), so a test can tell a
picture that is out of date from one drawn by another Graphviz version.
"""

from __future__ import annotations

import hashlib
import html
import re
import shutil
import subprocess
import textwrap
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from gsekg.errors import EngineError
from gsekg.namespaces import GSO, PREFIXES
from gsekg.vocabulary import Vocabulary, ancestors

PICTURE_FORMATS = ("svg", "dot")
THING = PREFIXES["owl"] + "Thing"
"""Stands for the range of a property whose domain is declared but whose range is left open."""
_DIGEST_PREFIX = "gsekg model dot sha256 "
_DIGEST = re.compile(re.escape(_DIGEST_PREFIX) + r"([0-9a-f]{64})")
_WRAP = 46
"""Characters per line of a box's lists."""
_TIMEOUT = 60.0

_P = PREFIXES
_GROUPS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "provenance",
        (
            GSO + "Claim",
            GSO + "CandidateClaim",
            GSO + "SourceArticle",
            GSO + "Rank",
            _P["oa"],
        ),
        "#fff3c4",
    ),
    (
        "n-ary node",
        (
            GSO + "Role",
            GSO + "RoleList",
            GSO + "Quantity",
            GSO + "QuantityQualifier",
            GSO + "Approval",
            GSO + "Partnership",
            _P["org"] + "Post",
        ),
        "#f9d3cf",
    ),
    ("event", (_P["schema"] + "Event", _P["schema"] + "EventSeries"), "#d4e6f7"),
    ("agent", (_P["prov"] + "Agent",), "#d7efd2"),
    ("place", (_P["schema"] + "Place",), "#eee2cc"),
    ("outcome", (GSO + "Outcome",), "#e3dcf2"),
    ("concept", (_P["skos"] + "Concept",), "#e6e6e6"),
)
"""Box colours: the first group whose IRI (or namespace) is the class or one of its ancestors."""
_OTHER = "#ffffff"
_EVERYWHERE = frozenset({_P["skos"] + "prefLabel"})
"""Properties that every named thing has: left out of the boxes."""
_TEXT = frozenset({_P["rdf"] + "langString", _P["xsd"] + "string"})
_INTEGERS = frozenset({_P["xsd"] + "integer", _P["xsd"] + "nonNegativeInteger"})


@dataclass(frozen=True, order=True)
class Arrow:
    """One drawn property: from a class (domain) to a class (range)."""

    source: str
    target: str
    label: str


def model_dot(vocabulary: Vocabulary) -> str:
    """The DOT text of the model picture of ``vocabulary`` (see the module docstring)."""
    arrows, attributes = _arrows_and_attributes(vocabulary)
    classes = {t.iri for t in vocabulary.of_kind("class")}
    boxed = {a.source for a in arrows} | {a.target for a in arrows}
    listed: dict[str, list[str]] = defaultdict(list)
    # Ancestors first, so that a class is listed in the box of its nearest drawn ancestor.
    for iri in sorted(
        classes - boxed, key=lambda i: (len(list(ancestors(vocabulary, i))), vocabulary.name(i))
    ):
        home = next((a for a in ancestors(vocabulary, iri) if a in boxed), None)
        if home is None:
            boxed.add(iri)
        else:
            listed[home].append(iri)
    subclass_arrows = sorted(
        (iri, parent)
        for iri in boxed
        for parent in _term_supers(vocabulary, iri)
        if parent in boxed
    )
    lines = [
        "digraph model {",
        '  graph [rankdir=LR, fontname="DejaVu Sans", fontsize=11, nodesep=0.25, ranksep=0.9,'
        " newrank=true, pad=0.2, label=" + _quote(_caption(vocabulary)) + ", labelloc=t];",
        '  node [shape=box, style="rounded,filled", fontname="DejaVu Sans", fontsize=10,'
        " margin=0.08, penwidth=0.8];",
        '  edge [fontname="DejaVu Sans", fontsize=9, penwidth=0.8, arrowsize=0.7];',
    ]
    for iri in sorted(boxed, key=vocabulary.name):
        label = _box(vocabulary, iri, attributes.get(iri, []), listed.get(iri, []), boxed)
        lines.append(
            f"  {_id(iri)} [label=<{label}>, fillcolor={_quote(_colour(vocabulary, iri))}];"
        )
    for child, parent in subclass_arrows:
        lines.append(
            f'  {_id(child)} -> {_id(parent)} [arrowhead=empty, color="#777777", weight=2];'
        )
    for arrow in arrows:
        lines.append(f"  {_id(arrow.source)} -> {_id(arrow.target)} [label={_quote(arrow.label)}];")
    lines.append(_legend())
    lines.append("}")
    return "\n".join(lines) + "\n"


def source_digest(dot: str) -> str:
    """The SHA-256 (hex) of a DOT text, as the SVG records it."""
    return hashlib.sha256(dot.encode("utf-8")).hexdigest()


def recorded_digest(svg: str) -> str | None:
    """The DOT digest an SVG made by :func:`render_svg` records, if any."""
    found = _DIGEST.search(svg)
    return found.group(1) if found else None


def graphviz_version(svg: str) -> str | None:
    """The Graphviz version an SVG says made it (``2.43.0``), if it says."""
    found = re.search(r"Generated by graphviz version ([^\s]+)", svg)
    return found.group(1) if found else None


def render_svg(dot: str) -> bytes:
    """Run Graphviz ``dot -Tsvg`` on ``dot``; the SVG records the DOT text's digest.

    Raises:
        EngineError: Graphviz is not installed, fails or takes too long.
    """
    program = shutil.which("dot")
    if program is None:
        raise EngineError(
            "Graphviz is not installed: the 'dot' program was not found "
            "(Debian/Ubuntu: apt-get install graphviz)"
        )
    stamped = dot.replace(
        "digraph model {",
        f"digraph model {{\n  comment={_quote(_DIGEST_PREFIX + source_digest(dot))};",
        1,
    )
    try:
        done = subprocess.run(
            [program, "-Tsvg"],
            input=stamped.encode("utf-8"),
            capture_output=True,
            timeout=_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise EngineError(f"Graphviz took longer than {_TIMEOUT:.0f} s") from None
    except OSError as error:
        raise EngineError(f"cannot run Graphviz: {error.strerror}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise EngineError(f"Graphviz failed: {message[-1] if message else done.returncode}")
    return done.stdout


def _arrows_and_attributes(
    vocabulary: Vocabulary,
) -> tuple[list[Arrow], dict[str, list[str]]]:
    """The property arrows, and each class's literal-valued properties as ``name: type`` lines."""
    arrows: set[Arrow] = set()
    attributes: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for prop in vocabulary.of_kind("object property", "property"):
        for source in prop.domain:
            for target in prop.range or (THING,):
                arrows.add(Arrow(source, target, _short(prop.name)))
    for prop in vocabulary.of_kind("datatype property"):
        for source in prop.domain:
            attributes[source][prop.iri].update(prop.range)
    for term in vocabulary.terms.values():
        if term.kind == "class":
            owners: Iterable[str] = (term.iri,)
        elif term.kind.endswith("property"):
            owners = term.domain
        else:
            continue
        for constraint in term.constraints:
            if constraint.path in _EVERYWHERE:
                continue
            used = vocabulary.terms.get(constraint.path)
            for owner in owners:
                targets = constraint.classes or _classes_of(vocabulary, constraint.values)
                if targets:
                    label = _short(vocabulary.name(constraint.path))
                    arrows.update(Arrow(owner, c, label) for c in targets)
                elif constraint.datatypes or (
                    used is not None and used.kind == "datatype property"
                ):
                    attributes[owner][constraint.path].update(constraint.datatypes)
    # A property's own shape (sh:targetSubjectsOf) types it wherever it is listed.
    for lines in attributes.values():
        for path, types in lines.items():
            shaped = vocabulary.terms.get(path)
            if not types and shaped is not None:
                types.update(d for c in shaped.constraints if c.path == path for d in c.datatypes)
    # An open range drawn to owl:Thing is dropped where a shape names the classes, and an
    # arrow from a class where a subclass has the same one (a shape is more precise).
    named = {(a.source, a.label) for a in arrows if a.target != THING}
    kept = [
        a
        for a in arrows
        if (a.target != THING or (a.source, a.label) not in named)
        and not any(
            b.label == a.label
            and b.target == a.target
            and a.source in ancestors(vocabulary, b.source)
            for b in arrows
        )
    ]
    kept.sort(key=lambda a: (vocabulary.name(a.source), a.label, vocabulary.name(a.target)))
    lines_of = {
        owner: sorted(
            (_attribute(vocabulary, path, types) for path, types in lines.items()),
            key=str.lower,
        )
        for owner, lines in attributes.items()
    }
    return kept, lines_of


def _classes_of(vocabulary: Vocabulary, values: Iterable[str]) -> tuple[str, ...]:
    """The classes of the individuals a shape lists (``sh:in``): where such a value points."""
    found: set[str] = set()
    for value in values:
        term = vocabulary.terms.get(value)
        found.update(term.types if term else ())
    return tuple(sorted(found))


def _attribute(vocabulary: Vocabulary, path: str, types: Iterable[str]) -> str:
    """``name: type | type`` for a literal-valued property (``text`` for any string)."""
    found = set(types)
    shown = []
    if found >= _TEXT:
        found -= _TEXT
        shown.append("text")
    if found >= _INTEGERS:
        found -= _INTEGERS - {_P["xsd"] + "integer"}
    shown += sorted(vocabulary.name(t) for t in found)
    name = _short(vocabulary.name(path))
    return f"{name}: {' | '.join(shown)}" if shown else name


def _term_supers(vocabulary: Vocabulary, iri: str) -> tuple[str, ...]:
    term = vocabulary.terms.get(iri)
    return term.supers if term else ()


def _box(
    vocabulary: Vocabulary, iri: str, attributes: list[str], listed: list[str], boxed: set[str]
) -> str:
    """The HTML-like Graphviz label of one class box."""
    term = vocabulary.terms.get(iri)
    rows = [
        f"<TR><TD><B>{_esc(vocabulary.name(iri) if iri != THING else 'any entity')}</B></TD></TR>"
    ]
    aligned = [vocabulary.name(s) for s in _term_supers(vocabulary, iri) if s not in boxed]
    if term is not None:
        aligned += [
            vocabulary.name(o) for words, o in term.alignments if words.startswith("equivalent")
        ]
    if aligned:
        rows += _small_rows("⊑ " + ", ".join(sorted(set(aligned))))
    for line in attributes:
        rows.append(f'<TR><TD ALIGN="LEFT">{_esc(line)}</TD></TR>')
    members = _members(vocabulary, iri)
    if members:
        rows += _small_rows("instances: " + ", ".join(members), italic=True)
    if listed:
        rows += _small_rows("subclasses: " + ", ".join(_listed(vocabulary, listed, boxed)))
    return (
        '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
        + "".join(rows)
        + "</TABLE>"
    )


def _small_rows(text: str, *, italic: bool = False) -> list[str]:
    wrapped = textwrap.wrap(text, _WRAP, break_on_hyphens=False) or [""]
    open_tag, close_tag = ("<I>", "</I>") if italic else ("", "")
    return [
        '<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="8">'
        f"{open_tag}{_esc(line)}{close_tag}</FONT></TD></TR>"
        for line in wrapped
    ]


def _listed(vocabulary: Vocabulary, listed: list[str], boxed: set[str]) -> list[str]:
    """Names of the classes listed in a box; one under another listed class says so."""
    names = []
    for iri in sorted(listed, key=vocabulary.name):
        parents = [p for p in _term_supers(vocabulary, iri) if p in listed]
        suffix = f" (⊑ {', '.join(_short(vocabulary.name(p)) for p in parents)})" if parents else ""
        names.append(_short(vocabulary.name(iri)) + suffix)
    return names


def _members(vocabulary: Vocabulary, iri: str) -> list[str]:
    """The individuals and role kinds typed with this class in the ontology."""
    found = [_short(t.name) for t in vocabulary.of_kind("individual", "concept") if iri in t.types]
    if iri == PREFIXES["skos"] + "Concept":
        found += [t.name for t in vocabulary.of_kind("role kind")]
    return found


def _colour(vocabulary: Vocabulary, iri: str) -> str:
    lineage = [iri, *ancestors(vocabulary, iri)]
    for _name, keys, colour in _GROUPS:
        if any(
            i == k or (k.endswith(("#", "/")) and i.startswith(k)) for i in lineage for k in keys
        ):
            return colour
    return _OTHER


def _legend() -> str:
    cells = "".join(
        f'<TR><TD BGCOLOR="{colour}" WIDTH="14"> </TD><TD ALIGN="LEFT">{_esc(name)}</TD></TR>'
        for name, _keys, colour in _GROUPS
    )
    notes = (
        '<TR><TD COLSPAN="2" ALIGN="LEFT">hollow arrow: subclass of</TD></TR>'
        '<TR><TD COLSPAN="2" ALIGN="LEFT">labelled arrow: property, domain to range</TD></TR>'
        '<TR><TD COLSPAN="2" ALIGN="LEFT">⊑ aligned (sub/equivalent class)</TD></TR>'
    )
    return (
        '  legend [shape=plaintext, style="", fontsize=9, label=<<TABLE BORDER="1" COLOR="#999999"'
        ' CELLBORDER="0" CELLSPACING="2" CELLPADDING="2">'
        '<TR><TD COLSPAN="2"><B>legend</B></TD></TR>' + cells + notes + "</TABLE>>];"
    )


def _caption(vocabulary: Vocabulary) -> str:
    title = vocabulary.title or "ontology"
    return f"{title} {vocabulary.version}".strip() + ": the classes and how the nodes attach"


def _short(name: str) -> str:
    """Our own terms without their prefix: ``roleIn`` for ``gso:roleIn``."""
    return name.removeprefix("gso:")


def _id(iri: str) -> str:
    return _quote(iri)


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def _esc(text: str) -> str:
    return html.escape(text, quote=True)
