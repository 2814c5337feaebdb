"""The classify → count path through the worker's internal partials topic (real broker, real worker): fewer records
than articles on it, dyad-events still one record per (article, dyad), and a classify replay batched otherwise (a
partial straddling the article positions a window counted already) counting each article once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from schemas import DyadEvent
from schemas.dyad_count import window_key
from streams.kafka.clients import make_producer
from streams.pipeline import partials
from streams.pipeline.partials import DyadPartial
from streams.pipeline.windows import Entry, window_bounds
from streams.runtime.settings import Settings
from tests.integration.pipeline import kafka_io
from tests.integration.pipeline.articles import expected_counts, prk_rus_article, recent_start
from tests.integration.pipeline.conftest import fresh_settings

ARTICLES = 40


async def _send_partials(settings: Settings, records: list[DyadPartial]) -> None:
    producer = make_producer(settings)
    await producer.start()
    try:
        for record in records:
            topic = partials.topic_name(f"{settings.topic_prefix}-worker")
            await producer.send(topic, key=record.dyad.encode(), value=record.to_bytes())
        await producer.flush()
    finally:
        await producer.stop()


def _fresh(entry: Entry, n: int) -> Entry:
    """An article the window has not seen, at a position after ``entry``'s on the same articles partition."""
    return entry._replace(offset=entry.offset + 100 + n, article_id=f"replayed-new-{n}")


def test_partials_carry_the_articles_and_a_straddling_replay_counts_each_article_once(
    kafka_broker, tmp_path, start_worker
):
    settings = fresh_settings(kafka_broker.bootstrap, tmp_path / "var")
    worker = start_worker(settings)
    start = recent_start(hours=2)
    articles = [prk_rus_article(n, start + timedelta(seconds=n), tag="partials") for n in range(ARTICLES)]
    key = window_key("PRK-RUS", window_bounds(start, timedelta(minutes=settings.window_minutes))[0])
    expected = expected_counts(articles, timedelta(minutes=settings.window_minutes))
    assert expected == {key: ARTICLES}
    worker.wait_ready()
    asyncio.run(kafka_io.produce(settings, "articles", [(a.id.encode(), a.to_bytes()) for a in articles]))
    assert asyncio.run(kafka_io.counts_when_settled(settings, expected, timeout=120)) == expected, worker.log_tail()

    dyad_events = [DyadEvent.from_bytes(v) for _, v in asyncio.run(kafka_io.read_all(settings, "dyad-events"))]
    assert sorted(e.article_id for e in dyad_events) == sorted(a.id for a in articles)  # the public contract
    topic = partials.topic_name(f"{settings.topic_prefix}-worker")
    sent = [DyadPartial.model_validate_json(v) for _, v in asyncio.run(kafka_io.read_topic(settings, topic))]
    entries = [e for p in sent for e in p.entries]
    assert sorted(e.article_id for e in entries) == sorted(a.id for a in articles)
    assert len(sent) < ARTICLES  # aggregated per (dyad, window) and batch

    # A classify replay batched otherwise: the last five counted articles of a partition and three new ones.
    by_partition = sorted(entries, key=lambda e: (e.partition, e.offset))
    last = [e for e in by_partition if e.partition == by_partition[-1].partition][-5:]
    straddling = sent[0].model_copy(update={"entries": [*last, *(_fresh(last[-1], n) for n in range(3))]})
    # The same partial again (a later replay), then one more new article: 40 + 3 + 1 when each is counted once.
    one_more = sent[0].model_copy(update={"entries": [_fresh(last[-1], 3)]})
    asyncio.run(_send_partials(settings, [straddling, straddling, one_more]))
    final = {key: ARTICLES + 4}
    assert asyncio.run(kafka_io.counts_when_settled(settings, final, timeout=60)) == final, worker.log_tail()
    counts = asyncio.run(kafka_io.latest_counts(settings))
    assert "replayed-new-3" in counts[key].sample_article_ids
