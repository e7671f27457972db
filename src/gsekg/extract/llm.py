"""An optional extractor backed by a language model: any OpenAI-compatible chat endpoint
(OpenAI, vLLM, llama.cpp, or Ollama at ``http://localhost:11434/v1``).

The model is asked for facts as JSON, each with the words of the article that state it.
Whatever it returns goes through the checks the rules' candidates pass: the quoted
evidence must occur verbatim in the article (after the same normalisation), names must be
known entities (or an edition by its year), the property one of a short list, and the
span must contain every name, number and date the candidate states. Anything else is
dropped. The rules need no model; this only adds candidates for the reviewer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from gsekg.errors import EngineError, InputError
from gsekg.extract.candidates import Article, Candidate, literal
from gsekg.extract.known import Entity

CONFIDENCE = 0.6
"""Below the usual batch threshold: a person reviews what a model proposes."""
_ROLES = {
    "organiser", "co-organiser", "host", "co-host", "sponsor", "supporter", "partner",
    "speaker", "keynote-speaker", "presenter", "launcher", "founding-member",
}  # fmt: skip
PROMPT = (
    "You read a news article about the Global Smart Education Conference. Return JSON "
    '{"facts": [...]} where each fact is {"subject": a name as written, "property": one of '
    '"startDate", "endDate", "location", "theme", or a role: '
    + ", ".join(f'"{r}"' for r in sorted(_ROLES))
    + ', "value": an ISO date, a name as written, or the theme text, "evidence": the exact '
    "words of the article that state it, copied verbatim}. For a role, the subject is the "
    "event and the value is who holds the role. Only facts the article states."
)


def ask(url: str, model: str, text: str, timeout: float = 120.0) -> list[dict[str, Any]]:
    """The facts the model at ``url`` (an OpenAI-compatible API base) returns for ``text``.

    Raises:
        EngineError: the endpoint fails, times out, or answers something that is not JSON.
    """
    import urllib.error
    import urllib.request

    body = json.dumps(
        {
            "model": model,
            "temperature": 0,
            "response_format": {"type": "json_object"},
            "messages": [{"role": "system", "content": PROMPT}, {"role": "user", "content": text}],
        }
    ).encode()
    endpoint = url.rstrip("/") + "/chat/completions"
    if not re.match(r"https?://", endpoint):
        raise InputError(f"--llm-url {url!r}: an http(s) URL is needed")
    request = urllib.request.Request(
        endpoint, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json.loads(response.read().decode("utf-8"))
        content = answer["choices"][0]["message"]["content"]
        facts = json.loads(content).get("facts", [])
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise EngineError(f"language model at {endpoint}: {error}") from None
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        raise EngineError(
            f"language model at {endpoint}: the answer is not the JSON asked for"
        ) from None
    if not isinstance(facts, list):
        raise EngineError(f"language model at {endpoint}: 'facts' is not a list")
    return [f for f in facts if isinstance(f, dict)]


def candidates(article: Article, facts: list[dict[str, Any]], model: str) -> Iterator[Candidate]:
    """The facts that pass the checks, as candidates (the grounding check runs later too)."""
    for fact in facts:
        values = {
            k: str(fact.get(k, "")).strip() for k in ("subject", "property", "value", "evidence")
        }
        span = _find(article, values["evidence"])
        subject = _entity(article, values["subject"])
        if span is None or subject is None or not values["value"]:
            continue
        made = _candidate(article, subject, values, span, model)
        if made is not None:
            yield made


def _find(article: Article, evidence: str) -> tuple[int, int] | None:
    from gsekg.extract.text import normalise

    wanted = normalise(evidence).lower().replace("\n", " ").strip()
    if len(wanted) < 4:
        return None
    at = article.norm.lower.find(wanted)
    return None if at < 0 else article.span(at, at + len(wanted))


def _entity(article: Article, name: str) -> Entity | None:
    found = article.known.lookup(name)
    if len(found) == 1:
        return found[0]
    edition = re.fullmatch(r"(?:GSE\s?|Global Smart Education Conference\s)(20\d\d)", name)
    if edition:
        return article.known.entities.get(f"https://w3id.org/gsekg/id/gse{edition.group(1)}")
    return None


def _candidate(
    article: Article, subject: Entity, fact: dict[str, str], span: tuple[int, int], model: str
) -> Candidate | None:
    prop, value = fact["property"], fact["value"]
    keys: list[tuple[str, ...]]
    stated = [fact["subject"]]
    rule = f"llm.{re.sub(r'[^A-Za-z0-9_.-]', '-', model)}"
    if prop in {"startDate", "endDate"}:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return None
        stated += [str(day.day), day.strftime("%B"), str(day.year)]
        triple = (subject.compact, f"schema:{prop}", literal(day.isoformat(), datatype="xsd:date"))
        keys = [("date", day.isoformat())]
        kind = "date"
    elif prop == "theme":
        stated.append(value)
        triple, keys, kind = (
            (subject.compact, "gso:theme", literal(value)),
            [("title", value.lower())],
            "title",
        )
    elif prop == "location" or prop in _ROLES:
        other = _entity(article, value)
        if other is None:
            return None
        stated.append(value)
        if prop == "location":
            return Candidate(
                "place",
                rule,
                CONFIDENCE,
                [span],
                stated,
                [(subject.compact, "schema:location", other.compact)],
            )
        node = f"{subject.compact}-{prop}-{other.compact.removeprefix('gse:')}"
        return Candidate(
            "role", rule, CONFIDENCE, [span], stated,
            [(node, "rdf:type", "gso:Role"), (node, "gso:roleKind", f"roles:{prop}"),
             (node, "gso:agent", other.compact), (node, "gso:roleIn", subject.compact)],
            keys=[("role", other.iri, prop, subject.iri)],
        )  # fmt: skip
    else:
        return None
    return Candidate(kind, rule, CONFIDENCE, [span], stated, [triple], keys=keys)
