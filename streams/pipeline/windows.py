"""Pure window logic of the count agent: which window an event falls in, and the idempotent tally.

No Faust import: the agent only stores what these functions return. The tally merges the classify agent's partial
records (``streams/pipeline/partials.py``) and is idempotent by position, in constant size: it remembers the highest
input offset it counted (every partial of one dyad, hence of one window, arrives on one partition, in order), so
the count agent's own replays after a crash are skipped; and the highest *source* position (articles partition →
offset, at most one entry per articles partition) it counted, so articles the classify agent published again after
a crash of its own are skipped entry by entry, however that replay was batched. Neither grows with the count: one
window's record stays a few hundred bytes at any number of articles, and each check is a dictionary lookup.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from schemas import DyadWindowCount
from schemas.dyad_count import window_key

MAX_SAMPLE_IDS = 10


class Entry(NamedTuple):
    """One article's dyad event as the tally counts it, with its article record's position (a partial's entry)."""

    partition: int
    offset: int
    article_id: str
    event_type: str
    quad_class: int
    topics: list[str]
    intensity: float


def window_bounds(ts: datetime, size: timedelta) -> tuple[datetime, datetime]:
    """The tumbling window ``[start, end)`` holding ``ts``, aligned on the Unix epoch."""
    size_s = int(size.total_seconds())
    epoch_s = int(ts.astimezone(UTC).timestamp())
    start_s = epoch_s - epoch_s % size_s
    start = datetime.fromtimestamp(start_s, UTC)
    return start, start + size


@dataclass
class WindowTally:
    """The running state of one (dyad, window); stored whole in the table and its changelog.

    ``input_offset`` is the highest offset of the agent's input partition (``partition``) counted here (stored as
    ``partial_offset``: offsets of the earlier dyad-events input mean nothing on the partials topic), ``sources``
    the highest article position counted per articles partition (keys are partition numbers as strings, for JSON).
    ``updated_at`` (epoch seconds, the worker's clock) decides when the window expires.
    """

    dyad: str
    window_start: datetime
    window_end: datetime
    partition: int
    count: int = 0
    input_offset: int = -1
    sources: dict[str, int] = field(default_factory=dict)
    sample_article_ids: list[str] = field(default_factory=list)
    by_event_type: dict[str, int] = field(default_factory=dict)
    by_quad_class: dict[str, int] = field(default_factory=dict)
    by_topic: dict[str, int] = field(default_factory=dict)
    intensity_sum: float = 0.0
    updated_at: float = 0.0

    @property
    def key(self) -> str:
        return window_key(self.dyad, self.window_start)

    def add_partial(self, entries: Iterable[Entry], *, offset: int, redelivered: bool = False) -> int:
        """Count a partial's ``entries`` (read at input ``offset``), each article position once; returns how many.

        A partial replayed by the count agent (``offset`` counted already) adds nothing. An entry whose article
        position its articles partition has passed already was counted from an earlier partial (the classify agent
        published it again after a crash, possibly batched otherwise). A partial sent again after its first send
        failed (``redelivered``) may arrive behind later positions, and its first send was never appended, so only
        the input offset decides for it.
        """
        if offset <= self.input_offset:
            return 0
        self.input_offset = offset
        counted = 0
        for entry in entries:
            key = str(entry.partition)
            passed = self.sources.get(key, -1)
            if entry.offset <= passed and not redelivered:
                continue
            self.sources[key] = max(passed, entry.offset)
            self._count(entry)
            counted += 1
        return counted

    def _count(self, entry: Entry) -> None:
        self.count += 1
        self.sample_article_ids = [*self.sample_article_ids[-(MAX_SAMPLE_IDS - 1) :], entry.article_id]
        _bump(self.by_event_type, entry.event_type)
        _bump(self.by_quad_class, str(entry.quad_class))
        for topic in entry.topics:
            _bump(self.by_topic, topic)
        self.intensity_sum += entry.intensity

    def to_count(self, updated_at: datetime) -> DyadWindowCount:
        mean = self.intensity_sum / self.count if self.count else 0.0
        return DyadWindowCount(
            dyad=self.dyad,
            window_start=self.window_start,
            window_end=self.window_end,
            count=self.count,
            by_event_type=dict(self.by_event_type),
            by_quad_class=dict(self.by_quad_class),
            by_topic=dict(self.by_topic),
            mean_intensity=max(-10.0, min(10.0, round(mean, 4))),
            sample_article_ids=list(self.sample_article_ids),
            updated_at=updated_at,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "dyad": self.dyad,
            "window_start": self.window_start.timestamp(),
            "window_end": self.window_end.timestamp(),
            "partition": self.partition,
            "count": self.count,
            "partial_offset": self.input_offset,
            "sources": self.sources,
            "sample_article_ids": self.sample_article_ids,
            "by_event_type": self.by_event_type,
            "by_quad_class": self.by_quad_class,
            "by_topic": self.by_topic,
            "intensity_sum": self.intensity_sum,
            "updated_at": self.updated_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WindowTally:
        legacy_ids = data.get("article_ids")  # stored by earlier versions: every counted id
        return cls(
            dyad=data["dyad"],
            window_start=datetime.fromtimestamp(data["window_start"], UTC),
            window_end=datetime.fromtimestamp(data["window_end"], UTC),
            partition=data["partition"],
            count=int(data["count"]) if legacy_ids is None else len(legacy_ids),
            input_offset=int(data.get("partial_offset", -1)),
            sources=dict(data.get("sources", {})),
            sample_article_ids=list(data["sample_article_ids"] if legacy_ids is None else legacy_ids[-MAX_SAMPLE_IDS:]),
            by_event_type=dict(data["by_event_type"]),
            by_quad_class=dict(data["by_quad_class"]),
            by_topic=dict(data["by_topic"]),
            intensity_sum=float(data["intensity_sum"]),
            updated_at=float(data.get("updated_at", data["window_end"])),
        )

    @classmethod
    def empty(cls, dyad: str, bounds: tuple[datetime, datetime], partition: int) -> WindowTally:
        return cls(dyad=dyad, window_start=bounds[0], window_end=bounds[1], partition=partition)


def _bump(counter: dict[str, int], key: str) -> None:
    counter[key] = counter.get(key, 0) + 1
