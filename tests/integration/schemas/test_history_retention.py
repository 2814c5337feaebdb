"""History survives the broker's retention: a record stamped 2019 stays on the event-time topics.

Time-based retention deletes a segment once its newest record timestamp is older than ``retention.ms``; the
registry bounds the topics whose timestamps are publication times by size instead. A broker of its own runs the
retention check every half second, and a control topic with the old 7-day retention proves the check ran (and
would have deleted the record) before the registry topics are inspected.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from schemas.topics import DAY_MS, TOPICS
from streams.kafka.admin import ensure_topics
from streams.kafka.broker import EmbeddedBroker
from streams.kafka.broker.embedded import free_port
from streams.kafka.clients import make_consumer, make_producer
from streams.runtime.settings import PROJECT_ROOT, Settings

PUBLISHED_2019_MS = int(datetime(2019, 10, 24, 14, 30, tzinfo=UTC).timestamp() * 1000)


@pytest.fixture(scope="module")
def quick_retention_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    broker = EmbeddedBroker(
        tmp_path_factory.mktemp("retention-kafka"),
        jar_cache_root=PROJECT_ROOT / "var",
        kafka_version=Settings().kafka_version,
        server_overrides={"log.retention.check.interval.ms": "500", "log.initial.task.delay.ms": "0"},
    )
    try:
        yield broker.start(free_port()).bootstrap
    finally:
        broker.stop()


async def test_a_2019_record_outlives_retention_checks_on_event_time_topics(
    quick_retention_broker: str, tmp_path: Path
) -> None:
    settings = Settings(bootstrap_servers=quick_retention_broker, topic_prefix="hist", data_dir=tmp_path)
    await ensure_topics(settings)
    control = "hist.control-7d"
    admin = AIOKafkaAdminClient(bootstrap_servers=quick_retention_broker)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(control, 1, 1, topic_configs={"retention.ms": str(7 * DAY_MS)})])
    finally:
        await admin.close()

    event_time = [settings.topic(s.suffix) for s in TOPICS.values() if s.event_time]
    assert sorted(event_time) == ["hist.articles", "hist.dyad-events"]
    producer = make_producer(settings)
    await producer.start()
    try:
        for topic in [*event_time, control]:  # the control last: its deletion implies a check saw the others
            await producer.send_and_wait(topic, b"history", key=b"k", partition=0, timestamp_ms=PUBLISHED_2019_MS)
    finally:
        await producer.stop()

    consumer = make_consumer(settings)
    await consumer.start()
    try:
        control_tp = TopicPartition(control, 0)
        while (await consumer.beginning_offsets([control_tp]))[control_tp] == 0:
            await asyncio.sleep(0.2)  # polling for the broker's retention check, not timing it
        kept = [TopicPartition(topic, 0) for topic in event_time]
        assert set((await consumer.beginning_offsets(kept)).values()) == {0}
        consumer.assign(kept)
        await consumer.seek_to_beginning(*kept)
        records: dict[str, list[tuple[bytes, int]]] = {}
        while len(records) < len(kept):
            batch = await asyncio.wait_for(consumer.getmany(*kept, timeout_ms=1000), 30)
            for tp, rs in batch.items():
                records.setdefault(tp.topic, []).extend((r.value, r.timestamp) for r in rs)
    finally:
        await consumer.stop()
    assert records == {topic: [(b"history", PUBLISHED_2019_MS)] for topic in event_time}
