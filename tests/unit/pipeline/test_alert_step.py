"""The alert step the count agent runs: state round-trips through the table, the in-memory copy of a dyad's state
is dropped when its partition is revoked, and alerts go to the producer (no Kafka, no Faust worker)."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from schemas import Alert, DyadWindowCount
from streams.agents.alert import AlertStep
from streams.agents.gap_filler import GapFiller
from streams.agents.stage import Pipeline
from streams.alerting.rules import parse_rules
from streams.metrics import PipelineMetrics
from streams.settings import Settings

RULES = parse_rules("rules:\n  - {name: 'watch:PRK-RUS', kind: watchlist, dyad: PRK-RUS, topics: [military]}\n")
T0 = datetime(2025, 6, 10, tzinfo=UTC)
W = timedelta(minutes=15)


@dataclass
class FakeTopic:
    name: str
    partitions: int = 6

    def get_topic_name(self) -> str:
        return self.name


@dataclass
class FakeProducer:
    sent: list = field(default_factory=list)

    async def send(self, topic, key, value, partition, timestamp, headers):
        self.sent.append((topic, key, value))


class FakeApp:
    def __init__(self) -> None:
        self.tables: dict[str, dict] = {}

    def Table(self, name, **_kwargs):  # Faust's spelling
        return self.tables.setdefault(name, {})


def _step() -> tuple[AlertStep, FakeApp, FakeProducer]:
    app, producer = FakeApp(), FakeProducer()
    pipeline = Pipeline(
        settings=Settings(),
        rules=RULES,
        metrics=PipelineMetrics(),
        gaps=GapFiller(Settings(), group_id="g"),
        topics={s: FakeTopic(f"t.{s}") for s in ("dyad-events", "alerts")},
        producer=producer,
    )
    return AlertStep(app, pipeline), app, producer


def _count(window: int, n: int) -> DyadWindowCount:
    start = T0 + window * W
    return DyadWindowCount(
        dyad="PRK-RUS",
        window_start=start,
        window_end=start + W,
        count=n,
        by_topic={"military": n},
        mean_intensity=0.0,
        sample_article_ids=["a1"],
        updated_at=start,
    )


async def test_an_alert_is_sent_once_and_the_state_is_stored():
    step, app, producer = _step()
    await step.on_count("count", _count(0, 1), partition=2, offsets=[10])
    await step.on_count("count", _count(0, 2), partition=2, offsets=[11])
    assert [(t, Alert.from_bytes(v).rule) for t, _, v in producer.sent] == [("t.alerts", "watch:PRK-RUS")]
    stored = app.tables["dyad-alert-state"]["PRK-RUS"]
    assert stored["raised"] == {"watch:PRK-RUS": {str(T0.timestamp()): 10}}


async def test_a_revoked_partition_is_read_back_from_the_table():
    step, app, producer = _step()
    await step.on_count("count", _count(0, 1), partition=2, offsets=[10])
    # Another worker owned the partition meanwhile and recorded the replay of offset 10 as already handled.
    app.tables["dyad-alert-state"]["PRK-RUS"] = {"history": {}, "raised": {"watch:PRK-RUS": {str(T0.timestamp()): 99}}}
    step.forget({2})
    await step.on_count("count", _count(0, 1), partition=2, offsets=[10])
    assert len(producer.sent) == 1  # the table's state (raised by offset 99) was used, not the stale cached one
