"""`dyadwatch topics create` against the real broker, and a produce/consume round trip of every model."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import InvalidTimestampError

from schemas.topics import TOPICS
from streams.kafka.clients import make_consumer, make_producer
from streams.runtime.settings import Settings
from tests.conftest import RunningBroker
from tests.unit.schemas.test_models import sample_models

DYADWATCH = str(Path(sys.executable).parent / "dyadwatch")


def topics_create(
    bootstrap: str, prefix: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DYADWATCH_TOPIC_PREFIX": prefix, **(env or {})}
    return subprocess.run(
        [DYADWATCH, "topics", "create", "--bootstrap", bootstrap, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
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


async def topic_configs(bootstrap: str, names: list[str]) -> dict[str, dict[str, str]]:
    """Every config of each topic, asking again while the broker has not yet learnt of a topic just created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        while True:
            described = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, n) for n in names])
            resources = [resource for response in described for resource in response.resources]
            if all(resource[0] == 0 for resource in resources):
                return {resource[3]: {e[0]: e[1] for e in resource[4]} for resource in resources}
            await asyncio.sleep(0.1)
    finally:
        await admin.close()


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


def test_topics_create_reports_drift_and_fix_alters_it_back(kafka_broker: RunningBroker) -> None:
    prefix = f"f{uuid.uuid4().hex[:8]}"
    assert topics_create(kafka_broker.bootstrap, prefix).returncode == 0
    articles = f"{prefix}.articles"

    async def alter(configs: dict[str, str]) -> dict[str, str]:
        admin = AIOKafkaAdminClient(bootstrap_servers=kafka_broker.bootstrap)
        await admin.start()
        try:
            if configs:  # as an older release or an operator left it: the old 7-day retention, plus an extra
                await admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, articles, configs=configs)])
            described = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, articles)])
            return {e[0]: e[1] for r in described for res in r.resources for e in res[4]}
        finally:
            await admin.close()

    asyncio.run(alter({"retention.ms": "604800000", "retention.bytes": "-1", "max.compaction.lag.ms": "86400000"}))
    drifted = topics_create(kafka_broker.bootstrap, prefix)
    assert drifted.returncode == 2
    assert f"drift    {articles} retention.ms=604800000, registry wants -1; retention.bytes=-1" in drifted.stdout
    assert drifted.stdout.count("exists") == len(TOPICS) - 1
    fixed = topics_create(kafka_broker.bootstrap, prefix, "--fix")
    assert fixed.returncode == 0, fixed.stderr
    assert f"fixed    {articles} retention.ms=604800000" in fixed.stdout
    configs = asyncio.run(alter({}))
    assert {k: configs[k] for k in TOPICS["articles"].config()} == TOPICS["articles"].config()
    assert configs["max.compaction.lag.ms"] == "86400000", "--fix keeps configs the registry does not own"
    again = topics_create(kafka_broker.bootstrap, prefix, "--fix")
    assert again.returncode == 0 and again.stdout.count("exists") == len(TOPICS)
    wider = topics_create(kafka_broker.bootstrap, prefix, env={"DYADWATCH_REPLICATION_FACTOR": "2"})
    assert wider.returncode == 2
    assert f"conflict {articles} replication factor 1, settings want 2" in wider.stdout


def test_a_topic_the_broker_refuses_to_create_is_an_error_not_created(kafka_broker: RunningBroker) -> None:
    refused = topics_create(
        kafka_broker.bootstrap, f"r{uuid.uuid4().hex[:8]}", env={"DYADWATCH_REPLICATION_FACTOR": "3"}
    )
    assert refused.returncode == 1
    assert "InvalidReplicationFactorError: creating topic" in refused.stderr and "created" not in refused.stdout


async def test_topics_refuse_far_future_timestamps_and_keep_any_past(kafka_settings: Settings) -> None:
    names = [kafka_settings.topic(s) for s in TOPICS]
    for configs in (await topic_configs(kafka_settings.bootstrap_servers, names)).values():
        assert configs["message.timestamp.type"] == "CreateTime"
        assert configs["message.timestamp.after.max.ms"] == "3600000"
        assert configs["message.timestamp.before.max.ms"] == str(2**63 - 1)
    assert kafka_settings.future_tolerance_s * 1000 < 3600000
    now_ms = int(time.time() * 1000)
    topic = kafka_settings.topic("articles")
    producer = make_producer(kafka_settings)
    await producer.start()
    try:
        for stamp in (now_ms + kafka_settings.future_tolerance_s * 1000, 0, now_ms - 50 * 365 * 86_400_000):
            await producer.send_and_wait(topic, b"{}", key=b"k", timestamp_ms=max(stamp, 0))
        with pytest.raises(InvalidTimestampError):
            await producer.send_and_wait(topic, b"{}", key=b"k", timestamp_ms=now_ms + 2 * 3600 * 1000)
    finally:
        await producer.stop()
