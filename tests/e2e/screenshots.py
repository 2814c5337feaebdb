"""Regenerate docs/screenshots/: every dashboard page at 1440×900, from `dyadwatch up` (seed page, demo feed, real
worker) on free loopback ports, plus a second dashboard with a password file for the sign-in screen.

    .venv/bin/python -m tests.e2e.screenshots [--out docs/screenshots] [--wait 110]

Not a test (it takes about three minutes): run it after changing what a page shows, then look at every image.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright

from dashboard.auth import password_entry
from dashboard.synthetic import make_alert
from schemas import Severity
from schemas.base import utc_now
from streams.kafka.broker.embedded import free_port
from streams.kafka.clients import make_producer
from streams.runtime.settings import PROJECT_ROOT, Settings
from tests.e2e.dashboard_process import DYADWATCH, launch_chromium, run_off_loop

VIEWPORT = {"width": 1440, "height": 900}
PASSWORD = "screenshots only"


def wait_http(url: str, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(url)


def settle(page: Page, ms: int = 2500) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(ms)


def scroll_to(page: Page, heading: str) -> None:
    """Bring a heading near the top (a live fragment may redraw it meanwhile, so check and try again)."""
    target = page.get_by_role("heading", name=heading)
    for _ in range(5):
        page.mouse.move(VIEWPORT["width"] / 2, VIEWPORT["height"] / 2)
        page.mouse.wheel(0, 300)
        target.evaluate("e => e.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(700)
        box = target.bounding_box()
        if box and 0 <= box["y"] < 250:
            return
    raise AssertionError(f"could not scroll to {heading!r}")


def shoot(page: Page, out: Path, name: str) -> None:
    page.screenshot(path=str(out / f"{name}.png"))
    print(f"wrote {out / name}.png")


async def forge_and_tombstone(bootstrap: str) -> None:
    """What someone with write access to the alerts topic could do: a delete of an open alert (ignored, audited)."""
    settings = Settings(bootstrap_servers=bootstrap)
    alert = make_alert("forged-then-deleted", "IRN-ISR", utc_now(), Severity.HIGH, rule="watch:IRN-ISR")
    producer = make_producer(settings)
    await producer.start()
    try:
        for value in (alert.to_bytes(), None):
            await producer.send_and_wait(settings.topic("alerts"), value, key=alert.id.encode())
    finally:
        await producer.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs" / "screenshots")
    parser.add_argument("--wait", type=float, default=110.0, help="Seconds of demo traffic before the shots.")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="dyadwatch-shots-"))
    broker, dash, worker, signed = free_port(), free_port(), free_port(), free_port()
    env = {**os.environ, "DYADWATCH_DATA_DIR": str(work)}
    up = subprocess.Popen(
        [str(DYADWATCH), "up", "--port", str(broker), "--dashboard-port", str(dash), "--worker-port", str(worker)],
        env=env,
        stdout=open(work / "up.log", "wb"),  # noqa: SIM115 - handed to the child
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    passwords = work / "passwords"
    passwords.write_text(password_entry("M. Okafor", PASSWORD) + "\n")
    gated = None
    try:
        wait_http(f"http://127.0.0.1:{dash}/_stcore/health")
        gated = subprocess.Popen(
            [str(DYADWATCH), "dashboard", "--port", str(signed), "--bootstrap", f"127.0.0.1:{broker}"],
            env={**env, "DYADWATCH_DASHBOARD_PASSWORD_FILE": str(passwords)},
            stdout=open(work / "signed.log", "wb"),  # noqa: SIM115 - handed to the child
            stderr=subprocess.STDOUT,
        )
        wait_http(f"http://127.0.0.1:{signed}/_stcore/health")
        print(f"waiting {args.wait:.0f} s for demo traffic (logs in {work})")
        time.sleep(args.wait)
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_context(viewport=VIEWPORT).new_page()
            base = f"http://127.0.0.1:{dash}"
            page.goto(base)
            page.get_by_test_id("stPageLink").first.wait_for(timeout=90_000)  # the busiest dyads are drawn
            settle(page, 4000)
            shoot(page, args.out, "overview")
            scroll_to(page, "Active dyads")
            settle(page, 2500)
            shoot(page, args.out, "overview-map")
            page.goto(f"{base}/dyad?dyad=PRK-RUS&range=24h")
            settle(page, 4000)
            shoot(page, args.out, "dyad")
            scroll_to(page, "Recent articles")
            settle(page)
            shoot(page, args.out, "dyad-why")
            page.goto(f"{base}/articles?range=24h")
            settle(page, 4000)
            shoot(page, args.out, "articles")

            signed_page = browser.new_context(viewport=VIEWPORT).new_page()
            signed_page.goto(f"http://127.0.0.1:{signed}/alerts")
            settle(signed_page)
            shoot(signed_page, args.out, "sign-in")
            signed_page.get_by_label("Name").fill("M. Okafor")
            signed_page.get_by_label("Password", exact=True).fill(PASSWORD)
            signed_page.get_by_role("button", name="Sign in").click()
            settle(signed_page, 4000)
            frame = signed_page.locator('[data-testid="stDataFrame"]').first
            box = frame.bounding_box()
            assert box is not None
            signed_page.mouse.click(box["x"] + 18, box["y"] + 35 * 2.5)  # tick the second alert
            signed_page.get_by_label("Note").fill("Cross-checked with Yonhap; escalate to the Korea desk")
            signed_page.get_by_role("button", name="Reopen").click()  # an open alert: refused, with the reason
            settle(signed_page)
            shoot(signed_page, args.out, "alerts")
            signed_page.get_by_role("button", name="Acknowledge", exact=True).click()
            settle(signed_page, 3000)
            run_off_loop(forge_and_tombstone(f"127.0.0.1:{broker}"))
            signed_page.get_by_role("link", name="Audit").click()
            settle(signed_page, 3000)
            shoot(signed_page, args.out, "audit")
            browser.close()
    finally:
        for proc in (gated, up):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGINT if proc is up else signal.SIGTERM)
                try:
                    proc.wait(timeout=90)
                except subprocess.TimeoutExpired:
                    proc.kill()


if __name__ == "__main__":
    main()
