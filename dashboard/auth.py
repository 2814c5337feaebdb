"""Who is at the screen: sign-in and the analyst identity that acknowledgements carry.

Two methods (docs/dashboard.md): an OpenID Connect login through Streamlit's ``st.login``
(``DYADWATCH_DASHBOARD_OIDC=true``, provider in ``.streamlit/secrets.toml``) for organisations, and a file of
analysts' names with argon2 password hashes (``DYADWATCH_DASHBOARD_PASSWORD_FILE``, entries made by
``dyadwatch dashboard hash-password``) for small teams. With either, an acknowledgement carries the signed-in
identity, never a typed name. A dashboard that listens beyond loopback refuses to start without one, unless
``DYADWATCH_DASHBOARD_ALLOW_ANONYMOUS=true`` says so explicitly.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import time
import tomllib
from collections.abc import Mapping
from pathlib import Path

import streamlit as st
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from streams.runtime.settings import Settings

USER_KEY = "auth.user"
WRONG_PASSWORD_DELAY_SECONDS = 1.0
MAX_NAME_CHARS = 100
OIDC_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
_HASHER = PasswordHasher()
# Verified when the name is unknown, so an unknown name costs the same time as a wrong password.
_DUMMY_HASH = _HASHER.hash("dyadwatch: no such analyst")


class PasswordFileError(ValueError):
    """The password file is missing, unreadable or has a malformed line."""


# ---- configuration checks (run by `dyadwatch dashboard` before Streamlit starts) -------------------------------


def is_loopback(address: str) -> bool:
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def secrets_files(cwd: Path | None = None) -> list[Path]:
    """Where Streamlit reads secrets from: the start folder's .streamlit/secrets.toml, then the user's."""
    return [(cwd or Path.cwd()) / ".streamlit" / "secrets.toml", Path.home() / ".streamlit" / "secrets.toml"]


def oidc_problem(files: list[Path]) -> str | None:
    """Why ``st.login`` cannot work with these secrets files (None: it can)."""
    if importlib.util.find_spec("authlib") is None:
        return "OIDC login needs Authlib (pip install Authlib)."
    for path in files:
        if path.is_file():
            try:
                section = tomllib.loads(path.read_text(encoding="utf-8")).get("auth")
            except (OSError, tomllib.TOMLDecodeError) as exc:
                return f"{path} cannot be read: {exc}"
            if isinstance(section, dict):
                missing = [k for k in OIDC_KEYS if not section.get(k)]
                return f"[auth] in {path} lacks {', '.join(missing)}." if missing else None
    return f"OIDC login needs an [auth] section with {', '.join(OIDC_KEYS)} in {' or '.join(map(str, files))}."


def startup_problem(settings: Settings, files: list[Path] | None = None) -> str | None:
    """Why the dashboard must not start with these settings (None: it may)."""
    if settings.dashboard_oidc and settings.dashboard_password_file:
        return "Choose one sign-in method: DYADWATCH_DASHBOARD_OIDC or DYADWATCH_DASHBOARD_PASSWORD_FILE, not both."
    if settings.dashboard_oidc:
        return oidc_problem(files or secrets_files())
    if settings.dashboard_password_file:
        try:
            read_password_file(settings.dashboard_password_file)
        except PasswordFileError as exc:
            return str(exc)
        return None
    if not is_loopback(settings.dashboard_address) and not settings.dashboard_allow_anonymous:
        return (
            f"The dashboard would listen on {settings.dashboard_address}, beyond loopback, with no sign-in: anyone "
            "who reaches it could acknowledge alerts under any name. Configure DYADWATCH_DASHBOARD_OIDC=true (with "
            "[auth] in .streamlit/secrets.toml) or DYADWATCH_DASHBOARD_PASSWORD_FILE (entries from `dyadwatch "
            "dashboard hash-password`), or set DYADWATCH_DASHBOARD_ALLOW_ANONYMOUS=true if a proxy in front signs "
            "people in."
        )
    return None


def auth_enabled(settings: Settings) -> bool:
    return settings.dashboard_oidc or settings.dashboard_password_file is not None


# ---- the password file ----------------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def password_entry(name: str, password: str) -> str:
    """One line of the password file: ``name:argon2-hash``."""
    name = name.strip()
    if not name or ":" in name or len(name) > MAX_NAME_CHARS or not name.isprintable():
        raise ValueError(f"a name has 1–{MAX_NAME_CHARS} printable characters and no ':'")
    if not password:
        raise ValueError("the password is empty")
    return f"{name}:{hash_password(password)}"


def read_password_file(path: Path) -> dict[str, str]:
    """Name → argon2 hash; blank lines and ``#`` comments are skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise PasswordFileError(f"password file {path} cannot be read: {exc.strerror or exc}") from None
    users: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, sep, hashed = line.strip().partition(":")
        if not sep or not name or not hashed.startswith("$argon2"):
            raise PasswordFileError(
                f"{path}:{number}: expected `name:$argon2…` (from `dyadwatch dashboard hash-password`)"
            )
        users[name] = hashed
    if not users:
        raise PasswordFileError(
            f"password file {path} has no entries (add some with `dyadwatch dashboard hash-password`)"
        )
    return users


