"""``dyadwatch.alerts``: something an analyst should look at, with the evidence."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from schemas.base import Dyad, Identifier, Payload, UtcDatetime


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Alert(Payload):
    """One alert. Key: ``id``, deterministic from (rule, dyad, trigger window) so a replay never makes a second one."""

    id: Identifier
    rule: str = Field(min_length=1, max_length=100, description="Rule name from the rules file, e.g. 'watch:PRK-RUS'.")
    kind: str = Field(max_length=32, description="'spike', 'watchlist', 'first_seen' or 'escalation'.")
    severity: Severity
    dyad: Dyad
    window_start: UtcDatetime
    window_end: UtcDatetime
    observed: float
    expected: float | None = None
    reason: str = Field(min_length=1, max_length=1_000, description="Plain-words explanation for the analyst.")
    sample_article_ids: list[str] = Field(default_factory=list, max_length=10)
    created_at: UtcDatetime
