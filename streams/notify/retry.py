"""Tries with exponential backoff: a destination that fails is tried again after 1×, 2×, 4×, … the first wait,
up to a number of attempts; a permanent failure (a 4xx answer, a refused recipient) is not retried.

Ours rather than ``tenacity``: the same loop written with it (a stop-aware sleep, a retry predicate, a log hook,
attempt counts from its statistics) was longer than this one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

MAX_WAIT_S = 300.0


class DeliveryFailed(Exception):
    """One try failed; ``permanent`` means trying again cannot help."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class Stopped(Exception):
    """The notifier was asked to stop while waiting to try again; the delivery is left unsettled."""


@dataclass(frozen=True)
class Outcome:
    attempts: int
    failure: str | None = None  # None: delivered

    @property
    def delivered(self) -> bool:
        return self.failure is None


async def with_retries(
    send: Callable[[], Awaitable[None]], *, attempts: int, first_wait_s: float, stop: asyncio.Event, label: str
) -> Outcome:
    """Call ``send`` until it succeeds, fails permanently or ``attempts`` run out; :class:`Stopped` if ``stop`` is
    set during a wait."""
    wait = first_wait_s
    for attempt in range(1, attempts + 1):
        try:
            await send()
            return Outcome(attempt)
        except DeliveryFailed as exc:
            if exc.permanent or attempt == attempts:
                return Outcome(attempt, exc.reason)
            log.warning(
                "delivery failed; trying again",
                extra={"destination": label, "attempt": attempt, "reason": exc.reason, "wait_s": wait},
            )
        try:
            await asyncio.wait_for(stop.wait(), timeout=wait)
        except TimeoutError:
            wait = min(wait * 2, MAX_WAIT_S)
            continue
        raise Stopped
    raise AssertionError("unreachable")
