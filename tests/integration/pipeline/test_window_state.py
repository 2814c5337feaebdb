"""One busy dyad window through a real worker: counted exactly, and its changelog records stay small (the tally
keeps positions, not the ids of the articles it counted)."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from schemas import RawArticle
from schemas.dyad_count import window_key
from streams.pipeline.windows import window_bounds
from tests.integration.pipeline import kafka_io
from tests.integration.pipeline.articles import expected_counts, prk_rus_article, recent_start
from tests.integration.pipeline.conftest import fresh_settings

ARTICLES = 3_000


def _article(n: int, published) -> RawArticle:
    return prk_rus_article(n, published + timedelta(seconds=n % 600), tag="burst")


def test_a_burst_into_one_window_counts_exactly_with_small_state_records(kafka_broker, tmp_path, start_worker):
    settings = fresh_settings(kafka_broker.bootstrap, tmp_path / "var")
    worker = start_worker(settings)
    start = recent_start(hours=2)
    burst = [_article(n, start) for n in range(ARTICLES)]
    key = window_key("PRK-RUS", window_bounds(start, timedelta(minutes=settings.window_minutes))[0])
    expected = expected_counts(burst, timedelta(minutes=settings.window_minutes))
    assert expected == {key: ARTICLES}
    worker.wait_ready()
    asyncio.run(kafka_io.produce(settings, "articles", [(a.id.encode(), a.to_bytes()) for a in burst]))

    assert asyncio.run(kafka_io.counts_when_settled(settings, expected, timeout=180)) == expected, worker.log_tail()
    changelog = f"{settings.topic_prefix}-worker-dyad-windows-changelog"
    records = [(json.loads(k), v) for k, v in asyncio.run(kafka_io.read_topic(settings, changelog)) if v]
    sizes = [len(v) for k, v in records if k == key]
    assert json.loads(records[-1][1])["count"] == ARTICLES
    # Every update of the window is a record of the same few hundred bytes; a list of 3,000 ids was ~100 KB.
    assert len(sizes) > 1 and max(sizes) < 800, (len(sizes), max(sizes))
    print(f"{ARTICLES} articles in one window: {len(sizes)} changelog records of {min(sizes)}-{max(sizes)} bytes")
