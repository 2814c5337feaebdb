"""Optional access control: a shared password (``DYADWATCH_DASHBOARD_PASSWORD``) or an OpenID Connect login
through Streamlit's ``st.login`` (``DYADWATCH_DASHBOARD_OIDC=true``; provider in ``.streamlit/secrets.toml``,
see docs/dashboard.md)."""

from __future__ import annotations

import hmac
import time

import streamlit as st
from pydantic import SecretStr

SESSION_KEY = "auth.ok"
WRONG_PASSWORD_DELAY_SECONDS = 1.0


def require_password(password: SecretStr | None) -> None:
    """Stop the script with a sign-in form unless no password is configured or this session already passed."""
    if password is None or st.session_state.get(SESSION_KEY):
        return
    st.title("dyadwatch")
    with st.form("auth.login"):
        given = st.text_input("Dashboard password", type="password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        if hmac.compare_digest(given.encode(), password.get_secret_value().encode()):
            st.session_state[SESSION_KEY] = True
            st.rerun()
        time.sleep(WRONG_PASSWORD_DELAY_SECONDS)  # slows guessing down
        st.error("Wrong password.")
    st.stop()


def require_oidc_login() -> None:
    """Stop the script with a sign-in button unless the identity provider has logged this browser in."""
    if st.user.get("is_logged_in", False):
        return
    st.title("dyadwatch")
    st.caption("Sign in with your organisation's account to open the watch floor.")
    st.button("Sign in", type="primary", on_click=st.login)
    st.stop()
