"""The topic registry names every topic of the design, with its prefix and broker settings."""

from __future__ import annotations

from schemas.topics import TOPICS, topic_name


def test_default_names() -> None:
    assert [spec.name() for spec in TOPICS.values()] == [
        "dyadwatch.articles",
        "dyadwatch.events",
        "dyadwatch.dyad-events",
        "dyadwatch.dyad-counts",
        "dyadwatch.alerts",
        "dyadwatch.alert-acks",
        "dyadwatch.deadletter",
    ]


def test_prefix_and_policies() -> None:
    assert topic_name("events", "staging") == "staging.events"
    assert TOPICS["dyad-counts"].config()["cleanup.policy"] == "compact,delete"
    assert TOPICS["alert-acks"].config()["cleanup.policy"] == "compact"
    assert all(spec.partitions >= 1 for spec in TOPICS.values())
