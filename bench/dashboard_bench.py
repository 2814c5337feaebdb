"""Dashboard performance: one Overview refresh on a big view, and alert-on-topic → visible-in-the-browser latency.

Run: ``python -m bench.dashboard_bench [--events N] [--alerts N] [--samples N] [--bootstrap HOST:PORT]``.
Importable: ``run(...) -> dict``.

1. Overview refresh with 50,000 events and 5,000 alerts in the view: the page script run by Streamlit's AppTest
   (queries + chart specs + serialisation, the server's share of a refresh), and the queries alone; same-run
   baseline: the same figures computed by scanning every event and alert, as a view without incremental
   aggregates would on each refresh.
2. Alert latency (median and worst of N): an alert produced on the topic until its row shows in the Alerts page of
   a real Chromium, plus the share of it spent until the dashboard's view holds it (Kafka → view).
   Starts an embedded broker unless ``--bootstrap`` is given, and the dashboard with ``dyadwatch dashboard``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from dashboard import data_access
from dashboard.feed import LiveFeed
from dashboard.live_view import LiveView
from dashboard.synthetic import fill_view, generate, make_alert
from schemas import AckStatus, Severity
from schemas.base import utc_now
from streams.runtime.settings import PROJECT_ROOT, Settings

OVERVIEW = PROJECT_ROOT / "dashboard" / "app_pages" / "overview.py"


def _filled_view(n_events: int, n_alerts: int) -> LiveView:
    view = fill_view(LiveView(), generate(n_events=n_events, n_alerts=n_alerts, hours=7 * 24))
    view.set_health(connected=True, caught_up=True)
    return view


def _ms(samples: list[float]) -> dict[str, float]:
    return {"median_ms": round(statistics.median(samples) * 1000, 1), "worst_ms": round(max(samples) * 1000, 1)}


def _queries(view: LiveView) -> None:
    now = utc_now()
    start, end = now - timedelta(hours=24), now
    data_access.key_figures(view, now)
    data_access.top_dyads(view, start, end)
    data_access.pair_matrix(view, start, end)
    data_access.map_layers_data(view, start, end)


def _scan_baseline(view: LiveView) -> tuple[Any, ...]:
    """What a refresh costs without incremental aggregates: every event and alert visited."""
    now = utc_now()
    hour, day = now - timedelta(hours=1), now - timedelta(hours=24)
    per_dyad: Counter[str] = Counter()
    last_hour = last_day = 0
    for e in view.events():
        if e.published_at >= day:
            last_day += 1
            last_hour += e.published_at >= hour
            per_dyad.update(e.dyad_keys)
    open_by_severity = Counter(r.alert.severity.value for r in view.alerts() if r.status is AckStatus.OPEN)
    return last_hour, last_day, per_dyad.most_common(60), open_by_severity


def overview_refresh(n_events: int = 50_000, n_alerts: int = 5_000, repeats: int = 10) -> dict[str, Any]:
    from streamlit.testing.v1 import AppTest

    view = _filled_view(n_events, n_alerts)
    feed = LiveFeed(Settings(), view)
    original = data_access.get_feed
    data_access.get_feed = lambda: feed  # type: ignore[assignment]
    try:
        app = AppTest.from_file(str(OVERVIEW), default_timeout=120)
        app.run()  # first run imports and compiles; refreshes are what analysts wait for
        assert not app.exception, app.exception
        page = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            app.run()
            page.append(time.perf_counter() - t0)
    finally:
        data_access.get_feed = original  # type: ignore[assignment]
    queries, scan = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        _queries(view)
        queries.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        _scan_baseline(view)
        scan.append(time.perf_counter() - t0)
    return {
        "view": view.sizes(),
        "page_refresh": _ms(page),
        "queries_only": _ms(queries),
        "baseline_full_scan_aggregates_only": _ms(scan),
    }


class _Producer:
    """One idempotent producer on a loop thread, so a send starts the moment it is asked for."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.producer = self._call(self._started())

    async def _started(self) -> Any:
        from streams.kafka.clients import make_producer

        producer = make_producer(self.settings, client_id="dashboard-bench")  # aiokafka binds the running loop
        await producer.start()
        return producer

    def _call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(30)

    def send_alert(self, alert_id: str, rule: str) -> None:
        alert = make_alert(alert_id, "PRK-RUS", utc_now(), Severity.HIGH, rule=rule)
        asyncio.run_coroutine_threadsafe(
            self.producer.send_and_wait(self.settings.topic("alerts"), alert.to_bytes(), key=alert_id.encode()),
            self.loop,
        )

    def close(self) -> None:
        self._call(self.producer.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)


