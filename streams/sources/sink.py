"""Where validated articles go: the articles topic through the idempotent producer, or stdout for ``--dry-run``.

Both sinks emit each article id once: the Kafka sink remembers delivered ids on disk (``seen_ids``) so a restarted
source does not send them again; the dry-run sink remembers them for the run only and writes no state.
"""

from __future__ import annotations

import asyncio
import sys
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TextIO

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from schemas.article import RawArticle
from streams.kafka_clients import make_producer
from streams.settings import Settings
from streams.sources.rejections import log_rejected
from streams.sources.seen_ids import SeenIds, seen_ids_path

_COMMIT_EVERY = 500


@dataclass
class SinkStats:
    emitted: int = 0
    duplicates: int = 0
    failed: int = 0


class ArticleSink(ABC):
    """Takes validated articles; ``emit`` says whether the article was new (and so sent) or already emitted."""

    def __init__(self) -> None:
        self.stats = SinkStats()

    @abstractmethod
    async def emit(self, article: RawArticle) -> bool: ...

    @abstractmethod
    async def flush(self) -> list[str]:
        """Wait until everything emitted so far is delivered; return the ids whose delivery failed."""

    async def close(self) -> None:
        await self.flush()


class PrintSink(ArticleSink):
    """``--dry-run``: each new article as one JSON line on ``stream``."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__()
        self._stream = stream or sys.stdout
        self._ids: set[str] = set()

    async def emit(self, article: RawArticle) -> bool:
        if article.id in self._ids:
            self.stats.duplicates += 1
            return False
        self._ids.add(article.id)
        self._stream.write(article.model_dump_json() + "\n")
        self.stats.emitted += 1
        return True

    async def flush(self) -> list[str]:
        self._stream.flush()
        return []


class KafkaSink(ArticleSink):
    """Sends articles keyed by id to the articles topic; an id is remembered once the broker acknowledged it."""

    def __init__(
        self, settings: Settings, producer: AIOKafkaProducer, seen: SeenIds | None, *, max_in_flight: int = 5000
    ) -> None:
        super().__init__()
        self.topic = settings.topic("articles")
        self._producer = producer
        self._seen = seen
        self._max_in_flight = max_in_flight
        self._in_flight: deque[tuple[str, asyncio.Future[object]]] = deque()
        self._in_flight_ids: set[str] = set()
        self._failed: list[str] = []
        self._since_commit = 0

    async def emit(self, article: RawArticle) -> bool:
        if article.id in self._in_flight_ids or (self._seen is not None and article.id in self._seen):
            self.stats.duplicates += 1
            return False
        try:
            future = await self._producer.send(self.topic, value=article.to_bytes(), key=article.id.encode())
        except KafkaError as exc:  # e.g. record too large: this article is refused, the source goes on
            log_rejected(article.source, f"broker refused the record: {exc!r}", id=article.id)
            self.stats.failed += 1
            return False
        self._in_flight.append((article.id, future))
        self._in_flight_ids.add(article.id)
        while len(self._in_flight) > self._max_in_flight or (self._in_flight and self._in_flight[0][1].done()):
            await self._settle_oldest()
        return True

    async def _settle_oldest(self) -> None:
        article_id, future = self._in_flight.popleft()
        self._in_flight_ids.discard(article_id)
        try:
            await future
        except KafkaError as exc:
            log_rejected("sink", f"delivery failed: {exc!r}", id=article_id)
            self.stats.failed += 1
            self._failed.append(article_id)
            return
        self.stats.emitted += 1
        if self._seen is not None:
            self._seen.add(article_id)
            self._since_commit += 1
            if self._since_commit >= _COMMIT_EVERY:
                self._seen.commit()
                self._since_commit = 0

    async def flush(self) -> list[str]:
        await self._producer.flush()
        while self._in_flight:
            await self._settle_oldest()
        if self._seen is not None:
            self._seen.commit()
            self._since_commit = 0
        failed, self._failed = self._failed, []
        return failed


class SinkUnavailable(RuntimeError):
    """The broker could not be reached when the sink opened."""


@asynccontextmanager
async def open_sink(settings: Settings, *, dry_run: bool, remember: bool = True) -> AsyncIterator[ArticleSink]:
    """The sink for a source run: stdout when ``dry_run``, else Kafka (remembering delivered ids unless told not to)."""
    if dry_run:
        sink = PrintSink()
        try:
            yield sink
        finally:
            await sink.close()
        return
    producer = make_producer(settings, client_id="dyadwatch-ingest")
    try:
        await producer.start()
    except KafkaError as exc:
        await producer.stop()
        raise SinkUnavailable(f"could not reach Kafka at {settings.bootstrap_servers}: {exc!r}") from None
    seen = None
    if remember:
        seen = SeenIds(seen_ids_path(settings, settings.topic("articles")), horizon_days=settings.dedup_horizon_days)
    kafka_sink = KafkaSink(settings, producer, seen)
    try:
        yield kafka_sink
    finally:
        try:
            await kafka_sink.close()
        finally:
            await producer.stop()
            if seen is not None:
                seen.close()
