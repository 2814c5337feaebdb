"""The notifier's consumer loop: its own consumer group on the alerts topic; each new alert to its destinations.

Per record, in partition order: tombstones, historical alerts (history imports) and alerts older than
``notify_max_age_minutes`` are skipped; every destination the routes pick that the delivery log has not settled
gets the alert, with retries, and a dead letter after the last try. The log is written as each delivery settles;
a partition's offset is committed only once every alert before it is settled. So a crash loses nothing (unsettled
alerts are read again) and sends nothing twice that had settled (the log says so); the one window left is a crash
between a destination accepting a request and the log write, closed by receivers that honour ``Idempotency-Key``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from aiokafka import ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError

from schemas.alert import Alert
from streams.kafka.clients import make_consumer, make_producer
from streams.kafka.topic_ids import topic_incarnation
from streams.notify.delivery_log import DeliveryLog, delivery_log_path
from streams.notify.retry import Stopped, with_retries
from streams.notify.routes import EmailDestination, Routes, WebhookDestination
from streams.notify.smtp import mail_alert
from streams.notify.webhook import post_alert
from streams.pipeline.agents.deadletter import Rejected, dead_letter, decode
from streams.runtime.settings import Settings

log = logging.getLogger(__name__)

STAGE = "notify"


def consumer_group(settings: Settings) -> str:
    return f"{settings.topic_prefix}.notify"


class Notifier:
    """Reads the alerts topic in its own consumer group and settles each new, live alert at every routed destination."""

    def __init__(self, settings: Settings, routes: Routes) -> None:
        self.settings = settings
        self.routes = routes
        self.topic = settings.topic("alerts")
        self.counts: Counter[str] = Counter()  # what happened to each record and delivery, for logs and tests
        self._log: DeliveryLog | None = None
        self._producer: Any = None
        self._http: httpx.AsyncClient | None = None

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; then finish nothing half-way: unsettled alerts are read again next time."""
        consumer = make_consumer(
            self.settings,
            self.topic,
            group_id=consumer_group(self.settings),
            client_id="dyadwatch-notify",
            enable_auto_commit=False,
            max_poll_records=50,
        )
        async with contextlib.AsyncExitStack() as resources:
            self._producer = make_producer(self.settings, client_id="dyadwatch-notify")
            await self._producer.start()
            resources.push_async_callback(self._producer.stop)
            incarnation = await topic_incarnation(self._producer, self.topic)
            self._log = DeliveryLog(delivery_log_path(self.settings, incarnation))
            resources.callback(self._log.close)
            self._http = await resources.enter_async_context(
                httpx.AsyncClient(timeout=self.settings.notify_timeout_s, follow_redirects=False)
            )
            await consumer.start()
            resources.push_async_callback(consumer.stop)  # no commit there: only settled offsets were committed
            log.info("notifier consuming", extra={"topic": self.topic, "group": consumer_group(self.settings)})
            try:
                while not stop.is_set():
                    batch = await _until_stop(consumer.getmany(timeout_ms=1000), stop)
                    for tp, records in (batch or {}).items():
                        await self._partition(consumer, tp, records, stop)
            except Stopped:
                pass
        log.info("notifier stopped", extra=dict(self.counts))

    async def _partition(
        self, consumer: Any, tp: TopicPartition, records: list[ConsumerRecord], stop: asyncio.Event
    ) -> None:
        for record in records:
            if stop.is_set():
                raise Stopped
            await self.handle(record, stop)
            try:
                await consumer.commit({tp: record.offset + 1})
                self.counts["committed"] += 1
            except KafkaError as exc:  # e.g. the partition moved to another member meanwhile
                log.warning("offset not committed", extra={"partition": tp.partition, "reason": str(exc)[:300]})
                if tp in consumer.assignment():  # read the rest again (the delivery log skips what settled)
                    consumer.seek(tp, record.offset + 1)
                return

    async def handle(self, record: ConsumerRecord, stop: asyncio.Event) -> None:
        """Settle one alerts record: skip it, or deliver it to every destination its routes pick."""
        self.counts["records"] += 1
        if record.value is None:
            self.counts["tombstones"] += 1
            return
        try:
            alert = decode(Alert, record.value, max_bytes=self.settings.max_message_bytes)
        except Rejected as rejected:
            log.warning("unreadable alert record", extra={"offset": record.offset, "reason": rejected.reason[:300]})
            await self._dead_letter(record, rejected)
            self.counts["unreadable"] += 1
            return
        if alert.historical:
            self.counts["historical"] += 1
            return
        max_age = self.settings.notify_max_age_minutes
        if max_age and alert.created_at < datetime.now(UTC) - timedelta(minutes=max_age):
            self.counts["too_old"] += 1
            return
        assert self._log is not None
        pending = {
            name: dest
            for name, dest in self.routes.destinations_for(alert).items()
            if self._log.status(alert.id, name) is None
        }
        if not pending:
            self.counts["nothing_to_send"] += 1
            return
        settled = await asyncio.gather(
            *(self._deliver(record, alert, name, dest, stop) for name, dest in pending.items())
        )
        if not all(settled):
            raise Stopped

    async def _deliver(
        self,
        record: ConsumerRecord,
        alert: Alert,
        name: str,
        destination: WebhookDestination | EmailDestination,
        stop: asyncio.Event,
    ) -> bool:
        """Deliver to one destination and record it; False if stopped before it settled."""
        assert self._log is not None and self._http is not None
        http = self._http

        async def send() -> None:
            if isinstance(destination, WebhookDestination):
                await post_alert(http, alert, destination)
            else:
                await mail_alert(alert, destination, name=name, timeout_s=self.settings.notify_timeout_s)

        try:
            outcome = await with_retries(
                send,
                attempts=self.settings.notify_attempts,
                first_wait_s=self.settings.notify_backoff_s,
                stop=stop,
                label=name,
            )
        except Stopped:
            return False
        fields = {"alert_id": alert.id, "rule": alert.rule, "dyad": alert.dyad, "destination": name}
        if outcome.delivered:
            self._log.record(alert.id, name, "delivered", attempts=outcome.attempts, detail=None)
            self.counts["delivered"] += 1
            log.info("delivered", extra={**fields, "attempts": outcome.attempts})
            return True
        reason = f"{name}: not delivered after {outcome.attempts} tries; last: {outcome.failure}"
        await self._dead_letter(record, Rejected("undeliverable", reason))
        self._log.record(alert.id, name, "dead_lettered", attempts=outcome.attempts, detail=outcome.failure)
        self.counts["dead_lettered"] += 1
        log.warning("dead-lettered", extra={**fields, "attempts": outcome.attempts, "reason": outcome.failure})
        return True

    async def _dead_letter(self, record: ConsumerRecord, rejected: Rejected) -> None:
        """The dead letter is acknowledged by the broker before the delivery counts as settled."""
        letter = dead_letter(
            rejected,
            raw=record.value,
            key=record.key,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            stage=STAGE,
            max_bytes=self.settings.max_message_bytes,
        )
        await self._producer.send_and_wait(self.settings.topic("deadletter"), letter.to_bytes(), key=record.key)


async def _until_stop(awaitable: Any, stop: asyncio.Event) -> Any:
    """``awaitable``'s result, or ``None`` as soon as ``stop`` is set."""
    task = asyncio.ensure_future(awaitable)
    stopper = asyncio.ensure_future(stop.wait())
    done, _ = await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    stopper.cancel()
    if task in done:
        return task.result()
    task.cancel()
    return None
