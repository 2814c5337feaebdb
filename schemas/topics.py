"""The topic registry: every topic dyadwatch reads or writes, its key, payload model, partitions and retention.

Names carry a configurable prefix (``DYADWATCH_TOPIC_PREFIX``, default ``dyadwatch``), so several
deployments can share one cluster.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel

from schemas.alert import Alert
from schemas.alert_ack import AlertAck
from schemas.article import RawArticle
from schemas.deadletter import DeadLetter
from schemas.dyad_count import DyadWindowCount
from schemas.dyad_event import DyadEvent
from schemas.event import ClassifiedEvent

DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class TopicSpec:
    """What a topic holds and how the broker keeps it."""

    suffix: str
    model: type[BaseModel]
    key: str
    description: str
    partitions: int = 6
    cleanup_policy: str = "delete"
    retention_ms: int = 7 * DAY_MS
    extra_config: dict[str, str] = field(default_factory=dict)

    def name(self, prefix: str = "dyadwatch") -> str:
        return f"{prefix}.{self.suffix}" if prefix else self.suffix

    def config(self) -> dict[str, str]:
        cfg = {"cleanup.policy": self.cleanup_policy, "retention.ms": str(self.retention_ms)}
        cfg.update(self.extra_config)
        return cfg


TOPICS: dict[str, TopicSpec] = {
    spec.suffix: spec
    for spec in (
        TopicSpec("articles", RawArticle, "id", "Raw articles from every source.", retention_ms=7 * DAY_MS),
        TopicSpec(
            "events", ClassifiedEvent, "article_id", "One classified event per article.", retention_ms=30 * DAY_MS
        ),
        TopicSpec(
            "dyad-events",
            DyadEvent,
            "dyad",
            "One record per (article, dyad); record timestamp = published time.",
            retention_ms=30 * DAY_MS,
        ),
        TopicSpec(
            "dyad-counts",
            DyadWindowCount,
            "dyad@window_start",
            "Latest count per dyad and window.",
            cleanup_policy="compact,delete",
            retention_ms=30 * DAY_MS,
            extra_config={"min.cleanable.dirty.ratio": "0.1", "segment.ms": str(DAY_MS)},
        ),
        TopicSpec("alerts", Alert, "id", "Alerts raised by the rules.", cleanup_policy="compact", retention_ms=-1),
        TopicSpec(
            "alert-acks",
            AlertAck,
            "alert_id",
            "Analyst status per alert; latest wins.",
            partitions=1,
            cleanup_policy="compact",
            retention_ms=-1,
        ),
        TopicSpec(
            "deadletter",
            DeadLetter,
            "original key",
            "Input an agent could not use, with the reason.",
            partitions=1,
            retention_ms=30 * DAY_MS,
        ),
    )
}


def topic_name(suffix: str, prefix: str = "dyadwatch") -> str:
    """Full name of a registry topic, e.g. ``topic_name('events') == 'dyadwatch.events'``."""
    return TOPICS[suffix].name(prefix)
