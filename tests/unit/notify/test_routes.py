"""The routing model: which destinations an alert goes to, and clear errors for a bad routes file."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas.alert import Severity
from streams.notify.routes import RoutesError, load_routes_file, routes_for
from streams.runtime.settings import Settings
from tests.unit.notify.alerts import make_alert

ROUTES_YAML = """
destinations:
  desk-slack: {type: webhook, url: "http://127.0.0.1:9/slack", format: slack, secret_env: TEST_NOTIFY_SECRET}
  korea-team: {type: webhook, url: "http://127.0.0.1:9/korea"}
  duty-mail:
    type: email
    smtp: 127.0.0.1:2525
    from: dyadwatch@example.org
    to: [duty@example.org]
routes:
  - to: [desk-slack]
    min_severity: high
  - to: [korea-team, desk-slack]
    countries: [PRK, KOR]
  - to: [duty-mail]
    rules: ["spike", "escalation"]
    dyads: ["CHN-*"]
"""


@pytest.fixture
def routes_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TEST_NOTIFY_SECRET", "k3y")
    path = tmp_path / "routes.yaml"
    path.write_text(ROUTES_YAML)
    return path


def test_routes_pick_destinations_by_severity_country_rule_and_dyad(routes_file: Path) -> None:
    routes = load_routes_file(routes_file)
    assert list(routes.destinations_for(make_alert("watch:PRK-RUS", "PRK-RUS", Severity.HIGH))) == [
        "desk-slack",
        "korea-team",
    ]
    assert list(routes.destinations_for(make_alert("first-seen", "KOR-PRK", Severity.LOW))) == [
        "korea-team",
        "desk-slack",
    ]
    assert list(routes.destinations_for(make_alert("spike", "CHN-USA", Severity.MEDIUM))) == ["duty-mail"]
    assert list(routes.destinations_for(make_alert("spike", "RUS-USA", Severity.MEDIUM))) == []
    assert list(routes.destinations_for(make_alert("first-seen", "CHN-USA", Severity.LOW))) == []
    assert routes.destinations["desk-slack"].secret.get_secret_value() == "k3y"


def test_a_missing_secret_variable_stops_the_load(routes_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEST_NOTIFY_SECRET")
    with pytest.raises(RoutesError, match="TEST_NOTIFY_SECRET"):
        load_routes_file(routes_file)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("destinations: {}\nroutes: [{to: [nobody]}]\n", "unknown destinations: nobody"),
        ("destinations: {a: {type: webhook, url: 'file:///etc/passwd'}}\nroutes: [{to: [a]}]\n", "http"),
        ("destinations: {a: {type: email, smtp: 'host', to: [x@y.z]}}\nroutes: [{to: [a]}]\n", "HOST:PORT"),
        (
            "destinations: {a: {type: webhook, url: 'http://h/x'}}\nroutes: [{to: [a], min_severity: urgent}]\n",
            "severity",
        ),
        ("destinations: {a: {type: pager, url: 'http://h/x'}}\nroutes: [{to: [a]}]\n", "pager"),
        ("destinations: {a: {type: webhook, url: 'http://h/x', colour: red}}\nroutes: [{to: [a]}]\n", "colour"),
        ("routes: [\n", "yaml"),
    ],
)
def test_bad_routes_files_say_what_is_wrong(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "routes.yaml"
    path.write_text(text)
    with pytest.raises(RoutesError, match=f"(?i){problem}") as info:
        load_routes_file(path)
    assert str(path) in str(info.value)


def test_flags_route_every_alert_and_join_the_file(routes_file: Path) -> None:
    settings = Settings(
        notify_webhooks=["http://127.0.0.1:9/a", "http://127.0.0.1:9/b"],
        notify_smtp="127.0.0.1:2525",
        notify_to=["a@example.org"],
    )
    routes = routes_for(settings)
    assert routes is not None
    names = list(routes.destinations_for(make_alert("first-seen", "FRA-USA", Severity.LOW)))
    assert len(names) == 3 and names[0].startswith("webhook-") and names[2].startswith("email-")
    assert names == list(routes_for(settings).destinations), "names are stable: the delivery log keys on them"
    both = routes_for(settings.model_copy(update={"notify_routes_file": routes_file}))
    assert set(both.destinations) == {"desk-slack", "korea-team", "duty-mail", *names}


def test_nothing_configured_means_no_notifier() -> None:
    settings = Settings()
    assert not settings.notify_configured
    assert routes_for(settings) is None
    with pytest.raises(RoutesError, match="--smtp"):
        routes_for(Settings(notify_to=["a@example.org"]))


def test_settings_lists_come_comma_separated_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DYADWATCH_NOTIFY_WEBHOOKS", "http://127.0.0.1:9/a, http://127.0.0.1:9/b")
    monkeypatch.setenv("DYADWATCH_NOTIFY_TO", "a@example.org,b@example.org")
    settings = Settings()
    assert settings.notify_webhooks == ["http://127.0.0.1:9/a", "http://127.0.0.1:9/b"]
    assert settings.notify_to == ["a@example.org", "b@example.org"]
    assert settings.notify_configured
