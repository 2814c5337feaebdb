"""`dyadwatch topics create` against the real broker, and a produce/consume round trip of every model."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from schemas.topics import TOPICS
from streams.kafka_clients import make_consumer, make_producer
from streams.settings import Settings
from tests.conftest import RunningBroker
from tests.unit.schemas.test_models import sample_models

DYADWATCH = str(Path(sys.executable).parent / "dyadwatch")


def topics_create(bootstrap: str, prefix: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DYADWATCH_TOPIC_PREFIX": prefix}
    return subprocess.run(
        [DYADWATCH, "topics", "create", "--bootstrap", bootstrap], capture_output=True, text=True, timeout=120, env=env
    )


def test_topics_create_is_idempotent_and_reports_conflicts(kafka_broker: RunningBroker) -> None:
    prefix = f"c{uuid.uuid4().hex[:8]}"
    first = topics_create(kafka_broker.bootstrap, prefix)
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("created") == len(TOPICS)
    second = topics_create(kafka_broker.bootstrap, prefix)
    assert second.returncode == 0 and second.stdout.count("exists") == len(TOPICS)

    other = f"d{uuid.uuid4().hex[:8]}"

    async def make_conflict() -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=kafka_broker.bootstrap)
        await admin.start()
        try:
            await admin.create_topics([NewTopic(f"{other}.events", 2, 1)])
        finally:
            await admin.close()

    asyncio.run(make_conflict())
    third = topics_create(kafka_broker.bootstrap, other)
    assert third.returncode == 2
    assert f"conflict {other}.events 2 partitions, registry wants 6" in third.stdout


async def test_every_model_round_trips_through_its_topic(kafka_settings: Settings) -> None:
    models = sample_models()
    producer = make_producer(kafka_settings)
    await producer.start()
    try:
        for model in models:
            spec = next(s for s in TOPICS.values() if s.model is type(model))
            await producer.send_and_wait(kafka_settings.topic(spec.suffix), model.to_bytes(), key=b"k")
    finally:
        await producer.stop()
    topics = [kafka_settings.topic(s.suffix) for s in TOPICS.values()]
    consumer = make_consumer(kafka_settings, *topics)
    await consumer.start()
    received = {}
    try:
        while len(received) < len(models):
            batch = await asyncio.wait_for(consumer.getmany(timeout_ms=1000), timeout=30)
            for tp, records in batch.items():
                spec = next(s for s in TOPICS.values() if kafka_settings.topic(s.suffix) == tp.topic)
                for record in records:
                    received[spec.suffix] = spec.model.from_bytes(record.value)
    finally:
        await consumer.stop()
    assert sorted(type(m).__name__ for m in received.values()) == sorted(type(m).__name__ for m in models)
    for model in models:
        assert model in received.values()
