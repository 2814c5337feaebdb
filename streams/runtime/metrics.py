"""The worker's metrics, served in Prometheus text format at ``/metrics`` on its web port.

One registry per worker (not the process-global default), so tests can build several apps in one process.
Consumer lag is computed at scrape time from the last offset each agent handled and the partition's highwater.
"""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

# The exposition format's media type; the charset is added by the web server (aiohttp refuses it here).
CONTENT_TYPE = "text/plain; version=0.0.4"

HighwaterFn = Callable[[str, int], int | None]


class PipelineMetrics:
    """Counters and histograms the agents update; ``render`` produces the exposition text."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.records_in = Counter(
            "dyadwatch_records_in", "Records an agent consumed.", ["agent"], registry=self.registry
        )
        self.records_out = Counter(
            "dyadwatch_records_out",
            "Records an agent produced, by destination topic.",
            ["agent", "topic"],
            registry=self.registry,
        )
        self.dead_letters = Counter(
            "dyadwatch_dead_letters",
            "Input records sent to the dead-letter topic.",
            ["agent", "error_kind"],
            registry=self.registry,
        )
        self.duplicates = Counter(
            "dyadwatch_duplicate_articles",
            "Articles dropped as duplicates of one already classified.",
            registry=self.registry,
        )
        self.refetched = Counter(
            "dyadwatch_refetched_records",
            "Records the stream skipped and the agent re-read from Kafka.",
            ["agent"],
            registry=self.registry,
        )
        self.alerts = Counter("dyadwatch_alerts", "Alerts published, by rule.", ["rule"], registry=self.registry)
        self.latency = Histogram(
            "dyadwatch_processing_seconds",
            "Time an agent spent per record (a batch's time over its size).",
            ["agent"],
            registry=self.registry,
            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
        )
        self.lag = Gauge(
            "dyadwatch_consumer_lag",
            "Records waiting in a partition (highwater - next offset to read).",
            ["topic", "partition"],
            registry=self.registry,
        )
        self._positions: dict[tuple[str, int], int] = {}
        self._sent: dict[tuple[str, str], Counter] = {}

    def sent(self, agent: str, topic: str) -> None:
        """Count one record ``agent`` produced to ``topic`` (the labelled series cached: this runs per record)."""
        child = self._sent.get((agent, topic))
        if child is None:
            child = self._sent[(agent, topic)] = self.records_out.labels(agent, topic)
        child.inc()

    def handled(self, topic: str, partition: int, offset: int) -> None:
        """Remember the last offset handled on a partition, for the lag gauge."""
        self._positions[(topic, partition)] = offset

    def forget_partitions(self, keep: set[tuple[str, int]]) -> None:
        """Stop reporting lag for partitions this worker no longer owns."""
        for tp in set(self._positions) - keep:
            self._positions.pop(tp)
            self.lag.remove(tp[0], str(tp[1]))

    def render(self, highwater: HighwaterFn) -> bytes:
        for (topic, partition), offset in self._positions.items():
            high = highwater(topic, partition)
            if high is not None:
                self.lag.labels(topic, str(partition)).set(max(0, high - offset - 1))
        return generate_latest(self.registry)
