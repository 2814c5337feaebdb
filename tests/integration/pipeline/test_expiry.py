"""Dedup entries expire in record time, windows by the worker's clock (a retention after their last update),
through a real worker: swept from the store (a changelog tombstone; for the dedup memory, of the (partition, batch)
record that held the sighting). A window three days older than the traffic
around it is kept, not swept, until its retention after its last update has passed."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from aiokafka.partitioner import DefaultPartitioner

from schemas import RawArticle
from schemas.base import utc_now
from schemas.dyad_count import window_key
from streams.pipeline.agents.dedup_memory import decode_batch, is_batch_key
from streams.pipeline.windows import window_bounds
from tests.integration.pipeline import kafka_io
from tests.integration.pipeline.articles import prk_rus_article
from tests.integration.pipeline.conftest import fresh_settings
from tests.waiting import wait_until

PARTITIONS = list(range(6))


def _article(n: int, published) -> RawArticle:
    return prk_rus_article(n, published, tag="expiry")


def _partition(article: RawArticle) -> int:
    return DefaultPartitioner()(article.id.encode(), PARTITIONS, PARTITIONS)


def _send(settings, article: RawArticle) -> None:
    """Produced with the article's time as record time: dedup memory follows record time, windows published time."""
    records = [(article.id.encode(), article.to_bytes())]
    at_ms = int(article.published_at.timestamp() * 1000)
    asyncio.run(kafka_io.produce(settings, "articles", records, timestamp_ms=at_ms))


def _changelog(settings, table: str) -> list[tuple[str, bytes | None]]:
    topic = f"{settings.topic_prefix}-worker-{table}-changelog"
    return [(json.loads(k), v) for k, v in asyncio.run(kafka_io.read_topic(settings, topic))]


def _tombstones(settings, table: str) -> set[str]:
    return {k for k, v in _changelog(settings, table) if v is None}


def _swept_sightings(settings) -> set[str]:
    """Article ids whose dedup changelog record was tombstoned: one per (partition, batch) holding their sightings."""
    ids_of: dict[str, set[str]] = {}
    swept: set[str] = set()
    for key, value in _changelog(settings, "article-dedup"):
        if value is None:
            swept |= ids_of.get(key, set())
        else:
            assert is_batch_key(key), key  # no per-id records any more
            ids_of[key] = {article_id for article_id, _ in decode_batch(value)[1]}
    return swept


def test_old_sightings_are_swept_and_windows_expire_after_their_last_update(kafka_broker, tmp_path, start_worker):
    retention_days = 0.0005  # 43 s: swept every 3 s of the worker's clock
    settings = fresh_settings(
        kafka_broker.bootstrap, tmp_path / "var", window_retention_days=retention_days, dedup_horizon_days=1
    )
    worker = start_worker(
        settings, env={"DYADWATCH_WINDOW_RETENTION_DAYS": str(retention_days), "DYADWATCH_DEDUP_HORIZON_DAYS": "1"}
    )
    old = utc_now() - timedelta(days=3)
    old_key = window_key("PRK-RUS", window_bounds(old, timedelta(minutes=settings.window_minutes))[0])
    first = _article(1, old)
    # Articles three days newer on the same articles partition (dedup) and the same dyad (windows).
    recent = [a for a in (_article(n, utc_now()) for n in range(2, 400)) if _partition(a) == _partition(first)]
    worker.wait_ready()

    _send(settings, first)
    assert wait_until(lambda: old_key in asyncio.run(kafka_io.latest_counts(settings)), timeout=60, interval=1), (
        old_key,
        list(asyncio.run(kafka_io.latest_counts(settings))),
        asyncio.run(kafka_io.dead_letters(settings)),
    )
    _send(settings, recent[0])
    assert wait_until(lambda: first.id in _swept_sightings(settings), timeout=60, interval=1), worker.log_tail()
    assert recent[0].id not in _swept_sightings(settings)
    # Three days behind the newest event, but updated a moment ago: kept (event time no longer expires windows).
    assert old_key not in _tombstones(settings, "dyad-windows")

    more = iter(recent[1:])

    def swept() -> bool:  # each new event on the partition gives the worker the chance to sweep
        _send(settings, next(more))
        return old_key in _tombstones(settings, "dyad-windows")

    assert wait_until(swept, timeout=120, interval=1), worker.log_tail()
    assert asyncio.run(kafka_io.dead_letters(settings)) == []
    assert worker.alive, worker.log_tail()
