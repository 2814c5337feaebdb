"""Alerts: the live feed, newest first, with filters; select alerts and acknowledge, resolve or reopen them."""

import time

import streamlit as st

from dashboard.ack_writer import AckError, refusal
from dashboard.auth import MAX_NAME_CHARS, auth_enabled, signed_in_analyst
from dashboard.components.columns import ALERT_COLUMN_CONFIG
from dashboard.data_access import (
    ALERT_FIELDS,
    AlertFilters,
    alerts_frame,
    get_ack_writer,
    get_last_look,
    get_view,
    severity_counts,
)
from dashboard.live_view import SEVERITY_ORDER, AlertRow, LiveView
from dashboard.safe_text import escape_markdown
from schemas import AckStatus
from schemas.base import MAX_NOTE_CHARS, utc_now
from streams.runtime.settings import get_settings

MAX_ROWS = 1_000
FROZEN_KEY = "alerts.frozen_ids"
GEN_KEY = "alerts.table_generation"
ANALYST_KEY = "alerts.analyst"
SINCE_KEY = "alerts.new_since"  # (analyst, their previous look) for this visit of the page
REFUSAL_KEY = "alerts.refusal"  # (selection, note, why the last action was refused)
ALERT_PARAM = "alert"  # ?alert=<id> opens the page on that one alert
ARRIVED_KEY = "page.arrived"  # set by app.py: True on the first run of a page after navigating to it
ACTIONS = {"Acknowledge": AckStatus.ACKNOWLEDGED, "Resolve": AckStatus.RESOLVED, "Reopen": AckStatus.OPEN}
DONE = {AckStatus.ACKNOWLEDGED: "Acknowledged", AckStatus.RESOLVED: "Resolved", AckStatus.OPEN: "Reopened"}

settings = get_settings()
view = get_view()
st.title("Alerts")

identity = signed_in_analyst(settings)
if auth_enabled(settings):
    st.caption(f"Signed in as {escape_markdown(identity or '?')}: your acknowledgements carry this name.")
    analyst = identity or ""
else:
    analyst = (
        st.columns([1, 2])[0]
        .text_input(
            "Your name", key=ANALYST_KEY, max_chars=MAX_NAME_CHARS, placeholder="who is on shift (shown with your acks)"
        )
        .strip()
    )

# "New since you last looked": each visit records the analyst's look and marks what came after the previous one.
seen = st.session_state.get(SINCE_KEY)
if analyst and (st.session_state.get(ARRIVED_KEY, True) or seen is None or seen[0] != analyst):
    seen = (analyst, get_last_look().swap(analyst, utc_now()))
    st.session_state[SINCE_KEY] = seen
new_since = seen[1] if seen and seen[0] == analyst else None

linked = st.query_params.get(ALERT_PARAM)
linked_row = view.alert(linked) if linked else None
if linked and linked_row is None:
    st.warning("The linked alert is not (or not yet) in the feed.", icon=":material/link_off:")
if linked_row is not None:
    note, clear = st.columns([5, 1], vertical_alignment="center")
    note.info(f"Showing the linked alert on {linked_row.alert.dyad} only.", icon=":material/link:")
    if clear.button("Show all alerts", key="alerts.unlink"):
        del st.query_params[ALERT_PARAM]
        st.rerun()


def _filters(rows: list[AlertRow]) -> AlertFilters:
    """Filter widgets, inside the live fragment so their options include alerts that arrived since the page opened."""
    f1, f2, f3, f4, f5 = st.columns(5)
    return AlertFilters(
        severities=f1.multiselect("Severity", SEVERITY_ORDER, key="alerts.f.severity"),
        rules=f2.multiselect("Rule", sorted({r.alert.rule for r in rows}), key="alerts.f.rule"),
        countries=f3.multiselect(
            "Country", sorted({c for r in rows for c in r.alert.dyad.split("-")}), key="alerts.f.country"
        ),
        dyads=f4.multiselect("Dyad", sorted({r.alert.dyad for r in rows}), key="alerts.f.dyad"),
        statuses=f5.multiselect(
            "Status", [s.value for s in AckStatus], default=["open", "acknowledged"], key="alerts.f.status"
        ),
    )


