"""Fixtures of the browser tests: one stack per module — the real worker and two `dyadwatch dashboard` processes
(open on loopback, and signed-in with a password file) on the session broker — and one headless Chromium (Debian's,
driven by Playwright); each test opens its own browser contexts.

Playwright's sync API keeps an event loop in the test's thread, so the browser starts after the stack (which uses
``asyncio.run``), and tests run their own Kafka coroutines with ``run_off_loop``.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from dashboard.auth import password_entry
from streams.runtime.settings import Settings
from tests.conftest import RunningBroker
from tests.e2e.dashboard_process import CHROMIUM, DashboardProcess, launch_chromium
from tests.integration.pipeline.worker_process import WorkerProcess

ANALYST = "Ana Lyst"
PASSWORD = "correct horse battery"


@dataclass
class Stack:
    settings: Settings
    open: DashboardProcess  # no sign-in (loopback): analysts type their name
    signed: DashboardProcess  # password file: acks carry the signed-in name


@pytest.fixture(scope="module")
def stack(kafka_broker: RunningBroker, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    from streams.kafka.admin import ensure_topics

    tmp = tmp_path_factory.mktemp("e2e")
    settings = Settings(
        bootstrap_servers=kafka_broker.bootstrap, topic_prefix=f"e{uuid.uuid4().hex[:10]}", data_dir=tmp / "var"
    )
    asyncio.run(ensure_topics(settings))
    passwords = tmp / "passwords"
    passwords.write_text(password_entry(ANALYST, PASSWORD) + "\n")
    worker = WorkerProcess(settings, tmp / "worker").start()
    open_dash = DashboardProcess(settings, tmp / "open.log", env={"DYADWATCH_DATA_DIR": str(tmp / "open")})
    signed = DashboardProcess(
        settings,
        tmp / "signed.log",
        env={"DYADWATCH_DATA_DIR": str(tmp / "signed"), "DYADWATCH_DASHBOARD_PASSWORD_FILE": str(passwords)},
    )
    try:
        open_dash.start()
        signed.start()
        worker.wait_ready()
        yield Stack(settings, open_dash, signed)
    finally:
        open_dash.stop()
        signed.stop()
        worker.stop(timeout=20)


@pytest.fixture(scope="module")
def browser(stack: Stack) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: apt-get install -y chromium")
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Pages in fresh browser contexts (one per analyst), closed after the test: every open page keeps live
    fragments running on the shared dashboards."""
    contexts = []

    def make(width: int = 1440, height: int = 900) -> Page:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
