"""Running the notifier against the real broker: in this event loop, or as a `dyadwatch notify` subprocess."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from streams.kafka.clients import make_consumer
from streams.notify.notifier import Notifier, consumer_group
from streams.notify.routes import Routes
from streams.runtime.settings import PROJECT_ROOT, Settings

DYADWATCH = PROJECT_ROOT / ".venv" / "bin" / "dyadwatch"


@contextlib.asynccontextmanager
async def notifier_running(settings: Settings, routes: Routes) -> AsyncIterator[Notifier]:
    notifier = Notifier(settings, routes)
    stop = asyncio.Event()
    task = asyncio.create_task(notifier.run(stop))
    try:
        yield notifier
    finally:
        stop.set()
        await task


async def group_settled(settings: Settings) -> bool:
    """Whether the notifier's group has committed every partition of the alerts topic up to its end."""
    topic = settings.topic("alerts")
    admin = AIOKafkaAdminClient(**settings.kafka_client_options())
    consumer = make_consumer(settings)
    await admin.start()
    await consumer.start()
    try:
        committed = await admin.list_consumer_group_offsets(consumer_group(settings))
        partitions = await _partitions(consumer, topic)
        ends = await consumer.end_offsets(partitions)
        return all(ends[tp] == 0 or (tp in committed and committed[tp].offset >= ends[tp]) for tp in partitions)
    finally:
        await consumer.stop()
        await admin.close()


async def rewind_group(settings: Settings) -> None:
    """Commit offset 0 for every partition: as if the notifier had crashed before committing anything."""
    topic = settings.topic("alerts")
    consumer = make_consumer(settings, group_id=consumer_group(settings), enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = await _partitions(consumer, topic)
        consumer.assign(partitions)
        await consumer.commit(dict.fromkeys(partitions, 0))
    finally:
        await consumer.stop()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    cluster = await consumer._client.fetch_all_metadata()
    partitions = [TopicPartition(topic, p) for p in cluster.partitions_for_topic(topic) or []]
    assert partitions, f"no partitions of {topic}"
    return partitions


class NotifyProcess:
    """`dyadwatch notify ARGS` with the test's settings in DYADWATCH_* variables; output to ``log_path``."""

    def __init__(self, settings: Settings, args: list[str], *, env: dict[str, str] | None = None) -> None:
        self.args = args
        self.log_path = settings.data_dir / "notify.log"
        self.env = {
            **os.environ,
            "DYADWATCH_BOOTSTRAP_SERVERS": settings.bootstrap_servers,
            "DYADWATCH_TOPIC_PREFIX": settings.topic_prefix,
            "DYADWATCH_DATA_DIR": str(settings.data_dir),
            **(env or {}),
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> NotifyProcess:
        Path(self.log_path).parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [str(DYADWATCH), "notify", *self.args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        return self

    def kill(self) -> None:
        """kill -9: no shutdown, no last commit."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)
        return self.proc.returncode

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
