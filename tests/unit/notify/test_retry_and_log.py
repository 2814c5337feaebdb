"""Retries stop at success, at a permanent failure or after the last try; the delivery log survives a reopen."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from streams.notify.delivery_log import DeliveryLog
from streams.notify.retry import DeliveryFailed, Stopped, with_retries


def _flaky(failures: list[DeliveryFailed]):
    calls: list[int] = []

    async def send() -> None:
        calls.append(1)
        if failures:
            raise failures.pop(0)

    return send, calls


async def test_retries_until_delivered() -> None:
    send, calls = _flaky([DeliveryFailed("HTTP 500"), DeliveryFailed("HTTP 503")])
    outcome = await with_retries(send, attempts=5, first_wait_s=0.001, stop=asyncio.Event(), label="t")
    assert outcome.delivered and outcome.attempts == 3 and len(calls) == 3


async def test_gives_up_after_the_last_try_with_its_reason() -> None:
    send, calls = _flaky([DeliveryFailed(f"HTTP 50{i}") for i in range(9)])
    outcome = await with_retries(send, attempts=4, first_wait_s=0.001, stop=asyncio.Event(), label="t")
    assert not outcome.delivered and outcome.attempts == 4 and outcome.failure == "HTTP 503" and len(calls) == 4


async def test_a_permanent_failure_is_not_retried() -> None:
    send, calls = _flaky([DeliveryFailed("HTTP 404", permanent=True)])
    outcome = await with_retries(send, attempts=5, first_wait_s=0.001, stop=asyncio.Event(), label="t")
    assert (outcome.attempts, outcome.failure, len(calls)) == (1, "HTTP 404", 1)


async def test_stop_during_the_backoff_leaves_it_unsettled() -> None:
    stop = asyncio.Event()
    send, calls = _flaky([DeliveryFailed("HTTP 500")] * 3)
    asyncio.get_running_loop().call_later(0.05, stop.set)
    with pytest.raises(Stopped):
        await with_retries(send, attempts=5, first_wait_s=60, stop=stop, label="t")
    assert len(calls) == 1


def test_delivery_log_survives_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "notify" / "log.sqlite"
    first = DeliveryLog(path)
    first.record("a1", "desk", "delivered", attempts=1, detail=None)
    first.record("a2", "desk", "dead_lettered", attempts=5, detail="HTTP 500")
    first.close()
    again = DeliveryLog(path)
    assert again.status("a1", "desk") == "delivered"
    assert again.status("a2", "desk") == "dead_lettered"
    assert again.status("a1", "mail") is None
