"""``dyadwatch.dyad-events``: one classified event fanned out per dyad, keyed by the dyad."""

from __future__ import annotations

from pydantic import Field

from schemas.base import Dyad, Identifier, Iso3, Payload, UtcDatetime
from schemas.event import EventType, QuadClass


class DyadEvent(Payload):
    """One (article, dyad) pair. Key: ``dyad``; record timestamp: time of sending (``published_at``: event time)."""

    dyad: Dyad
    article_id: Identifier
    source: Iso3 | None = None
    target: Iso3 | None = None
    event_type: EventType
    quad_class: QuadClass
    topics: list[str] = Field(default_factory=list, max_length=16)
    intensity: float = Field(ge=-10.0, le=10.0)
    weight: float = Field(ge=0.0)
    primary: bool = Field(description="True for the article's primary dyad.")
    published_at: UtcDatetime
