"""History imported after live traffic is counted in windows of its own (issue 17 §1), and its alerts are marked
historical; the same article under different Kafka keys is counted once (issue 19 §2). Real broker, real worker,
the real GDELT export through `dyadwatch ingest gdelt`."""

from __future__ import annotations

import asyncio
import os
import subprocess
from datetime import timedelta

from schemas import ClassifiedEvent, RawArticle
from streams.runtime.settings import PROJECT_ROOT
from tests.integration.pipeline import kafka_io
from tests.integration.pipeline.articles import expected_counts, make_articles, recent_start
from tests.integration.pipeline.conftest import fresh_settings
from tests.integration.pipeline.worker_process import DYADWATCH

GDELT_EXPORT = PROJECT_ROOT.parent / "shared" / "reference" / "gdelt" / "20191024143000.export.CSV"


def test_history_after_live_traffic_is_counted_in_its_own_windows(kafka_broker, tmp_path, start_worker):
    settings = fresh_settings(kafka_broker.bootstrap, tmp_path / "var")
    worker = start_worker(settings)
    window = timedelta(minutes=settings.window_minutes)
    live = make_articles(48, seed=17, start=recent_start(hours=3), span=timedelta(hours=2))
    live_expected = expected_counts(live, window)
    worker.wait_ready()
    asyncio.run(kafka_io.produce(settings, "articles", [(a.id.encode(), a.to_bytes()) for a in live]))
    got = asyncio.run(kafka_io.counts_when_settled(settings, live_expected, timeout=90))
    assert got == live_expected, worker.log_tail()

    ingest = subprocess.run(
        [str(DYADWATCH), "ingest", "gdelt", str(GDELT_EXPORT), "--bootstrap", settings.bootstrap_servers],
        env={
            **os.environ,
            "DYADWATCH_TOPIC_PREFIX": settings.topic_prefix,
            "DYADWATCH_DATA_DIR": str(tmp_path / "ingest"),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ingest.returncode == 0, ingest.stderr[-2000:]
    live_ids = {a.id for a in live}
    articles = [RawArticle.from_bytes(v) for _, v in asyncio.run(kafka_io.read_all(settings, "articles")) if v]
    history = [a for a in articles if a.id not in live_ids]
    assert history and all(a.published_at.year == 2019 for a in history)
    history_expected = expected_counts(history, window)
    assert not set(history_expected) & set(live_expected)

    expected = {**live_expected, **history_expected}
    got = asyncio.run(kafka_io.counts_when_settled(settings, expected, timeout=180))
    assert got == expected, (len(got), len(expected), worker.log_tail())
    print(
        f"history after live traffic: {sum(history_expected.values())} dyad-articles in {len(history_expected)} "
        f"windows counted, beside {sum(live_expected.values())} live in {len(live_expected)}"
    )
    assert asyncio.run(kafka_io.dead_letters(settings)) == []

    alerts = asyncio.run(kafka_io.alerts(settings))
    past = [a for a in alerts if a.window_start.year == 2019]
    assert past, "the import raised no alert to check"  # the GDELT slice triggers first-seen and watch rules
    assert all(a.historical for a in past), [a for a in past if not a.historical]
    assert not any(a.historical for a in alerts if a.window_start.year != 2019)


def test_the_same_article_under_different_keys_is_counted_once(kafka_broker, tmp_path, start_worker):
    settings = fresh_settings(kafka_broker.bootstrap, tmp_path / "var")
    worker = start_worker(settings)
    corpus = make_articles(30, seed=192, start=recent_start(hours=3), span=timedelta(hours=2))
    expected = expected_counts(corpus, timedelta(minutes=settings.window_minutes))
    keyings = [lambda a: a.id.encode(), lambda a: b"feed-7:" + a.id.encode(), lambda a: None]
    records = [(key(a), a.to_bytes()) for key in keyings for a in corpus]
    worker.wait_ready()
    asyncio.run(kafka_io.produce(settings, "articles", records))

    assert asyncio.run(kafka_io.counts_when_settled(settings, expected, timeout=90)) == expected, worker.log_tail()
    events = [ClassifiedEvent.from_bytes(v) for _, v in asyncio.run(kafka_io.read_all(settings, "events")) if v]
    assert sorted(e.article_id for e in events) == sorted(a.id for a in corpus)
    assert asyncio.run(kafka_io.dead_letters(settings)) == []
