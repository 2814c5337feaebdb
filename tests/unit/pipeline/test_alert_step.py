"""The alert step the count agent runs: state round-trips through the table, the in-memory copy of a dyad's state
is dropped when its partition is revoked, and alerts go to the producer (no Kafka, no Faust worker)."""

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from schemas import Alert, DyadWindowCount
from streams.alerting.rules import parse_rules
from streams.pipeline.agents.alert import AlertStep
from streams.pipeline.agents.gap_filler import GapFiller
from streams.pipeline.agents.stage import Pipeline
from streams.runtime.metrics import PipelineMetrics
from streams.runtime.settings import Settings

RULES = parse_rules("rules:\n  - {name: 'watch:PRK-RUS', kind: watchlist, dyad: PRK-RUS, topics: [military]}\n")
_NOW = datetime.now(UTC)
# A live window: ended 15-30 minutes ago, inside the rules' one-hour look-back.
T0 = _NOW.replace(minute=_NOW.minute - _NOW.minute % 15, second=0, microsecond=0) - timedelta(minutes=30)
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
    placed: list = field(default_factory=list)  # (topic, partition) of each record sent

    async def send(self, topic, key, value, partition, timestamp, headers):
        """Queues the record; its future is already resolved (acknowledged)."""
        self.sent.append((topic, key, value))
        self.placed.append((topic, partition))
        acked = asyncio.get_running_loop().create_future()
        acked.set_result(None)
        return acked


class FakeApp:
    def __init__(self) -> None:
        self.tables: dict[str, dict] = {}

    def Table(self, name, **_kwargs):  # Faust's spelling
        return self.tables.setdefault(name, {})


def _step(rules=RULES) -> tuple[AlertStep, FakeApp, FakeProducer]:
    app, producer = FakeApp(), FakeProducer()
    pipeline = Pipeline(
        settings=Settings(),
        rules=rules,
        metrics=PipelineMetrics(),
        gaps=GapFiller(Settings(), group_id="g"),
        topics={s: FakeTopic(f"t.{s}") for s in ("dyad-partials", "alerts")},
        producer=producer,
    )
    return AlertStep(app, pipeline), app, producer


def _count(window: int, n: int, t0: datetime = T0) -> DyadWindowCount:
    start = t0 + window * W
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
    await step.on_count("count", _count(0, 1), partition=2, offsets=[10], origins=[])
    await step.on_count("count", _count(0, 2), partition=2, offsets=[11], origins=[])
    assert [(t, Alert.from_bytes(v).rule) for t, _, v in producer.sent] == [("t.alerts", "watch:PRK-RUS")]
    stored = app.tables["dyad-alert-state"]["PRK-RUS"]
    assert stored["raised"] == {"watch:PRK-RUS": {str(T0.timestamp()): 10}}


async def test_a_revoked_partition_is_read_back_from_the_table():
    step, app, producer = _step()
    await step.on_count("count", _count(0, 1), partition=2, offsets=[10], origins=[])
    # Another worker owned the partition meanwhile and recorded the replay of offset 10 as already handled.
    app.tables["dyad-alert-state"]["PRK-RUS"] = {"history": {}, "raised": {"watch:PRK-RUS": {str(T0.timestamp()): 99}}}
    step.forget({2})
    await step.on_count("count", _count(0, 1), partition=2, offsets=[10], origins=[])
    assert len(producer.sent) == 1  # the table's state (raised by offset 99) was used, not the stale cached one


async def test_a_live_window_alert_is_live_and_an_old_window_alert_historical():
    step, _app, producer = _step()
    await step.on_count("count", _count(0, 1), partition=2, offsets=[10], origins=[])
    past = T0 - timedelta(days=2000)
    await step.on_count("count", _count(0, 1, past), partition=2, offsets=[11], origins=[])
    alerts = [Alert.from_bytes(v) for _, _, v in producer.sent]
    assert [(a.window_start, a.historical) for a in alerts] == [(T0, False), (past, True)]


async def test_a_window_beyond_the_look_back_is_judged_against_a_past_state_of_its_own():
    step, app, _producer = _step()
    past = T0 - timedelta(days=2000)
    await step.on_count("count", _count(0, 3, past), partition=2, offsets=[10], origins=[])
    await step.on_count("count", _count(0, 1), partition=2, offsets=[11], origins=[])  # live traffic meanwhile
    await step.on_count("count", _count(1, 4, past), partition=2, offsets=[12], origins=[])
    tables = app.tables["dyad-alert-state"]
    # The live update pruned the live state to the recent past; the import's windows stayed in their own state.
    assert list(tables["PRK-RUS"]["history"]) == [str(T0.timestamp())]
    assert list(tables["PRK-RUS#past"]["history"]) == [str(past.timestamp()), str((past + W).timestamp())]


async def test_recent_history_shares_the_live_state_as_baseline():
    step, app, _producer = _step()
    recent = T0 - W  # ended 30-45 minutes ago: inside the look-back, so part of the live baseline
    await step.on_count("count", _count(0, 2, recent), partition=2, offsets=[10], origins=[])
    await step.on_count("count", _count(0, 1), partition=2, offsets=[11], origins=[])
    assert set(app.tables["dyad-alert-state"]) == {"PRK-RUS"}
    assert list(app.tables["dyad-alert-state"]["PRK-RUS"]["history"]) == [
        str(recent.timestamp()),
        str(T0.timestamp()),
    ]


async def test_an_imported_history_is_the_baseline_of_its_own_spikes_despite_live_updates_meanwhile():
    spike = "rules:\n  - {name: spike, kind: spike, min_count: 5, max_p_value: 0.001, baseline_windows: 8}\n"
    step, _app, producer = _step(parse_rules(spike))
    assert step.look_back == timedelta(hours=2)  # eight 15-minute windows: longer than the one-hour minimum
    past = T0 - timedelta(days=2000)
    for n in range(8):  # an import: eight quiet windows of one article each...
        await step.on_count("count", _count(n, 1, past), partition=2, offsets=[n], origins=[])
        await step.on_count("count", _count(0, 1), partition=2, offsets=[100 + n], origins=[])  # ...live meanwhile
    await step.on_count("count", _count(8, 9, past), partition=2, offsets=[8], origins=[])  # then a burst
    alerts = [Alert.from_bytes(v) for _, _, v in producer.sent]
    assert [(a.rule, a.window_start, a.historical, a.expected) for a in alerts] == [("spike", past + 8 * W, True, 1.0)]
