"""Re-reading input records that Faust skipped, so a crash-restart never loses one.

Faust 0.15.3 can drop a record that was already fetched while it finishes table recovery at start-up (its
stream skips records fetched while flow control is being reset), and its commit logic then commits past the
hole: ``Consumer._new_offset`` allows one missing offset right after the committed position ("min(acked) -
committed > 1"). We saw exactly that in the kill test: offset 1 of a partition was never handled, offsets 0 and
2 were, and the group committed the partition's end.

So each agent checks that the offsets it handles on a partition follow each other; on a hole it reads the
missing records straight from Kafka (a private, group-less consumer) and handles them first. Holes that are
legitimate (compaction, transaction markers) just come back empty. Every handler is idempotent, so a record
handled twice costs nothing.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from streams.runtime.settings import Settings

log = logging.getLogger("dyadwatch.agents.gaps")


@dataclass(frozen=True)
class Refetched:
    """A re-read record, shaped like the part of a Faust message the agents use."""

    topic: str
    partition: int
    offset: int
    timestamp: float
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...] = ()


@dataclass(frozen=True)
class RefetchedEvent:
    message: Refetched


class GapFiller:
    """Tracks the next expected offset per partition and re-reads what was skipped."""

    def __init__(self, settings: Settings, group_id: str) -> None:
        self.settings = settings
        self.group_id = group_id
        self._next: dict[tuple[str, int], int] = {}
        self._reader: AIOKafkaConsumer | None = None
        self._offsets: AIOKafkaConsumer | None = None
        self._lock = asyncio.Lock()  # the agents share one filler; its consumers serve one request at a time

    def forget(self, partitions: set[int]) -> None:
        """Revoked partitions: another worker may move them on; start afresh if they come back."""
        for key in [k for k in self._next if k[1] in partitions]:
            del self._next[key]

    async def missing(self, message: Any) -> list[RefetchedEvent]:
        """Records before ``message`` on its partition that were never handed to the agent.

        A failure to check (e.g. the broker is away) is logged and ignored: raising here would crash the agent,
        and Faust drops the record an agent crashed on.
        """
        expected = self._next.get((message.topic, message.partition))
        if expected is not None and message.offset == expected:  # the usual case: the next record, no hole
            self._next[(message.topic, message.partition)] = expected + 1
            return []
        try:
            async with self._lock:
                return await self._missing(message)
        except Exception:
            log.exception(
                "could not check for skipped records", extra={"topic": message.topic, "partition": message.partition}
            )
            return []

    async def _missing(self, message: Any) -> list[RefetchedEvent]:
        key = (message.topic, message.partition)
        expected = self._next.get(key)
        if expected is None:
            expected = await self._start_offset(TopicPartition(*key))
        self._next[key] = max(self._next.get(key, 0), message.offset + 1)
        if message.offset <= expected:
            return []
        records = await self._read(TopicPartition(*key), expected, message.offset)
        if records:
            log.warning(
                "re-reading records the stream skipped",
                extra={
                    "topic": key[0],
                    "partition": key[1],
                    "from": expected,
                    "to": message.offset,
                    "records": len(records),
                },
            )
        return records

    async def _start_offset(self, tp: TopicPartition) -> int:
        """Where this run should have started: the group's committed offset, else the log start."""
        if self._offsets is None:
            self._offsets = AIOKafkaConsumer(
                **self.settings.kafka_client_options(),
                group_id=self.group_id,
                enable_auto_commit=False,
                client_id="dyadwatch-gap-check",
            )
            await self._offsets.start()
        committed = await self._offsets.committed(tp)
        if committed is not None:
            return committed
        return (await self._offsets.beginning_offsets([tp]))[tp]

    async def _read(self, tp: TopicPartition, start: int, end: int) -> list[RefetchedEvent]:
        if self._reader is None:
            self._reader = AIOKafkaConsumer(
                **self.settings.kafka_client_options(),
                group_id=None,
                enable_auto_commit=False,
                isolation_level="read_committed",
                client_id="dyadwatch-gap-reader",
            )
            await self._reader.start()
        self._reader.assign([tp])
        self._reader.seek(tp, start)
        out: list[RefetchedEvent] = []
        while await self._reader.position(tp) < end:
            batch = await self._reader.getmany(tp, timeout_ms=1000, max_records=end - start)
            records = batch.get(tp, [])
            out.extend(
                RefetchedEvent(
                    Refetched(
                        tp.topic, tp.partition, r.offset, r.timestamp / 1000.0, r.key, r.value, tuple(r.headers or ())
                    )
                )
                for r in records
                if r.offset < end
            )
            if not records and await self._reader.position(tp) >= (await self._reader.end_offsets([tp]))[tp]:
                break
        return out
