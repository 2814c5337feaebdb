"""Records the classify agent places without hashing their key (an event goes to its article's partition number)
land where Kafka's default partitioner puts that key, as every consumer keyed by article id expects."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from aiokafka.partitioner import DefaultPartitioner

from schemas.topics import TOPICS
from tests.integration.pipeline import kafka_io
from tests.integration.pipeline.articles import expected_counts, make_articles, recent_start
from tests.integration.pipeline.conftest import fresh_settings
from tests.waiting import wait_until


def test_events_land_on_their_keys_partition(kafka_broker, tmp_path, start_worker):
    settings = fresh_settings(kafka_broker.bootstrap, tmp_path / "var")
    corpus = make_articles(60, seed=23, start=recent_start(hours=3), span=timedelta(hours=2))
    keyed, unkeyed = corpus[:50], corpus[50:]  # the last ones keyed otherwise: re-sent keyed by id first
    records = [(a.id.encode(), a.to_bytes()) for a in keyed] + [(b"elsewhere", a.to_bytes()) for a in unkeyed]
    worker = start_worker(settings)
    worker.wait_ready()
    asyncio.run(kafka_io.produce(settings, "articles", records))
    expected = expected_counts(corpus, timedelta(minutes=settings.window_minutes))
    assert asyncio.run(kafka_io.counts_when_settled(settings, expected, timeout=60)) == expected, worker.log_tail()

    def events():
        return asyncio.run(kafka_io.read_placed(settings, settings.topic("events")))

    assert wait_until(lambda: len(events()) == len(corpus), timeout=30, interval=0.5)
    partitions = list(range(TOPICS["events"].partitions))
    placed = {(key, partition) for partition, key, _ in events()}
    assert placed == {(a.id.encode(), DefaultPartitioner()(a.id.encode(), partitions, partitions)) for a in corpus}
