"""The embedded Apache Kafka broker: fetched from Maven Central, run as a single-node KRaft process on loopback."""

from streams.kafka.broker.embedded import BrokerError, EmbeddedBroker

__all__ = ["BrokerError", "EmbeddedBroker"]
