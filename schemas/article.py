"""``dyadwatch.articles``: one news article as a source delivered it, before any classification."""

from __future__ import annotations

import hashlib
from typing import Any

from pydantic import Field, field_validator

from schemas.base import (
    MAX_TEXT_CHARS,
    MAX_TITLE_CHARS,
    MAX_URL_CHARS,
    Identifier,
    Payload,
    UtcDatetime,
    utc_now,
)


def article_id(url: str | None, source: str, title: str) -> str:
    """Stable article id: hash of the canonical URL, else of source + title (DESIGN.md, Keys)."""
    from schemas.url import canonical_url  # local: keeps the model module light for consumers

    basis = canonical_url(url) if url else f"{source}\x1f{title.strip().casefold()}"
    return hashlib.sha256(basis.encode()).hexdigest()[:32]


class RawArticle(Payload):
    """A news article as ingested. Key on the topic: ``id``."""

    id: Identifier = Field(description="Stable id: sha256 of the canonical URL, else of source + title (32 hex).")
    source: str = Field(
        min_length=1, max_length=200, description="Where it came from, e.g. 'rss:https://…', 'gdelt', 'demo:synthetic'."
    )
    url: str | None = Field(default=None, max_length=MAX_URL_CHARS, description="http(s) link to the original, if any.")
    title: str = Field(default="", max_length=MAX_TITLE_CHARS)
    text: str = Field(max_length=MAX_TEXT_CHARS, description="Plain text body (no markup), never empty.")
    language: str | None = Field(default=None, max_length=16, description="BCP 47 language tag if known, e.g. 'en'.")
    published_at: UtcDatetime = Field(description="When the source published it (event time for windows).")
    ingested_at: UtcDatetime = Field(default_factory=utc_now, description="When dyadwatch read it.")
    metadata: dict[str, Any] = Field(
        default_factory=dict, description="Source-specific extras (e.g. GDELT's own codes)."
    )

    @field_validator("url")
    @classmethod
    def _http_only(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().startswith(("http://", "https://")):
            raise ValueError("url must be an http(s) URL")
        return value

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        # An empty body cannot be classified; sources with title-only items put the title in the text.
        if not value.strip():
            raise ValueError("text must not be empty")
        return value
