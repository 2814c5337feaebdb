"""The notifier through the real broker: alerts produced to the alerts topic reach local webhooks and a local SMTP
inbox once each, routed as the YAML says; failures are retried and dead-lettered; a re-read sends nothing again."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from schemas.alert import Alert, Severity
from streams.kafka.admin import ensure_topics
from streams.notify.routes import EmailDestination, Route, Routes, WebhookDestination, load_routes_file
from streams.notify.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from streams.runtime.settings import Settings
from tests.integration.notify.notify_io import notifier_running, rewind_group
from tests.integration.notify.receivers import SmtpInbox, WebhookReceiver, self_signed_cert
from tests.integration.pipeline import kafka_io
from tests.unit.notify.alerts import make_alert
from tests.waiting import eventually


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver().start()
    yield server
    server.stop()


@pytest.fixture
def inbox() -> Iterator[SmtpInbox]:
    server = SmtpInbox().start()
    yield server
    server.stop()


@pytest.fixture
def settings(kafka_settings: Settings) -> Settings:
    return kafka_settings.model_copy(update={"notify_attempts": 3, "notify_backoff_s": 0.05})


def _record(alert: Alert) -> tuple[bytes, bytes]:
    return alert.id.encode(), alert.to_bytes()


async def test_new_alerts_reach_each_webhook_format_and_the_inbox_once(
    settings: Settings, receiver: WebhookReceiver, inbox: SmtpInbox
) -> None:
    hooks = {
        fmt: WebhookDestination(url=receiver.url(f"/{fmt}"), format=fmt) for fmt in ("slack", "teams", "mattermost")
    }
    hooks["json"] = WebhookDestination(url=receiver.url("/json"), secret="s3cret")
    mail = EmailDestination(smtp=inbox.address, starttls=False, sender="dyadwatch@example.org", to=["duty@example.org"])
    routes = Routes(destinations={**hooks, "mail": mail}, routes=[Route(to=[*hooks, "mail"])])
    a1, a2, a3 = make_alert(), make_alert("watch:CHN-PRK", "CHN-PRK"), make_alert("spike", "KOR-PRK", Severity.MEDIUM)
    historical = make_alert("watch:KOR-PRK", "KOR-PRK").model_dump(mode="json") | {"historical": True}
    records = [
        _record(a1),
        _record(a2),
        _record(a1),  # the same alert again (a replay): not sent again
        (b"hist", json.dumps(historical).encode()),  # a history import's alert: not sent
        (a2.id.encode(), None),  # a tombstone: nothing to send
        _record(make_alert("watch:CHN-RUS", "CHN-RUS", created_at=datetime.now(UTC) - timedelta(days=2))),  # too old
        _record(a3),
    ]
    async with notifier_running(settings, routes) as notifier:
        await kafka_io.produce(settings, "alerts", records)
        assert await eventually(lambda: notifier.counts["committed"] == len(records)), "every record settled"
    assert (notifier.counts["historical"], notifier.counts["tombstones"], notifier.counts["too_old"]) == (1, 1, 1)

    expected = Counter({a1.id: 1, a2.id: 1, a3.id: 1})
    for fmt in ("json", "slack", "teams", "mattermost"):
        assert Counter(r.alert_id for r in receiver.to(f"/{fmt}")) == expected, fmt
    by_id = {a.id: a for a in (a1, a2, a3)}
    for request in receiver.to("/json"):
        body = json.loads(request.body)
        assert body == json.loads(by_id[request.alert_id].to_bytes())
        ts, sig = request.headers[TIMESTAMP_HEADER], request.headers[SIGNATURE_HEADER]
        assert verify("s3cret", ts, request.body, sig, now=time.time())
    assert all(SIGNATURE_HEADER not in r.headers for r in receiver.to("/slack"))
    slack = {r.alert_id: r.json() for r in receiver.to("/slack")}
    assert slack[a1.id]["text"].startswith("[HIGH] watch:PRK-RUS on PRK-RUS")
    teams = {r.alert_id: r.json() for r in receiver.to("/teams")}
    assert teams[a3.id]["attachments"][0]["content"]["body"][0]["text"] == "[MEDIUM] spike on KOR-PRK"
    mattermost = {r.alert_id: r.json() for r in receiver.to("/mattermost")}
    assert mattermost[a2.id]["attachments"][0]["text"] == a2.reason

    assert inbox.alert_ids() == expected
    mail_a1 = next(m for m in inbox.mails if m.message["X-Dyadwatch-Alert-Id"] == a1.id)
    assert mail_a1.recipients == ["duty@example.org"] and mail_a1.sender == "dyadwatch@example.org"
    assert a1.reason in mail_a1.message.get_body(("plain",)).get_content()
    assert "PRK-RUS is on the watch list" in mail_a1.message.get_body(("html",)).get_content()


ROUTES_YAML = """
destinations:
  high: {type: webhook, url: "URL/high"}
  korea: {type: webhook, url: "URL/korea", format: mattermost}
  china-spikes: {type: webhook, url: "URL/china-spikes", format: teams}
