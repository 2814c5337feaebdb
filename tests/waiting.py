"""Waiting for a condition instead of sleeping for a guessed time: the one helper the tests share.

Both forms poll ``predicate`` until it returns something truthy and return that value; on timeout they return its
last (falsy) value, so the caller's own assertion says what was expected. The timeout only bounds a broken run.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable
from typing import Any


def wait_until(predicate: Callable[[], Any], *, timeout: float = 60.0, interval: float = 0.1) -> Any:
    """Poll a plain ``predicate`` from synchronous code (a test driving processes, a thread's state)."""
    deadline = time.monotonic() + timeout
    while not (value := predicate()) and time.monotonic() < deadline:
        time.sleep(interval)
    return value


async def eventually(predicate: Callable[[], Any], *, timeout: float = 60.0, interval: float = 0.1) -> Any:
    """Poll ``predicate`` inside a running event loop; it may return a value or an awaitable of one."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if inspect.isawaitable(value):
            value = await value
        if value or time.monotonic() > deadline:
            return value
        await asyncio.sleep(interval)
