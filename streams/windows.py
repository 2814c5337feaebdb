"""Pure window logic of the count agent: which window an event falls in, and the idempotent tally.

No Faust import: the agent only stores what these functions return. The tally remembers the article ids it
has counted, so replaying an event after a crash (at-least-once delivery) never counts it twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from schemas import DyadEvent, DyadWindowCount
from schemas.dyad_count import window_key

MAX_SAMPLE_IDS = 10


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

    ``article_ids`` is the set of articles already counted: adding an article twice is a no-op, which is
    what makes the count exact under replays. ``partition`` records where the state lives, for expiry.
    """

    dyad: str
    window_start: datetime
    window_end: datetime
    partition: int
    article_ids: list[str] = field(default_factory=list)
    by_event_type: dict[str, int] = field(default_factory=dict)
    by_quad_class: dict[str, int] = field(default_factory=dict)
    by_topic: dict[str, int] = field(default_factory=dict)
    intensity_sum: float = 0.0

    @property
    def key(self) -> str:
        return window_key(self.dyad, self.window_start)

    @property
    def count(self) -> int:
        return len(self.article_ids)

    def add(self, event: DyadEvent) -> bool:
        """Count ``event`` once; returns False when its article was already counted in this window."""
        if event.article_id in self.article_ids:
            return False
        self.article_ids.append(event.article_id)
        _bump(self.by_event_type, event.event_type.value)
        _bump(self.by_quad_class, str(int(event.quad_class)))
        for topic in event.topics:
            _bump(self.by_topic, topic)
        self.intensity_sum += event.intensity
        return True

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
            sample_article_ids=self.article_ids[-MAX_SAMPLE_IDS:],
            updated_at=updated_at,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "dyad": self.dyad,
            "window_start": self.window_start.timestamp(),
            "window_end": self.window_end.timestamp(),
            "partition": self.partition,
            "article_ids": self.article_ids,
            "by_event_type": self.by_event_type,
            "by_quad_class": self.by_quad_class,
            "by_topic": self.by_topic,
            "intensity_sum": self.intensity_sum,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WindowTally:
        return cls(
            dyad=data["dyad"],
            window_start=datetime.fromtimestamp(data["window_start"], UTC),
            window_end=datetime.fromtimestamp(data["window_end"], UTC),
            partition=data["partition"],
            article_ids=list(data["article_ids"]),
            by_event_type=dict(data["by_event_type"]),
            by_quad_class=dict(data["by_quad_class"]),
            by_topic=dict(data["by_topic"]),
            intensity_sum=float(data["intensity_sum"]),
        )

    @classmethod
    def empty(cls, dyad: str, bounds: tuple[datetime, datetime], partition: int) -> WindowTally:
        return cls(dyad=dyad, window_start=bounds[0], window_end=bounds[1], partition=partition)


def _bump(counter: dict[str, int], key: str) -> None:
    counter[key] = counter.get(key, 0) + 1
