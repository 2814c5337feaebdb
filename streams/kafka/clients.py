"""aiokafka producers and consumers configured from the settings, so every component talks to Kafka alike."""

from __future__ import annotations

from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from streams.runtime.settings import Settings


def make_producer(settings: Settings, *, client_id: str = "dyadwatch", **overrides: Any) -> AIOKafkaProducer:
    """An idempotent producer (acks=all): a retried send never writes the same record twice."""
    options: dict[str, Any] = {
        **settings.kafka_client_options(),
        "client_id": client_id,
        "enable_idempotence": True,
        "acks": "all",
        "linger_ms": 5,
        "max_request_size": settings.max_message_bytes + 64 * 1024,
        "compression_type": None,
    }
    options.update(overrides)
    return AIOKafkaProducer(**options)


def make_consumer(
    settings: Settings, *topics: str, group_id: str | None = None, client_id: str = "dyadwatch", **overrides: Any
) -> AIOKafkaConsumer:
    """A consumer that reads committed records only, so aborted transactions never show."""
    options: dict[str, Any] = {
        **settings.kafka_client_options(),
        "client_id": client_id,
        "group_id": group_id,
        "isolation_level": "read_committed",
        "auto_offset_reset": "earliest",
        "enable_auto_commit": group_id is not None,
    }
    options.update(overrides)
    return AIOKafkaConsumer(*topics, **options)
