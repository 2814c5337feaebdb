"""Kafka plumbing: client options, topic administration and the embedded broker."""
