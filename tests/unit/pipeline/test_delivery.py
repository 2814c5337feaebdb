"""Settling an agent batch's sends (no Kafka): nothing is acked before every record it produced is acknowledged; a
refused batch is sent again record by record, so only the record refused alone is dead-lettered, with the broker's
reason; transient failures are retried, not dropped."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest
from aiokafka.errors import (
    KafkaTimeoutError,
    MessageSizeTooLargeError,
    NotEnoughReplicasError,
    RecordListTooLargeError,
)
from faust.exceptions import ProducerSendError

from schemas import DeadLetter, RawArticle
from streams.alerting.rules import parse_rules
from streams.pipeline.agents import delivery
from streams.pipeline.agents.delivery import REDELIVERED_HEADER
from streams.pipeline.agents.stage import Item, Pipeline, run_stage
from streams.runtime.metrics import PipelineMetrics
from streams.runtime.settings import Settings
from tests.unit.pipeline.test_alert_step import FakeTopic
from tests.unit.pipeline.test_stage import ARTICLE, Event, Message, NoGaps, Stream


@dataclass
class Broker:
    """A producer whose acknowledgements the test decides: ``judge(value, alone)`` returns None (appended) or the
    exception; a record is alone when it is the only one of its topic queued since the last acknowledgement round
    (the broker judges a batch of one topic partition)."""

    judge: object
    hold: bool = False  # keep futures pending until ``release``
    appended: list[tuple[str, bytes, tuple]] = field(default_factory=list)
    _queued: list[tuple[asyncio.Future, str, bytes, tuple]] = field(default_factory=list)

    async def send(self, topic, key, value, partition, timestamp, headers):
        future = asyncio.get_running_loop().create_future()
        self._queued.append((future, topic, value, tuple(headers or ())))
        if not self.hold:
            asyncio.get_running_loop().call_soon(self.release)
        return future

    def release(self) -> None:
        queued, self._queued = self._queued, []
        for future, topic, value, headers in queued:
            error = self.judge(value, sum(q[1] == topic for q in queued) == 1)
            if error is None:
                self.appended.append((topic, value, headers))
                future.set_result(None)
            else:
                future.set_exception(error)


def _pipeline(broker: Broker) -> Pipeline:
    return Pipeline(
        settings=Settings(),
        rules=parse_rules("rules: []\n"),
        metrics=PipelineMetrics(),
        gaps=NoGaps(),
        topics={s: FakeTopic(f"t.{s}") for s in ("articles", "events", "deadletter")},
        producer=broker,
    )


def _republish(pipeline: Pipeline):
    async def handle(items: list[Item[RawArticle]]) -> None:
        for item in items:
            await pipeline.send("classify", "events", item.value.id, item.value, origins=(item.event,))

    return handle


def _article(n: int, title: str = "Russia and North Korea sign pact") -> RawArticle:
    return ARTICLE.model_copy(update={"id": f"a{n}", "title": title})


class AckingStream(Stream):
    """Like Faust's ``take_events``: a batch's events are acked when the consumer asks for the next batch."""

    acked: list[int]

    async def take_events(self, max_, within):
        for batch in self.batches:
            yield batch
            self.acked.extend(e.message.offset for e in batch)


async def test_a_batch_is_acked_only_after_every_record_it_produced_is_acknowledged():
    broker = Broker(judge=lambda value, alone: None, hold=True)
    pipeline = _pipeline(broker)
    stream = AckingStream([[Event(Message(_article(n).to_bytes(), n)) for n in range(3)]])
    stream.acked = []
    stage = asyncio.create_task(
        run_stage(pipeline, stream, agent="classify", model=RawArticle, handle=_republish(pipeline))
    )
    while len(broker._queued) < 3:  # the handler has sent all three; none acknowledged yet
        await asyncio.sleep(0)
    for _ in range(20):
        await asyncio.sleep(0)
    assert stream.acked == [] and not stage.done()
    broker.release()
    await asyncio.wait_for(stage, timeout=10)
    assert stream.acked == [0, 1, 2]
    assert len(broker.appended) == 3


async def test_a_refused_batch_is_sent_again_record_by_record_and_only_the_culprit_dead_lettered():
    big = _article(1, title="x" * 900)

    def judge(value: bytes, alone: bool):
        if b"x" * 900 in value:
            return MessageSizeTooLargeError()
        return None if alone else RecordListTooLargeError()  # the broker judges the whole batch

    broker = Broker(judge=judge)
    pipeline = _pipeline(broker)
    batch = [Event(Message(a.to_bytes(), n)) for n, a in enumerate([_article(0), big, _article(2)])]
    await run_stage(pipeline, Stream([batch]), agent="classify", model=RawArticle, handle=_republish(pipeline))

    delivered = [RawArticle.from_bytes(v).id for t, v, _ in broker.appended if t == "t.events"]
    assert delivered == ["a0", "a2"]
    assert all((REDELIVERED_HEADER, b"1") in h for t, _, h in broker.appended if t == "t.events")
    letters = [DeadLetter.from_bytes(v) for t, v, _ in broker.appended if t == "t.deadletter"]
    assert [(d.error_kind, d.offset) for d in letters] == [("refused", 1)]
    assert "MessageSizeTooLargeError" in letters[0].error and "t.events" in letters[0].error


async def test_a_record_the_client_refuses_at_once_is_dead_lettered_too():
    class Refusing(Broker):
        async def send(self, topic, key, value, partition, timestamp, headers):
            if b"x" * 900 in value:
                raise ProducerSendError("Error while sending") from MessageSizeTooLargeError()
            return await super().send(topic, key, value, partition, timestamp, headers)

    broker = Refusing(judge=lambda value, alone: None)
    pipeline = _pipeline(broker)
    batch = [Event(Message(a.to_bytes(), n)) for n, a in enumerate([_article(0, title="x" * 900), _article(1)])]
    await run_stage(pipeline, Stream([batch]), agent="classify", model=RawArticle, handle=_republish(pipeline))
    assert [RawArticle.from_bytes(v).id for t, v, _ in broker.appended if t == "t.events"] == ["a1"]
    letters = [DeadLetter.from_bytes(v) for t, v, _ in broker.appended if t == "t.deadletter"]
    assert [(d.error_kind, d.offset) for d in letters] == [("refused", 0)]


@pytest.mark.parametrize("transient", [NotEnoughReplicasError, KafkaTimeoutError])
async def test_a_transient_failure_is_retried_until_delivered_never_dead_lettered(monkeypatch, transient):
    monkeypatch.setattr(delivery, "RETRY_BACKOFF_S", (0.0,))
    failures = iter([transient(), transient(), transient()])
    broker = Broker(judge=lambda value, alone: next(failures, None))
    pipeline = _pipeline(broker)
    batch = [Event(Message(_article(0).to_bytes(), 0))]
    await run_stage(pipeline, Stream([batch]), agent="classify", model=RawArticle, handle=_republish(pipeline))
    assert [t for t, _, _ in broker.appended] == ["t.events"]


class FakeBatch:
    """aiokafka's BatchBuilder: holds up to ``room`` records; one larger than ``max_value`` never fits."""

    def __init__(self, room: int, max_value: int) -> None:
        self.room, self.max_value, self.values = room, max_value, []

    def append(self, *, timestamp, key, value, headers):
        if len(self.values) >= self.room or len(value) > self.max_value:
            return None
        self.values.append(value)
        return object()


