"""Producing test input to, and reading results from, the pipeline's topics on the real broker."""

from __future__ import annotations

from collections.abc import Iterable

from aiokafka import TopicPartition

from schemas import Alert, DeadLetter, DyadWindowCount
from streams.kafka.clients import make_consumer, make_producer
from streams.runtime.settings import Settings
from tests.waiting import eventually


async def produce(
    settings: Settings, suffix: str, records: Iterable[tuple[bytes | None, bytes]], *, timestamp_ms: int | None = None
) -> int:
    """Send (key, value) records to a registry topic (record time ``timestamp_ms``, else now); returns how many."""
    producer = make_producer(settings, max_request_size=8 * 1024 * 1024)
    await producer.start()
    n = 0
    try:
        for key, value in records:
            await producer.send(settings.topic(suffix), key=key, value=value, timestamp_ms=timestamp_ms)
            n += 1
        await producer.flush()
    finally:
        await producer.stop()
    return n


async def read_all(settings: Settings, suffix: str) -> list[tuple[bytes | None, bytes | None]]:
    """Every committed record currently in a registry topic, up to its end offsets at call time."""
    return await read_topic(settings, settings.topic(suffix))


async def read_topic(settings: Settings, topic: str) -> list[tuple[bytes | None, bytes | None]]:
    """Every committed record currently in ``topic`` (any name), up to its end offsets at call time."""
    return [(key, value) for _, key, value in await read_placed(settings, topic)]


async def read_placed(settings: Settings, topic: str) -> list[tuple[int, bytes | None, bytes | None]]:
    """``read_topic`` with each record's partition: (partition, key, value)."""
    consumer = make_consumer(settings)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
        if not partitions:
            await consumer._client.force_metadata_update()  # new topics: metadata may not be cached yet
            partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        out: list[tuple[int, bytes | None, bytes | None]] = []
        remaining = {tp for tp in partitions if ends[tp] > 0}
        while remaining:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                out.extend((r.partition, r.key, r.value) for r in records)
            for tp in list(remaining):
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
        return out
    finally:
        await consumer.stop()


async def latest_counts(settings: Settings) -> dict[str, DyadWindowCount]:
    """The compacted view of dyad-counts: the last record per key."""
    return {k.decode(): DyadWindowCount.from_bytes(v) for k, v in await read_all(settings, "dyad-counts") if v}


async def alerts(settings: Settings) -> list[Alert]:
    return [Alert.from_bytes(v) for _, v in await read_all(settings, "alerts") if v]


async def dead_letters(settings: Settings) -> list[DeadLetter]:
    return [DeadLetter.from_bytes(v) for _, v in await read_all(settings, "deadletter") if v]


async def counts_when_settled(settings: Settings, expected: dict[str, int], *, timeout: float) -> dict[str, int]:
    """The per-window counts once they equal ``expected``, or as they are when ``timeout`` runs out."""
    last: dict[str, int] = {}

    async def settled():
        nonlocal last
        last = {k: c.count for k, c in (await latest_counts(settings)).items()}
        return last == expected

    await eventually(settled, timeout=timeout, interval=1.0)
    return last
