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

# Dates carry the year: history imports bring alerts and articles from past years.
DATE_FORMAT = "YYYY-MM-DD HH:mm"

ALERT_COLUMN_CONFIG = {
    "new": st.column_config.TextColumn("new", width=65, help="Raised since you last opened this page"),
    "severity": st.column_config.MultiselectColumn(
        "severity", options=SEVERITY_ORDER, color=[SEVERITY_COLOR[s] for s in SEVERITY_ORDER], width="small"
    ),
    "status": st.column_config.MultiselectColumn(
        "status", options=list(STATUS_COLOR), color=list(STATUS_COLOR.values()), width=115
    ),
    "created": st.column_config.DatetimeColumn("created (UTC)", format=DATE_FORMAT, width=135),
    "dyad": st.column_config.TextColumn("dyad", width=75),
    "window": st.column_config.DatetimeColumn(
        "window (UTC)", format=DATE_FORMAT, width=140, help="Start of the time window the alert is about (event time)"
    ),
    "rule": st.column_config.TextColumn("rule", width=130),
    "by": st.column_config.TextColumn("by", width=110),
    "when": st.column_config.TextColumn("when", width=150, help="When the status was last changed"),
    "reason": st.column_config.TextColumn("reason", width=320),
    "observed": st.column_config.TextColumn(
        "observed", width=95, help="Articles in the window (or their mean intensity, −10 … +10, for escalations)"
    ),
    "expected": st.column_config.TextColumn("expected", width=95, help="The usual value per window"),
    "note": st.column_config.TextColumn("note", width=220),
    "feed": st.column_config.TextColumn(
        "feed", width=120, help="'historical' for alerts from imported history (never toasted)"
    ),
}

# Only http(s) URLs ever reach the "link" column (data_access.articles_frame); the rest stay plain text.
ARTICLE_COLUMN_CONFIG = {
    "published": st.column_config.DatetimeColumn("published (UTC)", format=DATE_FORMAT, width=140),
    "title": st.column_config.TextColumn("title", width="large"),
    "link": st.column_config.LinkColumn("link", display_text="open ↗"),
    "explanation": st.column_config.TextColumn("explanation", width="large"),
    "intensity": st.column_config.NumberColumn("intensity", format="%+.1f", help="−10 (conflict) … +10"),
}
