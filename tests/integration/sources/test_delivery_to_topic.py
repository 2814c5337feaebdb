"""Nothing silently lost at ingest, through the real broker: future publication times are clamped and flagged (never
a record timestamp the topic refuses), old dates survive, a record refused for its size is reported with the reason
while the rest of its batch is delivered, the push endpoint answers 202 only for what the broker acknowledged, and the
"already delivered" memory follows the topic's id (a recreated topic gets everything again; --resend sends again)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from schemas.article import article_id
from streams.kafka.broker.embedded import free_port
from streams.runtime.settings import Settings
from streams.sources.file_replay import replay_file
from streams.sources.http_push import serve_push
from tests.integration.sources.conftest import assert_each_once, read_articles, read_records, recreate_articles_topic

DYADWATCH = str(Path(sys.executable).parent / "dyadwatch")
TOPIC_HOUR_MS = 3600 * 1000  # message.timestamp.after.max.ms, the broker's default


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


async def test_every_fourth_article_dated_three_hours_ahead(kafka_settings: Settings, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    ahead = now + timedelta(hours=3)
    records = [
        {
            "title": f"Story {i}",
            "text": "Moscow and Pyongyang signed a trade agreement.",
            "url": f"https://example.com/future/{i}",
            "published_at": (ahead if i % 4 == 3 else now - timedelta(minutes=i)).isoformat(),
        }
        for i in range(60)
    ]
    stats = await replay_file(kafka_settings, _write(tmp_path / "wire.jsonl", records), show_progress=False)
    assert (stats.emitted, stats.clamped, stats.failed) == (60, 15, 0)

    consumed = await read_records(kafka_settings)
    articles = await read_articles(kafka_settings)
    assert_each_once(articles)
    assert len(articles) == 60
    clamped = [a for _, a in articles if "published_at_claimed" in a.metadata]
    assert len(clamped) == 15
    assert {datetime.fromisoformat(a.metadata["published_at_claimed"]) for a in clamped} == {ahead}
    assert all(a.published_at == a.ingested_at for a in clamped)
    tolerance = timedelta(seconds=kafka_settings.future_tolerance_s)
    assert all(a.published_at <= a.ingested_at + tolerance for _, a in articles)
    assert all(r.timestamp <= time.time() * 1000 + TOPIC_HOUR_MS for r in consumed)


async def test_very_old_publication_dates_survive(kafka_settings: Settings, tmp_path: Path) -> None:
    dates = ["1815-06-18T11:00:00Z", "1914-06-28T10:50:00Z", "1970-01-01T00:00:00Z", "1989-11-09T18:53:00Z"]
    records = [{"title": f"History {d}", "text": "An old story.", "published_at": d} for d in dates]
    stats = await replay_file(kafka_settings, _write(tmp_path / "old.jsonl", records), show_progress=False)
    assert (stats.emitted, stats.clamped) == (4, 0)
    published = sorted(a.published_at for _, a in await read_articles(kafka_settings))
    assert published == [datetime.fromisoformat(d) for d in dates]


async def test_a_record_too_large_once_serialised_is_refused_and_its_neighbours_delivered(
    kafka_settings: Settings, tmp_path: Path
) -> None:
    settings = kafka_settings.model_copy(update={"max_message_bytes": 50_000})
    records = [{"title": f"Neighbour {i}", "text": "Fine."} for i in range(40)]
    records.insert(17, {"title": "Too large", "text": "\u00e9" * 40_000})  # 40,000 chars, 80,000 bytes as UTF-8
    stats = await replay_file(settings, _write(tmp_path / "batch.jsonl", records), show_progress=False)
    assert (stats.emitted, stats.failed) == (40, 1)
    [(reason, count)] = stats.refusals.items()
    assert count == 1
    assert "once serialised, over the 50000-byte cap" in reason
    titles = {a.title for _, a in await read_articles(settings)}
    assert titles == {f"Neighbour {i}" for i in range(40)}


async def test_a_record_the_broker_refuses_is_reported_with_its_reason_and_the_batch_goes_on(
    kafka_settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The topic takes at most 20 kB per record; ingestion's own cap is larger, so the broker itself refuses the big
    record — which breaks the idempotent producer's sequence for its partition: the sink restarts the producer and
    sends the records the broker never wrote, so every neighbour arrives, once."""
    await recreate_articles_topic(kafka_settings, **{"max.message.bytes": "20000"})
    records = [{"title": f"Neighbour {i}", "text": "Fine.", "url": f"https://example.com/n/{i}"} for i in range(120)]
    records.insert(5, {"title": "Too large for this topic", "text": "x" * 30_000})
    caplog.set_level("INFO", logger="dyadwatch.ingest")
    stats = await replay_file(kafka_settings, _write(tmp_path / "batch.jsonl", records), show_progress=False)
    assert (stats.emitted, stats.failed) == (120, 1)
    [reason] = stats.refusals
    assert reason.startswith("the broker refused the record: [Error 10] MessageSizeTooLargeError")
    articles = await read_articles(kafka_settings)
    assert_each_once(articles)
    assert {a.title for _, a in articles} == {f"Neighbour {i}" for i in range(120)}
    assert any("ingest_producer_restarted" in r.getMessage() for r in caplog.records)

    again = await replay_file(kafka_settings, tmp_path / "batch.jsonl", show_progress=False)
    assert (again.emitted, again.duplicates, again.failed) == (0, 120, 1)  # refused again, never "already emitted"


