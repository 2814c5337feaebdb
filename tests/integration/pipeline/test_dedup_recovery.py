"""The dedup memory survives the loss of its store: a worker on a new data folder rebuilds it from the changelog's
per-batch records, and re-sent articles are still counted once."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import timedelta

from streams.pipeline.agents.dedup_memory import decode_batch, is_batch_key
from tests.integration.pipeline import kafka_io
from tests.integration.pipeline.articles import expected_counts, make_articles, recent_start
from tests.integration.pipeline.conftest import fresh_settings
from tests.waiting import wait_until


def _duplicates(worker) -> float:
    match = re.search(r"^dyadwatch_duplicate_articles_total (\S+)$", worker.metrics(), re.M)
    return float(match.group(1)) if match else 0.0


def test_a_worker_without_the_store_recovers_the_dedup_memory_from_batch_records(kafka_broker, tmp_path, start_worker):
    settings = fresh_settings(kafka_broker.bootstrap, tmp_path / "var")
    window = timedelta(minutes=settings.window_minutes)
    corpus = make_articles(90, seed=17, start=recent_start(hours=4), span=timedelta(hours=3))
    first, later = corpus[:60], corpus[60:]

    worker = start_worker(settings, "w1")
    worker.wait_ready()
    asyncio.run(kafka_io.produce(settings, "articles", [(a.id.encode(), a.to_bytes()) for a in first]))
    expected = expected_counts(first, window)
    assert asyncio.run(kafka_io.counts_when_settled(settings, expected, timeout=60)) == expected, worker.log_tail()
    worker.stop()

    changelog = asyncio.run(kafka_io.read_topic(settings, f"{settings.topic_prefix}-worker-article-dedup-changelog"))
    keys = [json.loads(k) for k, _ in changelog]
    assert keys and all(is_batch_key(k) for k in keys), keys  # one record per (partition, batch), none per article
    remembered = {i for _, v in changelog for i, _ in decode_batch(v)[1]}
    assert remembered == {a.id for a in first}
    assert len(changelog) < len(first)

    fresh = start_worker(settings, "w2")  # another data folder: nothing on disk, all from the changelog
    fresh.wait_ready()
    records = [(a.id.encode(), a.to_bytes()) for a in first + later]  # every first article re-sent
    asyncio.run(kafka_io.produce(settings, "articles", records))
    assert wait_until(lambda: _duplicates(fresh) == len(first), timeout=60, interval=0.5), fresh.log_tail()
    expected = expected_counts(corpus, window)
    assert asyncio.run(kafka_io.counts_when_settled(settings, expected, timeout=60)) == expected, fresh.log_tail()
    assert asyncio.run(kafka_io.dead_letters(settings)) == []
