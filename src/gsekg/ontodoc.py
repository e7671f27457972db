"""HTML documentation of the ontology: one self-contained page generated from ``ontology/``.

:func:`ontology_html` renders every class, property, individual and role kind
of an ontology graph with its definition (``skos:definition`` or
``rdfs:comment``), scope notes, super-terms, sub-terms, domain, range,
alignments and the constraints the SHACL shapes put on it. Every text from the
graph is HTML-escaped; every term has an anchor (``#gso-Role``) and every
reference to a documented term links to it. The page has no date and lists
everything in a fixed order: the same ontology gives the same bytes.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import TYPE_CHECKING

from gsekg.vocabulary import Constraint, Term, Vocabulary, read_vocabulary

if TYPE_CHECKING:
    import rdflib

SECTIONS = (
    ("classes", "Classes", ("class",)),
    (
        "properties",
        "Properties",
        ("object property", "datatype property", "annotation property", "property"),
    ),
    ("role-kinds", "Role kinds", ("concept scheme", "role kind")),
    ("individuals", "Individuals and other concepts", ("individual", "concept")),
)
"""Page sections: anchor, heading, the kinds of term they hold (ours first, then reused)."""

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
  line-height: 1.45; color: #222; }
h1, h2, h3 { line-height: 1.2; }
h3 { margin-bottom: 0.2rem; font-family: ui-monospace, monospace; font-size: 1.05rem; }
section.term { border-top: 1px solid #ddd; padding: 0.4rem 0 0.6rem; }
.kind { color: #666; font-size: 0.9rem; }
.definition { margin: 0.3rem 0; }
.note { color: #444; font-size: 0.95rem; margin: 0.2rem 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 1rem; margin: 0.3rem 0; }
dt { color: #555; }
dd { margin: 0; }
code, a.term { font-family: ui-monospace, monospace; font-size: 0.92em; }
nav ul { columns: 3 14rem; padding-left: 1.2rem; }
ul.constraints { margin: 0.2rem 0; padding-left: 1.2rem; font-size: 0.95rem; }
"""


def ontology_html(graph: rdflib.Graph) -> str:
    """One self-contained HTML page documenting every term of ``graph`` (ontology + shapes)."""
    return render_html(read_vocabulary(graph))


def render_html(vocabulary: Vocabulary) -> str:
    """The HTML page of an already read :class:`Vocabulary`."""
    title = vocabulary.title or "Ontology"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{_esc(title)}</h1>",
    ]
    facts = []
    if vocabulary.iri:
        facts.append(f"<dt>IRI</dt><dd><code>{_esc(vocabulary.iri)}</code></dd>")
    if vocabulary.version:
        facts.append(f"<dt>version</dt><dd>{_esc(vocabulary.version)}</dd>")
    if facts:
        parts.append("<dl>" + "".join(facts) + "</dl>")
    if vocabulary.description:
        parts.append(f'<p class="definition">{_esc(vocabulary.description)}</p>')
    parts.append(_contents(vocabulary))
    for anchor, heading, kinds in SECTIONS:
        terms = _section_terms(vocabulary, kinds)
        if not terms:
            continue
        parts.append(f'<h2 id="{anchor}">{_esc(heading)}</h2>')
        parts += [_term_html(vocabulary, term) for term in terms]
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _section_terms(vocabulary: Vocabulary, kinds: tuple[str, ...]) -> list[Term]:
    """The terms of a section: ours first, then reused ones; each group sorted by name."""
    terms = vocabulary.of_kind(*kinds)
    return [t for t in terms if t.ours] + [t for t in terms if not t.ours]


def _contents(vocabulary: Vocabulary) -> str:
    items = []
    for anchor, heading, kinds in SECTIONS:
        terms = _section_terms(vocabulary, kinds)
        if not terms:
            continue
        links = "".join(f"<li>{_link(vocabulary, t.iri)}</li>" for t in terms)
        items.append(f'<h3><a href="#{anchor}">{_esc(heading)}</a></h3><ul>{links}</ul>')
    return '<nav aria-label="contents">' + "".join(items) + "</nav>"


