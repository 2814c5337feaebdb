"""A live view filled from synthetic records (plus one hostile article), wired in place of the Kafka feed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from dashboard import data_access
from dashboard.feed import LiveFeed
from dashboard.last_look import LastLook
from dashboard.live_view import LiveView
from dashboard.synthetic import fill_view, generate, make_alert, make_event
from schemas import AckStatus, AlertAck, EventType, Severity
from schemas.base import utc_now
from streams.runtime.settings import Settings, get_settings

PAGES = Path(__file__).resolve().parents[3] / "dashboard" / "app_pages"
HOSTILE_TITLE = "<script>alert('x')</script> [click](javascript:alert(1)) **bold**"


@dataclass
class RecordingWriter:
    """Stands in for the Kafka ack writer: records acks and applies them to the view like the feed would."""

    view: LiveView
    written: list[AlertAck] = field(default_factory=list)

    def write(self, alert_ids: list[str], analyst: str, status: AckStatus, note: str = "") -> list[AlertAck]:
        acks = [AlertAck(alert_id=i, analyst=analyst, status=status, note=note) for i in alert_ids]
        for ack in acks:
            self.view.apply_ack(ack.alert_id, ack)
        self.written.extend(acks)
        return acks


@pytest.fixture
def filled_view() -> LiveView:
    now = utc_now()
    view = fill_view(LiveView(), generate(n_events=400, n_alerts=12, hours=30, now=now))
    hostile = make_event(
        "hostile-1",
        "PRK-RUS",
        now - timedelta(minutes=5),
        EventType.THREATEN,
        title=HOSTILE_TITLE,
        url="javascript:alert(1)",
    )
    view.apply_event(hostile)
    view.apply_alert(
        "alert-prk-rus",
        make_alert("alert-prk-rus", "PRK-RUS", now - timedelta(minutes=3), Severity.CRITICAL, rule="watch:PRK-RUS"),
    )
    view.set_health(connected=True, caught_up=True)
    return view


@pytest.fixture
def wired(filled_view: LiveView, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> RecordingWriter:
    """Pages see ``filled_view``; acks go to a RecordingWriter (returned); last looks to a file under tmp_path."""
    feed = LiveFeed(Settings(), filled_view)
    writer = RecordingWriter(filled_view)
    last_look = LastLook(tmp_path / "last_look.json")
    monkeypatch.setattr(data_access, "get_feed", lambda: feed)
    monkeypatch.setattr(data_access, "get_ack_writer", lambda: writer)
    monkeypatch.setattr(data_access, "get_last_look", lambda: last_look)
    return writer


@pytest.fixture
def dashboard_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Set DYADWATCH_* variables for a page run: the settings cache is cleared before and after."""
    get_settings.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    get_settings.cache_clear()
