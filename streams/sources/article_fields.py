"""Turning a source's loose fields into a validated ``RawArticle``, or a ``Rejected`` with a readable reason."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from schemas.article import RawArticle, article_id
from schemas.base import MAX_TEXT_CHARS, MAX_TITLE_CHARS, MAX_URL_CHARS, utc_now
from streams.sources.rejections import Rejected
from streams.sources.timestamps import parse_timestamp

# Control characters other than tab and newline never belong in article text (they break terminals and JSON tools).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE_RE = re.compile(r"\s+")
_HAS_SPACE_RE = re.compile(r"\s")


def clean_text(value: Any) -> str:
    """Text without control characters, with Windows/Mac line ends made Unix, stripped."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return _CONTROL_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def clean_title(value: Any) -> str:
    """A title on one line: whitespace runs collapsed to single spaces."""
    return _SPACE_RE.sub(" ", clean_text(value))


def http_url(value: Any) -> str | None:
    """The URL if it is a plausible http(s) link, else None (``javascript:``, ``file:``, relative links are dropped)."""
    url = clean_text(value)
    if not url or len(url) > MAX_URL_CHARS or _HAS_SPACE_RE.search(url):
        return None
    return url if url.lower().startswith(("http://", "https://")) and len(url) > len("https://x") else None


def validation_reason(exc: ValidationError) -> str:
    """One line naming each invalid field and why."""
    return "; ".join(f"{'.'.join(str(p) for p in err['loc']) or 'record'}: {err['msg']}" for err in exc.errors())


def make_article(
    *,
    source: str,
    title: Any = "",
    text: Any = "",
    url: Any = None,
    published_at: Any = None,
    language: Any = None,
    metadata: dict[str, Any] | None = None,
    default_published_at: datetime | None = None,
) -> RawArticle:
    """A validated article with its stable id. Title-only items carry the title as text; overlong text is cut.

    Raises ``Rejected`` when no article can be made (no title and no text, unreadable fields).
    """
    meta = dict(metadata or {})
    title_s = clean_title(title)[:MAX_TITLE_CHARS]
    text_s = clean_text(text)
    if not text_s:
        if not title_s:
            raise Rejected("no title and no text")
        text_s, meta["text_from_title"] = title_s, True
    if len(text_s) > MAX_TEXT_CHARS:
        text_s, meta["text_truncated_from"] = text_s[:MAX_TEXT_CHARS], len(text_s)
    link = http_url(url)
    if url not in (None, "") and link is None:
        meta["url_dropped"] = clean_text(url)[:200]
    when = parse_timestamp(published_at)
    if when is None:
        if published_at not in (None, ""):
            meta["published_at_unreadable"] = str(published_at)[:100]
        when = default_published_at or utc_now()
    lang = clean_text(language)[:16] or None
    try:
        return RawArticle(
            id=article_id(link, source, title_s),
            source=source,
            url=link,
            title=title_s,
            text=text_s,
            language=lang,
            published_at=when,
            metadata=meta,
        )
    except ValidationError as exc:
        raise Rejected(validation_reason(exc)) from None
