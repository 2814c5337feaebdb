"""``dyadwatch dashboard`` as a real subprocess, and Debian's Chromium driven by Playwright (used by bench/ too)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import httpx
from playwright.sync_api import Browser, Page, Playwright
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from streams.kafka.broker.embedded import free_port
from streams.runtime.settings import PROJECT_ROOT, Settings

DYADWATCH = PROJECT_ROOT / ".venv" / "bin" / "dyadwatch"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = PROJECT_ROOT / "tests" / "e2e" / "screenshots"
T = TypeVar("T")


def launch_chromium(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


class DashboardProcess:
    """The dashboard on a free loopback port, reading the topics of ``settings`` (its prefix passes by env)."""

    def __init__(self, settings: Settings, log_path: Path, env: dict[str, str] | None = None) -> None:
        self.settings = settings
        self.port = free_port()
        self.log_path = log_path
        self.env = env or {}
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> DashboardProcess:
        env = {**os.environ, "DYADWATCH_TOPIC_PREFIX": self.settings.topic_prefix, **self.env}
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [str(DYADWATCH), "dashboard", "--port", str(self.port), "--bootstrap", self.settings.bootstrap_servers],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"dashboard exited:\n{self.log_path.read_text(errors='replace')[-2000:]}"
            try:
                if httpx.get(f"{self.url}/_stcore/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise TimeoutError(f"dashboard not up within {timeout:.0f}s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def grid_cells(page: Page, nth_frame: int = 0) -> list[str]:
    """Texts of the visible cells of a Streamlit dataframe (its accessible table mirrors the canvas)."""
    frame = page.locator('[data-testid="stDataFrame"]').nth(nth_frame)
    return frame.locator("table [role=gridcell]").all_inner_texts()


def wait_for_cells(
    page: Page, condition: Callable[[list[str]], bool], what: str, nth_frame: int = 0, timeout: float = 30.0
) -> list[str]:
    """Wait (no reload) until one reading of a dataframe's cells satisfies ``condition`` and return that reading:
    what a test checks next must come from the same draw, as a live fragment may redraw between two readings."""
    start = time.monotonic()
    cells: list[str] = []
    while time.monotonic() - start < timeout:
        try:
            cells = grid_cells(page, nth_frame)
            if condition(cells):
                return cells
        except Exception:  # the frame is being re-rendered by a fragment
            pass
        page.wait_for_timeout(50)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "failure.png"))
    raise AssertionError(f"no {what} within {timeout}s (see screenshots/failure.png); cells: {cells[:40]}")


def wait_for_cell(page: Page, text: str, nth_frame: int = 0, timeout: float = 30.0) -> list[str]:
    """Wait (no reload) until a dataframe cell shows exactly ``text``; returns the cells of that draw."""
    return wait_for_cells(page, lambda cells: text in cells, f"cell {text!r}", nth_frame, timeout)


class ScriptRuns:
    """Counts the runs (whole page or fragment) the dashboard finished for a page, read from its websocket, so a
    test can wait for the live fragments to have redrawn instead of sleeping. Create it before the page loads."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.finished = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes) and ForwardMsg.FromString(payload).WhichOneof("type") == "script_finished":
            self.finished += 1

    def wait_for(self, runs: int, timeout: float = 30.0) -> None:
        """Wait until ``runs`` more runs have finished."""
        target, deadline = self.finished + runs, time.monotonic() + timeout
        while self.finished < target:
            assert time.monotonic() < deadline, f"{target - self.finished} of {runs} runs not finished in {timeout}s"
            self.page.wait_for_timeout(50)


def run_off_loop(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` in a helper thread: Playwright's sync API already runs a loop in the calling thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
