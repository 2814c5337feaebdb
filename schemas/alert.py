"""``dyadwatch.alerts``: something an analyst should look at, with the evidence."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from pydantic import Field, model_validator

from schemas.base import Dyad, Identifier, Payload, UtcDatetime


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Alert(Payload):
    """One alert. Key: ``id``, deterministic from (rule, dyad, trigger window) so a replay never makes a second one.

    Version 2 added ``historical``. Version 1 records (written before it) are read as version 2, not historical.
    """

    SCHEMA_VERSION: ClassVar[int] = 2
    schema_version: int = 2

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
    historical: bool = Field(
        False,
        description="True when the window lay in the past when it was counted (a history import): evidence for "
        "looking back, never a new alert for the live feed, toasts or notifications.",
    )

    @model_validator(mode="before")
    @classmethod
    def _upgrade_v1(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("schema_version") == 1:
            return {**data, "schema_version": 2}
        return data
