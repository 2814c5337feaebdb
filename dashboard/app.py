"""Entry point (``streamlit run dashboard/app.py`` or ``dyadwatch dashboard``): page wiring only."""

import streamlit as st

from dashboard.auth import auth_enabled, require_sign_in, signed_in_analyst, startup_problem
from dashboard.components.status_bar import status_bar
from streams.runtime.settings import get_settings

PAGE_KEY = "page.current"
ARRIVED_KEY = "page.arrived"
# Toasts get the band above the page's first row, right of the navigation, where no control sits; the page keeps
# that band free. Static CSS, no data in it.
LAYOUT_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 7.5rem; }
[data-testid="stToastContainer"] { top: 0.4rem !important; bottom: auto !important; right: 4rem !important;
  max-height: 6.6rem; overflow: hidden; align-items: flex-end; }
[data-testid="stToast"] { width: 34rem; max-width: 34rem; }
</style>"""

st.set_page_config(page_title="dyadwatch — watch floor", page_icon="🛰️", layout="wide")
settings = get_settings()
# `dyadwatch dashboard` checks this before starting; `streamlit run dashboard/app.py` gets the same refusal here
# (Streamlit listens on every interface unless --server.address says otherwise).
listening = settings.model_copy(update={"dashboard_address": st.get_option("server.address") or "0.0.0.0"})
if problem := startup_problem(listening):
    st.error(f"Not serving the dashboard: {problem}", icon=":material/lock:")
    st.stop()
signed_in = not auth_enabled(settings) or signed_in_analyst(settings) is not None
# The page is resolved before the sign-in, so a deep link (/alerts?alert=…) still opens after signing in; the
# menu stays hidden until then.
page = st.navigation(
    [
        st.Page("app_pages/overview.py", title="Overview", icon=":material/monitoring:", default=True),
        st.Page("app_pages/dyad.py", title="Dyad", icon=":material/compare_arrows:"),
        st.Page("app_pages/alerts.py", title="Alerts", icon=":material/notifications_active:"),
        st.Page("app_pages/articles.py", title="Articles", icon=":material/article:"),
        st.Page("app_pages/audit.py", title="Audit", icon=":material/policy:"),
    ],
    position="top" if signed_in else "hidden",
)
require_sign_in(settings)
st.session_state[ARRIVED_KEY] = st.session_state.get(PAGE_KEY) != page.url_path
st.session_state[PAGE_KEY] = page.url_path
st.html(LAYOUT_CSS)
status_bar()
page.run()
