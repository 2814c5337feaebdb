"""Holding a source to a steady rate (``--rate N/s``) without drifting when individual sends are slow or fast.

Ours rather than ``aiolimiter``: its leaky bucket either bursts a second's worth at the start (capacity = rate) or,
at capacity 1, drifts below the rate (181/s for 200/s with sends of 0-6 ms, where the Pacer held 200/s).
"""

from __future__ import annotations

import asyncio
import re
import time

_RATE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/\s*(s|sec|second|m|min|minute|h|hour))?\s*$", re.IGNORECASE)
_PER_SECONDS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600}


def parse_rate(text: str) -> float:
    """Articles per second from '100', '100/s', '30/min' or '500/h'; ValueError on anything else or zero."""
    match = _RATE_RE.match(text)
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"not a rate like '100/s' or '30/min': {text!r}")
    return float(match.group(1)) / _PER_SECONDS[(match.group(2) or "s").lower()]


class Pacer:
    """``await pacer.wait()`` before each item keeps the average at ``rate`` items/s (None: as fast as possible)."""

    def __init__(self, rate: float | None) -> None:
        self.rate = rate
        self._start: float | None = None
        self._count = 0

    async def wait(self) -> None:
        if not self.rate:
            return
        now = time.monotonic()
        if self._start is None or now - (self._start + self._count / self.rate) > 1.0:
            # first item, or more than a second behind (a stall): restart the schedule instead of bursting to catch up
            self._start, self._count = now, 0
        due = self._start + self._count / self.rate
        self._count += 1
        if due > now:
            await asyncio.sleep(due - now)


async def sleep_or_stop(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep up to ``seconds``, waking early when ``stop`` is set; True if it was set."""
    try:
        await asyncio.wait_for(stop.wait(), timeout=max(0.0, seconds))
    except TimeoutError:
        return False
    return True