async def test_push_answers_202_only_for_what_the_broker_acknowledged(kafka_settings: Settings) -> None:
    await recreate_articles_topic(kafka_settings, **{"max.message.bytes": "20000"})
    port = free_port()
    stop, started = asyncio.Event(), asyncio.Event()
    server = asyncio.create_task(serve_push(kafka_settings, port=port, stop=stop, started=started))
    await asyncio.wait_for(started.wait(), timeout=30)
    small = [{"title": f"Push {i}", "text": "Moscow and Pyongyang signed a deal."} for i in range(30)]
    big = {"title": "Too large for this topic", "text": "x" * 30_000}
    future = {"title": "From the future", "text": "x", "published_at": "2999-01-01T00:00:00Z"}
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            mixed = await client.post("/articles", json=[*small[:10], big, *small[10:]])
            big_again = await client.post("/articles", json=big)
            repeat = await client.post("/articles", json=small)
            ahead = await client.post("/articles", json=future)
            deep = await client.post("/articles", content=b"[" * 50_000 + b"]" * 50_000)
            health = await client.get("/health")
    finally:
        stop.set()
        stats = await server
    small_ids = [article_id(None, "push", s["title"]) for s in small]
    assert mixed.status_code == 422
    assert mixed.json()["ids"] == small_ids
    [refused] = mixed.json()["refused"]
    assert refused["index"] == 10 and "MessageSizeTooLargeError" in refused["reason"]
    assert big_again.status_code == 422 and big_again.json()["duplicates"] == []
    assert repeat.status_code == 202 and repeat.json()["duplicates"] == small_ids
    assert ahead.status_code == 202
    assert deep.status_code == 400
    assert health.json()["accepted"] == 31 and stats.emitted == 31 and stats.clamped == 1
    articles = await read_articles(kafka_settings)
    assert_each_once(articles)
    assert sorted(k for k, _ in articles) == sorted([*small_ids, ahead.json()["ids"][0]])
    [(_, clamped)] = [(k, a) for k, a in articles if a.title == "From the future"]
    assert clamped.metadata["published_at_claimed"].startswith("2999-01-01")


async def test_a_recreated_topic_gets_everything_again_and_resend_sends_again(
    kafka_settings: Settings, tmp_path: Path
) -> None:
    path = _write(tmp_path / "wire.jsonl", [{"title": f"Story {i}", "text": "Body."} for i in range(25)])
    assert (await replay_file(kafka_settings, path, show_progress=False)).emitted == 25
    assert (await replay_file(kafka_settings, path, show_progress=False)).emitted == 0

    await recreate_articles_topic(kafka_settings)  # as after wiping the broker: same cluster, a new topic id
    assert await read_articles(kafka_settings) == []
    after = await replay_file(kafka_settings, path, show_progress=False)
    assert (after.emitted, after.duplicates) == (25, 0)
    assert len(await read_articles(kafka_settings)) == 25

    plain = await ingest_cli(kafka_settings, "file", str(path), "--no-progress")
    resent = await ingest_cli(kafka_settings, "file", str(path), "--no-progress", "--resend")
    assert plain == (0, "emitted 0, already emitted 25, refused 0")
    assert resent == (0, "emitted 25, already emitted 0, refused 0")
    assert len(await read_articles(kafka_settings)) == 50


async def test_an_ingest_that_emits_nothing_because_all_was_refused_exits_non_zero(
    kafka_settings: Settings, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "", "text": ""}\n{broken\n[1, 2]\n', encoding="utf-8")
    code, summary = await ingest_cli(kafka_settings, "file", str(bad), "--no-progress")
    assert code == 1 and summary.startswith("emitted 0, already emitted 0, refused 3")
    good = _write(tmp_path / "good.jsonl", [{"title": "Fine", "text": "Fine."}])
    assert await ingest_cli(kafka_settings, "file", str(good), "--no-progress") == (
        0,
        "emitted 1, already emitted 0, refused 0",
    )
    code, summary = await ingest_cli(kafka_settings, "page", "http://127.0.0.1:9/news")
    assert code == 1 and summary == "emitted 0, already emitted 0, refused 1"


async def ingest_cli(settings: Settings, *args: str) -> tuple[int, str]:
    """Run ``dyadwatch ingest ARGS`` against the test's topics: its exit code and the summary's first line."""
    env = {
        **os.environ,
        "DYADWATCH_DATA_DIR": str(settings.data_dir),
        "DYADWATCH_TOPIC_PREFIX": settings.topic_prefix,
        "DYADWATCH_BOOTSTRAP_SERVERS": settings.bootstrap_servers,
    }
    process = await asyncio.create_subprocess_exec(
        DYADWATCH, "ingest", *args, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    summary = next(line for line in stderr.decode().splitlines() if line.startswith("emitted "))
    return process.returncode or 0, summary
