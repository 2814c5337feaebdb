"""Analyst decisions → ``alert-acks``: the one place the dashboard writes to Kafka.

Every screen (and a restarted dashboard) learns an alert's status by reading the compacted alert-acks topic back,
so the write is all there is to sharing it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from aiokafka import AIOKafkaProducer

from dashboard.feed import LiveFeed
from schemas import AckStatus, AlertAck
from streams.kafka.clients import make_producer

SEND_TIMEOUT_SECONDS = 15.0
STOP_TIMEOUT_SECONDS = 5.0


class AckError(RuntimeError):
    """The acknowledgement was not confirmed by the broker; the analyst should retry."""


class AckWriter:
    """Produces ``AlertAck`` records on the feed's event loop with one long-lived idempotent producer."""

    def __init__(self, feed: LiveFeed) -> None:
        self._feed = feed
        self._producer: AIOKafkaProducer | None = None
        self._lock = asyncio.Lock()
        self._stopping: asyncio.Future[None] | None = None

    def write(self, alert_ids: Iterable[str], analyst: str, status: AckStatus, note: str = "") -> list[AlertAck]:
        """Validate and send one ack per alert; raises ``ValueError`` on bad input, ``AckError`` if not confirmed."""
        acks = [AlertAck(alert_id=i, analyst=analyst.strip(), status=status, note=note.strip()) for i in alert_ids]
        if not acks:
            return []
        try:
            self._feed.run_coroutine(self._send(acks), SEND_TIMEOUT_SECONDS)
        except Exception as exc:
            raise AckError(f"not saved — the broker did not confirm ({type(exc).__name__}: {exc})") from exc
        return acks

    def close(self) -> None:
        """Stop the producer (before the feed stops: it runs on the feed's loop)."""
        self._feed.run_coroutine(self._stop(), SEND_TIMEOUT_SECONDS)

    async def _stop(self) -> None:
        async with self._lock:
            producer, self._producer = self._producer, None
            if producer is not None:
                await producer.stop()

    async def _send(self, acks: list[AlertAck]) -> None:
        async with self._lock:
            if self._producer is None:
                producer = make_producer(
                    self._feed.settings, client_id="dyadwatch-dashboard-acks", request_timeout_ms=10_000
                )
                await producer.start()
                self._producer = producer
            topic = self._feed.settings.topic("alert-acks")
            try:
                futures = [await self._producer.send(topic, a.to_bytes(), key=a.alert_id.encode()) for a in acks]
                await asyncio.gather(*futures)
            except Exception:
                # A producer that failed mid-send may hold a broken connection: start afresh next time (its stop
                # can hang while the broker is gone, so it gets a bounded wait and finishes in the background).
                producer, self._producer = self._producer, None
                self._stopping = asyncio.ensure_future(producer.stop())
                await asyncio.wait([self._stopping], timeout=STOP_TIMEOUT_SECONDS)
                raise
