"""View state kept in the URL (``st.query_params``), so a link opens the same view and the browser's Back returns
to the previous one.

Each write of a changed value is a new browser-history entry. Before its widget is drawn, a value the URL brings
from outside (a link, Back, a drill-down) wins over the session's; after it, the widget's value goes to the URL.
"""

from __future__ import annotations

from collections.abc import Container

import streamlit as st


def adopt_from_url(param: str, key: str, valid: Container[str], default: str) -> None:
    """Call before drawing the widget ``key``: take the URL's value if it is new and valid (the URL is user input)."""
    asked = st.query_params.get(param)
    fresh = asked != st.session_state.get(_shown(key)) or key not in st.session_state
    if asked is not None and asked in valid and fresh:
        st.session_state[key] = asked
    st.session_state.setdefault(key, default)


def publish_to_url(param: str, key: str, value: str) -> None:
    """Call after drawing the widget: its value goes to the URL (no new history entry when it is already there)."""
    st.query_params[param] = value
    st.session_state[_shown(key)] = value


def _shown(key: str) -> str:
    return f"{key}.in_url"
