"""The frame every agent runs in: decode → validate → handle, with dead letters and metrics around it.

``Pipeline`` is what the agents share (settings, rules, topics, metrics); ``run_stage`` is the loop, so each
agent module only holds its own step.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from schemas.base import Payload
from streams.alerting.rules import RuleSet
from streams.pipeline.agents.deadletter import Rejected, dead_letter, decode
from streams.pipeline.agents.delivery import Batches, Deliveries, Outgoing
from streams.pipeline.agents.expiring_table import ExpiringTable, Timing
from streams.pipeline.agents.faust_internals import (
    add_table,
    kafka_producer,
    key_partition,
    partition_items,
    wait_for_commit,
)
from streams.pipeline.agents.gap_filler import GapFiller
from streams.runtime.metrics import PipelineMetrics
from streams.runtime.settings import Settings

log = logging.getLogger("dyadwatch.agents")

M = TypeVar("M", bound=BaseModel)

# Faust opens one RocksDB per table partition (3 tables × 6 partitions), by default each with up to 3 × 64 MiB of
# memtables and a 2 GiB block cache: the worker's memory grew with every table write until it passed 1 GB. These
# bound each database to a few MiB; memtables are flushed to disk sooner instead.
ROCKSDB_OPTIONS = {
    "write_buffer_size": 1 * 2**20,
    "max_write_buffer_number": 2,
    "target_file_size_base": 8 * 2**20,
    "block_cache_size": 2 * 2**20,
}

_NOT_SENT: Any = None  # an Outgoing's future before the producer has it

SWEEPS_PER_LIFETIME = 14  # an expired entry stays at most 1/14 of its lifetime longer (dedup: a day)


@dataclass
class Pipeline:
    """What the agents share. ``topics`` maps registry suffixes to Faust topics (raw bytes in and out);
    ``producer`` is the app's producer (``app.producer``)."""

    settings: Settings
    rules: RuleSet
    metrics: PipelineMetrics
    topics: dict[str, Any]
    gaps: GapFiller
    producer: Any
    # What keeps per-partition state in memory; told to forget revoked partitions (``forget(partitions)``).
    partition_state: list[Any] = field(default_factory=list)
    # Each agent's records queued since its last settle.
    deliveries: dict[str, Deliveries] = field(default_factory=dict)

    def table(self, app: Any, name: str, source: str, table_class: type | None = None) -> Any:
        """A Faust table (of ``table_class``, a ``faust.Table`` subclass, if given) co-partitioned with the registry
        topic ``source`` (JSON values, string keys)."""
        options = {"partitions": self.topics[source].partitions, "key_type": str, "options": dict(ROCKSDB_OPTIONS)}
        if table_class is not None:
            return add_table(app, table_class, name, default=None, **options)
        return app.Table(name, default=None, **options)

    def expiring_table(
        self,
        app: Any,
        name: str,
        source: str,
        timing: Timing,
        lifetime_s: float,
        *,
        table_class: type | None = None,
        entries: Callable[[Any], Any] | None = None,
    ) -> ExpiringTable:
        """A table whose entries live ``lifetime_s`` of event time; swept for expired ones 14 times per lifetime.
        ``entries`` makes the mapping the entries are kept in from the table (default: the table itself)."""
        table = self.table(app, name, source, table_class)
        every = lifetime_s / SWEEPS_PER_LIFETIME
        mapping = entries(table) if entries is not None else table
        expiring = ExpiringTable(mapping, timing, sweep_every_s=every, partition_items=partition_items(table))
        self.partition_state.append(expiring)
        return expiring

    async def send(
        self,
        agent: str,
        suffix: str,
        key: str | None,
        payload: Payload,
        *,
        origins: Sequence[Any],
        partition: int | None = None,
        timestamp: float | None = None,
        headers: Sequence[tuple[str, bytes]] = (),
        placed_as: Any = None,
    ) -> None:
        """Queue one record on the producer, derived from the input events ``origins``; not awaited per record.
        ``placed_as``: an input message whose key places it as this record's key does (``Outgoing.placed_as``).

        Straight to the app's producer, without ``Topic.send``'s per-record future and sensor bookkeeping. The agent's
        batch is settled (``settle``) before Faust may ack its input: every record acknowledged, or re-sent alone,
        or refused and dead-lettered with the broker's reason.
        """
        record = Outgoing(
            self.topics[suffix].get_topic_name(),
            key.encode() if key is not None else None,
            payload.to_bytes(),
            partition,
            timestamp,
            list(headers),
            origins,
            _NOT_SENT,
            (placed_as.topic, placed_as.partition) if placed_as is not None else None,
        )
        await self._deliveries(agent).send(record)
        self.metrics.sent(agent, suffix)

    async def settle(self, agent: str) -> None:
        """Wait until every record ``agent`` queued is acknowledged (see ``streams/pipeline/agents/delivery.py``)."""

        async def refuse(record: Outgoing, reason: str) -> None:
            if record.topic == self.topics["deadletter"].get_topic_name():
                log.error("dead letter refused by the broker", extra={"agent": agent, "reason": reason[:300]})
                return
            rejected = Rejected(
                "refused",
                f"the broker refused the {record.topic} record derived from this input "
                f"(sent alone, so for itself): {reason}",
            )
            for origin in record.origins:
                await self.reject(agent, origin, rejected)

        failed = await self._deliveries(agent).settle(refuse)
        if failed:
            log.warning("records sent again after a failed send", extra={"agent": agent, "records": failed})

    def _deliveries(self, agent: str) -> Deliveries:
        deliveries = self.deliveries.get(agent)
        if deliveries is None:
            kafka = kafka_producer(self.producer)
            partition_of = functools.partial(key_partition, self.producer)
            batches = Batches(kafka, partition_of) if kafka is not None else None
            deliveries = self.deliveries[agent] = Deliveries(self.producer, batches)
        return deliveries

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
            extra={
                "agent": agent,
                "error_kind": rejected.kind,
                "topic": message.topic,
                "partition": message.partition,
                "offset": message.offset,
                "reason": rejected.reason[:300],
            },
        )
        key = message.key.decode(errors="replace") if message.key else None
        await self.send(agent, "deadletter", key, letter, origins=(event,))
        self.metrics.dead_letters.labels(agent, rejected.kind).inc()


