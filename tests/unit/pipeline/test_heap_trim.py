"""The worker hands freed heap memory back to the OS on a timer (RSS crept while live memory was flat)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import faust
import psutil
import pytest

from streams.alerting.rules import load_rules
from streams.runtime import heap_trim
from streams.runtime.settings import Settings

pytestmark = pytest.mark.skipif(not heap_trim.available(), reason="the C library has no malloc_trim (not glibc)")


def test_trim_returns_free_pages_inside_the_heap() -> None:
    """Freed blocks between live ones stay in the process until trimmed: glibc only gives back the heap's top."""
    proc = psutil.Process()
    heap_trim.trim_heap()
    blocks = [bytes(1024) + bytes([i % 256]) for i in range(120_000)]  # 1 KB each: malloc, not pymalloc
    keep = blocks[::64]  # one live block every 64 KB pins the heap's layout
    del blocks
    before = proc.memory_info().rss
    assert heap_trim.trim_heap() is True
    after = proc.memory_info().rss
    assert before - after > 50 * 2**20, (before / 2**20, after / 2**20)
    # Only free pages went: every live block still holds what was written into it.
    assert all(block == bytes(1024) + bytes([(64 * n) % 256]) for n, block in enumerate(keep))


def _timers(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> list[tuple[float, Any]]:
    """(interval, function) of every timer the worker app registers (through Faust's public ``App.timer``)."""
    from streams.pipeline.app import create_app

    timers: list[tuple[float, Any]] = []
    original = faust.App.timer

    def recording_timer(self, interval, *args, **kwargs):
        register = original(self, interval, *args, **kwargs)

        def inner(fun):
            timers.append((interval, fun))
            return register(fun)

        return inner

    monkeypatch.setattr(faust.App, "timer", recording_timer)
    create_app(settings, load_rules(settings.rules_file), classifier=object())  # type: ignore[arg-type]
    return timers


async def test_worker_app_trims_on_a_timer_of_the_set_interval_unless_disabled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = {"bootstrap_servers": "127.0.0.1:9", "data_dir": tmp_path}
    timers = _timers(Settings(**base, heap_trim_interval_s=17.0), monkeypatch)
    assert [interval for interval, _ in timers] == [17.0]
    trims = []
    monkeypatch.setattr(heap_trim, "trim_heap", lambda: trims.append(1) or True)
    await timers[0][1]()  # one tick of the timer
    assert trims == [1]
    assert _timers(Settings(**base, heap_trim_interval_s=0), monkeypatch) == []
