"""The time-range selector shared by Overview, Dyad and Articles (1 h, 24 h, 7 d, all, custom days).

The range is in the URL (``?range=7d``; custom days as ``&days=2026-11-30&days=2026-12-02``), so a link opens the
same range for a colleague and Back returns to the previous one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import streamlit as st

from dashboard.components.url_state import adopt_from_url, publish_to_url
from dashboard.data_access import ALL, CUSTOM, RANGES, get_view, time_window
from schemas.base import utc_now

RANGE_PARAM = "range"
DAYS_PARAM = "days"
RANGE_CHOICES = [*RANGES, ALL, CUSTOM]


def time_range_selector(key: str, default: str = "24h") -> tuple[str, tuple | None]:
    """Render the selector; returns the choice and the custom (first, last) days when chosen.

    'all' spans everything in the view: archive replays (GDELT files, dated pages) carry old event times.
    """
    adopt_from_url(RANGE_PARAM, key, RANGE_CHOICES, default)
    choice = st.segmented_control("Time range", RANGE_CHOICES, key=key, required=True) or default
    publish_to_url(RANGE_PARAM, key, choice)
    custom = None
    if choice == CUSTOM:
        today = utc_now().date()
        picked = st.date_input(
            "Days (UTC)", value=(today - timedelta(days=2), today), key=DAYS_PARAM, bind="query-params"
        )
        days = list(picked) if isinstance(picked, tuple | list) else [picked]
        custom = (days[0], days[-1]) if days else (today, today)
    return choice, custom


def current_window(choice: str, custom: tuple | None) -> tuple[datetime, datetime]:
    """Evaluated at each (fragment) rerun, so '1 h' always means the last hour."""
    return time_window(choice, utc_now(), custom, get_view().data_bounds() if choice == ALL else None)
