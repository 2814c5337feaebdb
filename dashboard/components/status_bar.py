"""The live strip on every page: broker health banner and a toast for each new high-severity alert."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from dashboard.data_access import get_view
from dashboard.live_view import LiveView
from dashboard.safe_text import escape_markdown
from schemas import AckStatus
from schemas.base import utc_now

TOAST_SEVERITIES = ("high", "critical")
TOAST_MAX_AGE = timedelta(minutes=30)
MAX_TOASTS = 2
SEEN_KEY = "status_bar.seen_alert_seq"


def new_alert_toasts(view: LiveView, seen: int | None) -> tuple[list[str], int]:
    """Toast texts for alerts arrived after ``seen`` (None: first look, nothing to toast) and the new mark."""
    current = view.alert_seq
    if seen is None:
        return [], current
    cutoff = utc_now() - TOAST_MAX_AGE
    fresh = [
        row
        for row in view.alerts_after(seen)
        if row.alert.severity.value in TOAST_SEVERITIES
        and row.status is AckStatus.OPEN
        and row.alert.created_at >= cutoff
    ]
    # A burst gets one toast for its most severe alert and one summary, not a wall of toasts over the page.
    fresh.sort(key=lambda r: TOAST_SEVERITIES.index(r.alert.severity.value), reverse=True)
    texts = [
        f"{row.alert.severity.value.upper()} alert on {row.alert.dyad}: {escape_markdown(row.alert.reason[:140])}"
        for row in fresh[:MAX_TOASTS]
    ]
    if len(fresh) > MAX_TOASTS:
        texts[-1] = f"…and {len(fresh) - MAX_TOASTS + 1} more high-severity alerts: see the Alerts page."
    return texts, current


@st.fragment(run_every=1)
def status_bar() -> None:
    view = get_view()
    health = view.health
    if not health.connected:
        since = f" since {health.since:%H:%M:%S} UTC" if health.since else ""
        st.error(
            f"Kafka broker unreachable{since} — reconnecting by itself. The data below is the last received."
            f"  \nLast error: {escape_markdown(health.last_error or 'none yet')}",
            icon=":material/cloud_off:",
        )
    elif not health.caught_up:
        st.info(f"Replaying history from Kafka… {health.records:,} records so far.", icon=":material/history:")
    texts, st.session_state[SEEN_KEY] = new_alert_toasts(view, st.session_state.get(SEEN_KEY))
    for text in texts:
        st.toast(text, icon=":material/crisis_alert:", duration="long")