@dataclass
class BatchBroker:
    """A producer with aiokafka's batch API (``send_batch``) beside the per-record ``send`` (used for records sent
    alone); a batch holding a ``bad`` value is refused whole, as the broker does."""

    room: int = 3
    max_value: int = 100
    bad: bytes = b"bad"
    appended: list[tuple[str, int | None, bytes]] = field(default_factory=list)
    batches: int = 0

    def create_batch(self) -> FakeBatch:
        return FakeBatch(self.room, self.max_value)

    async def partitions_for(self, topic):
        return {0, 1}

    async def send_batch(self, batch, topic, *, partition):
        self.batches += 1
        future = asyncio.get_running_loop().create_future()
        if self.bad in batch.values:
            future.set_exception(RecordListTooLargeError())
        else:
            self.appended.extend((topic, partition, v) for v in batch.values)
            future.set_result(None)
        return future

    async def send(self, topic, key, value, partition, timestamp, headers):
        future = asyncio.get_running_loop().create_future()
        if value == self.bad:
            future.set_exception(MessageSizeTooLargeError())
        else:
            self.appended.append((topic, partition, value))
            future.set_result(None)
        return future


def _outgoing(value: bytes, partition: int = 0) -> delivery.Outgoing:
    return delivery.Outgoing("t", b"k", value, partition, None, [], (value,), None)


