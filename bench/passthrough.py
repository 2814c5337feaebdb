"""The baseline of the pipeline benchmark: a raw aiokafka loop that consumes a topic and produces every record,
unchanged, to another topic — what any Kafka consumer-producer costs on this machine, with no processing."""

from __future__ import annotations

import asyncio
import time

from streams.kafka.clients import make_consumer, make_producer
from streams.runtime.settings import Settings


async def passthrough(
    settings: Settings, source: str, target: str, expected: int, *, timeout: float = 600
) -> tuple[float, float]:
    """Copy ``expected`` records from ``source`` to ``target``; returns (records per second from first fetch to last
    ack, records per CPU second of this process)."""
    consumer = make_consumer(
        settings,
        source,
        group_id=f"bench-passthrough-{time.time_ns()}",
        enable_auto_commit=False,
        max_poll_records=2000,
        fetch_max_bytes=50 * 2**20,
    )
    producer = make_producer(settings, linger_ms=20, max_batch_size=256 * 1024)
    await consumer.start()
    await producer.start()
    copied, started = 0, None
    deadline = time.monotonic() + timeout
    try:
        while copied < expected and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            if batch and started is None:
                started, cpu_started = time.perf_counter(), time.process_time()
            futures = []
            for records in batch.values():
                for record in records:
                    futures.append(await producer.send(target, record.value, key=record.key))
                    copied += 1
            if futures:
                await asyncio.gather(*futures)
                await consumer.commit()
        elapsed = time.perf_counter() - (started or time.perf_counter())
        cpu = time.process_time() - cpu_started if started is not None else 0.0
    finally:
        await producer.stop()
        await consumer.stop()
    if copied < expected:
        raise RuntimeError(f"passthrough copied only {copied} of {expected} records within {timeout:.0f}s")
    return copied / elapsed, copied / max(cpu, 1e-9)
