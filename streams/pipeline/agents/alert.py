"""alert: the rules file evaluated on every dyad-count update; per-dyad state (history, alerts raised) in a table.

Runs inside the count agent on the count it has just published (same dyad, same partition) instead of as an agent
reading dyad-counts back from Kafka: one round trip, one Faust stream and one decode less per update. The decoded
state of recently updated dyads stays in memory (the table holds the durable copy and is written on every update),
so a busy dyad's history is not parsed again on each of its updates.

Past and present are kept apart. An alert on a window that ended more than ``DYADWATCH_ALERT_LIVE_HORIZON_HOURS``
before it was counted is marked ``historical``. A window older than the rules' look-back (``RuleSet.history_s``)
can never be part of a live window's baseline, so it is judged against a state of its own (key ``DYAD#past``):
an import of old history builds its own baselines there, window by window, and live updates arriving meanwhile
(which prune the live state to the recent past) do not wipe them. Recent history (inside the look-back) goes to
the live state and serves as the live windows' baseline.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from schemas import DyadWindowCount
from schemas.base import utc_now
from streams.alerting.engine import DyadAlertState, evaluate
from streams.pipeline.agents.stage import Pipeline
from streams.pipeline.partials import TOPIC_SUFFIX

CACHED_DYADS = 4096
PAST_SUFFIX = "#past"


class AlertStep:
    def __init__(self, app: Any, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.states = pipeline.table(app, "dyad-alert-state", TOPIC_SUFFIX)  # the count agent's input
        self._cache: OrderedDict[tuple[int, str], DyadAlertState] = OrderedDict()
        pipeline.partition_state.append(self)
        self.live_horizon = timedelta(hours=pipeline.settings.alert_live_horizon_hours)
        self.look_back = timedelta(seconds=pipeline.rules.history_s(pipeline.settings.window_minutes * 60.0))

    async def on_count(
        self,
        agent: str,
        count: DyadWindowCount,
        *,
        partition: int,
        offsets: Collection[int],
        origins: Sequence[Any],
    ) -> None:
        """Evaluate the rules on ``count``, which the input records at ``offsets`` of ``partition`` produced.

        The offsets let the engine recognise a replayed trigger after a crash and publish its alert again;
        ``origins`` are those input events (dead-lettered if the broker refuses an alert).
        """
        now = utc_now()
        state_key = self.state_key(count, now)
        key = (partition, state_key)
        state = self._cache.pop(key, None) or DyadAlertState.from_dict(self.states.get(state_key))
        historical = count.window_end < now - self.live_horizon
        alerts = evaluate(self.pipeline.rules, state, count, offsets=offsets, now=now, historical=historical)
        self.states[state_key] = state.to_dict()
        self._cache[key] = state
        if len(self._cache) > CACHED_DYADS:
            self._cache.popitem(last=False)
        for alert in alerts:
            await self.pipeline.send(agent, "alerts", alert.id, alert, origins=origins)
            self.pipeline.metrics.alerts.labels(alert.rule).inc()

    def state_key(self, count: DyadWindowCount, now: datetime) -> str:
        """The dyad's live state, or its past state for a window beyond the rules' look-back."""
        return count.dyad + PAST_SUFFIX if count.window_end < now - self.look_back else count.dyad

    def forget(self, partitions: set[int]) -> None:
        """Revoked partitions: another worker may update their dyads now."""
        for key in [k for k in self._cache if k[0] in partitions]:
            del self._cache[key]
