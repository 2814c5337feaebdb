"""Every use the pipeline makes of faust-streaming beyond its documented API, in one place.

Each function names what it relies on and why the pipeline needs it; ``tests/unit/pipeline/test_faust_internals.py``
checks each reliance against the installed faust-streaming, so an upgrade that changes one fails there, by name,
instead of somewhere downstream. Written against faust-streaming 0.15.3.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from faust.streams import _current_event

# Faust's table changelog buffer: the agents wait record by record once it holds more than ``max_messages``.
CHANGELOG_BUFFER_ATTRIBUTE = "max_messages"
# The RocksDB store's per-partition helpers (Faust itself only iterates all active partitions at once).
ROCKSDB_STORE_HELPERS = ("_db_for_partition", "_visible_items", "_decode_key", "_decode_value")


@contextmanager
def acting_for(event: Any) -> Iterator[None]:
    """Make ``event`` Faust's current event (the private context variable ``faust.streams._current_event``, holding
    a weak reference): tables pick the RocksDB partition and the changelog partition of a write from it. Faust sets
    it per record while a stream iterates; a batch handler sets it per partition."""
    token = _current_event.set(weakref.ref(event))
    try:
        yield
    finally:
        _current_event.reset(token)


def partition_items(table: Any) -> Any:
    """A function reading one partition's entries straight from the table's RocksDB store, or None for another kind
    of store (Faust's memory store, a test's mapping)."""
    store = table.data
    if not all(hasattr(store, helper) for helper in ROCKSDB_STORE_HELPERS):
        return None

    def items(partition: int) -> Iterator[tuple[str, dict[str, Any]]]:
        db = store._db_for_partition(partition)
        for key, value in store._visible_items(db):
            yield store._decode_key(key), store._decode_value(value)

    return items


@dataclass(frozen=True, slots=True)
class ChangelogMessage:
    tp: Any
    offset: int
    key: bytes
    value: bytes

    @property
    def partition(self) -> int:
        return self.tp.partition


@dataclass(frozen=True, slots=True)
class ChangelogEvent:
    """What a table's store reads of a changelog event when recovery applies it (``Store.apply_changelog_batch``):
    the RocksDB store the message's tp, offset, partition and raw key and value; the memory store the decoded
    ``key`` and ``value`` and the message's value."""

    key: Any
    value: Any
    message: ChangelogMessage


def changelog_event(tp: Any, offset: int, *, key: Any, value: Any, raw_key: bytes, raw_value: bytes) -> ChangelogEvent:
    """A changelog event for a table's store to apply, made by a table that stores a record as several entries."""
    return ChangelogEvent(key, value, ChangelogMessage(tp, offset, raw_key, raw_value))


def add_table(app: Any, table_class: type, name: str, **kwargs: Any) -> Any:
    """A table of a ``faust.Table`` subclass, registered with the app as ``app.Table`` registers its own."""
    return app.tables.add(table_class(app, name=name, beacon=app.tables.beacon, **kwargs))


def set_changelog_buffer_limit(app: Any, records: int) -> None:
    """Raise the number of changelog records Faust's producer buffer holds before agents wait record by record."""
    setattr(app.producer.buffer, CHANGELOG_BUFFER_ATTRIBUTE, records)


async def wait_for_commit(consumer: Any) -> None:
    """Wait while Faust's consumer commits (``Consumer.maybe_wait_for_commit_to_finish``, undocumented)."""
    await consumer.maybe_wait_for_commit_to_finish()


def key_partition(producer: Any, topic: str, key: bytes) -> int:
    """The partition the app's producer sends ``key`` to (``Producer.key_partition``, undocumented)."""
    return producer.key_partition(topic, key).partition


def kafka_producer(producer: Any) -> Any | None:
    """The aiokafka producer under the app's producer (``Producer._ensure_producer``, undocumented), for aiokafka's
    batch API; None for a producer without one (a test's fake) or before the app's producer started."""
    ensure = getattr(producer, "_ensure_producer", None)
    if ensure is None:
        return None
    try:
        return ensure()
    except Exception:  # not started yet
        return None


def disable_spinner(worker: Any) -> None:
    """No terminal spinner: it sets the root logger to DEBUG (``Worker.spinner``, undocumented)."""
    worker.spinner = None
