"""File replay, GDELT (file and lastupdate.txt → zip route), news page, HTTP push and the demo feed, each against
the real broker: records arrive validated, keyed by id, once; a second run (a restart) adds nothing."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import httpx

from streams.kafka.broker.embedded import free_port
from streams.runtime.settings import Settings
from streams.sources.demo import SOURCE as DEMO_SOURCE
from streams.sources.demo import load_world, run_demo_feed
from streams.sources.file_replay import replay_file
from streams.sources.gdelt import ingest_gdelt
from streams.sources.http_push import serve_push
from streams.sources.news_page import ingest_page
from tests.fixtures.gdelt_copies import export_copy
from tests.integration.sources.conftest import assert_each_once, read_articles


async def test_file_replay_once_across_restarts(kafka_settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "wire.jsonl"
    lines = [
        json.dumps({"title": f"Story {i}", "text": f"Body {i}.", "url": f"https://example.com/{i}"}) for i in range(200)
    ]
    path.write_text("\n".join([*lines, "{broken", lines[0]]) + "\n", encoding="utf-8")
    first = await replay_file(kafka_settings, path, show_progress=False)
    second = await replay_file(kafka_settings, path, show_progress=False)
    records = await read_articles(kafka_settings)
    assert_each_once(records)
    assert len(records) == 200 and (first.emitted, second.emitted, second.duplicates) == (200, 0, 201)


async def test_gdelt_reference_file(kafka_settings: Settings, shared: Path) -> None:
    export = shared / "reference" / "gdelt" / "20191024143000.export.CSV"
    run = await ingest_gdelt(kafka_settings, str(export))
    records = await read_articles(kafka_settings)
    assert_each_once(records)
    distinct_urls = {line.split("\t")[60] for line in export.read_text(encoding="utf-8").splitlines() if line}
    assert run.stats.emitted == len(records) == len(distinct_urls) and run.exports_read == 1
    assert all(a.source == "gdelt" and a.metadata["gdelt"]["events"] for _, a in records)


async def test_gdelt_folder_of_history_within_a_date_range(
    kafka_settings: Settings, shared: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "gdelt"
    folder.mkdir()
    for copy, stamp in enumerate(("20191024143000", "20191024144500", "20191024150000", "20191025000000")):
        export_copy(shared, folder / f"{stamp}.export.CSV", copy)
    since, until = datetime(2019, 10, 24, 14, 45, tzinfo=UTC), datetime(2019, 10, 25, tzinfo=UTC)
    run = await ingest_gdelt(kafka_settings, str(folder), since=since, until=until)
    records = await read_articles(kafka_settings)
    assert_each_once(records)
    assert (run.exports_read, run.exports_failed, run.exports_skipped) == (2, 0, 2)
    assert run.stats.emitted == len(records) == 2 * 425
    assert {a.url.rsplit("?copy=", 1)[1] for _, a in records} == {"1", "2"}  # type: ignore[union-attr]
    again = await ingest_gdelt(kafka_settings, str(folder / "*.export.CSV"), since=since, until=until)
    assert (again.stats.emitted, again.stats.duplicates) == (0, 850)


def _gdelt_zip(shared: Path, rows: int) -> bytes:
    lines = (shared / "reference" / "gdelt" / "20191024143000.export.CSV").read_text(encoding="utf-8").splitlines()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("20191024143000.export.CSV", "\n".join(lines[:rows]) + "\n")
    return buffer.getvalue()


async def test_gdelt_lastupdate_route_polls_and_reads_each_export_once(
    kafka_settings: Settings, shared: Path, feed_server
) -> None:
    kafka_settings = feed_server.with_allow(kafka_settings)
    data = _gdelt_zip(shared, rows=120)
    zip_url = feed_server.put("gdeltv2/20191024143000.export.CSV.zip", data, "application/zip")
    listing = f"{len(data)} {hashlib.md5(data, usedforsecurity=False).hexdigest()} {zip_url}\n"
    feed_server.put("gdeltv2/lastupdate.txt", listing.encode(), "text/plain")
    lastupdate = feed_server.url("gdeltv2/lastupdate.txt")

    stop = asyncio.Event()
    poller = asyncio.create_task(ingest_gdelt(kafka_settings, lastupdate, interval=0.2, stop=stop))
    while feed_server.hits.get("/gdeltv2/lastupdate.txt", 0) < 3:  # polled again after reading the export
        await asyncio.sleep(0.1)
    stop.set()
    run = await asyncio.wait_for(poller, timeout=30)
    assert feed_server.hits["/gdeltv2/20191024143000.export.CSV.zip"] == 1
    records = await read_articles(kafka_settings)
    assert_each_once(records)
    assert run.stats.emitted == len(records) > 0

    # restart: the export was read already, so it is not fetched again
    await ingest_gdelt(kafka_settings, lastupdate, once=True)
    assert feed_server.hits["/gdeltv2/20191024143000.export.CSV.zip"] == 1

    # an export whose MD5 does not match what lastupdate.txt announced is refused
    feed_server.put("gdeltv2/lastupdate.txt", listing.replace(zip_url, zip_url + "?v=2").encode(), "text/plain")
    feed_server.put("gdeltv2/20191024143000.export.CSV.zip", _gdelt_zip(shared, rows=10), "application/zip")
    refused = await ingest_gdelt(kafka_settings, lastupdate, once=True)
    assert refused.stats.emitted == 0 and refused.exports_failed == 1
    assert len(await read_articles(kafka_settings)) == len(records)


async def test_seed_page_gives_four_records_once(kafka_settings: Settings, shared: Path, feed_server) -> None:
    page = shared / "seed" / "news_page.txt"
    await ingest_page(kafka_settings, str(page))
    await ingest_page(kafka_settings, str(page))
    url = feed_server.put("news/page.txt", page.read_bytes(), "text/plain; charset=utf-8")
    await ingest_page(
        feed_server.with_allow(kafka_settings), url
    )  # same stories from a URL: another source, so four more
    records = await read_articles(kafka_settings)
    assert_each_once(records)
    assert len(records) == 8
    assert {a.source for _, a in records} == {"page:news_page.txt", f"page:{url}"}


async def test_http_push_to_topic(kafka_settings: Settings) -> None:
    port = free_port()
    stop, started = asyncio.Event(), asyncio.Event()
    server = asyncio.create_task(serve_push(kafka_settings, port=port, stop=stop, started=started))
    await asyncio.wait_for(started.wait(), timeout=30)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            batch = [{"title": f"Push {i}", "text": "Moscow and Pyongyang signed a deal."} for i in range(5)]
            first = await client.post("/articles", json=batch)
            again = await client.post("/articles", json=batch)
            bad = await client.post("/articles", json={"text": ""})
    finally:
        stop.set()
        await server
    assert first.status_code == 202 and again.status_code == 202 and bad.status_code == 422
    assert again.json()["duplicates"] == first.json()["ids"]
    records = await read_articles(kafka_settings)
    assert_each_once(records)
    assert sorted(k for k, _ in records) == sorted(first.json()["ids"])


async def test_demo_feed_to_topic(kafka_settings: Settings) -> None:
    await run_demo_feed(kafka_settings, rate=20.0, duration=1.0, seed=3)
    records = await read_articles(kafka_settings)
    assert_each_once(records)
    articles = [a for _, a in records]
    world = load_world()
    assert sum(a.source == DEMO_SOURCE for a in articles) > world.backfill_hours * world.backfill_per_hour
    assert sum(a.source == "page:news_page.txt" for a in articles) == 4
