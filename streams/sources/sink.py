"""Where validated articles go: the articles topic through the idempotent producer, or stdout for ``--dry-run``.

Every article handed to a sink gets a ``Delivery`` that says, once settled by ``flush``, whether the broker
acknowledged it, whether it was emitted before (a duplicate), or why it was refused. The same rules hold for every
source: publication times too far ahead are clamped (``clamp_future``), a record over ``max_message_bytes`` once
serialised is refused before it is sent, and a record the broker refuses is reported with the broker's reason while
the others are still delivered.

Both sinks emit each article id once: the Kafka sink remembers delivered ids on disk (``seen_ids``, kept per topic
id, so a recreated topic starts afresh; ``resend`` sends again anyway); the dry-run sink remembers them for the run
only and writes no state.
"""

from __future__ import annotations

import asyncio
import sys
from abc import ABC, abstractmethod
from collections import Counter, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Literal, TextIO

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError, OutOfOrderSequenceNumber

from schemas.article import RawArticle
from streams.kafka.clients import make_producer
from streams.kafka.topic_ids import TopicIdUnavailable, topic_incarnation
from streams.runtime.settings import Settings
from streams.sources.rejections import log_event, log_rejected
from streams.sources.seen_ids import SeenIds, seen_ids_path
from streams.sources.timestamps import clamp_future

_COMMIT_EVERY = 500
# A record the broker refuses leaves the idempotent producer's sequence broken for that partition: every later
# record there fails with OutOfOrderSequenceNumber without being written. The sink then starts a new producer and
# sends those records again, at most this many times per flush.
_MAX_PRODUCER_RESTARTS = 3

DeliveryStatus = Literal["pending", "delivered", "duplicate", "refused"]


@dataclass
class Delivery:
    """What became of one article handed to a sink. ``retriable`` refusals may pass later (broker unavailable)."""

    article_id: str
    source: str
    status: DeliveryStatus = "pending"
    reason: str = ""
    retriable: bool = False


@dataclass
class SinkStats:
    emitted: int = 0
    duplicates: int = 0
    failed: int = 0
    clamped: int = 0
    refusals: Counter[str] = field(default_factory=Counter)


class ArticleSink(ABC):
    """Takes validated articles (``emit``) and settles their deliveries (``flush``)."""

    def __init__(self, settings: Settings) -> None:
        self.stats = SinkStats()
        self._max_record_bytes = settings.max_message_bytes
        self._future_tolerance_s = settings.future_tolerance_s

    async def emit(self, article: RawArticle) -> Delivery:
        """Hand over one article; its delivery is settled by the next ``flush`` at the latest."""
        delivery = Delivery(article.id, article.source)
        if self._already_emitted(article.id):
            self.stats.duplicates += 1
            delivery.status = "duplicate"
            return delivery
        clamped = clamp_future(article, self._future_tolerance_s)
        if clamped is not article:
            self.stats.clamped += 1
            log_event("published_at_clamped", id=article.id, claimed=article.published_at.isoformat())
        value = clamped.to_bytes()
        size = len(value) + len(clamped.id)
        if size > self._max_record_bytes:
            self.refuse(delivery, f"record is {size} bytes once serialised, over the {self._max_record_bytes}-byte cap")
            return delivery
        await self._send(delivery, clamped.id.encode(), value)
        return delivery

    def refuse(self, delivery: Delivery, reason: str, *, retriable: bool = False) -> None:
        delivery.status, delivery.reason, delivery.retriable = "refused", reason, retriable
        self.stats.failed += 1
        self.stats.refusals[reason] += 1
        log_rejected(delivery.source, reason, id=delivery.article_id)

    @abstractmethod
    def _already_emitted(self, article_id: str) -> bool: ...

    @abstractmethod
    async def _send(self, delivery: Delivery, key: bytes, value: bytes) -> None: ...

    @abstractmethod
    async def flush(self) -> None:
        """Wait until every delivery handed out so far is settled."""

    async def close(self) -> None:
        await self.flush()


class PrintSink(ArticleSink):
    """``--dry-run``: each new article as one JSON line on ``stream``."""

    def __init__(self, settings: Settings, stream: TextIO | None = None) -> None:
        super().__init__(settings)
        self._stream = stream or sys.stdout
        self._ids: set[str] = set()

    def _already_emitted(self, article_id: str) -> bool:
        return article_id in self._ids

    async def _send(self, delivery: Delivery, key: bytes, value: bytes) -> None:
        self._ids.add(delivery.article_id)
        self._stream.write(value.decode() + "\n")
        delivery.status = "delivered"
        self.stats.emitted += 1

    async def flush(self) -> None:
        self._stream.flush()


@dataclass
class _InFlight:
    delivery: Delivery
    key: bytes
    value: bytes
    future: asyncio.Future[object]


class SinkUnavailable(RuntimeError):
    """The broker could not be reached, or the topic is missing, when the sink opened."""


