"""count: dyad-events → windowed tallies per dyad (table + changelog) → dyad-counts, then the alert rules.

A batch's records are added to their windows' tallies first; then each window it touched is stored once,
published once on ``dyad-counts`` (compacted, key ``dyad@window_start``, same partition number as its input) and
handed once to the alert step (``alert.AlertStep``). Consumers see every window's latest state either way; a busy
window costs one table write and one record per batch instead of one per article.

Every event is counted in the window of its published time, however old: history imported after live traffic
gets windows of its own. A window is kept ``DYADWATCH_WINDOW_RETENTION_DAYS`` after its last update (or its end,
if later), by the worker's clock, so an import stays available (and serves as the spike rules' baseline) for that
long whatever its dates. Only an event from the future beyond ``DYADWATCH_FUTURE_TOLERANCE_S`` is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from schemas import DyadEvent
from schemas.base import utc_now
from schemas.dyad_count import window_key
from streams.pipeline.agents.alert import AlertStep
from streams.pipeline.agents.deadletter import Rejected
from streams.pipeline.agents.delivery import source_position, was_redelivered
from streams.pipeline.agents.faust_internals import acting_for
from streams.pipeline.agents.stage import Item, Pipeline, run_stage
from streams.pipeline.windows import WindowTally, window_bounds

AGENT = "count"


def tally_timing(retention_s: float):
    """(partition, last touched, expiry) of a stored tally: its end or its last update, whichever is later."""

    def timing(value: dict[str, Any]) -> tuple[int, float, float]:
        touched = max(value["window_end"], value.get("updated_at", value["window_end"]))
        return value["partition"], touched, touched + retention_s

    return timing


@dataclass
class Touched:
    """A window a batch updated: its tally, and the input records that touched it."""

    tally: WindowTally
    anchor: Any
    offsets: list[int] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)


def register(app: Any, pipeline: Pipeline, alerts: AlertStep) -> None:
    settings = pipeline.settings
    size = timedelta(minutes=settings.window_minutes)
    retention_s = settings.window_retention_days * 86400.0
    tolerance = timedelta(seconds=settings.future_tolerance_s)
    windows = pipeline.expiring_table(app, "dyad-windows", "dyad-events", tally_timing(retention_s), retention_s)

    def check(record: DyadEvent, now: datetime) -> None:
        """Reject a record from the future (beyond the clock-skew tolerance): its window has not begun."""
        if record.published_at > now + tolerance:
            raise Rejected(
                "future_timestamp",
                f"published_at {record.published_at.isoformat()} is more than {settings.future_tolerance_s} s "
                "ahead of the worker's clock (DYADWATCH_FUTURE_TOLERANCE_S)",
            )

    async def tally(items: list[Item[DyadEvent]], now: datetime) -> dict[str, Touched]:
        """Add each record to its window, in order."""
        touched: dict[str, Touched] = {}
        for item in items:
            record, partition = item.value, item.partition
            with acting_for(item.anchor):
                windows.prepare(partition)
                bounds = window_bounds(record.published_at, size)
                try:
                    check(record, now)
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
            # Counted once per position even when replayed; stored and published anyway, so the changelog and
            # dyad-counts catch up with a local store that was ahead of them when the worker died.
            message = item.event.message
            window.tally.add(
                record, offset=item.offset, source=source_position(message), redelivered=was_redelivered(message)
            )
            window.anchor = item.anchor
            window.offsets.append(item.offset)
            window.events.append(item.event)
            windows.observe(partition, now.timestamp())  # expiry follows the worker's clock (updates)
        return touched

    async def handle(items: list[Item[DyadEvent]]) -> None:
        now = utc_now()
        touched = await tally(items, now)
        for key, window in touched.items():
            partition = window.tally.partition
            with acting_for(window.anchor):
                window.tally.updated_at = now.timestamp()
                windows.put(key, window.tally.to_dict())
                count = window.tally.to_count(now)
                await pipeline.send(AGENT, "dyad-counts", key, count, partition=partition, origins=window.events)
                await alerts.on_count(AGENT, count, partition=partition, offsets=window.offsets, origins=window.events)
        last_anchor = {item.partition: item.anchor for item in items}
        for partition, anchor in last_anchor.items():
            with acting_for(anchor):
                windows.expire(partition)

    @app.agent(pipeline.topics["dyad-events"], name=AGENT)
    async def count(stream: Any) -> None:
        await run_stage(pipeline, stream, agent=AGENT, model=DyadEvent, handle=handle)
