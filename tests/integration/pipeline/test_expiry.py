"""Windows and dedup entries expire in event time through a real worker: swept from the store (a changelog
tombstone), and a record for an expired window is dead-lettered as late, not counted."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta

from aiokafka.partitioner import DefaultPartitioner

from schemas import RawArticle
from schemas.article import article_id
from schemas.base import utc_now
from schemas.dyad_count import window_key
from streams.windows import window_bounds
from tests.integration.pipeline import kafka_io
from tests.integration.pipeline.conftest import fresh_settings

PARTITIONS = list(range(6))


def _article(n: int, published) -> RawArticle:
    title = f"Russia agrees to ship grain to North Korea, report {n}"
    url = f"https://news.example.org/expiry-{n}"
    return RawArticle(
        id=article_id(url, "test", title),
        source="test",
        url=url,
        title=title,
        text="Moscow agreed to supply grain to Pyongyang, officials said.",
        published_at=published,
    )


def _partition(article: RawArticle) -> int:
    return DefaultPartitioner()(article.id.encode(), PARTITIONS, PARTITIONS)


def _send(settings, article: RawArticle) -> None:
    """Produced with the article's time as record time: dedup memory follows record time, windows published time."""
    records = [(article.id.encode(), article.to_bytes())]
    at_ms = int(article.published_at.timestamp() * 1000)
    asyncio.run(kafka_io.produce(settings, "articles", records, timestamp_ms=at_ms))


def _tombstones(settings, table: str) -> set[str]:
    topic = f"{settings.topic_prefix}-worker-{table}-changelog"
    return {json.loads(k) for k, v in asyncio.run(kafka_io.read_topic(settings, topic)) if v is None}


def _wait(predicate, timeout: float):
    """Poll a plain ``predicate`` (it runs its own Kafka reads) until truthy; its last value on timeout."""
    deadline = time.monotonic() + timeout
    while not (value := predicate()) and time.monotonic() < deadline:
        time.sleep(1)
    return value


def test_old_windows_and_sightings_are_swept_and_late_records_dead_lettered(kafka_broker, tmp_path, start_worker):
    settings = fresh_settings(kafka_broker.bootstrap, tmp_path / "var", window_retention_days=1, dedup_horizon_days=1)
    worker = start_worker(settings, env={"DYADWATCH_WINDOW_RETENTION_DAYS": "1", "DYADWATCH_DEDUP_HORIZON_DAYS": "1"})
    old = utc_now() - timedelta(days=3)
    old_key = window_key("PRK-RUS", window_bounds(old, timedelta(minutes=settings.window_minutes))[0])
    first = _article(1, old)
    # An article three days newer on the same articles partition (dedup) and the same dyad (windows).
    recent = next(a for a in (_article(n, utc_now()) for n in range(2, 200)) if _partition(a) == _partition(first))
    worker.wait_ready()

    _send(settings, first)
    assert _wait(lambda: old_key in asyncio.run(kafka_io.latest_counts(settings)), 60), (
        old_key,
        list(asyncio.run(kafka_io.latest_counts(settings))),
        asyncio.run(kafka_io.dead_letters(settings)),
    )
    _send(settings, recent)
    assert _wait(lambda: old_key in _tombstones(settings, "dyad-windows"), 60), worker.log_tail()
    assert _wait(lambda: first.id in _tombstones(settings, "article-dedup"), 60), worker.log_tail()
    assert recent.id not in _tombstones(settings, "article-dedup")

    late = _article(999, old + timedelta(minutes=1))  # the same old window, three days behind the watermark
    _send(settings, late)
    letters = _wait(lambda: [d for d in asyncio.run(kafka_io.dead_letters(settings)) if d.error_kind == "late"], 60)
    assert len(letters) == 1 and "retention" in letters[0].error, letters
    assert late.id not in asyncio.run(kafka_io.latest_counts(settings))[old_key].sample_article_ids
    assert worker.alive, worker.log_tail()
