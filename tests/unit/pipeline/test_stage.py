"""The batch frame every agent runs in (no Kafka, no Faust worker): bad records are dead-lettered before the
handler sees the batch, and a handler that fails unexpectedly dead-letters its whole batch instead of losing it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from schemas import DeadLetter, RawArticle
from streams.alerting.rules import parse_rules
from streams.pipeline.agents.stage import Item, Pipeline, run_stage
from streams.runtime.metrics import PipelineMetrics
from streams.runtime.settings import Settings
from tests.unit.pipeline.test_alert_step import FakeProducer, FakeTopic

ARTICLE = RawArticle(
    id="a1",
    source="t",
    title="Russia and North Korea sign pact",
    text="Moscow agreed.",
    published_at=datetime(2025, 6, 10, tzinfo=UTC),
)


@dataclass
class Message:
    value: bytes
    offset: int
    topic: str = "t.articles"
    partition: int = 0
    key: bytes | None = None
    timestamp: float = 0.0


@dataclass
class Event:
    message: Message


class NoGaps:
    async def missing(self, message):
        return []

    def forget(self, partitions):
        pass


class Consumer:
    async def maybe_wait_for_commit_to_finish(self):
        return None


@dataclass
class Stream:
    batches: list[list[Event]]
    app: object = field(default_factory=lambda: type("App", (), {"consumer": Consumer()})())

    async def take_events(self, max_, within):
        for batch in self.batches:
            yield batch


def _pipeline() -> tuple[Pipeline, FakeProducer]:
    producer = FakeProducer()
    pipeline = Pipeline(
        settings=Settings(),
        rules=parse_rules("rules: []\n"),
        metrics=PipelineMetrics(),
        gaps=NoGaps(),
        topics={s: FakeTopic(f"t.{s}") for s in ("articles", "deadletter")},
        producer=producer,
    )
    return pipeline, producer


def _letters(producer: FakeProducer) -> list[DeadLetter]:
    return [DeadLetter.from_bytes(value) for topic, _, value in producer.sent if topic == "t.deadletter"]


async def test_a_bad_record_is_dead_lettered_and_the_rest_of_the_batch_handled():
    pipeline, producer = _pipeline()
    seen: list[list[str]] = []

    async def handle(items: list[Item[RawArticle]]) -> None:
        seen.append([item.value.id for item in items])

    batch = [Event(Message(b"{not json", 0)), Event(Message(ARTICLE.to_bytes(), 1))]
    await run_stage(pipeline, Stream([batch]), agent="classify", model=RawArticle, handle=handle)
    assert seen == [["a1"]]
    assert [(d.error_kind, d.offset) for d in _letters(producer)] == [("malformed_json", 0)]


async def test_a_failing_handler_dead_letters_its_batch_and_the_stage_goes_on():
    pipeline, producer = _pipeline()
    calls = 0

    async def handle(items: list[Item[RawArticle]]) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise KeyError("bug")

    first = [Event(Message(ARTICLE.to_bytes(), 0)), Event(Message(ARTICLE.to_bytes(), 1))]
    second = [Event(Message(ARTICLE.to_bytes(), 2))]
    await run_stage(pipeline, Stream([first, second]), agent="classify", model=RawArticle, handle=handle)
    letters = _letters(producer)
    assert [(d.error_kind, d.offset, d.stage) for d in letters] == [
        ("agent_error", 0, "classify"),
        ("agent_error", 1, "classify"),
    ]
    assert "KeyError" in letters[0].error and calls == 2