async def test_records_go_out_in_batches_per_partition_in_their_order():
    broker = BatchBroker()
    deliveries = delivery.Deliveries(broker, delivery.Batches(broker, lambda topic, key: 1))
    for n in range(7):
        await deliveries.send(_outgoing(b"v%d" % n))
    keyed = delivery.Outgoing("t", b"k", b"keyed", None, None, [], (), None)  # placed by its key
    await deliveries.send(keyed)
    assert await deliveries.settle(refuse=None) == 0
    assert [v for _, p, v in broker.appended if p == 0] == [b"v%d" % n for n in range(7)]
    assert [(p, v) for _, p, v in broker.appended if p != 0] == [(1, b"keyed")]
    assert broker.batches == 4  # 3 + 3 + 1 on partition 0, 1 on partition 1


async def test_a_refused_batch_is_sent_again_record_by_record_and_only_the_bad_one_refused():
    broker = BatchBroker()
    deliveries = delivery.Deliveries(broker, delivery.Batches(broker, lambda topic, key: 0))
    refused = []

    async def refuse(record, reason):
        refused.append((record.value, reason))

    for value in (b"v0", b"bad", b"v2"):
        await deliveries.send(_outgoing(value))
    assert await deliveries.settle(refuse) == 3
    assert [v for _, _, v in broker.appended] == [b"v0", b"v2"]
    assert [(value, "MessageSizeTooLargeError" in reason) for value, reason in refused] == [(b"bad", True)]


async def test_a_record_too_large_for_a_batch_goes_alone_after_the_batch_before_it():
    broker = BatchBroker(max_value=4)
    deliveries = delivery.Deliveries(broker, delivery.Batches(broker, lambda topic, key: 0))
    for value in (b"v0", b"v1", b"a-large-one", b"v3"):
        await deliveries.send(_outgoing(value))
    assert await deliveries.settle(refuse=None) == 0
    assert [v for _, _, v in broker.appended] == [b"v0", b"v1", b"a-large-one", b"v3"]


async def test_a_record_that_cannot_be_placed_goes_by_itself_after_the_records_batched_before_it():
    broker = BatchBroker()

    def partition_of(topic, key):
        if key == b"unplaceable":
            raise KafkaTimeoutError()
        return 0

    deliveries = delivery.Deliveries(broker, delivery.Batches(broker, partition_of))
    await deliveries.send(_outgoing(b"v0", partition=None))
    await deliveries.send(delivery.Outgoing("t", b"unplaceable", b"v1", None, None, [], (), None))
    await deliveries.send(_outgoing(b"v2", partition=None))
    assert await deliveries.settle(refuse=None) == 0
    assert [v for _, _, v in broker.appended] == [b"v0", b"v1", b"v2"]


async def test_a_key_is_placed_once_per_batch_by_the_partitioner():
    broker = BatchBroker()
    asked = []

    def partition_of(topic, key):
        asked.append(key)
        return 0

    deliveries = delivery.Deliveries(broker, delivery.Batches(broker, partition_of))
    for key in (b"PRK-RUS", b"CHN-PRK", b"PRK-RUS", b"PRK-RUS"):
        await deliveries.send(delivery.Outgoing("t", key, b"v", None, None, [], (), None))
    assert await deliveries.settle(refuse=None) == 0
    assert asked == [b"PRK-RUS", b"CHN-PRK"]
    await deliveries.send(delivery.Outgoing("t", b"PRK-RUS", b"v", None, None, [], (), None))
    assert asked == [b"PRK-RUS", b"CHN-PRK", b"PRK-RUS"]  # placed anew after the batch was settled


async def test_a_record_keyed_as_its_input_goes_to_the_inputs_partition_number_when_the_topics_agree():
    broker = BatchBroker()
    counts = {"articles": {0, 1}, "events": {0, 1}, "wide": {0, 1, 2}}
    broker.partitions_for = lambda topic: asyncio.sleep(0, counts[topic])
    asked = []

    def partition_of(topic, key):
        asked.append((topic, key))
        return 0

    deliveries = delivery.Deliveries(broker, delivery.Batches(broker, partition_of))
    for topic in ("events", "wide"):
        record = delivery.Outgoing(topic, b"id1", b"v", None, None, [], (), None, ("articles", 1))
        await deliveries.send(record)
    assert await deliveries.settle(refuse=None) == 0
    assert [(t, p) for t, p, _ in broker.appended] == [("events", 1), ("wide", 0)]
    assert asked == [("wide", b"id1")]  # hashed only where the partition counts differ
