"""The time-range selector shared by Overview, Dyad and Articles (1 h, 24 h, 7 d, custom days)."""

from __future__ import annotations

from datetime import datetime, timedelta

import streamlit as st

from dashboard.data_access import ALL, CUSTOM, RANGES, get_view, time_window
from schemas.base import utc_now


def time_range_selector(key: str = "time_range", default: str = "24 h") -> tuple[str, tuple | None]:
    """Render the selector; returns the choice and the custom (first, last) days when chosen.

    'all' spans everything in the view: archive replays (GDELT files, dated pages) carry old event times.
    """
    choice = (
        st.segmented_control(
            "Time range",
            [*RANGES, ALL, CUSTOM],
            default=default,
            key=key,
            required=True,
        )
        or default
    )
    custom = None
    if choice == CUSTOM:
        today = utc_now().date()
        picked = st.date_input("Days (UTC)", value=(today - timedelta(days=2), today), key=f"{key}.custom")
        days = list(picked) if isinstance(picked, tuple | list) else [picked]
        custom = (days[0], days[-1]) if days else (today, today)
    return choice, custom


def current_window(choice: str, custom: tuple | None) -> tuple[datetime, datetime]:
    """Evaluated at each (fragment) rerun, so '1 h' always means the last hour."""
    return time_window(choice, utc_now(), custom, get_view().data_bounds() if choice == ALL else None)