@dataclass(slots=True)
class Item(Generic[M]):
    """One decoded input record of a batch. ``anchor`` is the stream event whose partition context table writes
    for this record use: the record's own event, or, for a record re-read by the gap filler, the event that
    revealed the gap (same partition)."""

    event: Any
    value: M
    anchor: Any

    @property
    def partition(self) -> int:
        return self.event.message.partition

    @property
    def offset(self) -> int:
        return self.event.message.offset


async def run_stage(
    pipeline: Pipeline,
    stream: Any,
    *,
    agent: str,
    model: type[M],
    handle: Callable[[list[Item[M]]], Awaitable[None]],
) -> None:
    """Consume ``stream`` in batches: each record is decoded as ``model`` (or dead-lettered with its reason), and
    the batch's decoded records go to ``handle`` together, in offset order per partition.

    Batches (up to ``batch_max_records``, waiting at most ``batch_max_wait_ms``) let the handlers write each table
    key and publish each output once per batch instead of once per record. Faust acks a batch's records after
    ``handle`` returns and every record it produced is acknowledged by the broker (``Pipeline.settle``), so no
    offset is committed before its record was handled and its outputs delivered. ``handle`` dead-letters the
    records it cannot use (``Pipeline.reject``); anything else it raises is a bug, logged, and its batch goes to
    the dead-letter topic as ``agent_error``. Records Faust skipped on a partition are re-read and put before the
    record that revealed the gap (see ``gap_filler``).
    """
    metrics, settings = pipeline.metrics, pipeline.settings
    max_bytes = settings.max_message_bytes
    # The agent's labelled series, looked up once rather than per record.
    records_in, latency = metrics.records_in.labels(agent), metrics.latency.labels(agent)
    refetched = metrics.refetched.labels(agent)

    async def accept(event: Any, anchor: Any, items: list[Item[M]]) -> None:
        try:
            items.append(Item(event, decode(model, event.message.value, max_bytes=max_bytes), anchor))
        except Rejected as rejected:
            await pipeline.reject(agent, event, rejected)

    async def handle_safely(items: list[Item[M]]) -> None:
        """``handle``, and if it fails unexpectedly (a bug), every record of the batch to the dead-letter topic.

        Faust acks a batch whatever happens to it, so a crash here would drop up to a batch of records silently.
        Records handled before the failure may then be both counted and dead-lettered; re-sending them from the
        dead-letter topic is harmless (dedup by article id, tallies by article id).
        """
        try:
            await handle(items)
        except Exception as exc:
            log.exception("batch failed", extra={"agent": agent, "records": len(items)})
            rejected = Rejected(
                "agent_error", f"the {agent} agent failed on this record's batch: {type(exc).__name__}: {exc}"
            )
            for item in items:
                await pipeline.reject(agent, item.event, rejected)

    consumer = stream.app.consumer
    async for events in stream.take_events(settings.batch_max_records, within=settings.batch_max_wait_ms / 1000):
        # Wait while an offset commit is under way. Faust's commit first flushes the tables' changelog buffer until
        # it is empty; with the agents filling it as fast as it drains, it rarely was, and commits stalled for tens
        # of seconds under sustained load (and with them the replay window after a crash).
        await wait_for_commit(consumer)
        started = time.perf_counter()
        items: list[Item[M]] = []
        handled = []
        for event in events:
            for missed in await pipeline.gaps.missing(event.message):
                refetched.inc()
                handled.append(missed.message)
                await accept(missed, event, items)
            handled.append(event.message)
            await accept(event, event, items)
        if items:
            await handle_safely(items)
        # Before Faust may ack (and later commit) this batch's input: every record it produced acknowledged.
        await pipeline.settle(agent)
        records_in.inc(len(handled))
        for message in handled:
            metrics.handled(message.topic, message.partition, message.offset)
        latency.observe((time.perf_counter() - started) / len(handled))
