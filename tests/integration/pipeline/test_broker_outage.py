"""The worker waits for a broker that is not there yet (saying so), and rides out a broker restart mid-stream.

This test owns its broker: stopping the session broker would disturb every other test.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import timedelta

from streams.kafka.broker import EmbeddedBroker
from streams.kafka.broker.embedded import free_port
from streams.runtime.settings import PROJECT_ROOT, Settings
from tests.integration.pipeline import kafka_io
from tests.integration.pipeline.articles import expected_counts, make_articles, recent_start
from tests.waiting import wait_until

LOST_BROKER = re.compile(rb"Unable connect to node|Unable to update metadata|Connect call failed|Connection refused")


def test_worker_waits_for_broker_and_survives_its_restart(tmp_path, start_worker):
    port = free_port()
    settings = Settings(
        bootstrap_servers=f"127.0.0.1:{port}", topic_prefix=f"b{uuid.uuid4().hex[:10]}", data_dir=tmp_path / "var"
    )
    broker = EmbeddedBroker(
        tmp_path / "kafka", jar_cache_root=PROJECT_ROOT / "var", kafka_version=settings.kafka_version, heap="512m"
    )
    corpus = make_articles(600, seed=31, start=recent_start(hours=20), span=timedelta(hours=4))
    expected = expected_counts(corpus, timedelta(minutes=settings.window_minutes))
    worker = start_worker(settings)
    try:
        wait_until(lambda: worker.log_since_start().count(b"cannot reach Kafka") >= 2, timeout=60, interval=0.5)
        assert worker.log_since_start().count(b"cannot reach Kafka") >= 2, worker.log_tail()
        assert worker.alive

        broker.start(port, timeout=120)
        worker.wait_ready(timeout=120)
        asyncio.run(kafka_io.produce(settings, "articles", [(a.id.encode(), a.to_bytes()) for a in corpus[:300]]))
        assert wait_until(worker.classified, timeout=60), worker.log_tail()  # mid-stream
        before_stop = len(worker.log_since_start())
        broker.stop()
        # The worker is cut off mid-stream, and knows it: its Kafka clients log the failed connections.
        lost = wait_until(lambda: LOST_BROKER.search(worker.log_since_start()[before_stop:]), timeout=60)
        assert lost, worker.log_tail()
        assert worker.alive, worker.log_tail()
        broker.start(port, timeout=120)
        asyncio.run(kafka_io.produce(settings, "articles", [(a.id.encode(), a.to_bytes()) for a in corpus[300:]]))

        got = asyncio.run(kafka_io.counts_when_settled(settings, expected, timeout=120))
        assert got == expected, worker.log_tail()
        assert worker.alive
    finally:
        worker.stop(timeout=20)  # before its broker goes, so it can shut down cleanly
        broker.stop()