def verify_password(users: Mapping[str, str], name: str, password: str) -> bool:
    """argon2 verification (constant-time comparison inside); unknown names cost as much as known ones."""
    hashed = users.get(name)
    try:
        return _HASHER.verify(hashed or _DUMMY_HASH, password) and hashed is not None
    except (VerificationError, InvalidHashError):
        return False


# ---- gates and identity (page code) ---------------------------------------------------------------------------


def current_oidc_user() -> Mapping[str, object]:
    """Streamlit's ``st.user`` (a seam for tests: a real login needs an identity provider)."""
    return st.user


def oidc_identity(user: Mapping[str, object]) -> str | None:
    """The identity an OIDC login gives: its e-mail, else its name, else its subject."""
    if not user.get("is_logged_in", False):
        return None
    for claim in ("email", "name", "sub"):
        value = user.get(claim)
        if isinstance(value, str) and value.strip():
            return value.strip()[:MAX_NAME_CHARS]
    return None


def signed_in_analyst(settings: Settings) -> str | None:
    """Who is signed in (None when sign-in is off, or nobody is)."""
    if settings.dashboard_oidc:
        return oidc_identity(current_oidc_user())
    if settings.dashboard_password_file:
        return st.session_state.get(USER_KEY)
    return None


def require_sign_in(settings: Settings) -> None:
    """Stop the script with a sign-in screen unless sign-in is off or this browser session has signed in."""
    if settings.dashboard_oidc:
        _require_oidc_login()
    elif settings.dashboard_password_file:
        _require_password(settings.dashboard_password_file)


def _require_password(path: Path) -> None:
    if st.session_state.get(USER_KEY):
        return
    _, middle, _ = st.columns([1, 1.2, 1])
    with middle:
        st.title("dyadwatch")
        st.caption("Sign in with your name and password: your acknowledgements will carry that name.")
        with st.form("auth.login"):
            name = st.text_input("Name", max_chars=MAX_NAME_CHARS)
            given = st.text_input("Password", type="password")
            submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        try:
            ok = verify_password(read_password_file(path), name.strip(), given)
        except PasswordFileError as exc:
            middle.error(f"Sign-in is misconfigured: {exc}")
            st.stop()
        if ok:
            st.session_state[USER_KEY] = name.strip()
            st.rerun()
        time.sleep(WRONG_PASSWORD_DELAY_SECONDS)  # slows guessing down
        middle.error("Wrong name or password.")
    st.stop()


def _require_oidc_login() -> None:
    if oidc_identity(current_oidc_user()):
        return
    st.title("dyadwatch")
    st.caption("Sign in with your organisation's account to open the watch floor.")
    st.button("Sign in", type="primary", on_click=st.login)
    st.stop()