def alert_latency(settings: Settings, samples: int = 20, workdir: Path | None = None) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from tests.e2e.dashboard_process import DashboardProcess, launch_chromium, wait_for_cell

    workdir = workdir or Path(tempfile.mkdtemp(prefix="dashboard-bench-"))
    dashboard = DashboardProcess(settings, workdir / "dashboard.log")
    in_process = LiveFeed(settings)  # a second view in this process, to split Kafka → view from the rest
    producer: _Producer | None = None
    browser_s, view_s = [], []
    try:
        dashboard.start()
        in_process.start()
        producer = _Producer(settings)
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1600, "height": 1200})
            page.goto(f"{dashboard.url}/alerts")
            page.get_by_role("heading", name="Alerts").wait_for(timeout=60_000)
            page.wait_for_timeout(3_000)
            for i in range(samples):
                alert_id = f"bench-{i}-{uuid.uuid4().hex[:6]}"
                rule = f"bench:latency:{i}"
                t0 = time.monotonic()
                producer.send_alert(alert_id, rule)
                while alert_id not in {r.alert.id for r in in_process.view.alerts()[:5]}:
                    time.sleep(0.005)
                view_s.append(time.monotonic() - t0)
                wait_for_cell(page, rule, timeout=30)
                browser_s.append(time.monotonic() - t0)
                page.wait_for_timeout(300 + (i * 97) % 1700)  # spread sends over the refresh cycle
            browser.close()
    finally:
        if producer is not None:
            producer.close()
        in_process.stop()
        dashboard.stop()
    return {"samples": samples, "produce_to_browser": _ms(browser_s), "produce_to_view": _ms(view_s)}


def _own_broker(workdir: Path) -> tuple[Any, str]:
    from streams.kafka.broker import EmbeddedBroker
    from streams.kafka.broker.embedded import free_port

    base = Settings()
    broker = EmbeddedBroker(
        workdir / "kafka", jar_cache_root=PROJECT_ROOT / "var", kafka_version=base.kafka_version, heap="1g"
    )
    return broker, broker.start(free_port(), timeout=120).bootstrap


def run(n_events: int = 50_000, n_alerts: int = 5_000, samples: int = 20, bootstrap: str | None = None) -> dict:
    from bench.machine import machine_facts
    from streams.kafka.admin import ensure_topics

    results: dict[str, Any] = {"machine": machine_facts()}
    results["overview"] = overview_refresh(n_events, n_alerts)
    print(json.dumps(results["overview"], indent=2), flush=True)
    with tempfile.TemporaryDirectory(prefix="dashboard-bench-") as tmp:
        broker = None
        if bootstrap is None:
            broker, bootstrap = _own_broker(Path(tmp))
        try:
            settings = Settings(bootstrap_servers=bootstrap, topic_prefix=f"bench{uuid.uuid4().hex[:8]}")
            asyncio.run(ensure_topics(settings))
            results["alert_latency"] = alert_latency(settings, samples, Path(tmp))
        finally:
            if broker is not None:
                broker.stop()
    print(json.dumps(results["alert_latency"], indent=2), flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--alerts", type=int, default=5_000)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--bootstrap", default=None)
    args = parser.parse_args()
    print(json.dumps(run(args.events, args.alerts, args.samples, args.bootstrap), indent=2))


if __name__ == "__main__":
    main()
