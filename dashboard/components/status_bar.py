"""The live strip on every page: broker health banner, and toasts for new high-severity alerts (rate-limited)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import streamlit as st

from dashboard.data_access import get_view, is_historical
from dashboard.live_view import LiveView
from dashboard.safe_text import escape_markdown
from schemas import AckStatus
from schemas.base import utc_now

TOAST_SEVERITIES = ("high", "critical")
TOAST_INTERVAL = timedelta(seconds=12)  # at most one toast per interval and session; others fold into it
TOAST_SECONDS = 8  # shorter than the interval: one toast at a time, in the slot the page keeps free for it
STATE_KEY = "status_bar.toasts"


@dataclass(frozen=True)
class ToastState:
    seen: int  # the view's alert arrival number already considered
    opened_at: datetime  # alerts created before the page opened are never toasted
    last_at: datetime | None = None


def new_alert_toasts(view: LiveView, state: ToastState | None, now: datetime) -> tuple[str | None, ToastState]:
    """The toast to show now (if any) and the new state. Only open high/critical live alerts created after the
    page opened; at most one toast per TOAST_INTERVAL, naming the most severe alert and counting the rest."""
    if state is None:
        return None, ToastState(view.alert_seq, now)
    if state.last_at is not None and now - state.last_at < TOAST_INTERVAL:
        return None, state  # rate limit: what arrives meanwhile waits for the next slot
    fresh = [
        row
        for row in view.alerts_after(state.seen)
        if row.alert.severity.value in TOAST_SEVERITIES
        and row.status is AckStatus.OPEN
        and row.alert.created_at >= state.opened_at
        and not is_historical(row.alert)
    ]
    state = replace(state, seen=view.alert_seq)
    if not fresh:
        return None, state
    top = max(fresh, key=lambda r: (TOAST_SEVERITIES.index(r.alert.severity.value), r.seq))
    text = f"{top.alert.severity.value.upper()} alert on {top.alert.dyad}: {escape_markdown(top.alert.reason[:120])}"
    if len(fresh) > 1:
        text += f"  \n…and {len(fresh) - 1} more high-severity alert{'s' if len(fresh) > 2 else ''}: see Alerts."
    return text, replace(state, last_at=now)


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
    text, st.session_state[STATE_KEY] = new_alert_toasts(view, st.session_state.get(STATE_KEY), utc_now())
    if text:
        st.toast(text, icon=":material/crisis_alert:", duration=TOAST_SECONDS)
