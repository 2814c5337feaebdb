"""The dedup memory's store and its per-batch changelog, on a real Faust RocksDB table (no broker: changelog sends
are captured)."""

from __future__ import annotations

import json
from pathlib import Path

import faust
import pytest
from faust.types import TP

from streams.pipeline.agents.dedup_memory import (
    MAX_SIGHTINGS,
    BatchLog,
    DedupEntries,
    SightingsTable,
    batch_key,
    decode_batch,
    encode_batch,
    is_batch_key,
)
from streams.pipeline.agents.faust_internals import acting_for, add_table, changelog_event, partition_items
from streams.pipeline.dedup import Sighting

CHANGELOG = TP("dm-article-dedup-changelog", 1)


class Message:
    def __init__(self, partition: int) -> None:
        self.partition = partition
        self.topic = "dm-articles"


class Event:
    def __init__(self, partition: int) -> None:
        self.message = Message(partition)


@pytest.fixture
def table(tmp_path: Path):
    app = faust.App("dm", store="rocksdb://", datadir=str(tmp_path), broker="kafka://127.0.0.1:9")
    return add_table(app, SightingsTable, "article-dedup", default=None, partitions=2, key_type=str)


def _record(offset: int, key: str, value: bytes | None):
    return changelog_event(CHANGELOG, offset, key=key, value=None, raw_key=json.dumps(key).encode(), raw_value=value)


def test_an_article_id_is_never_a_batch_key():
    from pydantic import TypeAdapter, ValidationError

    from schemas.base import Identifier

    with pytest.raises(ValidationError):
        TypeAdapter(Identifier).validate_python(batch_key(1, 2))
    assert is_batch_key(batch_key(1, 2)) and not is_batch_key("a1")


def test_recovery_applies_a_batch_record_as_its_id_entries_and_a_marker(table):
    batch = encode_batch(1, [("a", 40, 10.0), ("b", 41, 12.5)])
    legacy = json.dumps(Sighting(1, 3, 1.0).to_dict()).encode()  # a per-id record of an older worker
    table.apply_changelog_batch([_record(7, batch_key(1, 40), batch), _record(8, "c", legacy)])
    assert dict(partition_items(table)(1)) == {
        "a": {"partition": 1, "offset": 40, "seen_at": 10.0},
        "b": {"partition": 1, "offset": 41, "seen_at": 12.5},
        "#1:40": {"partition": 1, "offset": 40, "seen_at": 12.5},
        "c": {"partition": 1, "offset": 3, "seen_at": 1.0},
    }
    assert table.data.persisted_offset(CHANGELOG) == 8
    table.apply_changelog_batch([_record(9, batch_key(1, 40), None)])  # a tombstone removes the marker only
    assert set(dict(partition_items(table)(1))) == {"a", "b", "c"}


def test_a_batch_writes_its_sightings_to_the_store_and_one_changelog_record_per_partition(table, monkeypatch):
    sent = []
    monkeypatch.setattr(table, "send_changelog", lambda *args, **kwargs: sent.append((args, kwargs)))
    entries = DedupEntries(table)
    log = BatchLog(entries)
    for partition, offset in [(0, 5), (1, 9), (0, 6)]:
        anchor = Event(partition)
        with acting_for(anchor):
            sighting = Sighting(partition, offset, float(offset))
            entries[f"id{offset}"] = sighting.to_dict()
            log.add(f"id{offset}", sighting, anchor)
    assert sent == []  # nothing per article
    assert log.flush() == 2
    assert [args[:2] for args, _ in sent] == [(0, "#0:5"), (1, "#1:9")]
    assert all(kwargs == {"value_serializer": "raw"} for _, kwargs in sent)
    assert decode_batch(sent[0][0][2]) == (0, [("id5", Sighting(0, 5, 5.0)), ("id6", Sighting(0, 6, 6.0))])
    assert dict(partition_items(table)(0)) == {
        "id5": Sighting(0, 5, 5.0).to_dict(),
        "id6": Sighting(0, 6, 6.0).to_dict(),
        "#0:5": Sighting(0, 5, 6.0).to_dict(),  # the marker: the batch's newest time, swept with its sightings
    }
    assert log.flush() == 0


def test_a_large_batch_is_split_into_records_below_the_size_limit(table, monkeypatch):
    sent = []
    monkeypatch.setattr(table, "send_changelog", lambda *args, **kwargs: sent.append(args))
    log = BatchLog(DedupEntries(table))
    anchor = Event(0)
    for offset in range(MAX_SIGHTINGS + 1):
        log.add(f"id{offset}", Sighting(0, offset, 1.0), anchor)
    assert log.flush() == 2
    assert [key for _, key, _ in sent] == ["#0:0", f"#0:{MAX_SIGHTINGS}"]
    assert all(len(value) < 200 * MAX_SIGHTINGS for _, _, value in sent)


def test_deleting_an_id_entry_sends_nothing_and_a_marker_a_tombstone(table, monkeypatch):
    tombstones = []

    def send_changelog(partition, key, value, **kwargs):
        tombstones.append((partition, key, value))
        return Event(partition)  # stands in for the future message: Faust reads its partition

    monkeypatch.setattr(table, "send_changelog", send_changelog)
    entries = DedupEntries(table)
    with acting_for(Event(0)):
        entries["a"] = Sighting(0, 1, 1.0).to_dict()
        entries["#0:1"] = Sighting(0, 1, 1.0).to_dict()
        del entries["a"]
        assert tombstones == []
        del entries["#0:1"]
        assert entries.get("#0:1") is None and entries.get("a") is None
    assert tombstones == [(0, "#0:1", None)]


def test_recovery_writes_the_store_in_bounded_pieces_of_whole_records(table, monkeypatch):
    from streams.pipeline.agents import dedup_memory

    monkeypatch.setattr(dedup_memory, "APPLY_ENTRIES", 5)
    writes = []
    monkeypatch.setattr(faust.Table, "apply_changelog_batch", lambda self, batch: writes.append(len(list(batch))))
    records = [
        _record(n, batch_key(1, 10 * n), encode_batch(1, [(f"a{n}-{i}", 10 * n + i, 1.0) for i in range(3)]))
        for n in range(3)
    ]
    table.apply_changelog_batch(records)
    assert writes == [8, 4]  # 3 sightings + a marker per record; a record never split between two writes
