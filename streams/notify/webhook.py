"""One POST of an alert to a webhook, with the headers a receiver needs to check it and to drop repeats."""

from __future__ import annotations

import time

import httpx

from schemas.alert import Alert
from streams.notify.messages import webhook_body
from streams.notify.retry import DeliveryFailed
from streams.notify.routes import WebhookDestination
from streams.notify.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature

RETRYABLE_STATUS = frozenset({408, 425, 429})


def webhook_request(alert: Alert, destination: WebhookDestination, *, now: float) -> tuple[bytes, dict[str, str]]:
    """Body and headers. ``Idempotency-Key`` is the alert id: the same on every try and after a restart."""
    body = webhook_body(alert, destination.format)
    timestamp = int(now)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "dyadwatch-notify",
        "Idempotency-Key": alert.id,
        "X-Dyadwatch-Alert-Id": alert.id,
        TIMESTAMP_HEADER: str(timestamp),
    }
    if destination.secret is not None:
        headers[SIGNATURE_HEADER] = signature(destination.secret.get_secret_value(), timestamp, body)
    return body, headers


async def post_alert(client: httpx.AsyncClient, alert: Alert, destination: WebhookDestination) -> None:
    """Deliver once, or :class:`DeliveryFailed`: 5xx, 408/425/429 and network errors are worth another try, any
    other non-2xx answer (redirects included: the URL is configured, not discovered) is not."""
    body, headers = webhook_request(alert, destination, now=time.time())
    try:
        response = await client.post(destination.url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}"[:500]) from None
    if response.is_success:
        return
    detail = f"HTTP {response.status_code}: {response.text[:200]}".strip()
    raise DeliveryFailed(detail, permanent=response.status_code < 500 and response.status_code not in RETRYABLE_STATUS)
