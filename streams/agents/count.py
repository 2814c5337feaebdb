"""count: dyad-events → windowed tallies per dyad (table + changelog) → dyad-counts, then the alert rules.

A batch's records are added to their windows' tallies first; then each window it touched is stored once,
published once on ``dyad-counts`` (compacted, key ``dyad@window_start``, same partition number as its input) and
handed once to the alert step (``alert.AlertStep``). Consumers see every window's latest state either way; a busy
window costs one table write and one record per batch instead of one per article.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from schemas import DyadEvent
from schemas.base import utc_now
from schemas.dyad_count import window_key
from streams.agents.alert import AlertStep
from streams.agents.deadletter import Rejected
from streams.agents.stage import Item, Pipeline, acting_for, run_stage
from streams.windows import WindowTally, window_bounds

AGENT = "count"
FUTURE_TOLERANCE = timedelta(days=1)


def tally_timing(retention_s: float):
    def timing(value: dict[str, Any]) -> tuple[int, float, float]:
        return value["partition"], value["window_end"], value["window_end"] + retention_s

    return timing


@dataclass
class Touched:
    """A window a batch updated: its tally, and the input records that touched it."""

    tally: WindowTally
    anchor: Any
    offsets: list[int] = field(default_factory=list)


def register(app: Any, pipeline: Pipeline, alerts: AlertStep) -> None:
    settings = pipeline.settings
    size = timedelta(minutes=settings.window_minutes)
    retention_s = settings.window_retention_days * 86400.0
    windows = pipeline.expiring_table(app, "dyad-windows", "dyad-events", tally_timing(retention_s), retention_s)

    def check(record: DyadEvent, end: datetime, partition: int) -> None:
        """Reject a record from the far future, or one whose window (ending ``end``) expired already (event time)."""
        if record.published_at > utc_now() + FUTURE_TOLERANCE:
            raise Rejected("future_timestamp", f"published_at {record.published_at.isoformat()} is in the future")
        if end.timestamp() + retention_s <= windows.watermark(partition):
            raise Rejected(
                "late",
                f"the window ending {end.isoformat()} is older than the {settings.window_retention_days}-day "
                "retention behind the newest event on this partition",
            )

    async def tally(items: list[Item[DyadEvent]]) -> dict[str, Touched]:
        """Add each record to its window, in order; the watermark moves record by record, as without batching."""
        touched: dict[str, Touched] = {}
        for item in items:
            record, partition = item.value, item.partition
            with acting_for(item.anchor):
                windows.prepare(partition)
                bounds = window_bounds(record.published_at, size)
                try:
                    check(record, bounds[1], partition)
                except Rejected as rejected:
                    await pipeline.reject(AGENT, item.event, rejected)
                    continue
                key = window_key(record.dyad, bounds[0])
                window = touched.get(key)
                if window is None:
                    stored = windows.get(key)
                    state = WindowTally.from_dict(stored) if stored else None
                    window = touched[key] = Touched(
                        state or WindowTally.empty(record.dyad, bounds, partition), item.anchor
                    )
            # Counted once per article even when replayed; stored and published anyway, so the changelog and
            # dyad-counts catch up with a local store that was ahead of them when the worker died.
            window.tally.add(record)
            window.anchor = item.anchor
            window.offsets.append(item.offset)
            windows.observe(partition, bounds[1].timestamp())  # event time in window ends, as the store records it
        return touched

    async def handle(items: list[Item[DyadEvent]]) -> None:
        touched = await tally(items)
        now = utc_now()
        for key, window in touched.items():
            partition = window.tally.partition
            with acting_for(window.anchor):
                windows.put(key, window.tally.to_dict())
                count = window.tally.to_count(now)
                await pipeline.send(AGENT, "dyad-counts", key, count, partition=partition)
                await alerts.on_count(AGENT, count, partition=partition, offsets=window.offsets)
        last_anchor = {item.partition: item.anchor for item in items}
        for partition, anchor in last_anchor.items():
            with acting_for(anchor):
                windows.expire(partition)

    @app.agent(pipeline.topics["dyad-events"], name=AGENT)
    async def count(stream: Any) -> None:
        await run_stage(pipeline, stream, agent=AGENT, model=DyadEvent, handle=handle)
