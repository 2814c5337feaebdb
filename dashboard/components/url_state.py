"""View state kept in the URL (``st.query_params``), so a link opens the same view and the browser's Back returns
to the previous one.

Before its widget is drawn, a value the URL brings from outside (a link, Back) wins over the session's; after it,
the widget's value goes to the URL. Each write that changes the URL is a new browser-history entry, so only what
changed is written, and parameters that change together (a range and its days) in one write. Widgets are not
bound with Streamlit's ``bind="query-params"``: a bound parameter belongs to its page, and a link to another page
drops it and writes it back, adding stray history entries.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping
from typing import Any

import streamlit as st

DYAD_PARAM = "dyad"  # ?dyad=PRK-RUS: the pair the Dyad page opens (the Overview links to it with one)


def one_of(valid: Container[str]) -> Callable[[list[str]], str | None]:
    """A parser for a one-value parameter: its (last) value if valid, else None (the URL is user input)."""
    return lambda values: values[-1] if values and values[-1] in valid else None


def adopt_from_url(param: str, key: str, parse: Callable[[list[str]], Any], default: Any) -> None:
    """Call before drawing the widget ``key``: take the URL's value if it is new and ``parse`` accepts it."""
    asked = parse(st.query_params.get_all(param))
    fresh = asked != st.session_state.get(_shown(key)) or key not in st.session_state
    if asked is not None and fresh:
        st.session_state[key] = asked
    st.session_state.setdefault(key, default)


def publish_to_url(params: Mapping[str, list[str]], shown: Mapping[str, Any]) -> None:
    """Call after drawing the widgets: ``params`` (an empty list removes one) go to the URL in one write, only if
    one differs; ``shown`` records each widget key's value as published.

    Every write sends the browser the whole query, and the browser adds a history entry when it differs from the
    address bar. On the first run after a link to another page the address bar may still show the old page (the
    browser updates it after drawing), so rewriting an unchanged value would add a stray entry: Back would land on
    the old page's path with the new page's query.
    """
    if any(st.query_params.get_all(param) != values for param, values in params.items()):
        merged = {param: st.query_params.get_all(param) for param in st.query_params}
        merged.update(params)
        st.query_params.from_dict({param: values for param, values in merged.items() if values})
    for key, value in shown.items():
        st.session_state[_shown(key)] = value


def _shown(key: str) -> str:
    return f"{key}.in_url"