routes:
  - {to: [high], min_severity: high}
  - {to: [korea], countries: [KOR]}
  - {to: [china-spikes], rules: [spike], dyads: ["CHN-*"]}
"""


async def test_routes_by_rule_severity_and_dyad(settings: Settings, receiver: WebhookReceiver, tmp_path: Path) -> None:
    path = tmp_path / "routes.yaml"
    path.write_text(ROUTES_YAML.replace("URL", receiver.url("")))
    alerts = {
        "prk-rus": make_alert("watch:PRK-RUS", "PRK-RUS", Severity.HIGH),
        "kor-usa": make_alert("first-seen", "KOR-USA", Severity.LOW),
        "chn-usa": make_alert("spike", "CHN-USA", Severity.MEDIUM),
        "rus-usa": make_alert("spike", "RUS-USA", Severity.MEDIUM),
        "kor-prk": make_alert("escalation", "KOR-PRK", Severity.CRITICAL),
    }
    async with notifier_running(settings, load_routes_file(path)) as notifier:
        await kafka_io.produce(settings, "alerts", [_record(a) for a in alerts.values()])
        assert await eventually(lambda: notifier.counts["committed"] == len(alerts)), "every record settled"
    got = {path: sorted(r.alert_id for r in receiver.to(path)) for path in ("/high", "/korea", "/china-spikes")}
    assert got == {
        "/high": sorted([alerts["prk-rus"].id, alerts["kor-prk"].id]),
        "/korea": sorted([alerts["kor-usa"].id, alerts["kor-prk"].id]),
        "/china-spikes": [alerts["chn-usa"].id],
    }
    assert notifier.counts["nothing_to_send"] == 1  # rus-usa matched no route


async def test_failures_are_retried_then_dead_lettered_with_the_reason(settings: Settings) -> None:
    down = WebhookReceiver(statuses=[500]).start()
    flaky = WebhookReceiver(statuses=[503, 200]).start()
    gone = WebhookReceiver(statuses=[404]).start()
    try:
        dests = {
            "down": WebhookDestination(url=down.url()),
            "flaky": WebhookDestination(url=flaky.url()),
            "gone": WebhookDestination(url=gone.url()),
        }
        alert = make_alert()
        async with notifier_running(settings, Routes(destinations=dests, routes=[Route(to=list(dests))])) as notifier:
            await kafka_io.produce(settings, "alerts", [_record(alert), (b"broken", b"{not json")])
            assert await eventually(lambda: notifier.counts["committed"] == 2), "both records settled"
        assert (len(down.requests), len(flaky.requests), len(gone.requests)) == (3, 2, 1)  # 404 is not retried
        assert flaky.accepted_ids() == Counter({alert.id: 1})
        all_letters = await kafka_io.dead_letters(settings)
        [unreadable] = [d for d in all_letters if d.error_kind != "undeliverable"]
        assert (unreadable.stage, unreadable.error_kind, unreadable.original) == (
            "notify",
            "malformed_json",
            b"{not json",
        )
        letters = {d.error.split(":")[0]: d for d in all_letters if d.error_kind == "undeliverable"}
        assert sorted(letters) == ["down", "gone"]
        assert "not delivered after 3 tries; last: HTTP 500" in letters["down"].error
        assert "not delivered after 1 tries; last: HTTP 404" in letters["gone"].error
        for letter in letters.values():
            assert (letter.stage, letter.error_kind, letter.source_topic) == (
                "notify",
                "undeliverable",
                settings.topic("alerts"),
            )
            assert letter.original == alert.to_bytes()
    finally:
        for server in (down, flaky, gone):
            server.stop()


async def test_an_alert_read_again_is_not_sent_again(
    settings: Settings, receiver: WebhookReceiver, inbox: SmtpInbox
) -> None:
    """The crash after delivery but before the offset commit: the delivery log, not the offset, prevents a resend."""
    mail = EmailDestination(smtp=inbox.address, starttls=False, to=["duty@example.org"])
    routes = Routes(
        destinations={"hook": WebhookDestination(url=receiver.url()), "mail": mail}, routes=[Route(to=["hook", "mail"])]
    )
    alerts = [make_alert(dyad=d, rule=f"watch:{d}") for d in ("PRK-RUS", "CHN-PRK", "KOR-PRK")]
    async with notifier_running(settings, routes) as first:
        await kafka_io.produce(settings, "alerts", [_record(a) for a in alerts])
        assert await eventually(lambda: first.counts["committed"] == 3), "first run settled"
    await rewind_group(settings)
    async with notifier_running(settings, routes) as second:
        assert await eventually(lambda: second.counts["committed"] == 3), "second run re-read everything"
    assert second.counts["nothing_to_send"] == 3 and second.counts["delivered"] == 0
    assert len(receiver.requests) == 3 and len(inbox.mails) == 3


async def test_starttls_and_login(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cert, key = self_signed_cert(tmp_path)
    inbox = SmtpInbox(cert=(cert, key), credentials=("desk", "pa55")).start()
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "pa55")
    try:
        common = {"smtp": inbox.address, "ca_file": cert, "user": "desk", "to": ["duty@example.org"]}
        good = EmailDestination.model_validate({**common, "password_env": "TEST_SMTP_PASSWORD"})
        bad = EmailDestination.model_validate({**common, "password": "wrong"})
        routes = Routes(destinations={"good": good, "bad": bad}, routes=[Route(to=["good", "bad"])])
        alert = make_alert()
        async with notifier_running(settings, routes) as notifier:
            await kafka_io.produce(settings, "alerts", [_record(alert)])
            assert await eventually(lambda: notifier.counts["committed"] == 1), "the alert settled"
        assert [(m.login, m.message["X-Dyadwatch-Alert-Id"]) for m in inbox.mails] == [("desk", alert.id)]
        [letter] = await kafka_io.dead_letters(settings)
        assert letter.error.startswith("bad: not delivered after 1 tries; last: login refused: 535")
    finally:
        inbox.stop()


async def test_a_recreated_alerts_topic_is_a_new_log_so_its_alerts_are_sent_again(
    settings: Settings, receiver: WebhookReceiver
) -> None:
    """The delivery log is per topic incarnation (its topic id): an alerts topic deleted and created again (a reset
    test system, a new environment under the same name) is read as new, even where its alert ids were settled."""
    routes = Routes(destinations={"hook": WebhookDestination(url=receiver.url())}, routes=[Route(to=["hook"])])
    alert = make_alert()
    async with notifier_running(settings, routes) as notifier:
        await kafka_io.produce(settings, "alerts", [_record(alert)])
        assert await eventually(lambda: notifier.counts["committed"] == 1)
    assert receiver.accepted_ids() == Counter({alert.id: 1})

    admin = AIOKafkaAdminClient(**settings.kafka_client_options())
    await admin.start()
    try:
        await admin.delete_topics([settings.topic("alerts")])
        assert await eventually(lambda: _recreated(settings), timeout=60), "the alerts topic was created again"
    finally:
        await admin.close()
    async with notifier_running(settings, routes) as notifier:
        await kafka_io.produce(settings, "alerts", [_record(alert)])
        assert await eventually(lambda: notifier.counts["committed"] == 1)
    # Sent again under the same Idempotency-Key (the alert's id): a receiver that honours it may still drop it.
    assert [r.alert_id for r in receiver.to("/hook")] == [alert.id, alert.id]
    assert len(list((settings.data_dir / "notify").glob("*.sqlite*"))) >= 2, "one log per incarnation"


async def _recreated(settings: Settings) -> bool:
    """Create the registry topics that are missing; True once the alerts topic is there again."""
    try:
        outcomes = await ensure_topics(settings)
    except KafkaError:  # still being deleted
        return False
    return any(o.name == settings.topic("alerts") and o.status == "created" for o in outcomes)
