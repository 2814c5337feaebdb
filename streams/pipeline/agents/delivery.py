"""Knowing that every record an agent produced was acknowledged, before its input offsets may be committed.

The producer batches records per partition, and the broker judges a whole batch: one record it refuses (a
timestamp out of range, a size over the topic's ``max.message.bytes``) fails every record of that batch, and
the producer reports it only on each record's future. Nobody awaited those futures, so a refused batch was lost
while the input offsets were committed anyway ("Future exception was never retrieved").

Now each agent batch's sends are tracked (``Deliveries``) and settled before the agent takes its next batch
(Faust acks, and later commits, a batch's input only then). A record that failed is sent again on its own: one
that fails alone was refused for itself and goes to the dead letters with the broker's reason (its neighbours,
re-sent alone, are delivered); a transient failure (no leader, timeout, broker away) is retried until it is
delivered, so the agent waits for the broker instead of dropping anything.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aiokafka.errors import KafkaError, KafkaTimeoutError

log = logging.getLogger("dyadwatch.agents.delivery")

# Header on a record sent again after its first send failed: the broker did not append the first one, so a
# consumer that skips positions it has counted already must not skip this record (see ``streams/pipeline/windows.py``).
REDELIVERED_HEADER = "dyadwatch-redelivered"
# Header on a dyad event: the position of the article record it derives from, b"<partition>:<offset>".
SOURCE_HEADER = "dyadwatch-source"
RETRY_BACKOFF_S = (0.1, 0.5, 1.0, 2.0, 5.0)


@dataclass(slots=True)
class Outgoing:
    """One queued record, what it derives from (the input events to dead-letter if the broker refuses it) and the
    producer's future for its acknowledgement."""

    topic: str
    key: bytes | None
    value: bytes
    partition: int | None
    timestamp: float | None
    headers: list[tuple[str, bytes]]
    origins: Sequence[Any]
    future: Awaitable[Any]
    # (topic, partition) of an input record with the same key: the record goes to the same partition number when
    # both topics have as many partitions (the default partitioner's choice), without hashing the key again.
    placed_as: tuple[str, int] | None = None


Refuse = Callable[[Outgoing, str], Awaitable[None]]


async def queue(producer: Any, record: Outgoing) -> Outgoing:
    """Hand ``record`` to the producer; a send the client refuses at once (too large) fails its future instead."""
    try:
        record.future = await producer.send(
            record.topic, record.key, record.value, record.partition, record.timestamp, record.headers or None
        )
    except Exception as exc:
        failed: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        failed.set_exception(exc)
        record.future = failed
    return record


def refusal(exc: BaseException) -> str | None:
    """The broker's (or client's) reason if ``exc`` refuses this record for good; None for a transient failure."""
    cause = exc.__cause__ if isinstance(exc.__cause__, KafkaError) else exc  # Faust wraps it in ProducerSendError
    if isinstance(cause, KafkaTimeoutError) or getattr(cause, "retriable", False):
        return None
    description = getattr(cause, "description", "") or str(cause)
    return f"{type(cause).__name__}: {description}".strip()


