"""Local aggregation between the worker's two agents: one *partial* record per (dyad, window) per classify batch.

Flink's local-global aggregation and Kafka Streams' record cache, in the worker's terms: the classify agent groups
the dyad events of a batch by window and sends one partial each on the worker's internal topic ``dyad-partials``
(``<app id>-dyad-partials``, keyed by dyad, hence on the same partition number as the dyad's ``dyad-events``); the
count agent merges partials into its windows. Faust's per-record consume cost is then paid per (dyad, window,
batch) instead of per (article, dyad). ``dyad-events`` is still published, record for record, for other consumers.

The topic is private to the worker (named under its app id like Faust's changelogs, created by the worker, covered
by the worker's ACL on that prefix): its format may change with the worker, so it is not on the topic registry.

A partial keeps one compact entry per article, with the article record's position, so the tally counts each
article once whatever the batch boundaries of a replay (``WindowTally.add_partial``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from schemas import DyadEvent
from schemas.dyad_count import window_key
from streams.pipeline.windows import Entry, window_bounds

TOPIC_SUFFIX = "dyad-partials"
# Entries per partial record (~100-200 bytes each): a record stays below the producer's 256 KiB batches and far
# below Kafka's 1 MB, whatever the batch size.
MAX_ENTRIES = 1_000


def topic_name(app_id: str) -> str:
    """The internal topic of the worker app ``app_id`` (e.g. ``dyadwatch-worker-dyad-partials``)."""
    return f"{app_id}-{TOPIC_SUFFIX}"


class DyadPartial(BaseModel):
    """The dyad events of one classify batch for one (dyad, window); window bounds in epoch seconds."""

    model_config = ConfigDict(extra="forbid")

    dyad: str
    window_start: float
    window_end: float
    entries: list[Entry]

    @property
    def key(self) -> str:
        return window_key(self.dyad, self.bounds[0])

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        return datetime.fromtimestamp(self.window_start, UTC), datetime.fromtimestamp(self.window_end, UTC)

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()


class Partials:
    """The partials of one batch, filled article by article; ``origins`` are the input events of each."""

    def __init__(self, size: timedelta, max_entries: int = MAX_ENTRIES) -> None:
        self.size = size
        self.max_entries = max_entries
        self._partials: dict[tuple[str, float], tuple[DyadPartial, list[Any]]] = {}
        self._full: list[tuple[DyadPartial, list[Any]]] = []  # closed at ``max_entries``, in the order they filled

    def add(self, record: DyadEvent, partition: int, offset: int, origin: Any) -> None:
        start, end = window_bounds(record.published_at, self.size)
        slot = (record.dyad, start.timestamp())
        held = self._partials.get(slot)
        if held is not None and len(held[0].entries) >= self.max_entries:
            self._full.append(self._partials.pop(slot))
            held = None
        if held is None:
            partial = DyadPartial(dyad=record.dyad, window_start=slot[1], window_end=end.timestamp(), entries=[])
            held = self._partials[slot] = (partial, [])
        held[0].entries.append(
            Entry(
                partition,
                offset,
                record.article_id,
                record.event_type.value,
                int(record.quad_class),
                record.topics,
                record.intensity,
            )
        )
        if not held[1] or held[1][-1] is not origin:
            held[1].append(origin)

    def drain(self) -> list[tuple[DyadPartial, list[Any]]]:
        """The batch's partials with their origins; a window's full ones before its last, so in article order."""
        out = [*self._full, *self._partials.values()]
        self._partials, self._full = {}, []
        return out
