"""HMAC-SHA256 signatures of webhook bodies, so a receiver can tell a dyadwatch request from a forged or replayed one.

The signed string is ``<timestamp>.<body>`` (the timestamp header's value, a dot, the exact body bytes): a receiver
that checks the signature and rejects timestamps older than a few minutes refuses both forgeries and replays.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Dyadwatch-Signature"
TIMESTAMP_HEADER = "X-Dyadwatch-Timestamp"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Dyadwatch-Signature`` value: ``sha256=<hex>``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, header: str, *, now: float, tolerance_s: float = 300.0) -> bool:
    """What a receiver does: the signature matches and the timestamp is within ``tolerance_s`` of ``now``."""
    if not timestamp.isdigit() or abs(now - int(timestamp)) > tolerance_s:
        return False
    return hmac.compare_digest(signature(secret, int(timestamp), body), header)
