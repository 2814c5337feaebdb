"""Who may do what on the cluster: one principal per role and its least-privilege ACLs, and writing them to a broker.

The table here is the one ``docs/security.md`` gives for production clusters; ``dyadwatch kafka start --secure``
applies it to the embedded broker. Every role may DESCRIBE the registry's topics (metadata only: names and
partitions) so that clients can find them; what a role reads, writes and which consumer groups it may join is
listed per role. aiokafka's admin client has no ACL calls, so the CreateAcls request goes through its protocol
layer (the request itself is Kafka's, versions negotiated by aiokafka).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from schemas.topics import TOPICS


class ResourceType(IntEnum):
    TOPIC = 2
    GROUP = 3
    CLUSTER = 4


class PatternType(IntEnum):
    LITERAL = 3
    PREFIXED = 4


class Operation(IntEnum):
    READ = 3
    WRITE = 4
    CREATE = 5
    DESCRIBE = 8
    DESCRIBE_CONFIGS = 10
    IDEMPOTENT_WRITE = 12


ALLOW = 3
CLUSTER_NAME = "kafka-cluster"
ANY_HOST = "*"


@dataclass(frozen=True)
class RoleGrants:
    """What one role's principal may do; topic entries are registry suffixes."""

    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    group: str | None = None  # consumer groups whose names start so ("{prefix}" replaced; prefixed pattern)
    idempotent: bool = False
    internal_topics: bool = False  # Faust's changelog/repartition topics, <prefix>-worker-… (prefixed pattern)
    describe_configs: bool = False  # check the registry topics' configs (the worker's start-up check)


ROLES: dict[str, RoleGrants] = {
    "worker": RoleGrants(
        reads=("articles",),
        writes=("events", "dyad-events", "dyad-counts", "alerts", "deadletter"),
        group="{prefix}-worker",
        idempotent=True,
        internal_topics=True,
        describe_configs=True,
    ),
    "ingest": RoleGrants(writes=("articles",), idempotent=True),
    "dashboard": RoleGrants(
        reads=("events", "dyad-counts", "alerts", "alert-acks"), writes=("alert-acks",), group="{prefix}-dashboard"
    ),
    "notifier": RoleGrants(
        reads=("alerts",),
        writes=("deadletter",),
        group="{prefix}.notify",  # streams/notify's consumer_group()
        idempotent=True,
    ),
    "reader": RoleGrants(reads=tuple(TOPICS), group="{prefix}-reader"),
}


@dataclass(frozen=True)
class AclRule:
    """One ALLOW entry: ``principal`` may ``operation`` on the resource (name literal or a prefix), from any host."""

    principal: str
    resource_type: ResourceType
    resource_name: str
    pattern: PatternType
    operation: Operation


def principal(role: str) -> str:
    return f"User:{role}"


def role_acls(role: str, prefix: str) -> list[AclRule]:
    """The ACLs of ``role`` for the topics and groups of deployment ``prefix`` (``DYADWATCH_TOPIC_PREFIX``)."""
    grants, who = ROLES[role], principal(role)

    def on_topics(suffixes: tuple[str, ...], operation: Operation) -> list[AclRule]:
        return [
            AclRule(who, ResourceType.TOPIC, TOPICS[s].name(prefix), PatternType.LITERAL, operation) for s in suffixes
        ]

    rules = on_topics(tuple(TOPICS), Operation.DESCRIBE) + on_topics(grants.reads, Operation.READ)
    rules += on_topics(grants.writes, Operation.WRITE)
    if grants.describe_configs:
        rules += on_topics(tuple(TOPICS), Operation.DESCRIBE_CONFIGS)
    if grants.group:
        group = grants.group.format(prefix=prefix)
        rules += [AclRule(who, ResourceType.GROUP, group, PatternType.PREFIXED, op) for op in _GROUP_OPS]
    if grants.internal_topics:
        internal = f"{prefix}-worker-"
        rules += [AclRule(who, ResourceType.TOPIC, internal, PatternType.PREFIXED, op) for op in _INTERNAL_OPS]
    if grants.idempotent:
        rules.append(AclRule(who, ResourceType.CLUSTER, CLUSTER_NAME, PatternType.LITERAL, Operation.IDEMPOTENT_WRITE))
    return rules


def all_role_acls(prefix: str) -> list[AclRule]:
    return [rule for role in ROLES for rule in role_acls(role, prefix)]


def kafka_acls_commands(prefix: str) -> list[str]:
    """The role ACLs as Kafka's ``kafka-acls.sh --add`` arguments (for docs and operators), one line per principal
    and set of operations: the tool grants every listed operation on every listed resource."""
    ops: dict[tuple[str, ResourceType, PatternType, str], set[Operation]] = {}
    for rule in all_role_acls(prefix):
        ops.setdefault((rule.principal, rule.resource_type, rule.pattern, rule.resource_name), set()).add(
            rule.operation
        )
    grouped: dict[tuple[str, ResourceType, PatternType, tuple[Operation, ...]], list[str]] = {}
    for (who, kind, pattern, name), operations in ops.items():
        grouped.setdefault((who, kind, pattern, tuple(sorted(operations))), []).append(name)
    lines = []
    for (who, kind, pattern, operations), names in grouped.items():
        args = ["--add", "--allow-principal", who]
        args += [arg for op in operations for arg in ("--operation", op.name.title().replace("_", ""))]
        flag = {ResourceType.TOPIC: "--topic", ResourceType.GROUP: "--group"}.get(kind)
        args += [arg for name in names for arg in (flag, name)] if flag else ["--cluster"]
        args += ["--resource-pattern-type", "prefixed"] if pattern is PatternType.PREFIXED else []
        lines.append(" ".join(args))
    return lines


_GROUP_OPS = (Operation.READ, Operation.DESCRIBE)
_INTERNAL_OPS = (
    Operation.CREATE,
    Operation.READ,
    Operation.WRITE,
    Operation.DESCRIBE,
    Operation.DESCRIBE_CONFIGS,
)


class AclError(RuntimeError):
    """The broker refused to create an ACL; the message names the rule and the broker's reason."""


async def create_acls(client_options: Mapping[str, Any], rules: list[AclRule]) -> None:
    """Create ``rules`` on the cluster (idempotent: an existing rule is accepted again). Needs a super user."""
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.protocol.admin import CreateAclsRequest

    admin = AIOKafkaAdminClient(**client_options, client_id="dyadwatch-acls")
    await admin.start()
    try:
        for rule in rules:
            request = CreateAclsRequest(
                rule.resource_type,
                rule.resource_name,
                rule.pattern,
                rule.principal,
                ANY_HOST,
                rule.operation,
                ALLOW,
            )
            response = await admin._send_to_controller(request)
            for error_code, error_message in response.creation_responses:
                if error_code:
                    raise AclError(f"creating {rule} failed: error {error_code} {error_message}")
    finally:
        await admin.close()
