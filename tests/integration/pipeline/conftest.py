"""Fixtures of the pipeline tests: settings with a topic prefix of their own, and worker subprocesses."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from streams.kafka.admin import ensure_topics
from streams.runtime.settings import Settings
from tests.integration.pipeline.worker_process import WorkerProcess


def fresh_settings(bootstrap: str, data_dir: Path, **overrides) -> Settings:
    """Settings with a new topic prefix on ``bootstrap``, all registry topics created."""
    settings = Settings(
        bootstrap_servers=bootstrap, topic_prefix=f"p{uuid.uuid4().hex[:10]}", data_dir=data_dir, **overrides
    )
    outcomes = asyncio.run(ensure_topics(settings))
    assert all(o.status == "created" for o in outcomes), outcomes
    return settings


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[..., WorkerProcess]]:
    """Start workers for a test; every one still running at the end is stopped (killed if it hangs)."""
    started: list[WorkerProcess] = []

    def start(settings: Settings, name: str = "w1", **kwargs) -> WorkerProcess:
        worker = WorkerProcess(settings, tmp_path / name, **kwargs).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop(timeout=20)
