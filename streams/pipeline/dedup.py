"""Pure de-duplication decision of the classify agent: is this article new, a replay, or a duplicate?

The memory maps an article id to where it was first seen (partition, offset) and when. A record at that same
position is a *replay* of the first sighting (the worker crashed before committing its offset) and is
processed again, so a crash never loses an article; any other record with the same id inside the horizon is a
duplicate. Entries older than the horizon are forgotten, which bounds the memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    NEW = "new"
    REPLAY = "replay"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class Sighting:
    """Where and when an article id was first seen; stored in the dedup table."""

    partition: int
    offset: int
    seen_at: float  # record timestamp, seconds since the epoch

    def to_dict(self) -> dict[str, Any]:
        return {"partition": self.partition, "offset": self.offset, "seen_at": self.seen_at}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Sighting:
        return cls(int(data["partition"]), int(data["offset"]), float(data["seen_at"]))


def judge(previous: Sighting | None, current: Sighting, horizon_s: float) -> Verdict:
    """The verdict for ``current`` given the stored first sighting of the same article id."""
    if previous is None or current.seen_at - previous.seen_at > horizon_s:
        return Verdict.NEW
    if (previous.partition, previous.offset) == (current.partition, current.offset):
        return Verdict.REPLAY
    return Verdict.DUPLICATE
