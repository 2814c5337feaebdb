"""count: dyad-events → windowed tallies per dyad (table + changelog) → dyad-counts, then the alert rules.

Each update publishes the window's whole state on ``dyad-counts`` (compacted, key ``dyad@window_start``), to the
same partition number as its input, and hands the same count to the alert step (``alert.AlertStep``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from schemas import DyadEvent
from schemas.base import utc_now
from streams.agents.alert import AlertStep
from streams.agents.deadletter import Rejected
from streams.agents.stage import Pipeline, run_stage
from streams.windows import WindowTally, window_bounds

AGENT = "count"
FUTURE_TOLERANCE = timedelta(days=1)


def tally_timing(retention_s: float):
    def timing(value: dict[str, Any]) -> tuple[int, float, float]:
        return value["partition"], value["window_end"], value["window_end"] + retention_s

    return timing


def register(app: Any, pipeline: Pipeline, alerts: AlertStep) -> None:
    settings = pipeline.settings
    size = timedelta(minutes=settings.window_minutes)
    retention_s = settings.window_retention_days * 86400.0
    windows = pipeline.expiring_table(app, "dyad-windows", "dyad-events", tally_timing(retention_s))

    async def handle(event: Any, record: DyadEvent) -> None:
        partition = event.message.partition
        windows.prepare(partition)
        if record.published_at > utc_now() + FUTURE_TOLERANCE:
            raise Rejected("future_timestamp", f"published_at {record.published_at.isoformat()} is in the future")
        bounds = window_bounds(record.published_at, size)
        if bounds[1].timestamp() + retention_s <= windows.watermark(partition):
            raise Rejected(
                "late", f"the window {bounds[0].isoformat()} is older than the {settings.window_retention_days}-day "
                "retention behind the newest event on this partition",
            )
        key = f"{record.dyad}@{bounds[0].isoformat()}"
        stored = windows.get(key)
        tally = WindowTally.from_dict(stored) if stored else WindowTally.empty(record.dyad, bounds, partition)
        tally.add(record)
        # Stored and published even when the article was already counted (a replay): the changelog and the
        # dyad-counts topic then catch up with a local store that was ahead of them when the worker died.
        windows.put(key, tally.to_dict(), is_new=stored is None)
        count = tally.to_count(utc_now())
        await pipeline.send(AGENT, "dyad-counts", tally.key, count, partition=partition)
        windows.advance(partition, bounds[1].timestamp())  # event time in window ends, as the store records it
        await alerts.on_count(AGENT, count, partition=partition, offset=event.message.offset)

    @app.agent(pipeline.topics["dyad-events"], name=AGENT)
    async def count(stream: Any) -> None:
        await run_stage(pipeline, stream, agent=AGENT, model=DyadEvent, handle=handle)
