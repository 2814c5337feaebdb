"""The dashboard's one Kafka consumer: a background thread with its own event loop that fills a ``LiveView``.

It assigns itself every partition of the four topics it reads (no consumer group, so browser sessions and
dashboard replicas never take partitions from each other), replays the compacted topics from the beginning and
the events of the last ``dashboard_replay_hours``, then follows. It reads committed records only, reconnects by
itself and records its health in the view for the banner. It never calls ``st.*``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from pydantic import ValidationError

from dashboard.live_view import LiveView
from schemas import Alert, AlertAck, ClassifiedEvent, DyadWindowCount
from schemas.base import utc_now
from streams.kafka.clients import make_consumer
from streams.runtime.settings import Settings

log = logging.getLogger(__name__)

COMPACTED = ("dyad-counts", "alerts", "alert-acks")
TOPICS = ("events", *COMPACTED)
PROBE_SECONDS = 2.0
PROBE_TIMEOUT_SECONDS = 4.0
MAX_BACKOFF_SECONDS = 8.0
STOP_TIMEOUT_SECONDS = 5.0
ASSIGN_TIMEOUT_SECONDS = 20.0


class FeedError(RuntimeError):
    """The broker did not answer in time."""


class _Reassign(Exception):
    """Topics or partitions appeared: start a fresh consumer session."""


def apply_record(view: LiveView, suffix: str, key: bytes | None, value: bytes | None) -> bool:
    """Decode one record of topic ``suffix`` into the view; False (and nothing applied) when it is not valid."""
    text_key = key.decode("utf-8", "replace") if key is not None else None
    try:
        if suffix == "events":
            if value is not None:
                view.apply_event(ClassifiedEvent.from_bytes(value))
        elif suffix == "dyad-counts":
            count = DyadWindowCount.from_bytes(value) if value is not None else None
            view.apply_count(text_key or (count.key if count else ""), count)
        elif suffix == "alerts":
            alert = Alert.from_bytes(value) if value is not None else None
            view.apply_alert(text_key or (alert.id if alert else ""), alert)
        elif suffix == "alert-acks":
            ack = AlertAck.from_bytes(value) if value is not None else None
            view.apply_ack(text_key or (ack.alert_id if ack else ""), ack)
        return True
    except (ValidationError, ValueError) as exc:
        log.warning("dashboard: skipped an invalid %s record: %s", suffix, str(exc)[:300])
        return False


class LiveFeed:
    """Owns the view, the consumer thread and its event loop (which the ack writer also uses)."""

    def __init__(self, settings: Settings, view: LiveView | None = None) -> None:
        self.settings = settings
        self.view = view or LiveView()
        self._suffix = {settings.topic(s): s for s in TOPICS}
        self._positions: dict[TopicPartition, int] = {}
        self._targets: dict[TopicPartition, int] = {}
        self._closing: set[asyncio.Future[None]] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="dyadwatch-dashboard-feed", daemon=True)
        self._stopping = threading.Event()

    def start(self) -> LiveFeed:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def run_coroutine(self, coro: Coroutine[Any, Any, Any], timeout: float) -> Any:
        """Run ``coro`` on the feed's loop from another thread (a Streamlit script) and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._follow_forever())

    async def _follow_forever(self) -> None:
        backoff = 0.5
        while not self._stopping.is_set():
            try:
                await self._follow_once()
                backoff = 0.5
            except _Reassign:
                continue  # partitions changed: a fresh consumer, resuming from the positions reached
            except Exception:  # already shown in the banner: keep the data, try again
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)

    def _mark_down(self, exc: Exception) -> None:
        health = self.view.health
        since = utc_now() if health.connected or health.since is None else health.since
        self.view.set_health(connected=False, since=since, last_error=f"{type(exc).__name__}: {exc}"[:300])

    async def _follow_once(self) -> None:
        """One consumer session: read and watch side by side until the broker goes silent or partitions change."""
        consumer = make_consumer(
            self.settings,
            client_id="dyadwatch-dashboard",
            request_timeout_ms=10_000,
            retry_backoff_ms=200,
            max_partition_fetch_bytes=4 * 1024 * 1024,
            fetch_max_wait_ms=200,
        )
        tasks: list[asyncio.Task[None]] = []
        try:
            await consumer.start()
            await asyncio.wait_for(self._assign(consumer, await self._wanted(consumer)), ASSIGN_TIMEOUT_SECONDS)
            tasks = [asyncio.create_task(self._read(consumer)), asyncio.create_task(self._watch(consumer))]
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()
        except _Reassign:
            raise
        except Exception as exc:
            self._mark_down(exc)  # before the shutdown below, which can be slow while the broker is gone
            raise
        finally:
            await self._close(consumer, tasks)

    async def _close(self, consumer: AIOKafkaConsumer, tasks: list[asyncio.Task[None]]) -> None:
        """Stop the session's tasks and consumer, waiting a bounded time: with the broker gone, aiokafka's stop can
        hang past cancellation, so whatever has not finished is left to finish in the background."""
        for task in tasks:
            task.cancel()
        closing = [*tasks, asyncio.ensure_future(consumer.stop())]
        self._closing.update(closing)  # strong references until they are done
        for task in closing:
            task.add_done_callback(self._closing.discard)
        await asyncio.wait(closing, timeout=STOP_TIMEOUT_SECONDS)

    async def _read(self, consumer: AIOKafkaConsumer) -> None:
        while not self._stopping.is_set():
            batches = await consumer.getmany(timeout_ms=250, max_records=5_000)
            self._apply(batches)
            if not self.view.health.caught_up and await self._caught_up(consumer):
                self.view.set_health(caught_up=True)

    async def _watch(self, consumer: AIOKafkaConsumer) -> None:
        """Ask the broker for metadata every few seconds: aiokafka retries silently when it is gone, so silence
        must be detected here; new topics or partitions mean a new assignment."""
        while not self._stopping.is_set():
            await asyncio.sleep(PROBE_SECONDS)
            if set(await self._wanted(consumer)) != consumer.assignment():
                raise _Reassign
            if not self.view.health.connected:
                self.view.set_health(connected=True, since=utc_now(), last_error=None)

    def _apply(self, batches: dict[TopicPartition, list[ConsumerRecord]]) -> None:
        applied = rejected = 0
        for tp, records in batches.items():
            suffix = self._suffix[tp.topic]
            for record in records:
                if apply_record(self.view, suffix, record.key, record.value):
                    applied += 1
                else:
                    rejected += 1
                self._positions[tp] = record.offset + 1
        if applied or rejected:
            health = self.view.health
            self.view.set_health(
                records=health.records + applied, rejected=health.rejected + rejected, last_record_at=utc_now()
            )

    async def _wanted(self, consumer: AIOKafkaConsumer) -> list[TopicPartition]:
        """Every partition of the four topics, from fresh metadata (raises FeedError when the broker is silent)."""
        try:
            # A fresh metadata fetch, not the client's cache: topics created after start must be noticed.
            cluster = await asyncio.wait_for(consumer._client.fetch_all_metadata(), PROBE_TIMEOUT_SECONDS)
        except Exception as exc:
            raise FeedError(f"broker {self.settings.bootstrap_servers} unreachable ({type(exc).__name__})") from exc
        parts = []
        for topic in self._suffix:
            parts.extend(TopicPartition(topic, p) for p in sorted(cluster.partitions_for_topic(topic) or ()))
        return parts

    async def _assign(self, consumer: AIOKafkaConsumer, wanted: list[TopicPartition]) -> None:
        """Assign every partition; resume where this process left off, else replay from the start position."""
        missing = sorted(set(self._suffix) - {tp.topic for tp in wanted})
        consumer.assign(wanted)
        fresh_events = []
        for tp in wanted:
            if tp in self._positions:
                consumer.seek(tp, self._positions[tp])
            elif self._suffix[tp.topic] == "events":
                fresh_events.append(tp)
            else:
                await consumer.seek_to_beginning(tp)
        if fresh_events:
            horizon = utc_now() - timedelta(hours=self.settings.dashboard_replay_hours)
            found = await consumer.offsets_for_times({tp: int(horizon.timestamp() * 1000) for tp in fresh_events})
            for tp in fresh_events:
                if found.get(tp) is not None:
                    consumer.seek(tp, found[tp].offset)
                else:
                    await consumer.seek_to_end(tp)
        # Replay is done once every partition reaches the end it had at assignment (read_committed: the LSO).
        self._targets = await consumer.end_offsets(wanted) if wanted and not missing else {}
        waiting = f"waiting for topics: {', '.join(missing)}" if missing else None
        self.view.set_health(connected=True, since=utc_now(), last_error=waiting)

    async def _caught_up(self, consumer: AIOKafkaConsumer) -> bool:
        if not self._targets:
            return False
        for tp, end in self._targets.items():
            if tp in consumer.assignment() and await consumer.position(tp) < end:
                return False
        return True