class KafkaSink(ArticleSink):
    """Sends articles keyed by id to the articles topic; an id is remembered once the broker acknowledged it."""

    def __init__(self, settings: Settings, *, resend: bool = False, max_in_flight: int = 5000) -> None:
        super().__init__(settings)
        self._settings = settings
        self.topic = settings.topic("articles")
        self.seen: SeenIds | None = None  # set by open_sink once the topic id is known
        self._resend = resend
        self._max_in_flight = max_in_flight
        self._producer: AIOKafkaProducer | None = None
        self._in_flight: deque[_InFlight] = deque()
        self._in_flight_ids: set[str] = set()
        self._sent_this_run: set[str] = set()  # with ``resend``: the on-disk memory is not asked, this run's is
        self._unwritten: list[_InFlight] = []  # failed only because an earlier record broke the producer's sequence
        self._since_commit = 0

    async def start(self) -> AIOKafkaProducer:
        producer = make_producer(self._settings, client_id="dyadwatch-ingest")
        try:
            await producer.start()
        except KafkaError as exc:
            await producer.stop()
            raise SinkUnavailable(f"could not reach Kafka at {self._settings.bootstrap_servers}: {exc!r}") from None
        self._producer = producer
        return producer

    def _already_emitted(self, article_id: str) -> bool:
        if article_id in self._in_flight_ids or (self._resend and article_id in self._sent_this_run):
            return True
        return not self._resend and self.seen is not None and article_id in self.seen

    async def _send(self, delivery: Delivery, key: bytes, value: bytes) -> None:
        if self._unwritten:
            await self._restart_and_resend()
        await self._produce(delivery, key, value)
        while len(self._in_flight) > self._max_in_flight or (self._in_flight and self._in_flight[0].future.done()):
            await self._settle_oldest()

    async def _produce(self, delivery: Delivery, key: bytes, value: bytes) -> None:
        assert self._producer is not None, "KafkaSink.start() first"
        try:
            future = await self._producer.send(self.topic, value=value, key=key)
        except KafkaError as exc:  # refused before sending (e.g. buffer timeout): this article only
            self.refuse(delivery, f"the producer refused the record: {_broker_reason(exc)}", retriable=exc.retriable)
            return
        self._in_flight.append(_InFlight(delivery, key, value, future))
        self._in_flight_ids.add(delivery.article_id)

    async def _settle_oldest(self) -> None:
        item = self._in_flight.popleft()
        self._in_flight_ids.discard(item.delivery.article_id)
        try:
            await item.future
        except OutOfOrderSequenceNumber:
            self._unwritten.append(item)
            return
        except KafkaError as exc:
            self.refuse(item.delivery, f"the broker refused the record: {_broker_reason(exc)}", retriable=exc.retriable)
            return
        item.delivery.status = "delivered"
        self.stats.emitted += 1
        if self._resend:
            self._sent_this_run.add(item.delivery.article_id)
        if self.seen is not None:
            self.seen.add(item.delivery.article_id)
            self._since_commit += 1
            if self._since_commit >= _COMMIT_EVERY:
                self.seen.commit()
                self._since_commit = 0

    async def _settle_all(self) -> None:
        while self._in_flight:
            await self._settle_oldest()

    async def _restart_and_resend(self) -> None:
        """A new producer (so a new producer id and sequence), then the records the broken one never wrote."""
        await self._settle_all()
        if self._producer is not None:
            await self._producer.stop()
        await self.start()
        unwritten, self._unwritten = self._unwritten, []
        log_event("ingest_producer_restarted", resending=len(unwritten))
        for item in unwritten:
            await self._produce(item.delivery, item.key, item.value)

    async def flush(self) -> None:
        if self._producer is not None:
            await self._producer.flush()
        await self._settle_all()
        restarts = 0
        while self._unwritten and restarts < _MAX_PRODUCER_RESTARTS:
            restarts += 1
            await self._restart_and_resend()
            await self._settle_all()
        for item in self._unwritten:
            self.refuse(item.delivery, "the broker kept refusing the producer's sequence (OutOfOrderSequenceNumber)")
        self._unwritten = []
        if self.seen is not None:
            self.seen.commit()
            self._since_commit = 0

    async def close(self) -> None:
        try:
            await self.flush()
        finally:
            if self._producer is not None:
                await self._producer.stop()


def _broker_reason(exc: KafkaError) -> str:
    description = getattr(exc, "description", "")
    return f"{exc} ({description})" if description else str(exc)


async def _topic_incarnation(sink: KafkaSink, producer: AIOKafkaProducer) -> str:
    """The topic id the delivered-ids memory is keyed by; a missing topic stops the sink with the remedy."""
    try:
        return await topic_incarnation(producer, sink.topic)
    except TopicIdUnavailable as exc:
        raise SinkUnavailable(f"{exc}; create the topics with `dyadwatch topics create`") from None


@asynccontextmanager
async def open_sink(
    settings: Settings, *, dry_run: bool, remember: bool = True, resend: bool = False
) -> AsyncIterator[ArticleSink]:
    """The sink for a source run: stdout when ``dry_run``, else Kafka, remembering delivered ids unless told not
    to; ``resend`` sends articles delivered before again (and still remembers them)."""
    if dry_run:
        sink: ArticleSink = PrintSink(settings)
        try:
            yield sink
        finally:
            await sink.close()
        return
    kafka_sink = KafkaSink(settings, resend=resend)
    producer = await kafka_sink.start()
    seen = None
    try:
        if remember:
            incarnation = await _topic_incarnation(kafka_sink, producer)
            seen = SeenIds(
                seen_ids_path(settings, kafka_sink.topic, incarnation), horizon_days=settings.dedup_horizon_days
            )
            kafka_sink.seen = seen
        yield kafka_sink
    finally:
        try:
            await kafka_sink.close()
        finally:
            if seen is not None:
                seen.close()
