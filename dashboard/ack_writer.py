"""Analyst decisions → ``alert-acks``: the one place the dashboard writes to Kafka.

Every screen (and a restarted dashboard) learns an alert's status by reading the compacted alert-acks topic back,
so the write is all there is to sharing it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from aiokafka import AIOKafkaProducer

from dashboard.feed import LiveFeed
from dashboard.live_view import AlertRow
from schemas import AckStatus, AlertAck
from schemas.base import MAX_NOTE_CHARS
from streams.kafka.clients import make_producer

SEND_TIMEOUT_SECONDS = 15.0
STOP_TIMEOUT_SECONDS = 5.0


class AckError(RuntimeError):
    """The acknowledgement was not confirmed by the broker; the analyst should retry."""


def refusal(rows: list[AlertRow], status: AckStatus, who: str, note: str) -> str | None:
    """Why this action must not be saved (None: it may), in words the analyst can act on."""
    if not who:
        return "Enter your name first (top of the page): every acknowledgement says who made it."
    if not note.strip():
        return "Write a note: what you checked or did. Colleagues read it on every screen."
    if len(note.strip()) > MAX_NOTE_CHARS:
        return f"The note is {len(note.strip()):,} characters long; at most {MAX_NOTE_CHARS:,} are kept. Shorten it."
    if status is AckStatus.OPEN:
        already = [r.alert.dyad for r in rows if r.status is AckStatus.OPEN]
        if already:
            return (
                f"Not reopened: {len(already)} of the selected alerts ({', '.join(sorted(set(already)))}) are "
                "already open. Only acknowledged or resolved alerts can be reopened."
            )
    return None


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