def _wait_until_visible(live: LiveView, ids: list[str], status: AckStatus, timeout: float = 5.0) -> None:
    """Block briefly until the view has read our acks back from the topic, so the table shows them at once."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        by_id = {r.alert.id: r.status for r in live.alerts()}
        if all(by_id.get(i) is status for i in ids):
            return
        time.sleep(0.1)


@st.fragment(run_every=1)
def live_feed() -> None:
    every = view.alerts()
    filters = _filters(every)
    rows = [r for r in every if filters.keep(r)] if linked_row is None else [r for r in every if r.alert.id == linked]
    table_key = f"alerts.table.{st.session_state.setdefault(GEN_KEY, 0)}"
    state = st.session_state.get(table_key)
    selecting = bool(state and state.selection.rows)
    if selecting and FROZEN_KEY in st.session_state:
        # While the analyst has rows selected, keep the rows where they are so the selection means the same alerts.
        by_id = {r.alert.id: r for r in every}
        rows = [by_id[i] for i in st.session_state[FROZEN_KEY] if i in by_id]
    rows = rows[:MAX_ROWS]
    st.session_state[FROZEN_KEY] = [r.alert.id for r in rows]

    counts = severity_counts(rows)
    fresh = sum(new_since is not None and r.alert.created_at > new_since for r in rows)
    st.markdown(
        "  ".join(
            f":{'red' if s in ('critical', 'high') else 'orange' if s == 'medium' else 'blue'}-badge[{s} {counts[s]}]"
            for s in SEVERITY_ORDER
        )
        + (f"  :violet-badge[{fresh} new since your last look]" if new_since is not None else "")
        + ("  :violet-badge[your first look: from now on, new alerts are marked]" if analyst and not new_since else "")
        + ("  :gray-badge[live updates paused while alerts are selected]" if selecting else "")
    )
    frame = alerts_frame(rows, new_since)
    event = st.dataframe(
        frame,
        key=table_key,
        on_select="rerun",
        selection_mode="multi-row",
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * max(len(frame), 1), 560),
        column_order=[c for c in ALERT_FIELDS if c not in ("kind", "id") and (c != "new" or new_since is not None)],
        column_config=ALERT_COLUMN_CONFIG,
    )
    chosen = [frame.iloc[i]["id"] for i in event.selection.rows if i < len(frame)]
    if not chosen:
        st.caption(f"{len(frame):,} alerts shown. Select rows to acknowledge, resolve or reopen them.")
        return

    st.subheader(f"Act on {len(chosen)} selected alert{'s' if len(chosen) > 1 else ''}")
    if len(chosen) == 1:
        st.text(f"Link to this alert: {(st.context.url or '').split('?')[0]}?{ALERT_PARAM}={chosen[0]}")
    note = st.text_area(
        "Note", key="alerts.note", height=68, placeholder=f"what you checked or did (at most {MAX_NOTE_CHARS:,} chars)"
    )
    for col, (label, status) in zip(st.columns(len(ACTIONS) + 3)[: len(ACTIONS)], ACTIONS.items(), strict=True):
        if not col.button(
            label, key=f"alerts.do.{status.value}", type="primary" if label == "Acknowledge" else "secondary"
        ):
            continue
        by_id = {r.alert.id: r for r in every}
        problem = refusal([by_id[i] for i in chosen if i in by_id], status, analyst, note)
        if not problem:
            try:
                get_ack_writer().write(chosen, analyst, status, note)
            except (AckError, ValueError) as exc:
                problem = f"Not saved: {escape_markdown(str(exc))}"
        if problem:
            # Kept until the selection or the note changes: the live fragment reruns every second and would
            # otherwise wipe the message almost at once.
            st.session_state[REFUSAL_KEY] = (tuple(chosen), note, problem)
            break
        st.session_state.pop(REFUSAL_KEY, None)
        _wait_until_visible(view, chosen, status)
        st.session_state[GEN_KEY] += 1  # a fresh table: the selection is done with
        st.toast(f"{DONE[status]} {len(chosen)} alert{'s' if len(chosen) > 1 else ''}.", icon=":material/check_circle:")
        st.rerun(scope="fragment")
    refused = st.session_state.get(REFUSAL_KEY)
    if refused and refused[:2] == (tuple(chosen), note):
        st.error(refused[2], icon=":material/block:")


live_feed()
