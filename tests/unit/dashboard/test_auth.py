"""Sign-in: the start-up checks, the password file (argon2), the gates, and the identity acks carry."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from dashboard import auth
from dashboard.auth import (
    oidc_identity,
    oidc_problem,
    password_entry,
    read_password_file,
    signed_in_analyst,
    startup_problem,
    verify_password,
)
from streams.cli.main import app as cli
from streams.runtime.settings import Settings, get_settings

from .conftest import PAGES


def _password_file(tmp_path: Path) -> Path:
    path = tmp_path / "analysts.txt"
    path.write_text("# dyadwatch analysts\n" + password_entry("ana", "correct horse") + "\n")
    return path


def test_hash_password_cli_makes_an_entry_that_verifies(tmp_path: Path):
    target = tmp_path / "team" / "passwords"
    result = CliRunner().invoke(
        cli, ["dashboard", "hash-password", "bo", "--file", str(target), "--stdin"], input="pw1\n"
    )
    assert result.exit_code == 0, result.output
    users = read_password_file(target)
    assert list(users) == ["bo"] and users["bo"].startswith("$argon2id$") and "pw1" not in target.read_text()
    assert verify_password(users, "bo", "pw1") and not verify_password(users, "bo", "pw2")
    assert not verify_password(users, "nobody", "pw1")
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    bad = CliRunner().invoke(cli, ["dashboard", "hash-password", "a:b", "--stdin"], input="pw\n")
    assert bad.exit_code == 2 and "no ':'" in bad.output


def test_a_malformed_password_file_is_refused_with_its_line(tmp_path: Path):
    path = tmp_path / "p"
    path.write_text("ana:plaintext\n")
    problem = startup_problem(Settings(dashboard_password_file=path))
    assert problem and f"{path}:1" in problem
    assert "cannot be read" in startup_problem(Settings(dashboard_password_file=tmp_path / "missing"))
    path.write_text("# only a comment\n")
    assert "no entries" in startup_problem(Settings(dashboard_password_file=path))


def test_beyond_loopback_a_sign_in_method_is_required_unless_opted_out(tmp_path: Path):
    assert startup_problem(Settings()) is None  # 127.0.0.1
    assert startup_problem(Settings(dashboard_address="::1")) is None
    problem = startup_problem(Settings(dashboard_address="0.0.0.0"))
    assert problem and "beyond loopback" in problem and "DYADWATCH_DASHBOARD_ALLOW_ANONYMOUS" in problem
    assert startup_problem(Settings(dashboard_address="0.0.0.0", dashboard_allow_anonymous=True)) is None
    wired = Settings(dashboard_address="0.0.0.0", dashboard_password_file=_password_file(tmp_path))
    assert startup_problem(wired) is None


def test_dashboard_command_refuses_to_start_open_to_the_network():
    result = CliRunner().invoke(cli, ["dashboard", "--address", "0.0.0.0", "--port", "1"])
    assert result.exit_code == 2 and "not starting the dashboard" in result.output


def test_oidc_configuration_path(tmp_path: Path):
    secrets = tmp_path / ".streamlit" / "secrets.toml"
    assert "needs an [auth] section" in oidc_problem([secrets])
    secrets.parent.mkdir()
    secrets.write_text('[auth]\nredirect_uri = "http://127.0.0.1:8501/oauth2callback"\ncookie_secret = "x"\n')
    assert "lacks client_id, client_secret, server_metadata_url" in oidc_problem([secrets])
    secrets.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:8501/oauth2callback"\ncookie_secret = "a long random string"\n'
        'client_id = "dyadwatch"\nclient_secret = "s"\n'
        'server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"\n'
    )
    assert oidc_problem([secrets]) is None
    assert startup_problem(Settings(dashboard_oidc=True, dashboard_address="0.0.0.0"), [secrets]) is None
    both = Settings(dashboard_oidc=True, dashboard_password_file=_password_file(tmp_path))
    assert "not both" in startup_problem(both, [secrets])


def test_oidc_identity_is_the_email_else_name_else_subject():
    assert oidc_identity({"is_logged_in": False, "email": "x@example.org"}) is None
    assert oidc_identity({"is_logged_in": True, "email": "ana@example.org", "name": "Ana"}) == "ana@example.org"
    assert oidc_identity({"is_logged_in": True, "name": "Ana"}) == "Ana"
    assert oidc_identity({"is_logged_in": True, "sub": "1234"}) == "1234"


def _gated_script() -> None:
    import streamlit as st

    from dashboard.auth import require_sign_in
    from streams.runtime.settings import get_settings

    require_sign_in(get_settings())
    st.write("inside the dashboard")


def _texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def test_no_sign_in_configured_means_no_gate(dashboard_env):
    at = AppTest.from_function(_gated_script)
    at.run()
    assert "inside the dashboard" in _texts(at)


def test_password_file_gate_wrong_then_right(dashboard_env, tmp_path: Path):
    dashboard_env.setenv("DYADWATCH_DASHBOARD_PASSWORD_FILE", str(_password_file(tmp_path)))
    at = AppTest.from_function(_gated_script)
    at.run()
    assert "inside the dashboard" not in _texts(at)
    at.text_input[0].input("ana")
    at.text_input[1].input("guess")
    at.button[0].click().run()
    assert at.error and "Wrong name or password" in at.error[0].value
    assert "inside the dashboard" not in _texts(at)
    at.text_input[0].input("ana")
    at.text_input[1].input("correct horse")
    at.button[0].click().run()
    assert "inside the dashboard" in _texts(at)
    assert at.session_state[auth.USER_KEY] == "ana"


def test_oidc_gate_shows_only_a_sign_in_button_until_logged_in(dashboard_env):
    dashboard_env.setenv("DYADWATCH_DASHBOARD_OIDC", "true")
    at = AppTest.from_function(_gated_script)
    at.run()
    assert "inside the dashboard" not in _texts(at)
    assert [b.label for b in at.button] == ["Sign in"]


@pytest.fixture
def oidc_logged_in(dashboard_env, monkeypatch: pytest.MonkeyPatch):
    """st.user stubbed as after a login (a real round-trip needs an identity provider)."""
    dashboard_env.setenv("DYADWATCH_DASHBOARD_OIDC", "true")
    user = {"is_logged_in": True, "email": "ana@example.org", "name": "Ana Lyst"}
    monkeypatch.setattr(auth, "current_oidc_user", lambda: user)
    return user


def test_with_oidc_the_alerts_page_uses_the_login_identity_not_a_typed_name(oidc_logged_in, wired):
    assert signed_in_analyst(Settings(dashboard_oidc=True)) == "ana@example.org"
    at = AppTest.from_file(str(PAGES / "alerts.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert not [t for t in at.text_input if t.label == "Your name"]
    assert any("Signed in as ana@example\\.org" in c.value for c in at.caption)


def test_streamlit_run_on_every_interface_refuses_to_serve_without_sign_in(dashboard_env, wired):
    """`streamlit run dashboard/app.py` bypasses the CLI's check; the app makes it itself (Streamlit's default
    address is every interface)."""
    app = str(PAGES.parent / "app.py")
    at = AppTest.from_file(app, default_timeout=60)
    at.run()
    assert at.error and "Not serving the dashboard" in at.error[0].value and not at.title
    dashboard_env.setenv("DYADWATCH_DASHBOARD_ALLOW_ANONYMOUS", "true")
    get_settings.cache_clear()
    at = AppTest.from_file(app, default_timeout=60)
    at.run()
    assert not at.exception and not at.error and at.title[0].value == "Watch floor"
