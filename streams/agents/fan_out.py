"""fan-out: one classified event → one record per dyad, keyed by dyad, stamped with the published time."""

from __future__ import annotations

from typing import Any

from schemas import ClassifiedEvent, DyadEvent
from streams.agents.stage import Pipeline, run_stage

AGENT = "fan_out"


def dyad_events(event: ClassifiedEvent) -> list[DyadEvent]:
    """The dyad records of an event, primary dyad first, each dyad once."""
    out: list[DyadEvent] = []
    for link in event.dyads:
        if any(d.dyad == link.dyad for d in out):
            continue
        out.append(
            DyadEvent(
                dyad=link.dyad, article_id=event.article_id, source=link.source, target=link.target,
                event_type=event.event_type, quad_class=event.quad_class, topics=event.topics[:16],
                intensity=event.intensity, weight=link.weight, primary=not out, published_at=event.published_at,
            )
        )
    return out


def register(app: Any, pipeline: Pipeline) -> None:
    async def handle(_event: Any, classified: ClassifiedEvent) -> None:
        for record in dyad_events(classified):
            # The record timestamp is the article's published time: windows downstream follow event time.
            await pipeline.send(AGENT, "dyad-events", record.dyad, record, timestamp=record.published_at.timestamp())

    @app.agent(pipeline.topics["events"], name=AGENT)
    async def fan_out(stream: Any) -> None:
        await run_stage(pipeline, stream, agent=AGENT, model=ClassifiedEvent, handle=handle)
