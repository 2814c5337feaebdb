"""Settings come from DYADWATCH_* variables, and security options reach every Kafka client."""

from __future__ import annotations

import pytest

from streams.settings import Settings


def test_environment_overrides_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().bootstrap_servers == "127.0.0.1:9092"
    monkeypatch.setenv("DYADWATCH_BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2:9092")
    monkeypatch.setenv("DYADWATCH_TOPIC_PREFIX", "prod")
    monkeypatch.setenv("DYADWATCH_WINDOW_MINUTES", "60")
    settings = Settings()
    assert settings.bootstrap_servers == "kafka-1:9092,kafka-2:9092"
    assert settings.topic("alerts") == "prod.alerts"
    assert settings.window_minutes == 60


def test_sasl_options_are_passed_to_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DYADWATCH_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    monkeypatch.setenv("DYADWATCH_SASL_MECHANISM", "SCRAM-SHA-512")
    monkeypatch.setenv("DYADWATCH_SASL_USERNAME", "svc")
    monkeypatch.setenv("DYADWATCH_SASL_PASSWORD", "s3cret")
    opts = Settings().kafka_client_options()
    assert opts["security_protocol"] == "SASL_PLAINTEXT"
    assert opts["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (opts["sasl_plain_username"], opts["sasl_plain_password"]) == ("svc", "s3cret")
    assert "s3cret" not in repr(Settings())


def test_invalid_values_fail_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DYADWATCH_SECURITY_PROTOCOL", "TELNET")
    with pytest.raises(ValueError, match="security_protocol"):
        Settings()
