"""Creating and checking the registry's topics on a cluster (``dyadwatch topics create``)."""

from __future__ import annotations

from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError

from schemas.topics import TOPICS, TopicSpec
from streams.settings import Settings


@dataclass(frozen=True)
class TopicOutcome:
    name: str
    status: str  # "created", "exists", "conflict"
    detail: str = ""


async def ensure_topics(settings: Settings, *, replication_factor: int = 1) -> list[TopicOutcome]:
    """Create every registry topic that is missing; report existing ones whose partitions or cleanup policy differ."""
    admin = AIOKafkaAdminClient(**settings.kafka_client_options(), client_id="dyadwatch-admin")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        outcomes: list[TopicOutcome] = []
        for spec in TOPICS.values():
            name = spec.name(settings.topic_prefix)
            if name in existing:
                outcomes.append(await _check_existing(admin, spec, name))
                continue
            try:
                await admin.create_topics(
                    [NewTopic(name, spec.partitions, replication_factor, topic_configs=spec.config())]
                )
                outcomes.append(TopicOutcome(name, "created"))
            except TopicAlreadyExistsError:  # created concurrently by another process
                outcomes.append(await _check_existing(admin, spec, name))
        return outcomes
    finally:
        await admin.close()


async def _check_existing(admin: AIOKafkaAdminClient, spec: TopicSpec, name: str) -> TopicOutcome:
    problems = []
    described = await admin.describe_topics([name])
    partitions = len(described[0]["partitions"]) if described else 0
    if partitions != spec.partitions:
        problems.append(f"{partitions} partitions, registry wants {spec.partitions}")
    configs = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name)])
    entries = {entry[0]: entry[1] for response in configs for resource in response.resources for entry in resource[4]}
    policy = entries.get("cleanup.policy")
    if policy is not None and set(policy.split(",")) != set(spec.cleanup_policy.split(",")):
        problems.append(f"cleanup.policy={policy}, registry wants {spec.cleanup_policy}")
    if problems:
        return TopicOutcome(name, "conflict", "; ".join(problems))
    return TopicOutcome(name, "exists")
