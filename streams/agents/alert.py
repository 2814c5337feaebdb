"""alert: the rules file evaluated on every dyad-count update; per-dyad state (history, alerts raised) in a table.

Runs inside the count agent on the count it has just published (same dyad, same partition) instead of as an agent
reading dyad-counts back from Kafka: one round trip, one Faust stream and one decode less per update. The decoded
state of recently updated dyads stays in memory (the table holds the durable copy and is written on every update),
so a busy dyad's history is not parsed again on each of its updates.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection
from typing import Any

from schemas import DyadWindowCount
from schemas.base import utc_now
from streams.agents.stage import Pipeline
from streams.alerting.engine import DyadAlertState, evaluate

CACHED_DYADS = 4096


class AlertStep:
    def __init__(self, app: Any, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.states = pipeline.table(app, "dyad-alert-state", "dyad-events")
        self._cache: OrderedDict[tuple[int, str], DyadAlertState] = OrderedDict()
        pipeline.partition_state.append(self)

    async def on_count(self, agent: str, count: DyadWindowCount, *, partition: int, offsets: Collection[int]) -> None:
        """Evaluate the rules on ``count``, which the input records at ``offsets`` of ``partition`` produced.

        The offsets let the engine recognise a replayed trigger after a crash and publish its alert again.
        """
        key = (partition, count.dyad)
        state = self._cache.pop(key, None) or DyadAlertState.from_dict(self.states.get(count.dyad))
        alerts = evaluate(self.pipeline.rules, state, count, offsets=offsets, now=utc_now())
        self.states[count.dyad] = state.to_dict()
        self._cache[key] = state
        if len(self._cache) > CACHED_DYADS:
            self._cache.popitem(last=False)
        for alert in alerts:
            await self.pipeline.send(agent, "alerts", alert.id, alert)
            self.pipeline.metrics.alerts.labels(alert.rule).inc()

    def forget(self, partitions: set[int]) -> None:
        """Revoked partitions: another worker may update their dyads now."""
        for key in [k for k in self._cache if k[0] in partitions]:
            del self._cache[key]
