"""A broker, topics and worker processes for benchmarks: started fresh under ``bench/out/`` and always stopped."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from streams.kafka.admin import ensure_topics
from streams.kafka.broker import EmbeddedBroker
from streams.kafka.broker.embedded import free_port
from streams.runtime.settings import PROJECT_ROOT, Settings

OUT = PROJECT_ROOT / "bench" / "out"
DYADWATCH = str(Path(sys.executable).parent / "dyadwatch")


@contextlib.contextmanager
def bench_broker(name: str = "kafka") -> Iterator[str]:
    """A throwaway broker for one benchmark run; yields its bootstrap address."""
    base = Settings()
    data = OUT / name
    if data.exists():
        import shutil

        shutil.rmtree(data)
    broker = EmbeddedBroker(data, jar_cache_root=base.jar_cache_dir, kafka_version=base.kafka_version, heap="1g")
    state = broker.start(free_port(), timeout=120)
    try:
        yield state.bootstrap
    finally:
        broker.stop()


def bench_settings(bootstrap: str, prefix: str) -> Settings:
    """Settings for one benchmark's topics (prefix) on a fresh broker; stale worker stores are removed first."""
    import shutil

    shutil.rmtree(OUT / prefix, ignore_errors=True)
    settings = Settings(bootstrap_servers=bootstrap, topic_prefix=prefix, data_dir=OUT / prefix)
    asyncio.run(ensure_topics(settings))
    return settings


async def create_topic(settings: Settings, name: str, partitions: int = 6) -> None:
    admin = AIOKafkaAdminClient(**settings.kafka_client_options())
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, partitions, 1)])
    finally:
        await admin.close()


class WorkerProcess:
    """`dyadwatch worker` as a child process, with its resident memory readable at any time."""

    def __init__(
        self,
        settings: Settings,
        index: int = 0,
        env: dict[str, str] | None = None,
        argv: list[str] | None = None,
        name: str = "worker",
    ) -> None:
        """``argv`` runs another program the same way (a baseline), with the same environment and accounting."""
        self.settings = settings
        self.index = index
        self.log = OUT / f"{settings.topic_prefix}-{name}-{index}.log"
        env = {
            **os.environ,
            "DYADWATCH_BOOTSTRAP_SERVERS": settings.bootstrap_servers,
            "DYADWATCH_TOPIC_PREFIX": settings.topic_prefix,
            "DYADWATCH_DATA_DIR": str(settings.data_dir),
            **(env or {}),
        }
        self._log_handle = self.log.open("wb")
        self.proc = subprocess.Popen(
            argv
            or [
                DYADWATCH,
                "worker",
                "--web-port",
                str(free_port()),
                "--data-dir",
                str(settings.data_dir / f"worker-{index}"),
                "--log-level",
                "warning",
            ],
            stdout=self._log_handle,
            stderr=subprocess.STDOUT,
            env=env,
        )

    def alive(self) -> bool:
        """True while the worker runs; raises with its log's tail if it died (a benchmark must not wait on it)."""
        if self.proc.poll() is None:
            return True
        tail = self.log.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"worker {self.index} exited with code {self.proc.returncode}:\n{tail}")

    def rss_mb(self) -> float:
        return psutil.Process(self.proc.pid).memory_info().rss / 2**20

    def cpu_s(self) -> float:
        """CPU seconds the worker has used (user + system): unlike wall time, barely moved by other load."""
        times = psutil.Process(self.proc.pid).cpu_times()
        return times.user + times.system

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log_handle.close()


async def committed_lag(settings: Settings, group: str, topics: list[str]) -> int:
    """Records of ``topics`` not yet committed by ``group`` (the worker commits after processing)."""
    return sum((await lag_by_partition(settings, group, topics)).values())


async def lag_by_partition(settings: Settings, group: str, topics: list[str]) -> dict[str, int]:
    """``committed_lag`` per ``topic:partition``, to say where a wait that timed out was stuck."""
    from aiokafka import AIOKafkaConsumer
    from aiokafka.errors import GroupCoordinatorNotAvailableError
    from aiokafka.structs import TopicPartition

    admin = AIOKafkaAdminClient(**settings.kafka_client_options())
    consumer = AIOKafkaConsumer(**settings.kafka_client_options())
    await admin.start()
    await consumer.start()
    try:
        described = await admin.describe_topics(topics)
        tps = [TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]]
        if len(tps) == 0:
            raise RuntimeError(f"topics not found: {topics}")
        try:
            committed = await admin.list_consumer_group_offsets(group)
        except GroupCoordinatorNotAvailableError:  # a fresh broker, before any group committed: nothing is
            committed = {}
        ends = await consumer.end_offsets(tps)
        return {
            f"{tp.topic}:{tp.partition}": max(0, ends[tp] - (committed[tp].offset if tp in committed else 0))
            for tp in tps
        }
    finally:
        await consumer.stop()
        await admin.close()


async def group_state(settings: Settings, group: str) -> tuple[str, int]:
    """The consumer group's state (``Stable``, ``PreparingRebalance``, …) and how many members hold partitions;
    ``("no coordinator yet", 0)`` on a fresh broker before any group has a coordinator."""
    from aiokafka.errors import KafkaError

    admin = AIOKafkaAdminClient(**settings.kafka_client_options())
    await admin.start()
    try:
        described = (await admin.describe_consumer_groups([group]))[0].to_object()["groups"][0]
    except KafkaError:
        return "no coordinator yet", 0
    finally:
        await admin.close()
    return described["state"], sum(1 for m in described["members"] if m["member_assignment"])


def wait_until(predicate, *, timeout: float, poll: float = 0.5, state=None) -> float:
    """Poll ``predicate`` until true; returns the perf_counter time it first held. ``state()`` describes what was
    being waited for, in the error if it never holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return time.perf_counter()
        time.sleep(poll)
    described = f": {state()}" if state is not None else ""
    raise TimeoutError(f"condition not met within {timeout:.0f}s{described}")
