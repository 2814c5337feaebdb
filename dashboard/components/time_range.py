"""The time-range selector shared by Overview, Dyad and Articles (1 h, 24 h, 7 d, all, custom days).

The range is in the URL (``?range=7d``; custom days as ``&days=2026-11-30&days=2026-12-02``), so a link opens the
same range for a colleague and Back returns to the previous one.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import streamlit as st

from dashboard.components.url_state import adopt_from_url, one_of, publish_to_url
from dashboard.data_access import ALL, CUSTOM, RANGES, get_view, time_window
from schemas.base import utc_now

RANGE_PARAM = "range"
DAYS_PARAM = "days"
RANGE_CHOICES = [*RANGES, ALL, CUSTOM]


def time_range_selector(key: str, default: str = "24h") -> tuple[str, tuple[date, date] | None]:
    """Render the selector; returns the choice and the custom (first, last) days when chosen.

    'all' spans everything in the view: archive replays (GDELT files, dated pages) carry old event times.
    """
    adopt_from_url(RANGE_PARAM, key, one_of(RANGE_CHOICES), default)
    choice = st.segmented_control("Time range", RANGE_CHOICES, key=key, required=True) or default
    days_key = f"{key}.days"
    custom = None
    if choice == CUSTOM:
        today = utc_now().date()
        last_days = (today - timedelta(days=2), today)
        adopt_from_url(DAYS_PARAM, days_key, parse_days, last_days)
        picked = st.date_input("Days (UTC)", value=last_days, key=days_key)
        days = list(picked) if isinstance(picked, tuple | list) else [picked]
        custom = (days[0], days[-1]) if days else (today, today)
    days_text = range_query(choice, custom).get(DAYS_PARAM, [])
    publish_to_url({RANGE_PARAM: [choice], DAYS_PARAM: list(days_text)}, {key: choice, days_key: custom})
    return choice, custom


def parse_days(values: list[str]) -> tuple[date, date] | None:
    """``?days=2026-11-30&days=2026-12-02`` (or one day) as (first, last); None unless one or two ISO dates."""
    try:
        days = sorted(date.fromisoformat(v) for v in values)
    except ValueError:
        return None
    return (days[0], days[-1]) if 1 <= len(days) <= 2 else None


def range_query(choice: str, custom: tuple[date, date] | None) -> dict[str, str | list[str]]:
    """The URL parameters that open this range on another page (a link's ``query_params``)."""
    return {RANGE_PARAM: choice, DAYS_PARAM: [day.isoformat() for day in custom]} if custom else {RANGE_PARAM: choice}


def current_window(choice: str, custom: tuple | None) -> tuple[datetime, datetime]:
    """Evaluated at each (fragment) rerun, so '1 h' always means the last hour."""
    return time_window(choice, utc_now(), custom, get_view().data_bounds() if choice == ALL else None)
