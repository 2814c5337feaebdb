"""``dyadwatch.articles``: one news article as a source delivered it, before any classification."""

from __future__ import annotations

import hashlib
import json
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

# Metadata is free-form, so it is bounded: sources and pushing clients cannot grow a record without limit.
MAX_METADATA_KEYS = 64
MAX_METADATA_DEPTH = 8
MAX_METADATA_BYTES = 64 * 1024


def nesting_depth(value: Any) -> int:
    """How deeply a JSON-like value nests (0 for a scalar), walked iteratively so no input can exhaust the stack."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list | tuple):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def flat_size_bound(metadata: dict[str, Any]) -> int | None:
    """An upper bound of ``metadata``'s size as JSON when every value is a scalar, else None. A character takes at
    most 6 bytes in JSON (``\\u001f``); a number or literal, its ``repr`` and a margin."""
    bound = 2
    for key, value in metadata.items():
        if isinstance(value, str):
            size = 6 * len(value) + 2
        elif value is None or isinstance(value, bool | int | float):
            size = len(repr(value)) + 6  # float("-inf") is -Infinity in JSON
        else:
            return None
        bound += 6 * len(str(key)) + 2 + 4 + size  # quotes, ": " and ", "
    return bound


def metadata_problem(metadata: dict[str, Any]) -> str | None:
    """Why ``metadata`` is out of bounds (nesting, then size as JSON), or None. A flat mapping of short values,
    the usual case, is judged by a bound, without writing the JSON (this runs for every article the worker reads)."""
    bound = flat_size_bound(metadata)
    if bound is not None and bound <= MAX_METADATA_BYTES:
        return None
    if nesting_depth(metadata) > MAX_METADATA_DEPTH:
        return f"metadata is nested deeper than {MAX_METADATA_DEPTH} levels"
    size = len(json.dumps(metadata, default=str, ensure_ascii=False).encode())
    if size > MAX_METADATA_BYTES:
        return f"metadata is {size} bytes as JSON, over the {MAX_METADATA_BYTES}-byte cap"
    return None


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
        default_factory=dict,
        max_length=MAX_METADATA_KEYS,
        description="Source-specific extras (e.g. GDELT's own codes) and what ingestion changed: "
        "'published_at_claimed' holds a publication time that lay too far ahead of ingest, published_at then being "
        f"the ingest time. At most {MAX_METADATA_KEYS} keys, {MAX_METADATA_DEPTH} levels, {MAX_METADATA_BYTES} bytes.",
    )

    @field_validator("url")
    @classmethod
    def _http_only(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().startswith(("http://", "https://")):
            raise ValueError("url must be an http(s) URL")
        return value

    @field_validator("metadata")
    @classmethod
    def _bounded(cls, value: dict[str, Any]) -> dict[str, Any]:
        problem = metadata_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        # An empty body cannot be classified; sources with title-only items put the title in the text.
        if not value.strip():
            raise ValueError("text must not be empty")
        return value
