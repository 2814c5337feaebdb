"""Thousands of generated bad records, interleaved with good ones, thrown at a running worker: every good one
is counted, every bad one is dead-lettered with its reason, and the worker stays up."""

from __future__ import annotations

import asyncio
import base64
import random
from collections import Counter
from datetime import timedelta

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.integration.pipeline import kafka_io
from tests.integration.pipeline.articles import expected_counts, make_articles, recent_start
from tests.integration.pipeline.bad_records import bad_records
from tests.integration.pipeline.conftest import fresh_settings
from tests.waiting import eventually

MAX_BYTES = 20_000  # a small record limit for this worker, so oversize records stay cheap
BAD_PER_EXAMPLE = 25
EXAMPLES = 80


def test_bad_records_are_dead_lettered_and_good_ones_counted(kafka_broker, tmp_path, start_worker):
    settings = fresh_settings(kafka_broker.bootstrap, tmp_path / "var", max_message_bytes=MAX_BYTES)
    worker = start_worker(settings, env={"DYADWATCH_MAX_MESSAGE_BYTES": str(MAX_BYTES)})
    good = make_articles(400, seed=11, start=recent_start(hours=8), span=timedelta(hours=4))

    bad: list[tuple[str, bytes]] = []

    @hsettings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(bad_records(good[0], MAX_BYTES), min_size=BAD_PER_EXAMPLE, max_size=BAD_PER_EXAMPLE))
    def collect(batch):
        bad.extend(batch)

    collect()
    assert len(bad) >= 2_000
    assert {kind for kind, _ in bad} == {"malformed_json", "schema", "schema_version", "oversize", "empty_text"}

    rng = random.Random(3)
    records = [(a.id.encode(), a.to_bytes()) for a in good] + [(rng.randbytes(8) or None, raw) for _, raw in bad]
    rng.shuffle(records)
    worker.wait_ready()
    asyncio.run(kafka_io.produce(settings, "articles", records))

    async def all_dead_lettered():
        letters = await kafka_io.dead_letters(settings)
        return letters if len(letters) >= len(bad) else None

    letters = asyncio.run(eventually(all_dead_lettered, timeout=90, interval=1.0))
    assert letters, f"not every bad record was dead-lettered:\n{worker.log_tail()}"
    cut = MAX_BYTES * 3 // 4
    expected = Counter((kind, raw[:cut]) for kind, raw in bad)
    got = Counter((d.error_kind, base64.b64decode(d.original_b64)) for d in letters)
    assert got == expected
    assert all(d.stage == "classify" and d.source_topic == settings.topic("articles") and d.error for d in letters)

    want = expected_counts(good, timedelta(minutes=settings.window_minutes))
    assert asyncio.run(kafka_io.counts_when_settled(settings, want, timeout=60)) == want
    assert worker.alive
    metrics = worker.metrics()
    assert f'dyadwatch_records_in_total{{agent="classify"}} {float(len(records))}' in metrics
    oversize = sum(1 for kind, _ in bad if kind == "oversize")
    assert f'dead_letters_total{{agent="classify",error_kind="oversize"}} {float(oversize)}' in metrics
