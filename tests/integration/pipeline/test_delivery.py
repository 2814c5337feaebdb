"""No produce failure is silent (real broker, real worker): a future-dated article never costs its neighbours, a
record the broker refuses is dead-lettered with the broker's reason while the rest of its batch is delivered, and
the input offsets are committed once that is settled (that no offset is acked before its outputs are acknowledged
is shown step by step in tests/unit/pipeline/test_stage.py)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from schemas import ClassifiedEvent, RawArticle
from schemas.base import utc_now
from schemas.topics import TOPICS
from streams.runtime.settings import Settings
from tests.integration.pipeline import kafka_io
from tests.integration.pipeline.articles import expected_counts, make_articles, recent_start
from tests.integration.pipeline.conftest import fresh_settings
from tests.waiting import eventually


async def _set_topic_config(settings: Settings, suffix: str, extra: dict[str, str]) -> None:
    """Set ``extra`` on a registry topic, keeping the registry's own settings (AlterConfigs replaces them all)."""
    admin = AIOKafkaAdminClient(**settings.kafka_client_options())
    await admin.start()
    try:
        config = {**TOPICS[suffix].config(), **extra}
        responses = await admin.alter_configs(
            [ConfigResource(ConfigResourceType.TOPIC, settings.topic(suffix), configs=config)]
        )
        errors = [r[:2] for response in responses for r in response.resources if r[0] != 0]
        assert not errors, errors
    finally:
        await admin.close()


async def _committed(settings: Settings, suffix: str) -> dict[int, int]:
    """The worker group's committed offset per partition of a registry topic (partitions without one left out)."""
    admin = AIOKafkaAdminClient(**settings.kafka_client_options())
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(f"{settings.topic_prefix}-worker")
    finally:
        await admin.close()
    topic = settings.topic(suffix)
    return {tp.partition: meta.offset for tp, meta in offsets.items() if tp.topic == topic and meta.offset >= 0}


async def _end_offsets(settings: Settings, suffix: str) -> dict[int, int]:
    from streams.kafka.clients import make_consumer

    consumer = make_consumer(settings)
    await consumer.start()
    try:
        topic = settings.topic(suffix)
        partitions = [TopicPartition(topic, p) for p in range(TOPICS[suffix].partitions)]
        return {tp.partition: end for tp, end in (await consumer.end_offsets(partitions)).items() if end > 0}
    finally:
        await consumer.stop()


def _wait_until_input_committed(settings: Settings) -> None:
    """Until the worker committed every articles partition to its end: inputs are committed only once every record
    made from them is acknowledged, so what they produced can then be read in full."""
    ends = asyncio.run(_end_offsets(settings, "articles"))

    async def all_committed() -> bool:
        return await _committed(settings, "articles") == ends

    assert asyncio.run(eventually(all_committed, timeout=30, interval=1.0)), asyncio.run(
        _committed(settings, "articles")
    )


def _events(settings: Settings) -> list[ClassifiedEvent]:
    return [ClassifiedEvent.from_bytes(v) for _, v in asyncio.run(kafka_io.read_all(settings, "events")) if v]


def test_future_dated_articles_never_cost_their_neighbours(kafka_broker, tmp_path, start_worker):
    """Issue 19 §1: 60 articles, every fourth dated 3 h ahead, straight onto the articles topic (no ingest)."""
    settings = fresh_settings(kafka_broker.bootstrap, tmp_path / "var")
    worker = start_worker(settings)
    corpus = make_articles(60, seed=19, start=recent_start(hours=3), span=timedelta(hours=2))
    ahead = utc_now().replace(microsecond=0) + timedelta(hours=3)
    future = [a.model_copy(update={"published_at": ahead}) for a in corpus[3::4]]
    valid = [a for i, a in enumerate(corpus) if i % 4 != 3]
    articles = [future[i // 4] if i % 4 == 3 else a for i, a in enumerate(corpus)]
    assert (len(valid), len(future)) == (45, 15)
    expected = expected_counts(valid, timedelta(minutes=settings.window_minutes))
    worker.wait_ready()
    asyncio.run(kafka_io.produce(settings, "articles", [(a.id.encode(), a.to_bytes()) for a in articles]))

    assert asyncio.run(kafka_io.counts_when_settled(settings, expected, timeout=90)) == expected, worker.log_tail()
    _wait_until_input_committed(settings)  # then every record made from the input is acknowledged
    assert {e.article_id for e in _events(settings)} == {a.id for a in valid}
    letters = asyncio.run(eventually(lambda: _letters_of(settings, "future_timestamp", 15), timeout=60, interval=1.0))
    assert sorted(RawArticle.from_bytes(d.original).id for d in letters) == sorted(a.id for a in future)
    assert all(d.stage == "classify" and "ahead of the worker's clock" in d.error for d in letters), letters[0]
    # Nothing the worker produced carries a record timestamp the topics would refuse.
    assert b"Future exception was never retrieved" not in worker.log_since_start()


async def _letters_of(settings: Settings, kind: str, n: int):
    letters = [d for d in await kafka_io.dead_letters(settings) if d.error_kind == kind]
    return letters if len(letters) >= n else None


def test_a_refused_record_is_dead_lettered_and_the_rest_of_its_batch_delivered(kafka_broker, tmp_path, start_worker):
    """The events topic takes at most 3,000 bytes per record batch: a produce batch of several events is refused
    whole, and one event (4 KB: a long title and URL) is refused even alone."""
    settings = fresh_settings(kafka_broker.bootstrap, tmp_path / "var")
    asyncio.run(_set_topic_config(settings, "events", {"max.message.bytes": "3000"}))
    worker = start_worker(settings)
    corpus = make_articles(40, seed=23, start=recent_start(hours=3), span=timedelta(hours=2))
    big = corpus[17].model_copy(
        update={"title": corpus[17].title + " " + "x" * 900, "url": "https://news.example.org/" + "y" * 1900}
    )
    corpus[17] = big
    expected = expected_counts(corpus, timedelta(minutes=settings.window_minutes))
    worker.wait_ready()
    asyncio.run(kafka_io.produce(settings, "articles", [(a.id.encode(), a.to_bytes()) for a in corpus]))

    # Its dyad events are not refused: the big article is counted like every other.
    assert asyncio.run(kafka_io.counts_when_settled(settings, expected, timeout=90)) == expected, worker.log_tail()
    letters = asyncio.run(eventually(lambda: _letters_of(settings, "refused", 1), timeout=60, interval=1.0))
    assert [RawArticle.from_bytes(d.original).id for d in letters] == [big.id]
    assert "MessageSizeTooLarge" in letters[0].error and settings.topic("events") in letters[0].error, letters
    _wait_until_input_committed(settings)
    # Inputs are committed only once every record made from them is acknowledged: all other events are there.
    assert sorted(e.article_id for e in _events(settings)) == sorted(a.id for a in corpus if a is not big)
