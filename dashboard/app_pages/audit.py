"""Audit: who changed which alert's status, and deletes (tombstones) of open alerts the dashboard refused."""

import pandas as pd
import streamlit as st

from dashboard.components.columns import DATE_FORMAT
from dashboard.data_access import fmt_time, get_view

st.title("Audit")
view = get_view()


@st.fragment(run_every=3)
def live_audit() -> None:
    ignored = view.ignored_tombstones()
    st.subheader("Ignored deletes of open alerts")
    st.caption(
        "A tombstone (a record with no value) on the alerts topic deletes an alert. The dashboard ignores it while "
        "the alert is open — nobody has acknowledged or resolved it — so whoever can write the topic cannot make "
        "an alert vanish unseen. The alert stays on every page; it is listed here."
    )
    if ignored:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "seen": fmt_time(t.seen_at),
                        "severity": t.alert.severity.value,
                        "dyad": t.alert.dyad,
                        "rule": t.alert.rule,
                        "created": fmt_time(t.alert.created_at),
                        "alert id": t.alert.id,
                    }
                    for t in ignored
                ]
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.text("Nothing so far.")

    st.subheader("Status changes")
    st.caption("Every acknowledgement, resolution and reopening read from the alert-acks topic, newest first.")
    log = view.ack_log()
    if not log:
        st.text("Nothing so far.")
        return
    rows = []
    for ack in log:
        row = view.alert(ack.alert_id)
        rows.append(
            {
                "when": ack.at,
                "analyst": ack.analyst,
                "status": ack.status.value,
                "dyad": row.alert.dyad if row else "–",
                "rule": row.alert.rule if row else "–",
                "note": ack.note or "–",
                "alert id": ack.alert_id,
            }
        )
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        column_config={
            "when": st.column_config.DatetimeColumn("when (UTC)", format=DATE_FORMAT + ":ss"),
            "note": st.column_config.TextColumn("note", width="large"),
        },
    )


live_audit()