class Batches:
    """Records queued in aiokafka batches, one open batch per (topic, partition), handed to the producer when full
    or at ``flush``: one accumulator call and one future per batch instead of per record. Every record of a batch
    gets the batch's future, so a batch the broker refuses fails each of its records, as the producer's own batches
    do (``Deliveries`` then sends them again one by one)."""

    def __init__(self, kafka: Any, partition_of: Callable[[str, bytes | None], int]) -> None:
        self.kafka = kafka
        self.partition_of = partition_of
        self._open: dict[tuple[str, int], tuple[Any, list[Outgoing]]] = {}
        # Keys placed since the last flush: a batch sends many records per dyad, and the partitioner hashes in Python.
        self._placed: dict[tuple[str, bytes], int] = {}
        self._partition_counts: dict[str, int] = {}  # per topic, since the last flush

    async def add(self, record: Outgoing) -> bool:
        """Queue ``record`` in its partition's batch; False if it cannot be batched (larger than a batch on its own,
        or no metadata to place it): the caller then sends it by itself after flushing what was batched before it,
        so a partition's records keep their order (the count agent relies on it for the partials)."""
        try:
            await self._partition_count(record.topic)  # waits for the topic's metadata (needed to place a key)
            partition = record.partition if record.partition is not None else await self._place(record)
        except Exception:  # the broker away, say: the producer's own send reports it on the record's future
            return False
        tp = (record.topic, partition)
        held = self._open.get(tp)
        if held is not None and self._append(held[0], record):
            held[1].append(record)
            return True
        if held is not None:  # full: it goes first
            await self._send(tp)
        batch = self.kafka.create_batch()
        if not self._append(batch, record):
            return False
        self._open[tp] = (batch, [record])
        return True

    async def flush(self) -> None:
        self._placed.clear()  # bounded by a batch; a topic given more partitions is placed anew after it
        self._partition_counts.clear()
        for tp in list(self._open):
            await self._send(tp)

    async def _place(self, record: Outgoing) -> int:
        """The partition the producer's partitioner gives ``record``'s key, hashing each key once per batch."""
        if record.placed_as is not None:
            topic, same = record.placed_as
            if await self._partition_count(record.topic) == await self._partition_count(topic):
                return same
        if record.key is None:
            return self.partition_of(record.topic, None)
        placed = (record.topic, record.key)
        partition = self._placed.get(placed)
        if partition is None:
            partition = self._placed[placed] = self.partition_of(record.topic, record.key)
        return partition

    async def _partition_count(self, topic: str) -> int:
        count = self._partition_counts.get(topic)
        if count is None:
            count = self._partition_counts[topic] = len(await self.kafka.partitions_for(topic))
        return count

    @staticmethod
    def _append(batch: Any, record: Outgoing) -> bool:
        return batch.append(timestamp=None, key=record.key, value=record.value, headers=record.headers) is not None

    async def _send(self, tp: tuple[str, int]) -> None:
        batch, records = self._open.pop(tp)
        try:
            future = await self.kafka.send_batch(batch, tp[0], partition=tp[1])
        except Exception as exc:
            future = asyncio.get_running_loop().create_future()
            future.set_exception(exc)
        for record in records:
            record.future = future


class Deliveries:
    """The records one agent queued since its last settle; batched per partition when ``batches`` is given."""

    def __init__(self, producer: Any, batches: Batches | None = None) -> None:
        self.producer = producer
        self.batches = batches
        self.pending: list[Outgoing] = []

    async def send(self, record: Outgoing) -> None:
        if self.batches is not None:
            if record.timestamp is None and await self.batches.add(record):
                self.pending.append(record)
                return
            await self.batches.flush()  # a record sent by itself goes after those batched before it
        self.pending.append(await queue(self.producer, record))

    async def settle(self, refuse: Refuse) -> int:
        """Wait for every pending record's acknowledgement; deliver the failed ones alone, in their order, or hand
        them to ``refuse`` with the reason. Returns how many failed their first send."""
        failures = 0
        while self.pending:  # ``refuse`` queues dead letters, which are settled in turn
            if self.batches is not None:
                await self.batches.flush()
            pending, self.pending = self.pending, []
            failed = []
            for record in pending:  # a done future is awaited without suspending; most are done together
                try:
                    await record.future
                except Exception as exc:
                    failed.append((record, exc))
            failures += len(failed)
            for record, exc in failed:  # in their order, after every first send has settled
                await self._send_alone(record, exc, refuse)
        return failures

    async def _send_alone(self, record: Outgoing, first_error: BaseException, refuse: Refuse) -> None:
        headers = [*record.headers, (REDELIVERED_HEADER, b"1")]
        error: BaseException = first_error
        attempt = 0
        while True:
            alone = await queue(self.producer, Outgoing(**{**_fields(record), "headers": headers}))
            try:
                await alone.future
                return
            except Exception as exc:
                error = exc
            reason = refusal(error)
            if reason is not None:
                await refuse(record, reason)
                return
            delay = RETRY_BACKOFF_S[min(attempt, len(RETRY_BACKOFF_S) - 1)]
            log.warning(
                "record not delivered, retrying",
                extra={"topic": record.topic, "error": repr(error)[:300], "retry_in_s": delay},
            )
            attempt += 1
            await asyncio.sleep(delay)


def _fields(record: Outgoing) -> dict[str, Any]:
    return {name: getattr(record, name) for name in Outgoing.__slots__}


def source_header(message: Any) -> tuple[str, bytes]:
    """The header naming ``message`` (an input record) as the source of the records derived from it."""
    return SOURCE_HEADER, f"{message.partition}:{message.offset}".encode()


def was_redelivered(message: Any) -> bool:
    return _header(message, REDELIVERED_HEADER) is not None


def _header(message: Any, name: str) -> bytes | None:
    headers = getattr(message, "headers", None) or ()
    items = headers.items() if isinstance(headers, dict) else headers
    return next((value for key, value in items if key == name), None)
