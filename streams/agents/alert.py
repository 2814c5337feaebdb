"""alert: dyad-counts → alerts, by the rules file; per-dyad state (history, alerts raised) in a table."""

from __future__ import annotations

from typing import Any

from schemas import DyadWindowCount
from schemas.base import utc_now
from streams.agents.stage import Pipeline, run_stage
from streams.alerting.engine import DyadAlertState, evaluate

AGENT = "alert"


def register(app: Any, pipeline: Pipeline) -> None:
    states = pipeline.table(app, "dyad-alert-state", "dyad-counts")

    async def handle(event: Any, count: DyadWindowCount) -> None:
        state = DyadAlertState.from_dict(states.get(count.dyad))
        alerts = evaluate(pipeline.rules, state, count, offset=event.message.offset, now=utc_now())
        states[count.dyad] = state.to_dict()
        for alert in alerts:
            await pipeline.send(AGENT, "alerts", alert.id, alert)
            pipeline.metrics.alerts.labels(alert.rule).inc()

    @app.agent(pipeline.topics["dyad-counts"], name=AGENT)
    async def alert(stream: Any) -> None:
        await run_stage(pipeline, stream, agent=AGENT, model=DyadWindowCount, handle=handle)
