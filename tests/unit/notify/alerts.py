"""Alerts for the notifier's tests, shaped like the ones the pipeline raises."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from schemas.alert import Alert, Severity
from streams.alerting.engine import alert_id

WINDOW_START = datetime(2025, 12, 6, 9, 0, tzinfo=UTC)
SEED_APPLES_ID = "03acd9858eb961ae2fe83c3e4f8d9ca4"  # "North Korean Apples Hit Russian Shelves …" on the seed page


def make_alert(
    rule: str = "watch:PRK-RUS",
    dyad: str = "PRK-RUS",
    severity: Severity = Severity.HIGH,
    *,
    window_start: datetime = WINDOW_START,
    reason: str | None = None,
    created_at: datetime | None = None,
) -> Alert:
    return Alert(
        id=alert_id(rule, dyad, window_start),
        rule=rule,
        kind="watchlist" if rule.startswith("watch:") else rule.split(":")[0],
        severity=severity,
        dyad=dyad,
        window_start=window_start,
        window_end=window_start + timedelta(minutes=15),
        observed=1,
        reason=reason or f"{dyad} is on the watch list and has sanctions ×1 in this window.",
        sample_article_ids=[SEED_APPLES_ID],
        created_at=created_at or datetime.now(UTC),
    )


def seed_page_alert() -> Alert:
    """As the pipeline raises it for the seed page's story of North Korean apples on Russian shelves (seen in a
    `dyadwatch up` run with the demo feed; window and creation time differ per run)."""
    return make_alert(
        "watch:PRK-RUS",
        "PRK-RUS",
        Severity.HIGH,
        reason="PRK-RUS is on the watch list and has military ×1, sanctions ×1, trade ×1 in this window.",
    )
