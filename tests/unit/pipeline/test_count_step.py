"""The count agent's step on its own (no Kafka, no Faust worker): each event counted in the window of its published
time, one dyad-counts record per window a batch touched, 100,000 articles into one dyad window count exactly,
replays of either stage count nothing twice, the window's stored record stays the same size, events from the
future are dead-lettered, and a window is kept for the retention period after its last update, then dropped."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from schemas import DeadLetter, DyadEvent, DyadWindowCount, EventType, QuadClass
from schemas.dyad_count import window_key
from streams.alerting.rules import parse_rules
from streams.pipeline.agents import count
from streams.pipeline.agents.alert import AlertStep
from streams.pipeline.agents.delivery import REDELIVERED_HEADER, SOURCE_HEADER
from streams.pipeline.agents.stage import Pipeline
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
    topic: str = "t.dyad-events"
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
        topics={s: FakeTopic(f"t.{s}") for s in ("dyad-events", "dyad-counts", "alerts", "deadletter")},
        producer=producer,
    )
    count.register(app, pipeline, AlertStep(app, pipeline))
    return app, producer, app.agents["count"]


def _event(
    n: int,
    *,
    offset: int,
    source: tuple[int, int],
    redelivered: bool = False,
    dyad: str = "PRK-RUS",
    published: datetime = PUBLISHED,
    partition: int = 2,
) -> Event:
    record = DyadEvent(
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
    headers = [(SOURCE_HEADER, f"{source[0]}:{source[1]}".encode())]
    if redelivered:
        headers.append((REDELIVERED_HEADER, b"1"))
    return Event(Message(record.to_bytes(), offset, partition=partition, key=dyad.encode(), headers=headers))


KEY = window_key("PRK-RUS", window_bounds(PUBLISHED, timedelta(minutes=15))[0])


def _published(producer: FakeProducer) -> list[DyadWindowCount]:
    return [DyadWindowCount.from_bytes(v) for t, k, v in producer.sent if t == "t.dyad-counts"]


async def test_100000_articles_into_one_window_count_exactly_in_a_record_of_constant_size():
    app, producer, agent = _step()
    # Articles from six articles partitions, interleaved, as the classify agent fans them out.
    events = [_event(n, offset=n, source=(n % 6, n // 6)) for n in range(ARTICLES)]
    batches = [events[i : i + BATCH] for i in range(0, ARTICLES, BATCH)]
    sizes = []

    class Measuring(Stream):
        async def take_events(self, max_, within):
            for batch in self.batches:
                yield batch
                sizes.append(len(json.dumps(app.tables["dyad-windows"][KEY])))

    await agent(Measuring(batches))
    assert app.tables["dyad-windows"][KEY]["count"] == ARTICLES
    assert _published(producer)[-1].count == ARTICLES
    # Constant size: the same fields and entries at 1,000 and at 100,000 articles (six source partitions, ten
    # sample ids); only the numbers get longer (two more digits in each of about twenty numbers and ids). The
    # earlier list of every counted id was about 1 MB here.
    stored = app.tables["dyad-windows"][KEY]
    assert (len(stored["sources"]), len(stored["sample_article_ids"])) == (6, 10)
    assert max(sizes) < 800, max(sizes)
    assert sizes[-1] - sizes[1] <= 64, (sizes[1], sizes[-1])

    # The count agent replays a batch after a crash: same input offsets.
    await agent(Stream([events[-BATCH:]]))
    # The classify agent published the last batch's articles again: new input offsets, same source positions.
    again = [
        _event(n, offset=ARTICLES + i, source=(n % 6, n // 6)) for i, n in enumerate(range(ARTICLES - 50, ARTICLES))
    ]
    await agent(Stream([again]))
    assert app.tables["dyad-windows"][KEY]["count"] == ARTICLES
    assert _published(producer)[-1].count == ARTICLES


async def test_a_redelivered_event_behind_later_positions_is_counted():
    app, _producer, agent = _step()
    batch = [_event(0, offset=0, source=(0, 11)), _event(1, offset=1, source=(0, 10), redelivered=True)]
    await agent(Stream([batch]))
    assert app.tables["dyad-windows"][KEY]["count"] == 2


async def test_an_event_from_beyond_the_clock_skew_tolerance_is_dead_lettered_and_an_old_one_counted():
    _app, producer, agent = _step()
    future = _event(0, offset=0, source=(0, 0))
    record = DyadEvent.from_bytes(future.message.value)
    ahead = record.model_copy(update={"published_at": datetime.now(UTC) + timedelta(hours=3)})
    future.message.value = ahead.to_bytes()
    old = record.model_copy(update={"published_at": datetime(2019, 10, 24, 14, 30, tzinfo=UTC)})
    history = Event(Message(old.to_bytes(), 1, headers=[(SOURCE_HEADER, b"0:1")]))
    await agent(Stream([[future, history]]))
    letters = [DeadLetter.from_bytes(v) for t, _, v in producer.sent if t == "t.deadletter"]
    assert [(d.error_kind, d.offset) for d in letters] == [("future_timestamp", 0)]
    assert [(c.window_start.year, c.count) for c in _published(producer)] == [(2019, 1)]


def _sent(producer: FakeProducer) -> list[tuple[str, DyadWindowCount]]:
    return [(k.decode(), DyadWindowCount.from_bytes(v)) for t, k, v in producer.sent if t == "t.dyad-counts"]


async def test_each_event_counts_in_the_window_of_its_published_time_and_each_window_is_published_once_a_batch():
    _app, producer, agent = _step()
    start = window_bounds(PUBLISHED, timedelta(minutes=15))[0]
    last_moment, next_window = start + timedelta(minutes=14, seconds=59), start + timedelta(minutes=15)
    batch = [
        _event(0, offset=0, source=(0, 0), published=start),
        _event(1, offset=1, source=(0, 1), published=last_moment),
        _event(2, offset=2, source=(0, 2), published=next_window),
        _event(3, offset=3, source=(0, 3), published=start, dyad="CHN-PRK"),
    ]
    await agent(Stream([batch]))
    sent = _sent(producer)
    assert sorted((k, c.count) for k, c in sent) == [
        (window_key("CHN-PRK", start), 1),
        (window_key("PRK-RUS", start), 2),
        (window_key("PRK-RUS", next_window), 1),
    ]
    for key, published in sent:
        assert key == window_key(published.dyad, published.window_start)
        assert published.window_end - published.window_start == timedelta(minutes=15)
    # The record goes to the partition number its input came from (all events of a dyad share one partition).
    assert {p for t, p in producer.placed if t == "t.dyad-counts"} == {2}

    # The next batch touches one window: one record, with the running count; the other windows stay quiet.
    producer.sent.clear()
    await agent(Stream([[_event(4, offset=4, source=(0, 4), published=last_moment)]]))
    assert [(k, c.count) for k, c in _sent(producer)] == [(window_key("PRK-RUS", start), 3)]


async def test_a_position_counted_once_even_twice_in_one_batch_and_the_replayed_window_published_again():
    app, producer, agent = _step()
    first = _event(0, offset=7, source=(1, 40))
    await agent(Stream([[first, _event(0, offset=7, source=(1, 40))]]))
    assert app.tables["dyad-windows"][KEY]["count"] == 1
    producer.sent.clear()
    # A replay after a crash: counted nothing twice, and published again so dyad-counts catches up with the store.
    await agent(Stream([[_event(0, offset=7, source=(1, 40))]]))
    assert [(k, c.count) for k, c in _sent(producer)] == [(KEY, 1)]


async def test_a_window_is_kept_for_the_retention_period_after_its_last_update_then_dropped(monkeypatch):
    app, producer, agent = _step(Settings(window_retention_days=1))
    clock = [datetime.now(UTC)]
    monkeypatch.setattr(count, "utc_now", lambda: clock[0])
    history = datetime(2019, 10, 24, 14, 30, tzinfo=UTC)
    old_key = window_key("PRK-RUS", window_bounds(history, timedelta(minutes=15))[0])
    await agent(Stream([[_event(0, offset=0, source=(0, 0), published=history)]]))
    windows = app.tables["dyad-windows"]
    assert windows[old_key]["count"] == 1  # history is counted in its own window, however old

    # Events on the same partition move the worker's clock on; the window stays while its retention runs.
    clock[0] += timedelta(hours=23)
    await agent(Stream([[_event(1, offset=1, source=(0, 1), dyad="CHN-PRK", published=clock[0])]]))
    assert old_key in windows
    clock[0] += timedelta(hours=2)  # 25 hours after its last update
    await agent(Stream([[_event(2, offset=2, source=(0, 2), dyad="CHN-PRK", published=clock[0])]]))
    assert old_key not in windows
    assert len(windows) == 2  # the recent CHN-PRK windows stay
    assert [d for t, _, d in producer.sent if t == "t.deadletter"] == []
