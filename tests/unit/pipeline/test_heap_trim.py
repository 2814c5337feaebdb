"""The worker hands freed heap memory back to the OS on a timer (RSS crept while live memory was flat)."""

from __future__ import annotations

from pathlib import Path

import psutil
import pytest

from streams import heap_trim
from streams.alerting.rules import load_rules
from streams.settings import Settings

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
    assert len(keep) == 1875


def _app_tasks(settings: Settings) -> list[str]:
    from streams.app import create_app

    app = create_app(settings, load_rules(settings.rules_file), classifier=object())  # type: ignore[arg-type]
    return [getattr(task, "__qualname__", repr(task)) for task in app._app_tasks]


def test_worker_app_trims_on_a_timer_unless_disabled(tmp_path: Path) -> None:
    base = {"bootstrap_servers": "127.0.0.1:9", "data_dir": tmp_path}
    assert any("trim_heap" in name for name in _app_tasks(Settings(**base)))
    assert not any("trim_heap" in name for name in _app_tasks(Settings(**base, heap_trim_interval_s=0)))
