"""`dyadwatch kafka start --secure`: each role's principal can do its job and nothing more, proven on a real broker.

A second broker of its own (temporary folder, free port on 127.0.0.1) started through the CLI; topics created as
the super user. Every refusal is the broker's own (TopicAuthorizationFailed, ClusterAuthorizationFailed, SASL
authentication failed), every permission a real produce or consume.
"""

from __future__ import annotations

import asyncio
import json
import os
import stat
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import (
    ClusterAuthorizationFailedError,
    KafkaConnectionError,
    TopicAuthorizationFailedError,
)
from pydantic import SecretStr

from dashboard.ack_writer import AckWriter
from dashboard.feed import LiveFeed
from schemas.alert import Severity
from schemas.alert_ack import AckStatus
from schemas.topics import TOPICS
from streams.kafka.admin import ensure_topics
from streams.kafka.broker import BrokerError, EmbeddedBroker
from streams.kafka.broker.acls import ROLES
from streams.kafka.broker.credentials import BrokerCredentials
from streams.kafka.broker.embedded import free_port
from streams.kafka.clients import make_consumer, make_producer
from streams.runtime.settings import PROJECT_ROOT, Settings
from tests.unit.notify.alerts import make_alert
from tests.unit.schemas.test_models import sample_models
from tests.waiting import wait_until

DYADWATCH = str(Path(sys.executable).parent / "dyadwatch")
PREFIX = "sec"
SEND_TIMEOUT_S = 30


def cli(*args: str, env: dict[str, str] | None = None, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [DYADWATCH, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "DYADWATCH_DATA_DIR": str(PROJECT_ROOT / "var"), **(env or {})},
    )


@dataclass(frozen=True)
class SecureBroker:
    credentials: BrokerCredentials
    data_dir: Path

    def as_role(self, role: str) -> Settings:
        return self.credentials.settings_for(role, Settings(topic_prefix=PREFIX, data_dir=self.data_dir / "client"))


@pytest.fixture(scope="module")
def secure(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecureBroker]:
    data = tmp_path_factory.mktemp("secure-kafka")
    started = cli(
        "kafka", "start", "--secure", "--port", str(free_port()), "--data-dir", str(data),
        env={"DYADWATCH_TOPIC_PREFIX": PREFIX},
    )  # fmt: skip
    try:
        assert started.returncode == 0, started.stderr
        assert f"{data / 'credentials.json'} (mode 0600)" in started.stdout
        credentials = BrokerCredentials.load(data / "credentials.json")
        assert not any(password in started.stdout for password in credentials.passwords.values())
        broker = SecureBroker(credentials, data)
        outcomes = asyncio.run(ensure_topics(broker.as_role("admin")))
        assert {o.status for o in outcomes} == {"created"}, outcomes
        yield broker
    finally:
        cli("kafka", "stop", "--data-dir", str(data))


