"""``dyadwatch.alert-acks``: an analyst's decision on an alert, shared by every dashboard."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from schemas.base import MAX_NOTE_CHARS, Identifier, Payload, UtcDatetime, utc_now


class AckStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class AlertAck(Payload):
    """Status change of one alert. Key: ``alert_id``; the latest record per key wins (compacted topic)."""

    alert_id: Identifier
    analyst: str = Field(min_length=1, max_length=100)
    status: AckStatus
    note: str = Field(default="", max_length=MAX_NOTE_CHARS)
    at: UtcDatetime = Field(default_factory=utc_now)
