"""Settings come from DYADWATCH_* variables, and security options reach every Kafka client."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from streams.runtime.settings import Settings, describe_invalid


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


def test_oauthbearer_is_refused_at_start_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DYADWATCH_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("DYADWATCH_SASL_MECHANISM", "OAUTHBEARER")
    with pytest.raises(ValueError, match="OAUTHBEARER is not supported: dyadwatch has no OAuth token provider"):
        Settings()
    result = subprocess.run(
        [str(Path(sys.executable).parent / "dyadwatch"), "topics", "list"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2, result.stderr
    assert "DYADWATCH_SASL_MECHANISM: SASL OAUTHBEARER is not supported" in result.stderr
    assert "Traceback" not in result.stderr  # the reason, not a stack dump


def test_every_invalid_variable_is_named_in_one_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DYADWATCH_WINDOW_MINUTES", "an hour")
    monkeypatch.setenv("DYADWATCH_REPLICATION_FACTOR", "1")
    monkeypatch.setenv("DYADWATCH_MIN_INSYNC_REPLICAS", "2")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "dyadwatch"), "topics", "list"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "DYADWATCH_WINDOW_MINUTES: Input should be a valid integer" in result.stderr
    with pytest.raises(ValidationError) as refused:  # the cross-field check speaks once the fields parse
        Settings(window_minutes=60)
    assert "min_insync_replicas=2 exceeds replication_factor=1" in describe_invalid(refused.value)


def test_replication_settings_reach_topics_and_faust(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert (Settings().replication_factor, Settings().topic_configs()) == (1, {})
    monkeypatch.setenv("DYADWATCH_REPLICATION_FACTOR", "3")
    monkeypatch.setenv("DYADWATCH_MIN_INSYNC_REPLICAS", "2")
    settings = Settings(data_dir=tmp_path)
    assert settings.topic_configs() == {"min.insync.replicas": "2"}
    from schemas.topics import TOPICS
    from streams.alerting.rules import load_rules
    from streams.kafka.admin import desired_configs
    from streams.pipeline.app import create_app

    assert desired_configs(TOPICS["alerts"], settings)["min.insync.replicas"] == "2"
    app = create_app(settings, load_rules(settings.rules_file), classifier=object())  # type: ignore[arg-type]
    assert app.conf.topic_replication_factor == 3  # Faust's changelog and repartition topics
    monkeypatch.setenv("DYADWATCH_MIN_INSYNC_REPLICAS", "4")
    with pytest.raises(ValueError, match="min_insync_replicas=4 exceeds replication_factor=3"):
        Settings()


def test_sasl_credentials_reach_the_faust_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import faust

    from streams.alerting.rules import load_rules
    from streams.pipeline.app import create_app

    monkeypatch.setenv("DYADWATCH_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    monkeypatch.setenv("DYADWATCH_SASL_MECHANISM", "SCRAM-SHA-512")
    monkeypatch.setenv("DYADWATCH_SASL_USERNAME", "worker")
    monkeypatch.setenv("DYADWATCH_SASL_PASSWORD", "s3cret")
    settings = Settings(data_dir=tmp_path)
    app = create_app(settings, load_rules(settings.rules_file), classifier=object())  # type: ignore[arg-type]
    credentials = app.conf.broker_credentials
    assert isinstance(credentials, faust.SASLCredentials)
    assert (credentials.username, credentials.password, credentials.mechanism.value) == (
        "worker",
        "s3cret",
        "SCRAM-SHA-512",
    )
    assert credentials.protocol.value == "SASL_PLAINTEXT"
