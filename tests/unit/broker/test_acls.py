"""The role table: each principal gets what its job needs and nothing that would let it forge another's records."""

from __future__ import annotations

from schemas.topics import TOPICS
from streams.kafka.broker.acls import (
    ROLES,
    Operation,
    PatternType,
    ResourceType,
    all_role_acls,
    kafka_acls_commands,
    role_acls,
)
from streams.runtime.settings import PROJECT_ROOT


def topics_with(role: str, operation: Operation, prefix: str = "dw") -> set[str]:
    return {
        r.resource_name
        for r in role_acls(role, prefix)
        if r.resource_type is ResourceType.TOPIC and r.operation is operation and r.pattern is PatternType.LITERAL
    }


def test_writers_of_each_topic() -> None:
    writers = {
        suffix: {role for role in ROLES if f"dw.{suffix}" in topics_with(role, Operation.WRITE)} for suffix in TOPICS
    }
    assert writers == {
        "articles": {"ingest"},
        "events": {"worker"},
        "dyad-events": {"worker"},
        "dyad-counts": {"worker"},
        "alerts": {"worker"},  # nobody else can raise, change or tombstone an alert
        "alert-acks": {"dashboard"},
        "deadletter": {"worker", "notifier"},
    }


def test_readers_and_groups() -> None:
    assert topics_with("dashboard", Operation.READ) == {"dw.events", "dw.dyad-counts", "dw.alerts", "dw.alert-acks"}
    assert topics_with("notifier", Operation.READ) == {"dw.alerts"}
    assert topics_with("ingest", Operation.READ) == set()
    assert topics_with("reader", Operation.READ) == {f"dw.{s}" for s in TOPICS}
    assert topics_with("reader", Operation.WRITE) == set()
    groups = {
        role: {(r.resource_name, r.pattern) for r in role_acls(role, "dw") if r.resource_type is ResourceType.GROUP}
        for role in ROLES
    }
    assert groups["worker"] == {("dw-worker", PatternType.PREFIXED)}
    assert groups["ingest"] == set()
    # Faust's internal topics (changelogs, repartition): the worker alone, by the app id's prefix.
    internal = [r for r in all_role_acls("dw") if r.resource_name == "dw-worker-"]
    assert {r.principal for r in internal} == {"User:worker"}
    assert Operation.CREATE in {r.operation for r in internal}


def test_nothing_is_granted_beyond_the_prefix_or_by_wildcard() -> None:
    for rule in all_role_acls("dw"):
        assert rule.resource_name != "*"
        assert rule.operation not in {Operation.CREATE} or rule.resource_name == "dw-worker-", rule
        if rule.resource_type is ResourceType.CLUSTER:
            assert rule.operation is Operation.IDEMPOTENT_WRITE, rule
        else:
            assert rule.resource_name.startswith(("dw.", "dw-")), rule


def test_docs_give_the_same_acls_as_kafka_acls_commands() -> None:
    commands = kafka_acls_commands("dyadwatch")
    assert (
        "--add --allow-principal User:worker --operation Read --operation Describe --group dyadwatch-worker "
        "--resource-pattern-type prefixed"
    ) in commands
    assert "--add --allow-principal User:ingest --operation IdempotentWrite --cluster" in commands
    docs = (PROJECT_ROOT / "docs" / "security.md").read_text()
    for command in commands:
        assert f"kafka-acls.sh $ADMIN {command}" in docs, f"docs/security.md lacks: {command}"
