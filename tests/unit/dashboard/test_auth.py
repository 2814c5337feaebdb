from pydantic import SecretStr
from streamlit.testing.v1 import AppTest


def _gated_script() -> None:
    import streamlit as st
    from pydantic import SecretStr

    from dashboard.auth import require_password

    require_password(SecretStr("s3cret"))
    st.write("inside the dashboard")


def _open_script() -> None:
    import streamlit as st

    from dashboard.auth import require_password

    require_password(None)
    st.write("inside the dashboard")


def _texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def test_no_password_configured_means_no_gate():
    at = AppTest.from_function(_open_script)
    at.run()
    assert "inside the dashboard" in _texts(at)


def test_wrong_password_stays_outside_right_one_gets_in():
    at = AppTest.from_function(_gated_script)
    at.run()
    assert "inside the dashboard" not in _texts(at)
    at.text_input[0].input("guess")
    at.button[0].click().run()
    assert at.error and "Wrong password" in at.error[0].value
    assert "inside the dashboard" not in _texts(at)
    at.text_input[0].input("s3cret")
    at.button[0].click().run()
    assert "inside the dashboard" in _texts(at)
    assert SecretStr("s3cret").get_secret_value() not in " ".join(_texts(at))


def _oidc_script() -> None:
    import streamlit as st

    from dashboard.auth import require_oidc_login

    require_oidc_login()
    st.write("inside the dashboard")


def test_oidc_gate_shows_only_a_sign_in_button_until_logged_in():
    at = AppTest.from_function(_oidc_script)
    at.run()
    assert "inside the dashboard" not in _texts(at)
    assert [b.label for b in at.button] == ["Sign in"]
