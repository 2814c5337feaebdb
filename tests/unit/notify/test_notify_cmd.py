"""`dyadwatch notify --check`: flags become destinations; mistakes are refused with the reason, before any Kafka."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from streams.cli.main import app


def _notify(*args: str):
    return CliRunner().invoke(app, ["notify", "--check", *args])


def test_flags_list_their_destinations_without_the_url_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOOK_KEY", "k")
    monkeypatch.setenv("MAIL_PW", "pw")
    result = _notify(
        "--webhook", "https://hooks.example.org/services/T0/B0/token123", "--webhook-format", "slack",
        "--webhook-secret-env", "HOOK_KEY", "--webhook", "http://127.0.0.1:9/b",
        "--smtp", "127.0.0.1:2525", "--to", "a@example.org", "--to", "b@example.org",
        "--smtp-user", "desk", "--smtp-password-env", "MAIL_PW", "--from", "dw@example.org",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split(":", 1)[1].strip() for line in lines[:3]] == [
        "slack webhook https://hooks.example.org/…, signed",
        "slack webhook http://127.0.0.1:9/…, signed",
        "mail to a@example.org, b@example.org via 127.0.0.1:2525 (STARTTLS)",
    ]
    assert "token123" not in result.output
    assert lines[3] == "1 route(s); consumer group dyadwatch.notify"


def test_routes_file_from_the_flag(tmp_path: Path) -> None:
    path = tmp_path / "routes.yaml"
    path.write_text(
        "destinations: {hook: {type: webhook, url: 'http://127.0.0.1:9/x', format: teams}}\nroutes: [{to: [hook]}]\n"
    )
    result = _notify("--routes", str(path))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "destination hook: teams webhook http://127.0.0.1:9/…"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "nowhere to send alerts"),
        (("--webhook", "ftp://127.0.0.1/x"), "http:// or https://"),
        (("--smtp", "127.0.0.1:2525"), "--smtp needs at least one --to"),
        (("--smtp", "127.0.0.1", "--to", "a@example.org"), "HOST:PORT"),
        (("--webhook", "http://127.0.0.1:9/x", "--webhook-secret-env", "NOT_SET_ANYWHERE"), "NOT_SET_ANYWHERE"),
    ],
)
def test_mistakes_are_refused(args: tuple[str, ...], message: str) -> None:
    result = _notify(*args)
    assert result.exit_code == 2
    assert message in result.output
