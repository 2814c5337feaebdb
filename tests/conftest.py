"""Fixtures shared by every test: the shared data folder and one real Kafka broker per test session.

The broker starts lazily, the first time an integration test asks for it, on a free port in a temporary
folder, and is always stopped at the end of the session, even when tests fail or are interrupted.
"""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from streams.kafka.broker import EmbeddedBroker
from streams.kafka.broker.embedded import free_port
from streams.runtime.settings import PROJECT_ROOT, Settings


def shared_dir() -> Path:
    """The project's shared data (eval sets, reference tables, seed page): $DYADWATCH_SHARED_DIR or ../shared."""
    return Path(os.environ.get("DYADWATCH_SHARED_DIR", PROJECT_ROOT.parent / "shared")).resolve()


@pytest.fixture(scope="session")
def shared() -> Path:
    path = shared_dir()
    assert (path / "seed" / "news_page.txt").exists(), f"shared data not found at {path}; set DYADWATCH_SHARED_DIR"
    return path


@dataclass(frozen=True)
class RunningBroker:
    bootstrap: str
    broker: EmbeddedBroker


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBroker]:
    """One throwaway broker for the whole test session (jars cached in the repo's var/ across runs)."""
    base = Settings()
    broker = EmbeddedBroker(
        tmp_path_factory.mktemp("kafka"),
        jar_cache_root=PROJECT_ROOT / "var",
        kafka_version=base.kafka_version,
        heap="1g",
    )
    try:
        state = broker.start(free_port(), timeout=120)
        yield RunningBroker(state.bootstrap, broker)
    finally:
        broker.stop()


@pytest.fixture
def kafka_settings(kafka_broker: RunningBroker, tmp_path: Path) -> Settings:
    """Settings pointing at the session broker, with a topic prefix of this test's own and its topics created."""
    from streams.kafka.admin import ensure_topics

    settings = Settings(
        bootstrap_servers=kafka_broker.bootstrap,
        topic_prefix=f"t{uuid.uuid4().hex[:10]}",
        data_dir=tmp_path / "var",
    )
    outcomes = asyncio.run(ensure_topics(settings))
    assert all(o.status == "created" for o in outcomes), outcomes
    return settings


def pytest_configure(config: pytest.Config) -> None:
    """SIGTERM (a CI timeout, say) ends the run like Ctrl-C, so session fixtures still stop the broker."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests under tests/integration and tests/e2e carry their marker without repeating it in every file."""
    for item in items:
        parts = Path(str(item.fspath)).parts
        if "integration" in parts:
            item.add_marker(pytest.mark.integration)
        if "e2e" in parts:
            item.add_marker(pytest.mark.e2e)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A run that collected no test is a failure, never a quiet green (pytest's exit 5 made explicit)."""
    if session.testscollected == 0 and exitstatus in (0, 5):
        session.config.get_terminal_writer().line("error: no tests were collected", red=True)
        session.exitstatus = 1
