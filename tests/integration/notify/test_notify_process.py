"""`dyadwatch notify` as a process: the seed page's PRK–RUS alert reaches a webhook and an inbox exactly once, and a
kill -9 in the middle of a delivery neither loses nor doubles a notification."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

from streams.notify.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from streams.runtime.settings import Settings
from tests.integration.notify.notify_io import NotifyProcess, group_settled
from tests.integration.notify.receivers import SmtpInbox, WebhookReceiver
from tests.integration.pipeline import kafka_io
from tests.unit.notify.alerts import WINDOW_START, make_alert, seed_page_alert
from tests.waiting import eventually


async def _wait_settled(settings: Settings, process: NotifyProcess) -> None:
    deadline = time.monotonic() + 120
    while not await group_settled(settings):
        assert process.proc is not None and process.proc.poll() is None, process.log()[-3000:]
        assert time.monotonic() < deadline, f"the notifier's group did not reach the end:\n{process.log()[-3000:]}"
        await asyncio.sleep(0.2)


async def test_seed_page_alert_reaches_the_webhook_and_the_inbox_exactly_once(kafka_settings: Settings) -> None:
    receiver = WebhookReceiver().start()
    inbox = SmtpInbox().start()
    alert = seed_page_alert()
    args = ["--webhook", receiver.url(), "--webhook-secret-env", "TEST_HOOK_SECRET"]
    args += ["--smtp", inbox.address, "--no-starttls", "--to", "duty@example.org", "--from", "dyadwatch@example.org"]
    process = NotifyProcess(kafka_settings, args, env={"TEST_HOOK_SECRET": "s3cret"}).start()
    try:
        # the worker writes it once; a replay of the same window writes the same id again
        await kafka_io.produce(kafka_settings, "alerts", [(alert.id.encode(), alert.to_bytes())] * 2)
        assert await eventually(lambda: receiver.requests and inbox.mails, timeout=120), "webhook and mail"
        await _wait_settled(kafka_settings, process)
    finally:
        code = process.stop()
        receiver.stop()
        inbox.stop()
    assert code == 0, process.log()[-3000:]
    [request] = receiver.requests
    assert request.alert_id == alert.id and request.json()["rule"] == "watch:PRK-RUS"
    assert verify(
        "s3cret", request.headers[TIMESTAMP_HEADER], request.body, request.headers[SIGNATURE_HEADER], now=time.time()
    )
    [mail] = inbox.mails
    assert mail.message["Subject"] == "dyadwatch [HIGH] watch:PRK-RUS on PRK-RUS"
    assert "PRK-RUS is on the watch list" in mail.message.get_body(("plain",)).get_content()
    assert "destination webhook-" in process.log() and '"msg": "delivered"' in process.log()


async def test_kill_9_mid_delivery_neither_loses_nor_doubles(kafka_settings: Settings) -> None:
    receiver = WebhookReceiver(delay_s=1.0).start()  # slow: each answer comes a second after the request
    alerts = [make_alert(window_start=WINDOW_START.replace(hour=h)) for h in range(10)]
    process = NotifyProcess(kafka_settings, ["--webhook", receiver.url()]).start()
    try:
        await kafka_io.produce(kafka_settings, "alerts", [(a.id.encode(), a.to_bytes()) for a in alerts])
        assert await eventually(lambda: len(receiver.requests) >= 4 and receiver.in_flight > 0, timeout=120), (
            "4th request"
        )
        process.kill()
        assert receiver.in_flight > 0, "the kill was meant to land while a request waited for its answer"
        held = receiver.requests[-1].alert_id  # received (and acted on) by the receiver, never answered
        before = len(receiver.requests)

        process = NotifyProcess(kafka_settings, ["--webhook", receiver.url()]).start()
        assert await eventually(lambda: len(receiver.accepted) == len(alerts), timeout=180), "every alert delivered"
        await _wait_settled(kafka_settings, process)
    finally:
        process.stop()
        receiver.stop()
    # Every alert acted on exactly once by a receiver that honours Idempotency-Key ...
    assert receiver.accepted_ids() == Counter({a.id: 1 for a in alerts})
    # ... and on the wire the one request the kill left unanswered was sent again, nothing else.
    sent = Counter(r.alert_id for r in receiver.requests)
    assert sent == Counter({a.id: 1 for a in alerts}) + Counter({held: 1}), (before, sent)