def _term_html(vocabulary: Vocabulary, term: Term) -> str:
    kind = term.kind if term.ours else f"{term.kind} (reused)"
    label = f" ({_esc(term.label)})" if term.label and term.label != term.name else ""
    lines = [
        f'<section class="term" id="{_esc(term.anchor)}">',
        f"<h3>{_esc(term.name)}</h3>",
        f'<div class="kind">{_esc(kind)}{label}</div>',
    ]
    if term.definition:
        lines.append(f'<p class="definition">{_esc(term.definition)}</p>')
    lines += [f'<p class="note">{_esc(note)}</p>' for note in term.notes]
    facts = [("IRI", f"<code>{_esc(term.iri)}</code>")]
    super_words = {
        "class": "subclass of",
        "role kind": "broader",
        "concept": "broader",
    }.get(term.kind, "subproperty of")
    facts += _list_fact(vocabulary, super_words, term.supers)
    sub_words = {"class": "subclasses", "role kind": "narrower", "concept": "narrower"}.get(
        term.kind, "subproperties"
    )
    facts += _list_fact(vocabulary, sub_words, vocabulary.subs.get(term.iri, ()))
    facts += _list_fact(vocabulary, "type", term.types)
    facts += _list_fact(vocabulary, "domain", term.domain)
    facts += _list_fact(vocabulary, "range", term.range)
    if term.direct_property:
        facts += _list_fact(vocabulary, "direct property", (term.direct_property,))
    for words in sorted({w for w, _ in term.alignments}):
        facts += _list_fact(vocabulary, words, [o for w, o in term.alignments if w == words])
    facts += _list_fact(vocabulary, "used by", _used_by(vocabulary, term))
    if term.kind == "class":
        facts += _list_fact(vocabulary, "domain of", _with(vocabulary, term, "domain"))
        facts += _list_fact(vocabulary, "range of", _with(vocabulary, term, "range"))
    lines.append("<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>")
    if term.constraints:
        lines.append('<div class="kind">constraints (SHACL shapes)</div>')
        lines.append(
            '<ul class="constraints">'
            + "".join(f"<li>{_constraint(vocabulary, c)}</li>" for c in term.constraints)
            + "</ul>"
        )
    lines.append("</section>")
    return "\n".join(lines)


def _used_by(vocabulary: Vocabulary, term: Term) -> list[str]:
    """For a property: the role kinds whose direct property it is."""
    return sorted(
        (t.iri for t in vocabulary.terms.values() if t.direct_property == term.iri),
        key=vocabulary.name,
    )


def _with(vocabulary: Vocabulary, term: Term, end: str) -> list[str]:
    """The properties whose declared domain (or range) includes this class."""
    return [t.iri for t in vocabulary.terms.values() if term.iri in getattr(t, end)]


def _list_fact(vocabulary: Vocabulary, words: str, iris: Iterable[str]) -> list[tuple[str, str]]:
    links = [_link(vocabulary, iri) for iri in sorted(iris, key=vocabulary.name)]
    return [(_esc(words), ", ".join(links))] if links else []


def _constraint(vocabulary: Vocabulary, constraint: Constraint) -> str:
    bits = [_link(vocabulary, constraint.path)]
    if constraint.min_count is not None or constraint.max_count is not None:
        low = constraint.min_count or 0
        high = "*" if constraint.max_count is None else str(constraint.max_count)
        bits.append(f"[{low}..{high}]")
    values = [*constraint.classes, *constraint.datatypes]
    if values:
        bits.append(" | ".join(_link(vocabulary, v) for v in values))
    text = " ".join(bits)
    if constraint.message:
        text += f": {_esc(constraint.message)}"
    return text


def _link(vocabulary: Vocabulary, iri: str) -> str:
    """A link to the term's section if documented here, else to its IRI."""
    term = vocabulary.terms.get(iri)
    if term is not None:
        return f'<a class="term" href="#{_esc(term.anchor)}">{_esc(term.name)}</a>'
    if iri.startswith(("http://", "https://")):
        return f'<a class="term" href="{_esc(iri)}">{_esc(vocabulary.name(iri))}</a>'
    return f"<code>{_esc(vocabulary.name(iri))}</code>"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)
