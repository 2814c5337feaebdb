"""Each reliance of ``streams/pipeline/agents/faust_internals.py`` on faust-streaming's internals, checked against the
installed version: an upgrade that changes one fails here, by name."""

from __future__ import annotations

import inspect
from pathlib import Path

import faust
import pytest
from faust.streams import current_event
from faust.transport.drivers.aiokafka import Consumer, Producer

from streams.pipeline.agents import faust_internals
from streams.pipeline.agents.faust_internals import ROCKSDB_STORE_HELPERS, acting_for, partition_items


class Event:
    pass


def test_acting_for_makes_the_event_fausts_current_event_and_restores_the_previous_one():
    outer, inner = Event(), Event()
    assert current_event() is None
    with acting_for(outer):
        assert current_event() is outer
        with acting_for(inner):
            assert current_event() is inner
        assert current_event() is outer
    assert current_event() is None


def test_the_rocksdb_store_has_the_per_partition_helpers(tmp_path: Path):
    app = faust.App("internals-test", store="rocksdb://", datadir=str(tmp_path), broker="kafka://127.0.0.1:9")
    table = app.Table("t", default=None, partitions=2, key_type=str)
    store = table.data
    missing = [name for name in ROCKSDB_STORE_HELPERS if not callable(getattr(store, name, None))]
    assert missing == [], f"faust-streaming's RocksDB store no longer has {missing}"
    assert list(inspect.signature(store._db_for_partition).parameters) == ["partition"]
    assert partition_items(table) is not None


def test_another_store_reads_no_partition_items(tmp_path: Path):
    app = faust.App("internals-test-memory", store="memory://", datadir=str(tmp_path), broker="kafka://127.0.0.1:9")
    assert partition_items(app.Table("t", default=None, partitions=2, key_type=str)) is None


def test_the_producer_has_a_changelog_buffer_with_a_record_limit(tmp_path: Path):
    app = faust.App("internals-test-buffer", datadir=str(tmp_path), broker="kafka://127.0.0.1:9")
    buffer = app.producer.buffer
    assert isinstance(getattr(buffer, faust_internals.CHANGELOG_BUFFER_ATTRIBUTE), int)
    faust_internals.set_changelog_buffer_limit(app, 12_345)
    assert buffer.max_messages == 12_345


@pytest.mark.parametrize(
    ("cls", "method", "parameters"),
    [
        (Consumer, "maybe_wait_for_commit_to_finish", []),
        (Producer, "key_partition", ["topic", "key"]),
        (Producer, "_ensure_producer", []),
        (Producer, "send", ["topic", "key", "value", "partition", "timestamp", "headers", "transactional_id"]),
    ],
)
def test_the_undocumented_methods_keep_their_signatures(cls, method, parameters):
    assert list(inspect.signature(getattr(cls, method)).parameters)[1:] == parameters


def test_the_producer_under_the_apps_is_aiokafkas_with_the_batch_api():
    import aiokafka

    assert "AIOKafkaProducer" in str(inspect.signature(Producer._ensure_producer).return_annotation)
    assert faust_internals.kafka_producer(object()) is None  # a fake without one: records go one by one
    assert callable(aiokafka.AIOKafkaProducer.create_batch)
    send_batch = list(inspect.signature(aiokafka.AIOKafkaProducer.send_batch).parameters)
    assert send_batch == ["self", "batch", "topic", "partition"]


def test_the_worker_has_a_spinner_to_turn_off():
    assert "spinner" in faust.Worker.__annotations__
    source = inspect.getsource(faust.Worker)
    assert "self.spinner = terminal.Spinner(" in source and "if self.spinner:" in source


def test_take_events_acks_a_batch_only_when_the_next_is_asked_for():
    """run_stage settles a batch's sends inside the loop body; that holds the acks only because take_events acks a
    batch's events after the body, when the next batch is requested."""
    source = inspect.getsource(faust.Stream.take_events)
    yielded, acked = source.index("yield list(events)"), source.index("await self.ack(event)")
    assert yielded < acked


def test_recovery_hands_a_tables_changelog_records_to_its_apply_changelog_batch():
    """SightingsTable turns each batch record into id entries there; recovery and standbys must go through it."""
    from faust.tables.recovery import Recovery

    source = inspect.getsource(Recovery)
    assert source.count("table.apply_changelog_batch(") >= 2
    assert list(inspect.signature(faust.Table.apply_changelog_batch).parameters) == ["self", "batch"]
    send_changelog = list(inspect.signature(faust.Table.send_changelog).parameters)
    assert send_changelog == ["self", "partition", "key", "value", "key_serializer", "value_serializer"]


@pytest.mark.parametrize("store", ["rocksdb://", "memory://"])
def test_a_store_applies_the_changelog_events_a_table_makes(tmp_path: Path, store: str):
    from faust.types import TP

    app = faust.App(
        f"internals-test-apply-{store[:3]}", store=store, datadir=str(tmp_path), broker="kafka://127.0.0.1:9"
    )
    table = faust_internals.add_table(app, faust.Table, "t", default=None, partitions=2, key_type=str)
    assert app.tables["t"] is table and table.changelog_topic_name == f"{app.conf.id}-t-changelog"
    tp = TP(table.changelog_topic_name, 1)
    event = faust_internals.changelog_event(tp, 4, key="k", value={"v": 1}, raw_key=b'"k"', raw_value=b'{"v":1}')
    table.apply_changelog_batch([event])
    read = partition_items(table)
    assert (dict(read(1)) if read else dict(table.data.items())) == {"k": {"v": 1}}
