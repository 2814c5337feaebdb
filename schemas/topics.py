"""The topic registry: every topic dyadwatch reads or writes, its key, payload model, partitions and retention.

Names carry a configurable prefix (``DYADWATCH_TOPIC_PREFIX``, default ``dyadwatch``), so several
deployments can share one cluster.

Timestamps: every topic takes the producer's timestamp (CreateTime), refuses one more than an hour ahead (the
worker and ingest clamp publication times beyond ``Settings.future_tolerance_s``, 10 min) and accepts any age:
history is welcome. The broker's time-based retention deletes a segment once its *newest record timestamp* is
older than ``retention.ms``, so a topic whose timestamps are publication times (``event_time``) would lose an
imported 2019 article at the next retention check, consumed or not. Those topics are therefore bounded by size
(``retention.bytes`` per partition), never by age.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from schemas.alert import Alert
from schemas.alert_ack import AlertAck
from schemas.article import RawArticle
from schemas.deadletter import DeadLetter
from schemas.dyad_count import DyadWindowCount
from schemas.dyad_event import DyadEvent
from schemas.event import ClassifiedEvent

DAY_MS = 24 * 3600 * 1000
MIB = 1024 * 1024
# A record more than this ahead of the broker's clock is refused (the whole produce batch fails).
TIMESTAMP_AFTER_MAX_MS = 3600 * 1000
NO_LIMIT_MS = 2**63 - 1  # Long.MAX_VALUE: Kafka's "unlimited" for message.timestamp.before.max.ms


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
    retention_bytes: int = -1  # per partition; -1: no size bound
    event_time: bool = False  # record timestamps are publication times, possibly years old
    extra_config: dict[str, str] = field(default_factory=dict)

    def name(self, prefix: str = "dyadwatch") -> str:
        return f"{prefix}.{self.suffix}" if prefix else self.suffix

    def config(self) -> dict[str, str]:
        cfg = {
            "cleanup.policy": self.cleanup_policy,
            "retention.ms": str(self.retention_ms),
            "retention.bytes": str(self.retention_bytes),
            "message.timestamp.type": "CreateTime",
            "message.timestamp.after.max.ms": str(TIMESTAMP_AFTER_MAX_MS),
            "message.timestamp.before.max.ms": str(NO_LIMIT_MS),
        }
        cfg.update(self.extra_config)
        return cfg

    def retention_text(self) -> str:
        """Retention in words, e.g. ``7d``, ``forever``, ``1024MiB/partition``."""
        if self.retention_ms >= 0:
            return f"{self.retention_ms / DAY_MS:g}d"
        return f"{self.retention_bytes // MIB}MiB/partition" if self.retention_bytes >= 0 else "forever"


# Topics whose record timestamps are publication times: bounded by size per partition, never by age (module doc).
EVENT_TIME_RETENTION: dict[str, Any] = {
    "retention_ms": -1,
    "retention_bytes": 1024 * MIB,
    "event_time": True,
    "extra_config": {"segment.bytes": str(128 * MIB)},
}

TOPICS: dict[str, TopicSpec] = {
    spec.suffix: spec
    for spec in (
        TopicSpec(
            "articles",
            RawArticle,
            "id",
            "Raw articles from every source.",
            **EVENT_TIME_RETENTION,
        ),
        TopicSpec(
            "events", ClassifiedEvent, "article_id", "One classified event per article.", retention_ms=30 * DAY_MS
        ),
        TopicSpec(
            "dyad-events",
            DyadEvent,
            "dyad",
            "One record per (article, dyad); record timestamp = time of sending (payload published_at = event time).",
            **EVENT_TIME_RETENTION,
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
