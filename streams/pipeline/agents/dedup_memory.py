"""The classify agent's dedup memory: article id → first sighting on disk (RocksDB), its changelog one record per
(partition, batch) instead of one per article.

A Faust table write is a RocksDB put plus one changelog record through Faust's producer buffer (a future, an ack
callback, a persisted-offset write): per new article that was about 15 % of a busy worker's time. Here a sighting
is written to the table's store only, and at the end of the agent's batch the batch's sightings of each partition
go to the table's changelog together, as one record keyed ``#<partition>:<first offset>`` (in chunks of
``MAX_SIGHTINGS``). Its acknowledgement moves the store's persisted changelog offset as any changelog record does,
and Faust's commit flushes it before the batch's input offsets are committed, as before.

Recovery (another host, a lost data folder, a standby) reads the changelog through ``SightingsTable``, which applies
a batch record as the id entries it holds plus a *marker* under the batch key, holding the batch's newest time.
Markers expire with the sightings (the same sweep, ``ExpiringTable``): a marker's deletion sends the changelog
tombstone, so the compacted changelog stays bounded by the horizon like the store; an expired id entry is deleted
from the store alone (its changelog record goes with its batch's marker). Per-id records an older worker wrote to
the same changelog are applied as they always were. Lookups stay on disk: nothing per id is held in memory.
"""

from __future__ import annotations

import json
from typing import Any

import faust

from streams.pipeline.agents.faust_internals import acting_for, changelog_event
from streams.pipeline.dedup import Sighting

# Never the first character of an article id (``schemas.base.Identifier``), so a batch key is never an id.
BATCH_PREFIX = "#"
# Sightings per changelog record (~60 bytes each): far below Kafka's 1 MB whatever the batch size.
MAX_SIGHTINGS = 2_000
# Entries per store write while recovering: bounds the memory a recovery batch takes.
APPLY_ENTRIES = 10_000


def batch_key(partition: int, first_offset: int) -> str:
    return f"{BATCH_PREFIX}{partition}:{first_offset}"


def is_batch_key(key: Any) -> bool:
    return isinstance(key, str) and key.startswith(BATCH_PREFIX)


def encode_batch(partition: int, sightings: list[tuple[str, int, float]]) -> bytes:
    """The changelog value of one batch record: its partition and ``[id, offset, seen_at]`` per sighting."""
    return json.dumps({"partition": partition, "sightings": sightings}, separators=(",", ":")).encode()


def decode_batch(value: bytes) -> tuple[int, list[tuple[str, Sighting]]]:
    data = json.loads(value)
    partition = int(data["partition"])
    return partition, [(i, Sighting(partition, int(o), float(t))) for i, o, t in data["sightings"]]


def marker(partition: int, sightings: list[tuple[str, Sighting]]) -> dict[str, Any]:
    """The store's entry for a batch record: read like a sighting (its first offset, its newest time) by the sweep."""
    return Sighting(partition, sightings[0][1].offset, max(s.seen_at for _, s in sightings)).to_dict()


class SightingsTable(faust.Table):
    """The dedup table: applies each batch record of its changelog as the id entries it stands for."""

    def apply_changelog_batch(self, batch: Any) -> None:
        """Faust's recovery hands over up to ~1,000 changelog records at once, here up to 2,000 sightings each:
        applied in store writes of about ``APPLY_ENTRIES`` entries, each of whole records (the store's persisted
        offset then never passes a record that is half applied)."""
        entries: list[Any] = []
        for event in batch:
            entries.extend(self._entries(event))
            if len(entries) >= APPLY_ENTRIES:
                super().apply_changelog_batch(entries)
                entries = []
        if entries:
            super().apply_changelog_batch(entries)

    def _entries(self, event: Any) -> list[Any]:
        message = event.message
        key = json.loads(message.key) if message.key is not None else None
        if message.value is None or not is_batch_key(key):  # a tombstone, or a per-id record of an older worker
            return [event]
        partition, sightings = decode_batch(message.value)
        if not sightings:
            return []
        dumps_key, dumps_value = self.app.serializers.dumps_key, self.app.serializers.dumps_value

        def entry(k: str, value: dict[str, Any]) -> Any:
            return changelog_event(
                message.tp,
                message.offset,
                key=k,
                value=value,
                raw_key=dumps_key(self.key_type, k, serializer=self.key_serializer),
                raw_value=dumps_value(self.value_type, value, serializer=self.value_serializer),
            )

        return [entry(i, s.to_dict()) for i, s in sightings] + [entry(key, marker(partition, sightings))]


class DedupEntries:
    """The mapping ``ExpiringTable`` keeps the dedup memory in: the table's store, written without changelog records,
    except a marker's deletion, which is the table's (store and changelog tombstone)."""

    def __init__(self, table: Any) -> None:
        self.table = table
        self.store = table.data

    def get(self, key: str) -> dict[str, Any] | None:
        return self.store.get(key)

    def __setitem__(self, key: str, value: dict[str, Any]) -> None:
        self.store[key] = value

    def __delitem__(self, key: str) -> None:
        if is_batch_key(key):
            del self.table[key]
        else:
            del self.store[key]

    def items(self) -> Any:
        return self.store.items()


class BatchLog:
    """The sightings one agent batch remembered, per partition, until ``flush`` writes their changelog records."""

    def __init__(self, entries: DedupEntries) -> None:
        self.entries = entries
        self._pending: dict[int, tuple[Any, list[tuple[str, Sighting]]]] = {}

    def add(self, article_id: str, sighting: Sighting, anchor: Any) -> None:
        """Record a sighting the store already holds; ``anchor`` is an event of its partition."""
        held = self._pending.get(sighting.partition)
        if held is None:
            held = self._pending[sighting.partition] = (anchor, [])
        held[1].append((article_id, sighting))

    def flush(self) -> int:
        """One changelog record (and its marker in the store) per partition and chunk; returns how many."""
        sent = 0
        pending, self._pending = self._pending, {}
        for partition, (anchor, sightings) in pending.items():
            with acting_for(anchor):
                for start in range(0, len(sightings), MAX_SIGHTINGS):
                    chunk = sightings[start : start + MAX_SIGHTINGS]
                    key = batch_key(partition, chunk[0][1].offset)
                    self.entries[key] = marker(partition, chunk)
                    rows = [(i, s.offset, s.seen_at) for i, s in chunk]
                    self.entries.table.send_changelog(
                        partition, key, encode_batch(partition, rows), value_serializer="raw"
                    )
                    sent += 1
        return sent
