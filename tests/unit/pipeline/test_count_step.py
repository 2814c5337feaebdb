"""The count agent's step on its own (no Kafka, no Faust worker), fed the classify agent's partials: each event
counted in the window of its published time, one dyad-counts record per window a batch touched, 100,000 articles
into one dyad window count exactly, replays of either stage count nothing twice (a classify replay batched
otherwise included), the window's stored record stays the same size, and a window is kept for the retention period
after its last update, then dropped."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from schemas import DyadEvent, DyadWindowCount, EventType, QuadClass
from schemas.dyad_count import window_key
from streams.alerting.rules import parse_rules
from streams.pipeline.agents import count
from streams.pipeline.agents.alert import AlertStep
from streams.pipeline.agents.delivery import REDELIVERED_HEADER
from streams.pipeline.agents.stage import Pipeline
from streams.pipeline.partials import Partials
from streams.pipeline.windows import window_bounds
from streams.runtime.metrics import PipelineMetrics
from streams.runtime.settings import Settings
from tests.unit.pipeline.test_alert_step import FakeProducer, FakeTopic
from tests.unit.pipeline.test_stage import NoGaps, Stream

ARTICLES = 100_000
BATCH = 500
PUBLISHED = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)


class FakeTable(dict):
    @property
    def data(self):  # Faust's store attribute; a plain mapping here (no RocksDB)
        return self


@dataclass
class FakeApp:
    tables: dict[str, FakeTable] = field(default_factory=dict)
    agents: dict[str, object] = field(default_factory=dict)

    def Table(self, name, **_kwargs):  # Faust's spelling
        return self.tables.setdefault(name, FakeTable())

    def agent(self, _topic, *, name):
        def register(fn):
            self.agents[name] = fn
            return fn

        return register


@dataclass
class Message:
    value: bytes
    offset: int
    partition: int = 2
    topic: str = "t.dyad-partials"
    key: bytes | None = b"PRK-RUS"
    timestamp: float = 0.0
    headers: list = field(default_factory=list)


@dataclass
class Event:
    message: Message


def _step(settings: Settings | None = None) -> tuple[FakeApp, FakeProducer, object]:
    app, producer = FakeApp(), FakeProducer()
    pipeline = Pipeline(
        settings=settings or Settings(),
        rules=parse_rules("rules: []\n"),
        metrics=PipelineMetrics(),
        gaps=NoGaps(),
        topics={s: FakeTopic(f"t.{s}") for s in ("dyad-partials", "dyad-counts", "alerts", "deadletter")},
        producer=producer,
    )
    count.register(app, pipeline, AlertStep(app, pipeline))
    return app, producer, app.agents["count"]


def _record(n: int, *, dyad: str = "PRK-RUS", published: datetime = PUBLISHED) -> DyadEvent:
    return DyadEvent(
        dyad=dyad,
        article_id=f"a{n}",
        event_type=EventType.COOPERATE,
        quad_class=QuadClass.MATERIAL_COOPERATION,
        topics=["trade"],
        intensity=2.0,
        weight=1.0,
        primary=True,
        published_at=published,
    )


def _partials(
    articles: list[tuple[DyadEvent, tuple[int, int]]], *, offset: int, redelivered: bool = False, partition: int = 2
) -> list[Event]:
    """The partial records the classify agent sends for one batch of (dyad event, article position), as the count
    agent reads them from ``offset`` on."""
    batch = Partials(timedelta(minutes=15))
    for record, (source_partition, source_offset) in articles:
        batch.add(record, source_partition, source_offset, origin=None)
    headers = [(REDELIVERED_HEADER, b"1")] if redelivered else []
    return [
        Event(Message(p.to_bytes(), offset + i, partition=partition, key=p.dyad.encode(), headers=list(headers)))
        for i, (p, _origins) in enumerate(batch.drain())
    ]


def _one(n: int, *, offset: int, source: tuple[int, int], **record) -> Event:
    return _partials([(_record(n, **record), source)], offset=offset)[0]


KEY = window_key("PRK-RUS", window_bounds(PUBLISHED, timedelta(minutes=15))[0])


def _published(producer: FakeProducer) -> list[DyadWindowCount]:
    return [DyadWindowCount.from_bytes(v) for t, k, v in producer.sent if t == "t.dyad-counts"]


async def test_100000_articles_into_one_window_count_exactly_in_a_record_of_constant_size():
    app, producer, agent = _step()
    # Articles from six articles partitions, interleaved; one partial per classify batch of BATCH articles.
    articles = [(_record(n), (n % 6, n // 6)) for n in range(ARTICLES)]
    partials = [_partials(articles[i : i + BATCH], offset=i // BATCH)[0] for i in range(0, ARTICLES, BATCH)]
    batches = [partials[i : i + 10] for i in range(0, len(partials), 10)]
    sizes = []

    class Measuring(Stream):
        async def take_events(self, max_, within):
            for batch in self.batches:
                yield batch
                sizes.append(len(json.dumps(app.tables["dyad-windows"][KEY])))

    await agent(Measuring(batches))
    assert app.tables["dyad-windows"][KEY]["count"] == ARTICLES
    assert _published(producer)[-1].count == ARTICLES
    # Constant size: the same fields and entries at 5,000 and at 100,000 articles (six source partitions, ten
    # sample ids); only the numbers get longer. The earlier list of every counted id was about 1 MB here.
    stored = app.tables["dyad-windows"][KEY]
    assert (len(stored["sources"]), len(stored["sample_article_ids"])) == (6, 10)
    assert max(sizes) < 800, max(sizes)
    assert sizes[-1] - sizes[1] <= 64, (sizes[1], sizes[-1])

    # The count agent replays its last batch after a crash: same input offsets.
    await agent(Stream([batches[-1]]))
    # The classify agent replays the last 750 articles after a crash, batched otherwise (300 a batch): new input
    # offsets, and the first partial straddles the article positions the window counted already.
    replay = articles[-750:]
    again = [_partials(replay[i : i + 300], offset=len(partials) + i)[0] for i in range(0, len(replay), 300)]
    await agent(Stream([again]))
    assert app.tables["dyad-windows"][KEY]["count"] == ARTICLES
    assert _published(producer)[-1].count == ARTICLES


async def test_a_partial_straddling_the_counted_positions_counts_only_its_new_articles():
    app, _producer, agent = _step()
    articles = [(_record(n), (0, n)) for n in range(10)]
    await agent(Stream([_partials(articles[:6], offset=0)]))
    # After a crash, classify re-reads from article 4 and batches 4..9 together.
    await agent(Stream([_partials(articles[4:], offset=1)]))
    stored = app.tables["dyad-windows"][KEY]
    assert (stored["count"], stored["sources"]) == (10, {"0": 9})
    assert stored["sample_article_ids"] == [f"a{n}" for n in range(10)]


async def test_a_batch_over_the_entry_limit_goes_in_several_partials_in_article_order():
    app, _producer, agent = _step()
    batch = Partials(timedelta(minutes=15), max_entries=4)
    for n in range(10):
        batch.add(_record(n), 0, n, origin=n)
    drained = batch.drain()
    assert [[e.offset for e in p.entries] for p, _ in drained] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert [origins for _, origins in drained] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    events = [Event(Message(p.to_bytes(), i, key=b"PRK-RUS")) for i, (p, _) in enumerate(drained)]
    await agent(Stream([events]))
    assert app.tables["dyad-windows"][KEY]["count"] == 10


async def test_a_redelivered_partial_behind_later_positions_is_counted():
    app, _producer, agent = _step()
    later = _one(0, offset=0, source=(0, 11))
    earlier = _partials([(_record(1), (0, 10))], offset=1, redelivered=True)[0]
    await agent(Stream([[later, earlier]]))
    assert app.tables["dyad-windows"][KEY]["count"] == 2


def _sent(producer: FakeProducer) -> list[tuple[str, DyadWindowCount]]:
    return [(k.decode(), DyadWindowCount.from_bytes(v)) for t, k, v in producer.sent if t == "t.dyad-counts"]


async def test_each_event_counts_in_the_window_of_its_published_time_and_each_window_is_published_once_a_batch():
    _app, producer, agent = _step()
    start = window_bounds(PUBLISHED, timedelta(minutes=15))[0]
    last_moment, next_window = start + timedelta(minutes=14, seconds=59), start + timedelta(minutes=15)
    history = datetime(2019, 10, 24, 14, 30, tzinfo=UTC)
    batch = _partials(
        [
            (_record(0, published=start), (0, 0)),
            (_record(1, published=last_moment), (0, 1)),
            (_record(2, published=next_window), (0, 2)),
            (_record(3, published=start, dyad="CHN-PRK"), (0, 3)),
            (_record(4, published=history), (0, 4)),  # history is counted in its own window, however old
        ],
        offset=0,
    )
    assert len(batch) == 4  # one partial per (dyad, window)
    await agent(Stream([batch]))
    sent = _sent(producer)
    assert sorted((k, c.count) for k, c in sent) == sorted(
        [
            (window_key("CHN-PRK", start), 1),
            (window_key("PRK-RUS", start), 2),
            (window_key("PRK-RUS", next_window), 1),
            (window_key("PRK-RUS", window_bounds(history, timedelta(minutes=15))[0]), 1),
        ]
    )
    for key, published in sent:
        assert key == window_key(published.dyad, published.window_start)
        assert published.window_end - published.window_start == timedelta(minutes=15)
    # The record goes to the partition number its input came from (all partials of a dyad share one partition).
    assert {p for t, p in producer.placed if t == "t.dyad-counts"} == {2}

    # The next batch touches one window: one record, with the running count; the other windows stay quiet.
    producer.sent.clear()
    await agent(Stream([[_one(5, offset=4, source=(0, 5), published=last_moment)]]))
    assert [(k, c.count) for k, c in _sent(producer)] == [(window_key("PRK-RUS", start), 3)]


async def test_a_position_counted_once_even_twice_in_one_batch_and_the_replayed_window_published_again():
    app, producer, agent = _step()
    await agent(Stream([[_one(0, offset=7, source=(1, 40)), _one(0, offset=7, source=(1, 40))]]))
    assert app.tables["dyad-windows"][KEY]["count"] == 1
    producer.sent.clear()
    # A replay after a crash: counted nothing twice, and published again so dyad-counts catches up with the store.
    await agent(Stream([[_one(0, offset=7, source=(1, 40))]]))
    assert [(k, c.count) for k, c in _sent(producer)] == [(KEY, 1)]


async def test_a_window_is_kept_for_the_retention_period_after_its_last_update_then_dropped(monkeypatch):
    app, producer, agent = _step(Settings(window_retention_days=1))
    clock = [datetime.now(UTC)]
    monkeypatch.setattr(count, "utc_now", lambda: clock[0])
    history = datetime(2019, 10, 24, 14, 30, tzinfo=UTC)
    old_key = window_key("PRK-RUS", window_bounds(history, timedelta(minutes=15))[0])
    await agent(Stream([[_one(0, offset=0, source=(0, 0), published=history)]]))
    windows = app.tables["dyad-windows"]
    assert windows[old_key]["count"] == 1

    # Partials on the same partition move the worker's clock on; the window stays while its retention runs.
    clock[0] += timedelta(hours=23)
    await agent(Stream([[_one(1, offset=1, source=(0, 1), dyad="CHN-PRK", published=clock[0])]]))
    assert old_key in windows
    clock[0] += timedelta(hours=2)  # 25 hours after its last update
    await agent(Stream([[_one(2, offset=2, source=(0, 2), dyad="CHN-PRK", published=clock[0])]]))
    assert old_key not in windows
    assert len(windows) == 2  # the recent CHN-PRK windows stay
    assert [d for t, _, d in producer.sent if t == "t.deadletter"] == []
