"""File replay throughput (articles/s into the broker) against a raw aiokafka producer loop of the same records.

Both runs write the same JSON-lines file's records to fresh topics of one broker, in the same process, one after the
other (alternating when repeated). The raw loop sends each line's bytes as they are, with the same producer settings
(``make_producer``: idempotent, acks=all); file replay also parses, validates, computes ids, de-duplicates against the
on-disk memory and updates its progress bookkeeping — the difference is the cost of ingestion itself.

    python -m bench.ingest_bench --bootstrap 127.0.0.1:9092 [--articles 20000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from streams.kafka.admin import ensure_topics
from streams.kafka.clients import make_producer
from streams.runtime.settings import Settings
from streams.sources.demo import DemoWriter, load_world
from streams.sources.file_replay import replay_file


def write_records(path: Path, count: int, seed: int = 11) -> None:
    """``count`` realistic article records (demo wording, unique URLs) as JSON lines."""
    world = load_world()
    writer = DemoWriter(world, random.Random(seed), run_id=f"bench-{seed}")
    weights = [p.weight for p in world.pairs]
    now = datetime.now(UTC)
    with path.open("w", encoding="utf-8") as handle:
        for _ in range(count):
            article = writer.article(writer.rng.choices(world.pairs, weights)[0], now, "bench")
            record = {
                "title": article.title,
                "text": article.text,
                "url": article.url,
                "published_at": article.published_at.isoformat(),
                "source": "bench",
            }
            handle.write(json.dumps(record) + "\n")


async def _fresh_settings(bootstrap: str, data_dir: Path) -> Settings:
    settings = Settings(bootstrap_servers=bootstrap, topic_prefix=f"bench{uuid.uuid4().hex[:8]}", data_dir=data_dir)
    await ensure_topics(settings)
    return settings


async def raw_producer_loop(settings: Settings, path: Path) -> float:
    """Seconds to send every line of ``path`` with a bare producer loop (start to last acknowledgement)."""
    topic = settings.topic("articles")
    started = time.perf_counter()
    producer = make_producer(settings, client_id="bench-raw")
    await producer.start()
    try:
        with path.open("rb") as handle:
            for number, line in enumerate(handle):
                await producer.send(topic, value=line.rstrip(b"\n"), key=str(number).encode())
        await producer.flush()
    finally:
        await producer.stop()
    return time.perf_counter() - started


async def file_replay_run(settings: Settings, path: Path) -> tuple[float, int]:
    started = time.perf_counter()
    stats = await replay_file(settings, path, show_progress=False)
    return time.perf_counter() - started, stats.emitted


async def _run(bootstrap: str, articles: int, repeat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="dyadwatch-bench-") as tmp:
        root = Path(tmp)
        path = root / "articles.jsonl"
        write_records(path, articles)
        raw_times, replay_times = [], []
        for round_ in range(repeat):
            raw_settings = await _fresh_settings(bootstrap, root / f"raw{round_}")
            replay_settings = await _fresh_settings(bootstrap, root / f"replay{round_}")
            raw_times.append(await raw_producer_loop(raw_settings, path))
            seconds, emitted = await file_replay_run(replay_settings, path)
            if emitted != articles:
                raise RuntimeError(f"file replay emitted {emitted} of {articles} articles")
            replay_times.append(seconds)
    raw_rate, replay_rate = articles / min(raw_times), articles / min(replay_times)
    return {
        "articles": articles,
        "repeat": repeat,
        "raw_aiokafka_articles_per_s": round(raw_rate),
        "file_replay_articles_per_s": round(replay_rate),
        "file_replay_vs_raw": round(replay_rate / raw_rate, 3),
        "raw_seconds": [round(t, 3) for t in raw_times],
        "file_replay_seconds": [round(t, 3) for t in replay_times],
    }


def run(bootstrap: str, *, articles: int = 20_000, repeat: int = 2) -> dict[str, Any]:
    """Measure both and return articles/s (best of ``repeat`` rounds each) and their ratio."""
    return asyncio.run(_run(bootstrap, articles, repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap", required=True, help="Kafka bootstrap HOST:PORT")
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    print(json.dumps(run(args.bootstrap, articles=args.articles, repeat=args.repeat), indent=2))


if __name__ == "__main__":
    main()
