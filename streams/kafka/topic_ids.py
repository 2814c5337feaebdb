"""A topic's Kafka topic id (a UUID the broker gives each topic when it is created), read with a Metadata request.

The sources' "already delivered" memory is keyed by it: a topic deleted and created again (or a wiped broker, whose
cluster id an embedded broker reuses) has a new topic id, so the memory of the old topic no longer applies.
aiokafka's metadata requests stop at v5, before topic ids (Metadata v10, Kafka 2.8), so this module declares the
v12 request and response in aiokafka's own protocol types.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from io import BytesIO
from typing import TypeAlias

from aiokafka import AIOKafkaProducer
from aiokafka.errors import for_code
from aiokafka.protocol.api import Request, RequestStruct, Response
from aiokafka.protocol.types import Boolean, CompactArray, CompactString, Int16, Int32, Schema, TaggedFields

log = logging.getLogger("dyadwatch.sources")


class TopicIdUnavailable(RuntimeError):
    """The broker could not say the topic's id (the topic is missing, or the broker predates topic ids)."""


class _Uuid:
    """Kafka's UUID wire type: 16 raw bytes."""

    @classmethod
    def encode(cls, value: bytes | None) -> bytes:
        return value or bytes(16)

    @classmethod
    def decode(cls, data: BytesIO) -> bytes:
        return data.read(16)


class _MetadataResponse_v12(Response):
    API_KEY = 3
    API_VERSION = 12
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        (
            "brokers",
            CompactArray(
                ("node_id", Int32),
                ("host", CompactString("utf-8")),
                ("port", Int32),
                ("rack", CompactString("utf-8")),
                ("tags", TaggedFields),
            ),
        ),
        ("cluster_id", CompactString("utf-8")),
        ("controller_id", Int32),
        (
            "topics",
            CompactArray(
                ("error_code", Int16),
                ("name", CompactString("utf-8")),
                ("topic_id", _Uuid),
                ("is_internal", Boolean),
                (
                    "partitions",
                    CompactArray(
                        ("error_code", Int16),
                        ("partition_index", Int32),
                        ("leader_id", Int32),
                        ("leader_epoch", Int32),
                        ("replica_nodes", CompactArray(Int32)),
                        ("isr_nodes", CompactArray(Int32)),
                        ("offline_replicas", CompactArray(Int32)),
                        ("tags", TaggedFields),
                    ),
                ),
                ("topic_authorized_operations", Int32),
                ("tags", TaggedFields),
            ),
        ),
        ("tags", TaggedFields),
    )


class _MetadataRequest_v12(RequestStruct):
    FLEXIBLE_VERSION = True
    API_KEY = 3
    API_VERSION = 12
    RESPONSE_TYPE = _MetadataResponse_v12
    SCHEMA = Schema(
        ("topics", CompactArray(("topic_id", _Uuid), ("name", CompactString("utf-8")), ("tags", TaggedFields))),
        ("allow_auto_topic_creation", Boolean),
        ("include_topic_authorized_operations", Boolean),
        ("tags", TaggedFields),
    )


_Struct: TypeAlias = _MetadataRequest_v12


class _TopicMetadataRequest(Request[_Struct]):
    API_KEY = 3

    def __init__(self, topic: str) -> None:
        self._topic = topic

    def build(self, request_struct_class: type[_Struct]) -> _Struct:
        return request_struct_class([(None, self._topic, {})], False, False, {})


async def topic_id(producer: AIOKafkaProducer, topic: str) -> str:
    """The id of ``topic`` as a UUID string; ``TopicIdUnavailable`` says why when there is none."""
    client = producer.client
    try:
        response = await client.send(client.get_random_node(), _TopicMetadataRequest(topic))
    except NotImplementedError:  # the broker offers no Metadata v12: older than Kafka 3.0
        raise TopicIdUnavailable("the broker predates topic ids (Kafka < 3.0)") from None
    for error_code, name, raw_id, *_ in response.topics:
        if name == topic:
            if error_code:
                raise TopicIdUnavailable(f"topic {topic}: {for_code(error_code).__name__}")
            return str(uuid.UUID(bytes=raw_id))
    raise TopicIdUnavailable(f"the broker did not describe topic {topic}")


async def topic_incarnation(producer: AIOKafkaProducer, topic: str, *, wait_s: float = 10.0) -> str:
    """What a restart-proof memory of a topic is keyed by: its topic id, which changes when it is created again.

    A topic created a moment ago may not be known to the broker answering yet, so a missing topic is asked about
    again for ``wait_s`` before ``TopicIdUnavailable`` says so. A broker without topic ids gives its cluster id."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_s
    while True:
        try:
            return await topic_id(producer, topic)
        except TopicIdUnavailable as exc:
            missing = "UnknownTopicOrPartition" in str(exc) or "LeaderNotAvailable" in str(exc)
            if missing and loop.time() < deadline:
                await asyncio.sleep(0.2)
                continue
            if missing:
                raise
            cluster = producer.client.cluster.cluster_id
            log.warning("memory of %s keyed by the cluster id %s: %s", topic, cluster, exc)
            return f"cluster-{cluster}"
