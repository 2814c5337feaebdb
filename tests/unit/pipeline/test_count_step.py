"""The count agent's step on its own (no Kafka, no Faust worker): 100,000 articles into one dyad window count
exactly, replays of either stage count nothing twice, and the window's stored record stays the same size."""

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


def _step() -> tuple[FakeApp, FakeProducer, object]:
    app, producer = FakeApp(), FakeProducer()
    pipeline = Pipeline(
        settings=Settings(),
        rules=parse_rules("rules: []\n"),
        metrics=PipelineMetrics(),
        gaps=NoGaps(),
        topics={s: FakeTopic(f"t.{s}") for s in ("dyad-events", "dyad-counts", "alerts", "deadletter")},
        producer=producer,
    )
    count.register(app, pipeline, AlertStep(app, pipeline))
    return app, producer, app.agents["count"]


def _event(n: int, *, offset: int, source: tuple[int, int], redelivered: bool = False) -> Event:
    record = DyadEvent(
        dyad="PRK-RUS",
        article_id=f"a{n}",
        event_type=EventType.COOPERATE,
        quad_class=QuadClass.MATERIAL_COOPERATION,
        topics=["trade"],
        intensity=2.0,
        weight=1.0,
        primary=True,
        published_at=PUBLISHED,
    )
    headers = [(SOURCE_HEADER, f"{source[0]}:{source[1]}".encode())]
    if redelivered:
        headers.append((REDELIVERED_HEADER, b"1"))
    return Event(Message(record.to_bytes(), offset, headers=headers))


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
