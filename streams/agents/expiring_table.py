"""A Faust table whose entries expire in event time, partition by partition.

Faust's own windowed tables expire by wall clock and forget their expiry bookkeeping on restart, so replayed or
historical data would be wiped or kept forever. Here each stored value records its partition and times; the
index is rebuilt from the store the first time a partition is seen, and deletions happen while handling an
event of that same partition, so their changelog tombstones land on the right changelog partition.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from streams.windows import ExpiryIndex

# value -> (partition, event time, expires at)
Timing = Callable[[dict[str, Any]], tuple[int, float, float]]


class ExpiringTable:
    def __init__(self, table: Any, timing: Timing) -> None:
        self.table = table
        self.timing = timing
        self.index = ExpiryIndex()

    def prepare(self, partition: int) -> None:
        """Index the partition's stored entries once (after start or rebalance)."""
        if self.index.is_indexed(partition):
            return
        entries = []
        for key, value in self.table.items():
            p, event_time, expires_at = self.timing(value)
            if p == partition:
                entries.append((key, event_time, expires_at))
        self.index.rebuild(partition, entries)

    def get(self, key: str) -> dict[str, Any] | None:
        return self.table.get(key)

    def put(self, key: str, value: dict[str, Any], *, is_new: bool) -> None:
        self.table[key] = value
        if is_new:
            partition, _, expires_at = self.timing(value)
            self.index.track(partition, key, expires_at)

    def advance(self, partition: int, event_time: float) -> int:
        """Move the partition's watermark and delete what expired; returns how many entries went."""
        self.observe(partition, event_time)
        return self.expire(partition)

    def observe(self, partition: int, event_time: float) -> None:
        """Move the partition's watermark only (a batch deletes once, at its end: ``expire``)."""
        self.index.observe(partition, event_time)

    def expire(self, partition: int) -> int:
        """Delete the partition's entries the watermark has passed; returns how many went."""
        deleted = 0
        for key in self.index.pop_expired(partition):
            value = self.table.get(key)
            if value is None:
                continue
            _, _, expires_at = self.timing(value)
            if expires_at > self.index.watermark(partition):  # renewed since it was indexed
                self.index.track(partition, key, expires_at)
                continue
            del self.table[key]
            deleted += 1
        return deleted

    def watermark(self, partition: int) -> float:
        return self.index.watermark(partition)

    def forget(self, partitions: set[int]) -> None:
        for partition in partitions:
            self.index.forget(partition)
