"""The one configuration object. Every value comes from a ``DYADWATCH_*`` environment variable or its default."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


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

    # Durability on a real cluster (docs/security.md, docs/topics.md).
    replication_factor: int = Field(
        1,
        ge=1,
        le=32,
        description="Replicas of every topic dyadwatch creates: the registry's, the worker's changelogs and Faust's "
        "internal topics. 1 fits the embedded single node; 3 on a production cluster.",
    )
    min_insync_replicas: int | None = Field(
        None,
        ge=1,
        le=32,
        description="min.insync.replicas of every topic dyadwatch creates (None: the broker's default). With "
        "acks=all a write succeeds once this many replicas have it; replication 3 with 2 survives one broker down.",
    )

    # Embedded broker
    kafka_version: str = Field("4.1.1", description="Apache Kafka version the Maven project fetches (kafka/pom.xml).")
    kafka_heap: str = Field("768m", description="Max heap of the embedded broker JVM.")
    jar_cache_dir: Path = Field(
        PROJECT_ROOT / "var", description="Cache of the broker jars (kafka-lib/<version>), shared by data dirs."
    )

    # Pipeline
    window_minutes: int = Field(15, ge=1, le=24 * 60, description="Tumbling window size of the dyad counts.")
    window_retention_days: float = Field(
        90,
        gt=0,
        le=3660,
        description="How long a window's count is kept after its last update (or its end, if later), on disk: "
        "history imported today stays for this long whatever its dates.",
    )
    alert_live_horizon_hours: float = Field(
        24,
        gt=0,
        description="An alert on a window that ended longer ago than this (when counted) is historical: "
        "marked so, never a new alert for the live feed.",
    )
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
    fetch_allow: str = Field(
        "",
        description="Internal destinations sources may fetch from anyway, comma-separated CIDRs or host names "
        "(e.g. '10.1.0.0/16, feeds.intranet.example'). Empty: loopback, private, link-local and other internal "
        "addresses are refused on every hop.",
    )
    classifier_native: bool = Field(
        True, description="Load the mypyc-compiled classifier (build/classifier-native) when built from these sources."
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

    # Notifier (`dyadwatch notify`): a routes file, or the simple case of webhooks and one SMTP server
    notify_routes_file: Path | None = Field(None, description="YAML routes of the notifier (docs/notify.md).")
    notify_webhooks: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Webhook URLs that get every alert, comma-separated (no routes file)."
    )
    notify_webhook_format: Literal["json", "slack", "teams", "mattermost"] = "json"
    notify_webhook_secret: SecretStr | None = Field(None, description="HMAC-SHA256 key signing webhook bodies.")
    notify_smtp: str | None = Field(None, description="SMTP server HOST:PORT that mails every alert (no routes file).")
    notify_to: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Mail recipients, comma-separated."
    )
    notify_from: str = Field("dyadwatch@localhost", description="Sender address of alert mails.")
    notify_smtp_user: str | None = None
    notify_smtp_password: SecretStr | None = None
    notify_starttls: bool = Field(True, description="Upgrade SMTP connections with STARTTLS (certificate checked).")
    notify_attempts: int = Field(5, ge=1, le=20, description="Tries per alert and destination before a dead letter.")
    notify_backoff_s: float = Field(
        1.0, ge=0.0, le=600.0, description="Wait after the first failure; doubles each try."
    )
    notify_timeout_s: float = Field(
        10.0, gt=0.0, le=300.0, description="Timeout of one webhook request or SMTP session."
    )
    notify_max_age_minutes: int = Field(
        24 * 60,
        ge=0,
        description="Alerts raised longer ago than this are not sent (a first start on an old topic); 0 sends all.",
    )

    @field_validator("notify_webhooks", "notify_to", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        return [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else value

    @property
    def notify_configured(self) -> bool:
        """Whether the notifier has anywhere to send alerts (`up` starts it then)."""
        return bool(self.notify_routes_file or self.notify_webhooks or self.notify_smtp)

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

    @field_validator("sasl_mechanism")
    @classmethod
    def _refuse_oauthbearer(cls, mechanism: str | None) -> str | None:
        if mechanism == "OAUTHBEARER":
            raise ValueError(
                "SASL OAUTHBEARER is not supported: dyadwatch has no OAuth token provider, so every connection "
                "would fail. Use SCRAM-SHA-512 (or SCRAM-SHA-256, PLAIN over SASL_SSL); see docs/security.md"
            )
        return mechanism

    @model_validator(mode="after")
    def _insync_fits_replicas(self) -> Settings:
        if self.min_insync_replicas is not None and self.min_insync_replicas > self.replication_factor:
            raise ValueError(
                f"min_insync_replicas={self.min_insync_replicas} exceeds replication_factor={self.replication_factor}:"
                " no write with acks=all could ever succeed"
            )
        return self

    def topic_configs(self) -> dict[str, str]:
        """Topic configs that come from the settings rather than the registry (added to every topic created)."""
        if self.min_insync_replicas is None:
            return {}
        return {"min.insync.replicas": str(self.min_insync_replicas)}


def describe_invalid(exc: ValidationError) -> str:
    """A refused configuration in the variables' own names, one line each, for people rather than tracebacks."""
    prefix = Settings.model_config.get("env_prefix", "")
    lines = ["dyadwatch: invalid configuration"]
    for error in exc.errors(include_url=False):
        field = ".".join(str(part) for part in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        lines.append(f"  {prefix}{field.upper()}: {message}" if field else f"  {message}")
    return "\n".join(lines)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
