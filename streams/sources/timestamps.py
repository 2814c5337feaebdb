"""Reading the many ways sources write a publication time into one timezone-aware UTC datetime, and the one rule
for times ahead of the clock."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from schemas.article import RawArticle

# Numbers above this are epoch milliseconds, not seconds (year 2286 in seconds).
_EPOCH_MS_THRESHOLD = 10_000_000_000


def _as_utc(value: datetime) -> datetime:
    # A time without zone is taken as UTC: feeds and exports that omit it almost always mean UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def parse_timestamp(value: Any) -> datetime | None:
    """UTC datetime from ISO 8601, RFC 2822, epoch seconds/ms, GDELT's YYYYMMDD[HHMMSS] or a struct_time; else None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return _as_utc(value)
    if isinstance(value, time.struct_time):
        return datetime(*value[:6], tzinfo=UTC)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if value > _EPOCH_MS_THRESHOLD else value
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    return _parse_text(value.strip())


def _parse_text(text: str) -> datetime | None:
    if text.isdigit() and len(text) in (8, 14):
        try:
            return datetime.strptime(text, "%Y%m%d%H%M%S" if len(text) == 14 else "%Y%m%d").replace(tzinfo=UTC)
        except ValueError:
            return None
    try:
        return parse_timestamp(float(text))
    except ValueError:
        pass
    try:
        return _as_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    try:
        return _as_utc(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        return None


def clamp_future(article: RawArticle, tolerance_s: float) -> RawArticle:
    """The one rule for publication times ahead of the clock, at every source: a time more than ``tolerance_s``
    past the article's ingest time is clamped to the ingest time, and the claimed time kept in
    ``metadata["published_at_claimed"]``. Old times, however old, are history and stay as they are."""
    if article.published_at <= article.ingested_at + timedelta(seconds=tolerance_s):
        return article
    metadata = {**article.metadata, "published_at_claimed": article.published_at.isoformat()}
    return article.model_copy(update={"published_at": article.ingested_at, "metadata": metadata})
