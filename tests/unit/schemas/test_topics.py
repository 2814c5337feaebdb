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


def test_every_topic_states_its_timestamp_rules() -> None:
    for spec in TOPICS.values():
        config = spec.config()
        assert config["message.timestamp.type"] == "CreateTime", spec.suffix
        assert config["message.timestamp.after.max.ms"] == "3600000", spec.suffix
        assert config["message.timestamp.before.max.ms"] == str(2**63 - 1), spec.suffix  # history is welcome


def test_no_topic_with_publication_timestamps_is_trimmed_by_age() -> None:
    """Retention by time reads record timestamps: on an event-time topic it would delete imported history."""
    assert {s.suffix for s in TOPICS.values() if s.event_time} == {"articles", "dyad-events"}
    for spec in TOPICS.values():
        if spec.event_time and "delete" in spec.cleanup_policy:
            assert spec.config()["retention.ms"] == "-1", spec.suffix
            assert int(spec.config()["retention.bytes"]) > 0, f"{spec.suffix}: bounded by size instead"
            assert int(spec.config()["segment.bytes"]) < int(spec.config()["retention.bytes"]), spec.suffix
    assert TOPICS["articles"].retention_text() == "1024MiB/partition"
    assert TOPICS["events"].retention_text() == "30d"
    assert TOPICS["alerts"].retention_text() == "forever"
