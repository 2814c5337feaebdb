"""Dataframe column settings shared by the pages: coloured severity and status pills, article columns."""

from __future__ import annotations

import streamlit as st

from dashboard.data_access import SEVERITY_COLOR
from dashboard.live_view import SEVERITY_ORDER
from schemas import AckStatus

STATUS_COLOR = {
    AckStatus.OPEN.value: "#d7263d",
    AckStatus.ACKNOWLEDGED.value: "#f2c14e",
    AckStatus.RESOLVED.value: "#3bb273",
}

ALERT_COLUMN_CONFIG = {
    "severity": st.column_config.MultiselectColumn(
        "severity", options=SEVERITY_ORDER, color=[SEVERITY_COLOR[s] for s in SEVERITY_ORDER], width="small"
    ),
    "status": st.column_config.MultiselectColumn(
        "status", options=list(STATUS_COLOR), color=list(STATUS_COLOR.values()), width=120
    ),
    "created": st.column_config.DatetimeColumn("created", format="DD MMM HH:mm:ss", width=130),
    "window": st.column_config.DatetimeColumn(
        "window", format="DD MMM HH:mm", width=110, help="Start of the time window the alert is about (event time)"
    ),
    "rule": st.column_config.TextColumn("rule", width=150),
    "when": st.column_config.DatetimeColumn("when", format="DD MMM HH:mm"),
    "reason": st.column_config.TextColumn("reason", width="large"),
    "observed": st.column_config.NumberColumn("observed", help="Count (or mean intensity, for escalations)"),
    "expected": st.column_config.NumberColumn("expected", format="%.2f"),
}

# Only http(s) URLs ever reach the "link" column (data_access.articles_frame); the rest stay plain text.
ARTICLE_COLUMN_CONFIG = {
    "published": st.column_config.DatetimeColumn("published", format="DD MMM HH:mm"),
    "title": st.column_config.TextColumn("title", width="large"),
    "link": st.column_config.LinkColumn("link", display_text="open ↗"),
    "explanation": st.column_config.TextColumn("explanation", width="large"),
    "intensity": st.column_config.NumberColumn("intensity", format="%+.1f"),
}
