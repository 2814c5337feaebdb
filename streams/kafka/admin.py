"""Creating and checking the registry's topics on a cluster (``dyadwatch topics create``).

A missing topic is created with the registry's partitions and configs, the replication factor and
``min.insync.replicas`` of the settings. An existing one is compared with the registry: a config that differs is
*drift*, which ``fix=True`` alters back (the topic's other dynamic configs are kept); a different partition count
or replication factor is a *conflict*, which no config change can repair.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError, for_code

from schemas.topics import TOPICS, TopicSpec
from streams.runtime.settings import Settings

DYNAMIC_TOPIC_CONFIG = 1  # DescribeConfigs config_source: set on this topic (not a broker or built-in default)
LIST_CONFIGS = {"cleanup.policy"}  # comma-separated values whose order does not matter
UNKNOWN_TOPIC_OR_PARTITION = 3
UNKNOWN_TOPIC_RETRIES = 100  # x 0.1 s


@dataclass(frozen=True)
class TopicOutcome:
    name: str
    status: str  # "created", "exists", "drift", "fixed", "conflict"
    detail: str = ""


def desired_configs(spec: TopicSpec, settings: Settings) -> dict[str, str]:
    """Every config dyadwatch sets on this topic: the registry's plus the settings' (``min.insync.replicas``)."""
    return {**spec.config(), **settings.topic_configs()}


async def ensure_topics(
    settings: Settings, *, replication_factor: int | None = None, fix: bool = False
) -> list[TopicOutcome]:
    """Create every registry topic that is missing; report (and with ``fix``, repair) drift of existing ones."""
    replicas = replication_factor or settings.replication_factor
    admin = AIOKafkaAdminClient(**settings.kafka_client_options(), client_id="dyadwatch-admin")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        outcomes: list[TopicOutcome] = []
        for spec in TOPICS.values():
            name = spec.name(settings.topic_prefix)
            wanted = desired_configs(spec, settings)
            if name not in existing and await create_topic(
                admin, NewTopic(name, spec.partitions, replicas, topic_configs=wanted)
            ):
                outcomes.append(TopicOutcome(name, "created"))
                continue
            outcomes.append(await _check_existing(admin, spec, name, wanted, replicas, fix=fix))
        return outcomes
    finally:
        await admin.close()


async def create_topic(admin: AIOKafkaAdminClient, topic: NewTopic) -> bool:
    """Create ``topic``: True if created, False if it exists already (made concurrently by another process).

    aiokafka returns the broker's per-topic errors instead of raising them: a refusal (replication factor above the
    number of brokers, no authorisation, an invalid config) must not pass for a created topic.
    """
    response = await admin.create_topics([topic])
    for _name, error_code, error_message, *_ in response.topic_errors:
        if error_code == TopicAlreadyExistsError.errno:
            return False
        if error_code:
            error = for_code(error_code)
            raise error(f"creating topic {topic.name} was refused: {error_message or error.__name__}")
    return True


async def _check_existing(
    admin: AIOKafkaAdminClient, spec: TopicSpec, name: str, wanted: dict[str, str], replicas: int, *, fix: bool
) -> TopicOutcome:
    conflicts = []
    described = await admin.describe_topics([name])
    partitions = described[0]["partitions"] if described else []
    if len(partitions) != spec.partitions:
        conflicts.append(f"{len(partitions)} partitions, registry wants {spec.partitions}")
    found_replicas = {len(p["replicas"]) for p in partitions}
    if found_replicas and found_replicas != {replicas}:
        conflicts.append(f"replication factor {'/'.join(map(str, sorted(found_replicas)))}, settings want {replicas}")
    current, dynamic = await _topic_configs(admin, name)
    drift = {key: value for key, value in wanted.items() if not _same(key, current.get(key), value)}
    detail = [f"{key}={current.get(key)}, registry wants {value}" for key, value in drift.items()]
    if conflicts:
        return TopicOutcome(name, "conflict", "; ".join(conflicts + detail))
    if not drift:
        return TopicOutcome(name, "exists")
    if not fix:
        return TopicOutcome(name, "drift", "; ".join(detail))
    # AlterConfigs replaces the topic's whole dynamic config: keep what an operator set beside ours.
    resource = ConfigResource(ConfigResourceType.TOPIC, name, configs={**dynamic, **wanted})
    for response in await admin.alter_configs([resource]):
        for error_code, error_message, *_ in response.resources:
            if error_code:
                raise RuntimeError(f"altering the configs of {name} failed: error {error_code} {error_message}")
    return TopicOutcome(name, "fixed", "; ".join(detail))


async def _topic_configs(admin: AIOKafkaAdminClient, name: str) -> tuple[dict[str, str], dict[str, str]]:
    """(every effective config, the ones set on the topic itself) of topic ``name``.

    Asks again for a while when the broker does not know the topic yet (created a moment ago by someone else).
    """
    for _ in range(UNKNOWN_TOPIC_RETRIES):
        responses = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name)])
        resources = [resource for response in responses for resource in response.resources]
        errors = {(resource[0], resource[1]) for resource in resources if resource[0]}
        if not errors:
            break
        if {code for code, _ in errors} != {UNKNOWN_TOPIC_OR_PARTITION}:
            raise RuntimeError(f"describing the configs of {name} failed: {sorted(errors)}")
        await asyncio.sleep(0.1)
    else:
        raise RuntimeError(f"the broker does not know topic {name}")
    effective, dynamic = {}, {}
    for resource in resources:
        for key, value, _read_only, source, *_ in resource[4]:
            effective[key] = value
            if source == DYNAMIC_TOPIC_CONFIG:
                dynamic[key] = value
    return effective, dynamic


def _same(key: str, found: str | None, wanted: str) -> bool:
    if found is None:
        return False
    if key in LIST_CONFIGS:
        return set(found.split(",")) == set(wanted.split(","))
    return found == wanted
