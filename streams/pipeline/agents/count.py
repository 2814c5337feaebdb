"""count: dyad partials → windowed tallies per dyad (table + changelog) → dyad-counts, then the alert rules.

Its input is the classify agent's partials (``streams/pipeline/partials.py``): one record per (dyad, window) per
classify batch, carrying that batch's articles for the window, not one record per (article, dyad). A batch's
partials are merged into their windows' tallies first; then each window it touched is stored once,
published once on ``dyad-counts`` (compacted, key ``dyad@window_start``, same partition number as its input) and
handed once to the alert step (``alert.AlertStep``). Consumers see every window's latest state either way; a busy
window costs one table write and one record per batch instead of one per article.

Every event is counted in the window of its published time, however old: history imported after live traffic
gets windows of its own. A window is kept ``DYADWATCH_WINDOW_RETENTION_DAYS`` after its last update (or its end,
if later), by the worker's clock, so an import stays available (and serves as the spike rules' baseline) for that
long whatever its dates. An article from the future beyond ``DYADWATCH_FUTURE_TOLERANCE_S`` is refused by the
classify agent, before it reaches a partial.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from schemas.base import utc_now
from streams.pipeline.agents.alert import AlertStep
from streams.pipeline.agents.delivery import was_redelivered
from streams.pipeline.agents.faust_internals import acting_for
from streams.pipeline.agents.stage import Item, Pipeline, run_stage
from streams.pipeline.partials import TOPIC_SUFFIX, DyadPartial
from streams.pipeline.windows import WindowTally

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
    retention_s = pipeline.settings.window_retention_days * 86400.0
    windows = pipeline.expiring_table(app, "dyad-windows", TOPIC_SUFFIX, tally_timing(retention_s), retention_s)

    def tally(items: list[Item[DyadPartial]], now: datetime) -> dict[str, Touched]:
        """Merge each partial into its window, in order."""
        touched: dict[str, Touched] = {}
        for item in items:
            partial, partition = item.value, item.partition
            key = partial.key
            window = touched.get(key)
            if window is None:
                with acting_for(item.anchor):
                    windows.prepare(partition)
                    stored = windows.get(key)
                state = WindowTally.from_dict(stored) if stored else None
                window = touched[key] = Touched(
                    state or WindowTally.empty(partial.dyad, partial.bounds, partition), item.anchor
                )
            # Counted once per position even when replayed; stored and published anyway, so the changelog and
            # dyad-counts catch up with a local store that was ahead of them when the worker died.
            window.tally.add_partial(
                partial.entries, offset=item.offset, redelivered=was_redelivered(item.event.message)
            )
            window.anchor = item.anchor
            window.offsets.append(item.offset)
            window.events.append(item.event)
            windows.observe(partition, now.timestamp())  # expiry follows the worker's clock (updates)
        return touched

    async def handle(items: list[Item[DyadPartial]]) -> None:
        now = utc_now()
        touched = tally(items, now)
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

    @app.agent(pipeline.topics[TOPIC_SUFFIX], name=AGENT)
    async def count(stream: Any) -> None:
        await run_stage(pipeline, stream, agent=AGENT, model=DyadPartial, handle=handle)
