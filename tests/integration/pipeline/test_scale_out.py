"""Two workers on the same topics split the partitions; counts stay exact as the second joins and leaves."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.integration.pipeline import kafka_io
from tests.integration.pipeline.articles import expected_counts, make_articles, recent_start
from tests.integration.pipeline.conftest import fresh_settings
from tests.waiting import wait_until


def test_second_worker_joins_and_leaves_mid_stream(kafka_broker, tmp_path, start_worker):
    settings = fresh_settings(kafka_broker.bootstrap, tmp_path / "var")
    corpus = make_articles(1_500, seed=21, start=recent_start(hours=12), span=timedelta(hours=6))
    chunks = [corpus[:500], corpus[500:1000], corpus[1000:]]
    expected = expected_counts(corpus, timedelta(minutes=settings.window_minutes))

    first = start_worker(settings, "w1")
    first.wait_ready()
    asyncio.run(kafka_io.produce(settings, "articles", [(a.id.encode(), a.to_bytes()) for a in chunks[0]]))

    second = start_worker(settings, "w2")  # joins while the first is busy with chunk 0
    second.wait_ready()
    asyncio.run(kafka_io.produce(settings, "articles", [(a.id.encode(), a.to_bytes()) for a in chunks[1]]))
    second_share = wait_until(second.classified, timeout=60, interval=0.5)
    assert second_share, "the second worker never got a partition"

    second.stop()  # leaves mid-stream; its partitions go back to the first worker
    asyncio.run(kafka_io.produce(settings, "articles", [(a.id.encode(), a.to_bytes()) for a in chunks[2]]))

    got = asyncio.run(kafka_io.counts_when_settled(settings, expected, timeout=120))
    assert got == expected
    assert first.alive
    assert 0 < second_share < len(corpus)
