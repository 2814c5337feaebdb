"""Fixtures of the source integration tests: the local feed server, a reader of the articles topic, and a way to
delete and create that topic again."""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.structs import ConsumerRecord

from schemas.article import RawArticle
from schemas.topics import TOPICS
from streams.kafka.clients import make_consumer, make_producer
from streams.kafka.topic_ids import TopicIdUnavailable, topic_id
from streams.runtime.settings import Settings
from tests.fixtures.feed_server import feed_server

__all__ = ["assert_each_once", "feed_server", "read_articles", "read_records", "recreate_articles_topic"]


async def read_articles(settings: Settings) -> list[tuple[str, RawArticle]]:
    """Every record on the articles topic as (key, validated article), read from the beginning to the end."""
    return [(m.key.decode(), RawArticle.from_bytes(m.value)) for m in await read_records(settings)]


async def read_records(settings: Settings) -> list[ConsumerRecord]:
    """Every record on the articles topic, as the consumer gets it (with its Kafka timestamp)."""
    topic = settings.topic("articles")
    partitions = [TopicPartition(topic, p) for p in range(TOPICS["articles"].partitions)]
    consumer = make_consumer(settings)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        records: list[ConsumerRecord] = []
        while [tp for tp in partitions if await consumer.position(tp) < end[tp]]:
            batch = await consumer.getmany(*partitions, timeout_ms=1000)
            for messages in batch.values():
                records += messages
        return records
    finally:
        await consumer.stop()


def assert_each_once(records: list[tuple[str, RawArticle]]) -> None:
    """Keyed by article id, and no article twice."""
    assert all(key == article.id for key, article in records)
    keys = [key for key, _ in records]
    assert len(keys) == len(set(keys)), "an article arrived twice"


async def recreate_articles_topic(settings: Settings, **config: str) -> None:
    """Delete the articles topic and create it again (a new topic id), with ``config`` over the registry's; return
    once the broker serves the new topic with that config (it lags the controller a little)."""
    name, spec = settings.topic("articles"), TOPICS["articles"]
    admin = AIOKafkaAdminClient(**settings.kafka_client_options(), client_id="test-admin")
    producer = make_producer(settings, client_id="test-topic-id")
    await admin.start()
    await producer.start()
    try:
        async with asyncio.timeout(60):
            while (old_id := await _topic_id_or_none(producer, name)) is None:  # a topic created a moment ago
                await asyncio.sleep(0.1)
            await admin.delete_topics([name])
            while True:  # deletion completes in the background: create again once the broker lets us
                new = NewTopic(name, spec.partitions, 1, topic_configs=spec.config() | config)
                response = await admin.create_topics([new])  # errors come back in the response, not raised
                [(_, error_code, *_)] = response.topic_errors
                if error_code == 0:
                    break
                assert error_code == TopicAlreadyExistsError.errno, response
                await asyncio.sleep(0.2)
            while await _topic_id_or_none(producer, name) in (None, old_id) or not await _has_config(
                admin, name, config
            ):
                await asyncio.sleep(0.1)
    finally:
        await producer.stop()
        await admin.close()


async def _topic_id_or_none(producer: AIOKafkaProducer, name: str) -> str | None:
    try:
        return await topic_id(producer, name)
    except TopicIdUnavailable:
        return None


async def _has_config(admin: AIOKafkaAdminClient, name: str, config: dict[str, str]) -> bool:
    described = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name)])
    entries = {e[0]: e[1] for response in described for resource in response.resources for e in resource[4]}
    return all(entries.get(key) == value for key, value in config.items())
