"""Fixtures of the source integration tests: the local feed server and a reader of the articles topic."""

from __future__ import annotations

from aiokafka import TopicPartition

from schemas.article import RawArticle
from schemas.topics import TOPICS
from streams.kafka_clients import make_consumer
from streams.settings import Settings
from tests.fixtures.feed_server import feed_server

__all__ = ["assert_each_once", "feed_server", "read_articles"]


async def read_articles(settings: Settings) -> list[tuple[str, RawArticle]]:
    """Every record on the articles topic as (key, validated article), read from the beginning to the end."""
    topic = settings.topic("articles")
    partitions = [TopicPartition(topic, p) for p in range(TOPICS["articles"].partitions)]
    consumer = make_consumer(settings)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        records: list[tuple[str, RawArticle]] = []
        while [tp for tp in partitions if await consumer.position(tp) < end[tp]]:
            batch = await consumer.getmany(*partitions, timeout_ms=1000)
            for messages in batch.values():
                records += [(m.key.decode(), RawArticle.from_bytes(m.value)) for m in messages]
        return records
    finally:
        await consumer.stop()


def assert_each_once(records: list[tuple[str, RawArticle]]) -> None:
    """Keyed by article id, and no article twice."""
    assert all(key == article.id for key, article in records)
    keys = [key for key, _ in records]
    assert len(keys) == len(set(keys)), "an article arrived twice"