def start_worker(secure: SecureBroker, data_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    """`dyadwatch worker` as the worker principal, its log in ``log``."""
    env = {
        **secure.credentials.environment("worker"),
        "DYADWATCH_TOPIC_PREFIX": PREFIX,
        "DYADWATCH_DATA_DIR": str(data_dir),
    }
    return subprocess.Popen(
        [DYADWATCH, "worker", "--web-port", str(free_port())],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=open(log, "wb"),
    )


def alert_bytes() -> bytes:
    alert = next(m for m in sample_models() if type(m).__name__ == "Alert")
    return alert.to_bytes()


async def produce(
    settings: Settings, suffix: str, value: bytes | None, *, key: bytes = b"forged", **overrides: Any
) -> None:
    producer = make_producer(settings, request_timeout_ms=10_000, **overrides)
    try:
        await producer.start()
        await asyncio.wait_for(producer.send_and_wait(settings.topic(suffix), value, key=key), SEND_TIMEOUT_S)
    finally:
        await producer.stop()


async def read_back(settings: Settings, suffix: str, value: bytes, group_id: str | None = None) -> None:
    """Read ``suffix`` from the start until ``value`` shows up (committing, when in a group)."""
    consumer = make_consumer(settings, settings.topic(suffix), group_id=group_id, request_timeout_ms=10_000)
    await consumer.start()
    try:
        while (await asyncio.wait_for(consumer.getone(), SEND_TIMEOUT_S)).value != value:
            pass
        if group_id:
            await consumer.commit()
    finally:
        await consumer.stop()


def test_credentials_are_private_and_one_per_role(secure: SecureBroker) -> None:
    data = secure.data_dir
    for name in ("credentials.json", "server.properties"):
        assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name
    assert not (data / "format.args").exists()
    assert set(secure.credentials.passwords) == {"admin", *ROLES}
    assert len(set(secure.credentials.passwords.values())) == len(secure.credentials.passwords)
    assert not any(p in (data / "broker.log").read_text() for p in secure.credentials.passwords.values())
    exports = cli("kafka", "credentials", "dashboard", "--data-dir", str(data))
    assert exports.returncode == 0, exports.stderr
    password = secure.credentials.passwords["dashboard"]
    assert f"export DYADWATCH_SASL_USERNAME=dashboard\nexport DYADWATCH_SASL_PASSWORD={password}" in exports.stdout


async def test_dashboard_cannot_forge_or_tombstone_an_alert(secure: SecureBroker) -> None:
    dashboard = secure.as_role("dashboard")
    with pytest.raises(TopicAuthorizationFailedError):
        await produce(dashboard, "alerts", alert_bytes())
    with pytest.raises(TopicAuthorizationFailedError):
        await produce(dashboard, "alerts", None)  # a tombstone
    # ...while its own job works: acknowledge (write alert-acks) and read acks back.
    ack = next(m for m in sample_models() if type(m).__name__ == "AlertAck").to_bytes()
    await produce(dashboard, "alert-acks", ack)
    await read_back(dashboard, "alert-acks", ack, group_id=f"{PREFIX}-dashboard-{uuid.uuid4().hex[:6]}")


async def test_ingest_writes_articles_but_cannot_write_alerts(secure: SecureBroker) -> None:
    ingest = secure.as_role("ingest")
    with pytest.raises(TopicAuthorizationFailedError):
        await produce(ingest, "alerts", alert_bytes())
    article = next(m for m in sample_models() if type(m).__name__ == "RawArticle").to_bytes()
    await produce(ingest, "articles", article)
    with pytest.raises(TopicAuthorizationFailedError):
        await read_back(ingest, "articles", article)  # write-only


async def test_reader_can_read_but_write_nothing(secure: SecureBroker) -> None:
    reader = secure.as_role("reader")
    with pytest.raises(ClusterAuthorizationFailedError):  # no idempotent producer: it may write nowhere
        await produce(reader, "alerts", alert_bytes())
    for suffix in TOPICS:  # nor with a plain producer, topic by topic
        with pytest.raises(TopicAuthorizationFailedError):
            await produce(reader, suffix, b"{}", enable_idempotence=False, acks=1)
    await produce(secure.as_role("worker"), "alerts", alert_bytes())
    await read_back(reader, "alerts", alert_bytes())


async def test_notifier_reads_alerts_and_dead_letters_only(secure: SecureBroker) -> None:
    notifier = secure.as_role("notifier")
    await produce(secure.as_role("worker"), "alerts", alert_bytes())
    await read_back(notifier, "alerts", alert_bytes(), group_id=f"{PREFIX}.notify")
    await produce(notifier, "deadletter", b"{}")
    for suffix in ("alerts", "alert-acks", "articles"):
        with pytest.raises(TopicAuthorizationFailedError):
            await produce(notifier, suffix, b"{}")


async def test_worker_consumes_produces_and_creates_only_its_internal_topics(secure: SecureBroker) -> None:
    worker = secure.as_role("worker")
    article = next(m for m in sample_models() if type(m).__name__ == "RawArticle").to_bytes()
    await produce(secure.as_role("ingest"), "articles", article)
    await read_back(worker, "articles", article, group_id=f"{PREFIX}-worker")
    for suffix in ("events", "dyad-events", "dyad-counts", "alerts", "deadletter"):
        await produce(worker, suffix, b"{}")
    for suffix in ("articles", "alert-acks"):  # it neither forges input nor analysts' acknowledgements
        with pytest.raises(TopicAuthorizationFailedError):
            await produce(worker, suffix, b"{}")

    async def create(name: str) -> Any:
        admin = AIOKafkaAdminClient(**worker.kafka_client_options())
        await admin.start()
        try:
            return await admin.create_topics([NewTopic(name, 1, 1)])
        finally:
            await admin.close()

    created = await create(f"{PREFIX}-worker-count-changelog")
    assert [error for _, error, *_ in created.topic_errors] == [0]
    refused = await create(f"{PREFIX}.not-in-registry")
    assert [error for _, error, *_ in refused.topic_errors] == [TopicAuthorizationFailedError.errno]


async def test_wrong_password_and_anonymous_clients_are_refused(
    secure: SecureBroker, caplog: pytest.LogCaptureFixture
) -> None:
    forged = secure.as_role("worker").model_copy(update={"sasl_password": SecretStr("guess")})
    with pytest.raises(KafkaConnectionError):
        await produce(forged, "alerts", alert_bytes())
    assert "SaslAuthenticationFailed" in caplog.text and "invalid credentials" in caplog.text
    anonymous = Settings(bootstrap_servers=secure.credentials.bootstrap_servers, topic_prefix=PREFIX)
    with pytest.raises(KafkaConnectionError):
        await produce(anonymous, "alerts", alert_bytes())


def test_real_worker_and_ingest_run_as_their_roles(secure: SecureBroker, tmp_path: Path, shared: Path) -> None:
    """The Faust worker (broker_credentials from the settings) and `ingest page` do their jobs as their principals."""
    proc = start_worker(secure, tmp_path, tmp_path / "worker.log")
    try:
        ingest_env = {
            **secure.credentials.environment("ingest"),
            "DYADWATCH_TOPIC_PREFIX": PREFIX,
            "DYADWATCH_DATA_DIR": str(tmp_path / "ingest"),
        }
        ingested = cli("ingest", "page", str(shared / "seed" / "news_page.txt"), env=ingest_env)
        assert ingested.returncode == 0, ingested.stderr
        page = cli("ingest", "page", str(shared / "seed" / "news_page.txt"), "--dry-run", env=ingest_env)
        articles = {json.loads(line)["id"] for line in page.stdout.splitlines()}
        assert len(articles) >= 3, page.stdout
        reader = secure.as_role("reader")

        async def classified() -> None:
            consumer = make_consumer(reader, reader.topic("events"))
            await consumer.start()
            seen: set[str] = set()
            try:
                while not articles <= seen:
                    assert proc.poll() is None, "the worker exited"
                    for records in (await consumer.getmany(timeout_ms=1000)).values():
                        seen.update(json.loads(r.value).get("article_id") for r in records)  # other tests wrote {}
            finally:
                await consumer.stop()

        try:
            asyncio.run(asyncio.wait_for(classified(), 180))
        except (TimeoutError, AssertionError):
            pytest.fail(
                f"no events for every seed article; worker log:\n{(tmp_path / 'worker.log').read_text()[-4000:]}"
            )
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_dashboard_follows_the_topics_and_acknowledges_as_its_principal(secure: SecureBroker) -> None:
    """The dashboard's own feed and ack writer, with the dashboard role's credentials: the alert raised by the worker
    shows up, and an analyst's acknowledgement is written and read back as the alert's status."""
    alert = make_alert("watch:KOR-PRK", "KOR-PRK", Severity.HIGH)
    asyncio.run(produce(secure.as_role("worker"), "alerts", alert.to_bytes(), key=alert.id.encode()))
    feed = LiveFeed(secure.as_role("dashboard")).start()
    writer = AckWriter(feed)
    try:
        assert wait_until(lambda: feed.view.alert(alert.id) is not None, timeout=60), feed.view.health
        assert feed.view.health.connected
        writer.write([alert.id], "Bo", AckStatus.ACKNOWLEDGED, "seen on the secure floor")
        row = wait_until(lambda: (r := feed.view.alert(alert.id)) and r.status == AckStatus.ACKNOWLEDGED and r)
        assert row and row.ack is not None and row.ack.analyst == "Bo", row
    finally:
        writer.close()
        feed.stop()


def test_worker_waits_with_the_reason_while_a_topic_it_may_not_create_is_missing(
    secure: SecureBroker, tmp_path: Path
) -> None:
    """A registry topic deleted: the worker's principal may not create it, so the worker says why and waits (no
    traceback, no exit); once an admin creates it, the worker starts."""
    admin = secure.as_role("admin")
    missing = admin.topic("alert-acks")

    async def topics() -> set[str]:
        client = AIOKafkaAdminClient(**admin.kafka_client_options())
        await client.start()
        try:
            return set(await client.list_topics())
        finally:
            await client.close()

    async def delete() -> None:
        client = AIOKafkaAdminClient(**admin.kafka_client_options())
        await client.start()
        try:
            await client.delete_topics([missing])
        finally:
            await client.close()

    asyncio.run(delete())
    assert wait_until(lambda: missing not in asyncio.run(topics()), timeout=60)
    log = tmp_path / "worker.log"
    proc = start_worker(secure, tmp_path, log)
    try:
        said = wait_until(lambda: "the registry topics are not ready" in log.read_text(), timeout=90)
        assert said and proc.poll() is None, log.read_text()[-3000:]
        assert "TopicAuthorizationFailed" in log.read_text() and "Traceback" not in log.read_text()
        assert wait_until(
            lambda: {o.status for o in asyncio.run(ensure_topics(admin))} <= {"created", "exists"}, timeout=60
        )
        assert wait_until(lambda: "worker starting" in log.read_text(), timeout=90), log.read_text()[-3000:]
        assert proc.poll() is None and "Traceback" not in log.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        asyncio.run(ensure_topics(admin))  # whatever happened, the other tests find every topic


def test_a_plaintext_folder_is_not_secured_in_place(tmp_path: Path) -> None:
    plain = EmbeddedBroker(
        tmp_path / "plain", jar_cache_root=PROJECT_ROOT / "var", kafka_version=Settings().kafka_version
    )
    try:
        plain.start(free_port())
    finally:
        plain.stop()
    with pytest.raises(BrokerError, match="formatted without security.*Use a new --data-dir"):
        plain.start(free_port(), secure=True)
    assert plain.state() is None
