"""Entry point (``streamlit run dashboard/app.py`` or ``dyadwatch dashboard``): page wiring only."""

import streamlit as st

from dashboard.auth import require_oidc_login, require_password
from dashboard.components.status_bar import status_bar
from streams.runtime.settings import get_settings

st.set_page_config(page_title="dyadwatch — watch floor", page_icon="🛰️", layout="wide")
settings = get_settings()
if settings.dashboard_oidc:
    require_oidc_login()
require_password(settings.dashboard_password)

page = st.navigation(
    [
        st.Page("app_pages/overview.py", title="Overview", icon=":material/monitoring:", default=True),
        st.Page("app_pages/dyad.py", title="Dyad", icon=":material/compare_arrows:"),
        st.Page("app_pages/alerts.py", title="Alerts", icon=":material/notifications_active:"),
        st.Page("app_pages/articles.py", title="Articles", icon=":material/article:"),
    ],
    position="top",
)
status_bar()
page.run()
