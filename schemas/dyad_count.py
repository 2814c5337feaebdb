"""``dyadwatch.dyad-counts``: the running tally of one dyad in one time window (compacted topic)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from schemas.base import Dyad, Payload, UtcDatetime


class DyadWindowCount(Payload):
    """Latest state of a (dyad, window). Key: ``dyad@window_start`` (ISO 8601); later records supersede earlier ones."""

    dyad: Dyad
    window_start: UtcDatetime
    window_end: UtcDatetime
    count: int = Field(ge=0)
    by_event_type: dict[str, int] = Field(default_factory=dict)
    by_quad_class: dict[str, int] = Field(default_factory=dict, description="Keys '0'…'4'.")
    by_topic: dict[str, int] = Field(default_factory=dict)
    mean_intensity: float = Field(ge=-10.0, le=10.0)
    sample_article_ids: list[str] = Field(default_factory=list, max_length=10)
    updated_at: UtcDatetime

    @property
    def key(self) -> str:
        return window_key(self.dyad, self.window_start)


def window_key(dyad: str, window_start: datetime) -> str:
    """The compaction key of a (dyad, window): ``PRK-RUS@2025-06-10T09:00:00+00:00``."""
    return f"{dyad}@{window_start.isoformat()}"
