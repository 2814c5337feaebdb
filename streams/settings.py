"""The one configuration object. Every value comes from a ``DYADWATCH_*`` environment variable or its default."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Runtime configuration, shared by the CLI, the worker, the sources and the dashboard."""

    model_config = SettingsConfigDict(env_prefix="DYADWATCH_", env_file=None, extra="ignore")

    bootstrap_servers: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers, comma-separated.")
    topic_prefix: str = Field("dyadwatch", description="Prefix of every topic name.")
    data_dir: Path = Field(PROJECT_ROOT / "var", description="Local state: broker data, worker store, source state.")

    # Kafka security, passed to every client so production clusters work.
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER"] | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: Path | None = None
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None

    # Embedded broker
    kafka_version: str = Field("4.1.1", description="Apache Kafka version the Maven project fetches (kafka/pom.xml).")
    kafka_heap: str = Field("768m", description="Max heap of the embedded broker JVM.")
    jar_cache_dir: Path = Field(
        PROJECT_ROOT / "var", description="Cache of the broker jars (kafka-lib/<version>), shared by data dirs."
    )

    # Pipeline
    window_minutes: int = Field(15, ge=1, le=24 * 60, description="Tumbling window size of the dyad counts.")
    window_retention_days: int = Field(7, ge=1, le=365, description="How long window counts are kept.")
    dedup_horizon_days: int = Field(
        14, ge=1, le=365, description="How long an article id is remembered for de-duplication."
    )
    batch_max_records: int = Field(
        500, ge=1, le=100_000, description="Most input records an agent handles as one batch (tables written once)."
    )
    batch_max_wait_ms: int = Field(
        50, ge=1, le=10_000, description="Longest an agent waits to fill a batch; bounds the latency batching adds."
    )
    max_message_bytes: int = Field(1_000_000, description="Records larger than this are dead-lettered as oversize.")
    future_tolerance_s: int = Field(
        600,
        ge=0,
        le=3000,
        description="How far past now a publication time may lie (clock skew): later ones are clamped to now and "
        "flagged. Below the topics' message.timestamp.after.max.ms (1 h), so every record timestamp is accepted.",
    )
    classifier_native: bool = Field(
        True, description="Load the mypyc-compiled classifier (build/classifier-native) when built from these sources."
    )
    classifier_rust: bool = Field(
        True, description="Run analyse() without explanations in the Rust core (build/classifier-rust) when current."
    )
    heap_trim_interval_s: float = Field(
        60.0, ge=0.0, description="How often the worker returns freed heap memory to the OS (glibc); 0 never."
    )
    rules_file: Path = Field(PROJECT_ROOT / "streams" / "alerting" / "default_rules.yaml")
    worker_web_port: int = Field(6066, description="Worker's HTTP port (metrics at /metrics).")

    # Ports `dyadwatch up` uses (worker_web_port above, dashboard_port below)
    broker_port: int = Field(9092, description="Port of the embedded broker that `dyadwatch up` starts.")

    # Dashboard
    dashboard_port: int = 8501
    dashboard_address: str = Field(
        "127.0.0.1", description="Interface the dashboard listens on; beyond loopback, a sign-in is required."
    )
    dashboard_replay_hours: int = Field(24 * 7, description="Events replayed into the dashboard view at start.")
    dashboard_password_file: Path | None = Field(
        None, description="Analysts' names and argon2 password hashes (`dyadwatch dashboard hash-password`)."
    )
    dashboard_oidc: bool = Field(
        False, description="Require an OpenID Connect login (st.login; [auth] in .streamlit/secrets.toml)."
    )
    dashboard_allow_anonymous: bool = Field(
        False, description="Opt out of the sign-in a dashboard listening beyond loopback otherwise requires."
    )

    def topic(self, suffix: str) -> str:
        from schemas.topics import topic_name

        return topic_name(suffix, self.topic_prefix)

    def kafka_client_options(self) -> dict[str, Any]:
        """Connection options for aiokafka clients (producer, consumer, admin)."""
        opts: dict[str, Any] = {
            "bootstrap_servers": self.bootstrap_servers,
            "security_protocol": self.security_protocol,
        }
        if self.sasl_mechanism:
            opts["sasl_mechanism"] = self.sasl_mechanism
            opts["sasl_plain_username"] = self.sasl_username
            opts["sasl_plain_password"] = self.sasl_password.get_secret_value() if self.sasl_password else None
        if self.security_protocol in ("SSL", "SASL_SSL"):
            from aiokafka.helpers import create_ssl_context

            opts["ssl_context"] = create_ssl_context(
                cafile=str(self.ssl_cafile) if self.ssl_cafile else None,
                certfile=str(self.ssl_certfile) if self.ssl_certfile else None,
                keyfile=str(self.ssl_keyfile) if self.ssl_keyfile else None,
            )
        return opts


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
