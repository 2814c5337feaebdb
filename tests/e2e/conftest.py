"""Fixtures of the browser tests: a headless Chromium (Debian's, driven by Playwright) per test.

Playwright's sync API keeps an event loop in the test's thread, so the browser starts after ``kafka_settings``
(which uses ``asyncio.run``), and tests run their own Kafka coroutines with ``run_off_loop``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from streams.runtime.settings import Settings
from tests.e2e.dashboard_process import CHROMIUM, launch_chromium


@pytest.fixture
def browser(kafka_settings: Settings) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: apt-get install -y chromium")
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()
