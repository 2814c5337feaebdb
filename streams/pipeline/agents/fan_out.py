"""fan-out: one classified event → one record per dyad, keyed by dyad, with the article record's position.

The record timestamp is the time of sending, not the published time (which the payload carries, and windows
follow): a record timestamp far in the past (a history import) would let the broker's time-based retention delete
the record before it is counted, and one in the future beyond ``message.timestamp.after.max.ms`` is refused.

Done by the classify agent right after it publishes the event (not by an agent of its own reading ``events``
back): one Kafka round trip and one Faust stream less per article, with the very same records on dyad-events.
"""

from __future__ import annotations

from typing import Any

from schemas import ClassifiedEvent, DyadEvent
from schemas.base import assemble
from streams.pipeline.agents.delivery import source_header
from streams.pipeline.agents.stage import Pipeline


def dyad_events(event: ClassifiedEvent) -> list[DyadEvent]:
    """The dyad records of an event, primary dyad first, each dyad once. Assembled without validation: every value
    is a validated ``ClassifiedEvent``'s, whose fields carry the same bounds (tests/unit/pipeline/test_agent_steps.py
    checks that validation gives equal records)."""
    out: list[DyadEvent] = []
    seen: set[str] = set()
    for link in event.dyads:
        if link.dyad in seen:
            continue
        seen.add(link.dyad)
        out.append(
            assemble(
                DyadEvent,
                {
                    "schema_version": DyadEvent.SCHEMA_VERSION,
                    "dyad": link.dyad,
                    "article_id": event.article_id,
                    "source": link.source,
                    "target": link.target,
                    "event_type": event.event_type,
                    "quad_class": event.quad_class,
                    "topics": event.topics[:16],
                    "intensity": event.intensity,
                    "weight": link.weight,
                    "primary": not out,
                    "published_at": event.published_at,
                },
            )
        )
    return out


async def publish(pipeline: Pipeline, agent: str, event: ClassifiedEvent, origin: Any) -> list[DyadEvent]:
    """Send ``event``'s dyad records to dyad-events and return them; ``origin`` is the article's input event."""
    headers = (source_header(origin.message),)
    records = dyad_events(event)
    for record in records:
        await pipeline.send(agent, "dyad-events", record.dyad, record, origins=(origin,), headers=headers)
    return records
