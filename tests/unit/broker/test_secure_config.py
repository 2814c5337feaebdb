"""The secure broker's configuration and credentials file, without starting a broker."""

from __future__ import annotations

import stat
from pathlib import Path

from streams.kafka.broker.acls import ROLES
from streams.kafka.broker.credentials import BrokerCredentials
from streams.kafka.broker.embedded import _argfile_quote, secure_listener_config


def test_listeners_stay_on_loopback_and_nothing_is_allowed_without_an_acl() -> None:
    credentials = BrokerCredentials.generate(list(ROLES))
    config = secure_listener_config(9092, 9093, credentials)
    assert config["listeners"] == "SASL_PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093"
    assert config["authorizer.class.name"] == "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
    assert config["allow.everyone.if.no.acl.found"] == "false"
    assert config["super.users"] == "User:admin"
    assert config["sasl.enabled.mechanisms"] == "SCRAM-SHA-512"
    assert "PLAINTEXT:PLAINTEXT" not in config["listener.security.protocol.map"]
    admin = credentials.passwords["admin"]
    assert f'user_admin="{admin}"' in config["listener.name.controller.plain.sasl.jaas.config"]


def test_passwords_are_random_and_the_file_private(tmp_path: Path) -> None:
    first, second = BrokerCredentials.generate(list(ROLES)), BrokerCredentials.generate(list(ROLES))
    assert set(first.passwords) == {"admin", "worker", "ingest", "dashboard", "notifier", "reader"}
    assert not set(first.passwords.values()) & set(second.passwords.values())
    assert all(len(p) >= 32 and p.replace("-", "").replace("_", "").isalnum() for p in first.passwords.values())
    path = tmp_path / "credentials.json"
    first.with_bootstrap("127.0.0.1:1").save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = BrokerCredentials.load(path)
    assert loaded.passwords == first.passwords
    settings = loaded.settings_for("dashboard")
    assert (settings.security_protocol, settings.sasl_mechanism, settings.sasl_username) == (
        "SASL_PLAINTEXT",
        "SCRAM-SHA-512",
        "dashboard",
    )
    assert settings.kafka_client_options()["sasl_plain_password"] == first.passwords["dashboard"]
    assert loaded.environment("reader")["DYADWATCH_SASL_USERNAME"] == "reader"


def test_argfile_quoting_keeps_each_argument_whole() -> None:
    assert _argfile_quote("SCRAM-SHA-512=[name=a,password=b]") == '"SCRAM-SHA-512=[name=a,password=b]"'
    assert _argfile_quote('C:\\x "y"') == '"C:\\\\x \\"y\\""'
