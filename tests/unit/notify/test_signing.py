"""Webhook signatures: a receiver accepts the signed body once in its time window and nothing altered."""

from __future__ import annotations

from streams.notify.routes import WebhookDestination
from streams.notify.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from streams.notify.webhook import webhook_request
from tests.unit.notify.alerts import make_alert


def test_signed_requests_verify_and_tampering_or_replay_does_not() -> None:
    alert = make_alert()
    dest = WebhookDestination(url="http://127.0.0.1:9/h", secret="s3cret")
    body, headers = webhook_request(alert, dest, now=1_765_000_000.5)
    ts, sig = headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER]
    assert ts == "1765000000" and sig.startswith("sha256=") and len(sig) == 7 + 64
    assert headers["Idempotency-Key"] == alert.id
    assert verify("s3cret", ts, body, sig, now=1_765_000_010)
    assert not verify("wrong", ts, body, sig, now=1_765_000_010)
    assert not verify("s3cret", ts, body.replace(b"PRK", b"KOR"), sig, now=1_765_000_010)
    assert not verify("s3cret", "1765000001", body, sig, now=1_765_000_010)  # timestamp altered
    assert not verify("s3cret", ts, body, sig, now=1_765_000_000 + 3600)  # replayed an hour later


def test_unsigned_without_a_secret() -> None:
    _, headers = webhook_request(make_alert(), WebhookDestination(url="http://127.0.0.1:9/h"), now=0)
    assert SIGNATURE_HEADER not in headers and TIMESTAMP_HEADER in headers
