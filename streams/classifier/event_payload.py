"""The ``dyadwatch.events`` payload built from an analysis, assembled without validating it a second time.

Every value comes from the classifier and is already within the schema's bounds: ISO3 codes from the gazetteer,
sorted dyads, capped lists and strings, a sanitised id, a UTC timestamp. Validating it again through pydantic cost
more than classifying (~60 µs for three actors on the dev machine), and ``BaseModel.model_construct`` is no cheaper:
it walks every field and resolves default factories; ``schemas.base.assemble`` does not. tests/unit/classifier/
test_core.py checks that what it builds validates to an equal model with the same JSON.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from schemas.base import assemble, utc_now
from schemas.event import ActorMention, ClassifiedEvent, DyadLink, EventType, QuadClass
from streams.classifier.records import Analysis
from streams.classifier.text_cleaning import MAX_TITLE_CHARS, PreparedText

SNIPPET_CHARS = 300
MAX_EXPLANATION = 64
_ID_BAD_RE = re.compile(r"[^A-Za-z0-9._:@\-]")

_EVENT_TYPES = {e.value: e for e in EventType}
_QUADS = {int(q): q for q in QuadClass}


def build_event(
    analysis: Analysis,
    prep: PreparedText,
    *,
    article_id: object,
    source: str | None,
    url: str | None,
    published_at: datetime,
    version: str,
) -> ClassifiedEvent:
    """The payload for one analysed article; ``published_at`` must be timezone-aware. Keys in schema field order.

    Title and snippet come from the cleaned text the analysis read, each run of whitespace as one space.
    """
    body = prep.body_start
    return assemble(
        ClassifiedEvent,
        {
            "schema_version": 1,
            "article_id": safe_id(article_id),
            "source": (source or "adhoc")[:200],
            "url": url[:2048] if url else None,
            "title": _one_line(prep.cleaned[: prep.title_end])[:MAX_TITLE_CHARS],
            "snippet": _snippet(prep.cleaned, body),
            "published_at": published_at.astimezone(UTC),
            "actors": [
                assemble(
                    ActorMention,
                    {
                        "schema_version": 1,
                        "code": a.code,
                        "aliases": a.aliases[:32],
                        "spans": a.spans[:64],
                        "mentions": a.mentions,
                        "role": a.role,
                    },
                )
                for a in analysis.actors[:64]
            ],
            "dyads": [
                assemble(
                    DyadLink,
                    {
                        "schema_version": 1,
                        "dyad": d.dyad,
                        "source": d.source,
                        "target": d.target,
                        "weight": round(d.weight, 3),
                    },
                )
                for d in analysis.dyads[:64]
            ],
            "event_type": _EVENT_TYPES[analysis.event_type],
            "quad_class": _QUADS[analysis.quad_class],
            "topics": analysis.topics[:16],
            "intensity": float(max(-10.0, min(10.0, analysis.intensity))),
            "confidence": float(analysis.confidence),
            "explanation": [s[:300] for s in analysis.explanation[:MAX_EXPLANATION]],
            "truncated": analysis.truncated,
            "classifier_version": version,
            "classified_at": utc_now(),
        },
    )


def safe_id(article_id: object) -> str:
    value = _ID_BAD_RE.sub("_", str(article_id or "adhoc"))[:128]
    return value or "adhoc"


def _snippet(cleaned: str, body: int) -> str:
    """The first ``SNIPPET_CHARS`` of the body on one line, from at most ``SNIPPET_CHARS * 4`` characters of it.

    The one-line form of a prefix is a prefix of the one-line form of the whole, so when a short prefix already
    gives enough characters the rest of the window need not be split into words.
    """
    line = _one_line(cleaned[body : body + SNIPPET_CHARS + SNIPPET_CHARS // 4])
    if len(line) < SNIPPET_CHARS:
        line = _one_line(cleaned[body : body + SNIPPET_CHARS * 4])
    return line[:SNIPPET_CHARS]


def _one_line(text: str) -> str:
    """Each run of whitespace as one space (``str.split``'s whitespace is ``re``'s ``\\s``)."""
    return " ".join(text.split())
