"""The dashboard's live feed against the real broker: replay, follow, read_committed, acks across restarts."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta

import pytest

from dashboard.ack_writer import AckWriter
from dashboard.feed import LiveFeed
from dashboard.synthetic import SyntheticRecords, generate, make_alert, make_event, publish
from schemas import AckStatus, Severity
from schemas.base import utc_now
from streams.kafka.clients import make_producer
from streams.runtime.settings import Settings
from tests.waiting import wait_until


@pytest.fixture
def feeds() -> Iterator[list[LiveFeed]]:
    started: list[LiveFeed] = []
    yield started
    for feed in started:
        feed.stop()


def start_feed(settings: Settings, feeds: list[LiveFeed]) -> LiveFeed:
    feed = LiveFeed(settings).start()
    feeds.append(feed)
    return feed


def test_replays_history_then_follows_live_records(kafka_settings: Settings, feeds):
    history = generate(n_events=120, n_alerts=6, hours=20)
    asyncio.run(publish(kafka_settings, history))
    feed = start_feed(kafka_settings, feeds)
    assert wait_until(lambda: feed.view.health.caught_up)
    assert feed.view.sizes() == {"events": 120, "counts": len(history.counts), "alerts": 6, "acks": 0}
    assert feed.view.health.connected

    now = utc_now()
    live = SyntheticRecords([make_event("live-1", "PRK-RUS", now)], [], [make_alert("live-a", "PRK-RUS", now)])
    asyncio.run(publish(kafka_settings, live))
    assert wait_until(
        lambda: feed.view.event("live-1") is not None and "live-a" in {r.alert.id for r in feed.view.alerts()}
    )


async def _transactions(settings: Settings) -> None:
    producer = make_producer(settings, transactional_id=f"{settings.topic_prefix}-tx")
    await producer.start()
    try:
        now, topic = utc_now(), settings.topic("alerts")
        await producer.begin_transaction()
        aborted = make_alert("aborted-1", "PRK-RUS", now, Severity.CRITICAL)
        await producer.send_and_wait(topic, aborted.to_bytes(), key=b"aborted-1")
        await producer.abort_transaction()
        async with producer.transaction():
            committed = make_alert("committed-1", "PRK-RUS", now, Severity.HIGH)
            await producer.send_and_wait(topic, committed.to_bytes(), key=b"committed-1")
    finally:
        await producer.stop()


def test_aborted_transactions_never_show(kafka_settings: Settings, feeds):
    feed = start_feed(kafka_settings, feeds)
    assert wait_until(lambda: feed.view.health.caught_up)
    asyncio.run(_transactions(kafka_settings))
    assert wait_until(lambda: "committed-1" in {r.alert.id for r in feed.view.alerts()})
    assert "aborted-1" not in {r.alert.id for r in feed.view.alerts()}
    # A feed started afterwards replays the topic and still skips the aborted record.
    replay = start_feed(kafka_settings, feeds)
    assert wait_until(lambda: replay.view.health.caught_up)
    assert {r.alert.id for r in replay.view.alerts()} == {"committed-1"}


async def _events_at(settings: Settings, stamped: dict[str, int]) -> None:
    producer = make_producer(settings)
    await producer.start()
    try:
        for article_id, ts_ms in stamped.items():
            event = make_event(article_id, "PRK-RUS", utc_now())
            await producer.send_and_wait(
                settings.topic("events"), event.to_bytes(), key=article_id.encode(), timestamp_ms=ts_ms
            )
    finally:
        await producer.stop()


def test_events_replay_only_the_configured_horizon(kafka_settings: Settings, feeds):
    now_ms = int(utc_now().timestamp() * 1000)
    asyncio.run(_events_at(kafka_settings, {"old": now_ms - 5 * 3600_000, "recent": now_ms - 600_000}))
    feed = start_feed(kafka_settings.model_copy(update={"dashboard_replay_hours": 1}), feeds)
    assert wait_until(lambda: feed.view.health.caught_up)
    assert feed.view.event("recent") is not None
    assert feed.view.event("old") is None


def test_acks_are_shared_and_survive_a_restart(kafka_settings: Settings, feeds):
    alerts = [make_alert(f"a{i}", "PRK-RUS", utc_now() - timedelta(minutes=i), Severity.HIGH) for i in range(3)]
    asyncio.run(publish(kafka_settings, SyntheticRecords([], [], alerts)))
    first, second = start_feed(kafka_settings, feeds), start_feed(kafka_settings, feeds)
    assert wait_until(lambda: first.view.health.caught_up and len(first.view.alerts()) == 3)
    writer = AckWriter(first)
    writer.write(["a0", "a1"], "Ana Analyst", AckStatus.ACKNOWLEDGED, "checked with desk")
    assert wait_until(lambda: second.view.open_by_severity()["high"] == 1)  # another screen sees it
    writer.close()

    first.stop()
    second.stop()
    restarted = start_feed(kafka_settings, feeds)
    assert wait_until(lambda: restarted.view.health.caught_up)
    status = {r.alert.id: r for r in restarted.view.alerts()}
    assert status["a0"].status is AckStatus.ACKNOWLEDGED and status["a0"].ack.analyst == "Ana Analyst"
    assert status["a0"].ack.note == "checked with desk"
    assert status["a2"].status is AckStatus.OPEN


def test_unreachable_broker_is_reported_not_raised(kafka_settings: Settings, feeds):
    from streams.kafka.broker.embedded import free_port

    feed = start_feed(kafka_settings.model_copy(update={"bootstrap_servers": f"127.0.0.1:{free_port()}"}), feeds)
    assert wait_until(lambda: feed.view.health.last_error is not None, timeout=20)
    assert not feed.view.health.connected


def test_reconnects_by_itself_after_the_broker_comes_back(tmp_path, feeds):
    """A broker of this test's own, stopped and restarted under the feed: banner state, kept data, resumed follow."""
    from streams.kafka.admin import ensure_topics
    from streams.kafka.broker import EmbeddedBroker
    from streams.kafka.broker.embedded import free_port
    from streams.runtime.settings import PROJECT_ROOT

    broker = EmbeddedBroker(
        tmp_path / "kafka", jar_cache_root=PROJECT_ROOT / "var", kafka_version=Settings().kafka_version, heap="512m"
    )
    port = free_port()
    try:
        settings = Settings(bootstrap_servers=broker.start(port, timeout=120).bootstrap, topic_prefix="rc")
        asyncio.run(ensure_topics(settings))
        asyncio.run(publish(settings, SyntheticRecords([], [], [make_alert("before", "PRK-RUS", utc_now())])))
        feed = start_feed(settings, feeds)
        assert wait_until(lambda: feed.view.health.caught_up)

        broker.stop()
        assert wait_until(lambda: not feed.view.health.connected, timeout=30)
        assert feed.view.health.last_error and [r.alert.id for r in feed.view.alerts()] == ["before"]

        broker.start(port, timeout=120)
        assert wait_until(lambda: feed.view.health.connected, timeout=60)
        asyncio.run(publish(settings, SyntheticRecords([], [], [make_alert("after", "PRK-RUS", utc_now())])))
        assert wait_until(lambda: {r.alert.id for r in feed.view.alerts()} == {"before", "after"})
    finally:
        broker.stop()
