"""An article goes in; the event, the dyad count and the watch-list alert come out (real broker, real worker)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from schemas import ClassifiedEvent, RawArticle
from schemas.article import article_id
from tests.integration.pipeline import kafka_io
from tests.integration.pipeline.articles import expected_counts, make_articles, recent_start
from tests.integration.pipeline.conftest import fresh_settings


def _article(title: str, text: str, url: str, published) -> RawArticle:
    return RawArticle(
        id=article_id(url, "test", title), source="test", url=url, title=title, text=text, published_at=published
    )


def test_article_to_count_and_watchlist_alert(kafka_broker, tmp_path, start_worker):
    settings = fresh_settings(kafka_broker.bootstrap, tmp_path / "var")
    worker = start_worker(settings)
    published = recent_start(hours=2) + timedelta(minutes=7)
    deal = _article(
        "Russia and North Korea sign military pact",
        "Moscow agreed to supply missiles to Pyongyang despite UN sanctions, officials said.",
        "https://news.example.org/prk-rus-pact",
        published,
    )
    others = make_articles(40, seed=7, start=published - timedelta(hours=1), span=timedelta(hours=1))
    # The same article sent twice (a feed re-sending it) must be counted once.
    records = [(a.id.encode(), a.to_bytes()) for a in [deal, *others, deal]]
    worker.wait_ready()
    asyncio.run(kafka_io.produce(settings, "articles", records))

    key = f"PRK-RUS@{published.replace(minute=0, second=0).isoformat()}"
    expected = expected_counts([deal, *others], timedelta(minutes=settings.window_minutes))
    assert expected[key] == 1

    assert asyncio.run(kafka_io.counts_when_settled(settings, expected, timeout=60)) == expected, worker.log_tail()
    counts = asyncio.run(kafka_io.latest_counts(settings))
    assert counts[key].sample_article_ids == [deal.id]
    assert counts[key].by_topic.get("military") == 1

    events = [ClassifiedEvent.from_bytes(v) for _, v in asyncio.run(kafka_io.read_all(settings, "events"))]
    assert [e.dyad_keys[0] for e in events if e.article_id == deal.id] == ["PRK-RUS"]

    alerts = [a for a in asyncio.run(kafka_io.alerts(settings)) if a.rule == "watch:PRK-RUS"]
    assert len(alerts) == 1, alerts
    alert = alerts[0]
    assert (alert.dyad, alert.severity.value, alert.kind) == ("PRK-RUS", "high", "watchlist")
    assert alert.sample_article_ids == [deal.id]
    assert "military" in alert.reason and alert.observed >= 1

    metrics = worker.metrics()
    assert 'dyadwatch_records_in_total{agent="classify"} 42.0' in metrics
    assert "dyadwatch_duplicate_articles_total 1.0" in metrics
    assert 'dyadwatch_alerts_total{rule="watch:PRK-RUS"} 1.0' in metrics
    assert "dyadwatch_consumer_lag{" in metrics and "dyadwatch_processing_seconds_bucket{" in metrics
