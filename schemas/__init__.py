"""The topic contract: one versioned pydantic model per topic payload, and the topic registry.

Downstream consumers depend on these models (and the JSON Schema generated from them), so a change
here is a change to dyadwatch's public interface: bump the model's ``SCHEMA_VERSION`` when it breaks.
"""

from schemas.alert import Alert, Severity
from schemas.alert_ack import AckStatus, AlertAck
from schemas.article import RawArticle
from schemas.deadletter import DeadLetter
from schemas.dyad_count import DyadWindowCount
from schemas.dyad_event import DyadEvent
from schemas.event import ActorMention, ClassifiedEvent, DyadLink, EventType, QuadClass
from schemas.topics import TOPICS, TopicSpec, topic_name

__all__ = [
    "TOPICS",
    "AckStatus",
    "ActorMention",
    "Alert",
    "AlertAck",
    "ClassifiedEvent",
    "DeadLetter",
    "DyadEvent",
    "DyadLink",
    "DyadWindowCount",
    "EventType",
    "QuadClass",
    "RawArticle",
    "Severity",
    "TopicSpec",
    "topic_name",
]
