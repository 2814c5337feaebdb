"""The frame every agent runs in: decode → validate → handle, with dead letters and metrics around it.

``Pipeline`` is what the agents share (settings, rules, topics, metrics); ``run_stage`` is the loop, so each
agent module only holds its own step.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from schemas.base import Payload
from streams.agents.deadletter import Rejected, dead_letter, decode
from streams.agents.expiring_table import ExpiringTable, Timing
from streams.agents.gap_filler import GapFiller
from streams.alerting.rules import RuleSet
from streams.metrics import PipelineMetrics
from streams.settings import Settings

log = logging.getLogger("dyadwatch.agents")

M = TypeVar("M", bound=BaseModel)


@dataclass
class Pipeline:
    """What the agents share. ``topics`` maps registry suffixes to Faust topics (raw bytes in and out)."""

    settings: Settings
    rules: RuleSet
    metrics: PipelineMetrics
    topics: dict[str, Any]
    gaps: GapFiller
    expiring_tables: list[ExpiringTable] = field(default_factory=list)

    def table(self, app: Any, name: str, source: str) -> Any:
        """A Faust table co-partitioned with the registry topic ``source`` (JSON values, string keys)."""
        return app.Table(name, default=None, partitions=self.topics[source].partitions, key_type=str)

    def expiring_table(self, app: Any, name: str, source: str, timing: Timing) -> ExpiringTable:
        table = ExpiringTable(self.table(app, name, source), timing)
        self.expiring_tables.append(table)
        return table

    async def send(
        self,
        agent: str,
        suffix: str,
        key: str | None,
        payload: Payload,
        *,
        partition: int | None = None,
        timestamp: float | None = None,
    ) -> None:
        await self.topics[suffix].send(
            key=key.encode() if key is not None else None,
            value=payload.to_bytes(),
            partition=partition,
            timestamp=timestamp,
        )
        self.metrics.records_out.labels(agent, suffix).inc()

    async def reject(self, agent: str, event: Any, rejected: Rejected) -> None:
        """Send ``event``'s record to the dead-letter topic with the reason; processing goes on."""
        message = event.message
        letter = dead_letter(
            rejected,
            raw=message.value,
            key=message.key,
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            stage=agent,
            max_bytes=self.settings.max_message_bytes,
        )
        log.warning(
            "dead letter",
            extra={"agent": agent, "error_kind": rejected.kind, "topic": message.topic,
                   "partition": message.partition, "offset": message.offset, "reason": rejected.reason[:300]},
        )
        key = message.key.decode(errors="replace") if message.key else None
        await self.send(agent, "deadletter", key, letter)
        self.metrics.dead_letters.labels(agent, rejected.kind).inc()


async def run_stage(
    pipeline: Pipeline,
    stream: Any,
    *,
    agent: str,
    model: type[M],
    handle: Callable[[Any, M], Awaitable[None]],
) -> None:
    """Consume ``stream``: each record is decoded as ``model`` and handled, or dead-lettered with its reason.

    ``handle`` may raise :class:`Rejected` for records that decode but cannot be used (e.g. the classifier fails
    on them). Anything else it raises is a bug: Faust logs the crash and restarts the agent.
    Records Faust skipped on this partition are re-read and handled first (see ``gap_filler``).
    """
    metrics, max_bytes = pipeline.metrics, pipeline.settings.max_message_bytes

    async def one(event: Any) -> None:
        started = time.perf_counter()
        message = event.message
        metrics.records_in.labels(agent).inc()
        try:
            await handle(event, decode(model, message.value, max_bytes=max_bytes))
        except Rejected as rejected:
            await pipeline.reject(agent, event, rejected)
        metrics.handled(message.topic, message.partition, message.offset)
        metrics.latency.labels(agent).observe(time.perf_counter() - started)

    async for event in stream.events():
        # Handled inside the current event's context: table writes land on the same (co-)partition.
        for missed in await pipeline.gaps.missing(event.message):
            metrics.refetched.labels(agent).inc()
            await one(missed)
        await one(event)
