from datetime import timedelta

from dashboard.feed import apply_record
from dashboard.live_view import LiveView
from dashboard.synthetic import make_alert, make_event, window_counts
from schemas import AckStatus, AlertAck, EventType, Severity
from schemas.base import utc_now


def test_event_replayed_twice_counts_once_and_moves_with_its_new_time():
    view, now = LiveView(), utc_now()
    view.apply_event(make_event("a1", "PRK-RUS", now - timedelta(minutes=10)))
    view.apply_event(make_event("a1", "PRK-RUS", now - timedelta(minutes=10)))
    assert view.event_count(now - timedelta(hours=1), now) == 1
    view.apply_event(make_event("a1", "KOR-PRK", now - timedelta(hours=3)))
    assert view.event_count(now - timedelta(hours=1), now) == 0
    assert view.event_count(now - timedelta(hours=4), now) == 1
    assert view.events_for_dyad("PRK-RUS") == []
    assert [e.article_id for e in view.events_for_dyad("KOR-PRK")] == ["a1"]


def test_window_count_latest_record_wins_and_tombstone_removes():
    view, now = LiveView(), utc_now()
    events = [make_event(f"e{i}", "PRK-RUS", now - timedelta(minutes=1)) for i in range(3)]
    first = window_counts(events[:1])[0]
    latest = window_counts(events)[0]
    view.apply_count(first.key, first)
    view.apply_count(latest.key, latest)
    assert view.dyad_totals(now - timedelta(hours=1), now)["PRK-RUS"] == 3
    view.apply_count(latest.key, None)
    assert view.dyad_totals(now - timedelta(hours=1), now) == {}
    assert view.window_counts("PRK-RUS") == []


def test_open_alerts_by_severity_follow_acks_in_any_order():
    view, now = LiveView(), utc_now()
    view.apply_ack("x", AlertAck(alert_id="x", analyst="ana", status=AckStatus.ACKNOWLEDGED))  # ack replayed first
    view.apply_alert("x", make_alert("x", "PRK-RUS", now, Severity.HIGH))
    view.apply_alert("y", make_alert("y", "CHN-USA", now, Severity.HIGH))
    assert view.open_by_severity()["high"] == 1
    view.apply_ack("y", AlertAck(alert_id="y", analyst="ana", status=AckStatus.RESOLVED))
    assert view.open_by_severity()["high"] == 0
    view.apply_ack("y", AlertAck(alert_id="y", analyst="bo", status=AckStatus.OPEN))
    view.apply_alert("x", None)
    assert view.open_by_severity()["high"] == 1
    assert [r.alert.id for r in view.alerts()] == ["y"]
    assert view.alerts()[0].ack.analyst == "bo"


def test_alerts_newest_first_and_arrivals_after_a_mark():
    view, now = LiveView(), utc_now()
    view.apply_alert("old", make_alert("old", "PRK-RUS", now - timedelta(hours=2)))
    mark = view.alert_seq
    view.apply_alert("new", make_alert("new", "PRK-RUS", now))
    view.apply_alert("old", make_alert("old", "PRK-RUS", now - timedelta(hours=2)))  # update, not an arrival
    assert [r.alert.id for r in view.alerts()] == ["new", "old"]
    assert [r.alert.id for r in view.alerts_after(mark)] == ["new"]


def test_invalid_records_are_skipped_not_raised():
    view = LiveView()
    assert apply_record(view, "events", b"a1", b"{not json") is False
    assert apply_record(view, "alerts", b"k", b'{"id": "k"}') is False
    ok = make_event("a1", "PRK-RUS", utc_now(), EventType.SANCTION)
    assert apply_record(view, "events", b"a1", ok.to_bytes()) is True
    assert view.sizes()["events"] == 1


def test_a_tombstone_on_an_open_alert_is_ignored_and_audited():
    view, now = LiveView(), utc_now()
    view.apply_alert("forged-away", make_alert("forged-away", "PRK-RUS", now, Severity.CRITICAL))
    view.apply_alert("done", make_alert("done", "CHN-USA", now, Severity.HIGH))
    view.apply_ack("done", AlertAck(alert_id="done", analyst="ana", status=AckStatus.RESOLVED, note="handled"))
    assert apply_record(view, "alerts", b"forged-away", None) and apply_record(view, "alerts", b"done", None)
    assert [r.alert.id for r in view.alerts()] == ["forged-away"]  # the open one stays, the resolved one goes
    assert view.open_by_severity()["critical"] == 1
    assert [t.alert.id for t in view.ignored_tombstones()] == ["forged-away"]
    assert [(a.analyst, a.status) for a in view.ack_log()] == [("ana", AckStatus.RESOLVED)]


def test_last_look_per_analyst_survives_a_restart(tmp_path):
    from dashboard.last_look import LastLook

    now = utc_now()
    look = LastLook(tmp_path / "looks.json")
    assert look.swap("ana", now - timedelta(hours=1)) is None
    assert look.swap("bo", now) is None
    again = LastLook(tmp_path / "looks.json")
    assert again.swap("ana", now) == now - timedelta(hours=1)
    assert again.swap("ana", now) == now


def test_refused_actions_say_why():
    from dashboard.ack_writer import refusal
    from dashboard.live_view import AlertRow
    from schemas.base import MAX_NOTE_CHARS

    now = utc_now()
    open_row = AlertRow(make_alert("a", "PRK-RUS", now), AckStatus.OPEN, None, 1)
    acked = AlertAck(alert_id="b", analyst="ana", status=AckStatus.ACKNOWLEDGED, note="seen")
    acked_row = AlertRow(make_alert("b", "CHN-USA", now), AckStatus.ACKNOWLEDGED, acked, 2)
    assert "Enter your name" in refusal([open_row], AckStatus.ACKNOWLEDGED, "", "checked")
    assert "Write a note" in refusal([open_row], AckStatus.ACKNOWLEDGED, "ana", "   ")
    assert "4,001 characters" in refusal([open_row], AckStatus.ACKNOWLEDGED, "ana", "x" * (MAX_NOTE_CHARS + 1))
    assert refusal([open_row], AckStatus.ACKNOWLEDGED, "ana", "checked") is None
    reason = refusal([open_row, acked_row], AckStatus.OPEN, "ana", "again")
    assert reason.startswith("Not reopened: 1 of the selected alerts (PRK-RUS) are already open")
    assert refusal([acked_row], AckStatus.OPEN, "ana", "again") is None
