"""Pipeline benchmarks against a real broker: throughput (vs a raw aiokafka passthrough in the same run),
article→count and article→alert latency at a steady rate, worker memory over a long run, and scale-out."""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from bench.bench_cluster import (
    WorkerProcess,
    bench_settings,
    committed_lag,
    create_topic,
    group_state,
    lag_by_partition,
    wait_until,
)
from bench.passthrough import passthrough
from schemas import Alert, DyadWindowCount, RawArticle
from streams.kafka.clients import make_consumer, make_producer
from streams.pipeline import partials
from streams.runtime.settings import Settings
from streams.sources.demo import DemoWriter, load_world

# The topics the worker consumes (it only produces the others): articles, and its own internal partials topic.
WORKER_INPUTS = ("articles", partials.TOPIC_SUFFIX)


def demo_articles(n: int, *, seed: int, start: datetime, span: timedelta) -> Iterator[RawArticle]:
    """``n`` articles of the demo generator's mix, published in order across ``span`` from ``start``."""
    world = load_world()
    rng = random.Random(seed)
    writer = DemoWriter(world, rng, run_id=f"bench{seed}")
    weights = [p.weight for p in world.pairs]
    step = span / max(1, n)
    for i in range(n):
        yield writer.article(rng.choices(world.pairs, weights)[0], start + step * i, "bench")


async def produce(settings: Settings, articles: Iterator[RawArticle]) -> int:
    producer = make_producer(settings, linger_ms=20, max_batch_size=512 * 1024)
    await producer.start()
    sent, pending = 0, []
    try:
        for article in articles:
            pending.append(await producer.send(settings.topic("articles"), article.to_bytes(), key=article.id.encode()))
            sent += 1
            if len(pending) >= 5000:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return sent


def fill_backlog(settings: Settings, n: int) -> None:
    """The throughput input: ``n`` demo-mix articles on the articles topic, event time over the last 24 h."""
    now = datetime.now(UTC)
    asyncio.run(produce(settings, demo_articles(n, seed=1, start=now - timedelta(hours=24), span=timedelta(hours=24))))


def lag(settings: Settings, inputs: tuple[str, ...] = WORKER_INPUTS, group: str | None = None) -> int:
    """Records the worker group (or ``group``) has not yet committed on its input topics."""
    return asyncio.run(committed_lag(settings, *_group_inputs(settings, inputs, group)))


def _lagging(settings: Settings) -> dict[str, int]:
    """The worker group's input partitions with uncommitted records, and how many (for a wait that timed out)."""
    by_partition = asyncio.run(lag_by_partition(settings, *_group_inputs(settings, WORKER_INPUTS, None)))
    return {tp: n for tp, n in by_partition.items() if n}


def _group_inputs(settings: Settings, inputs: tuple[str, ...], group: str | None) -> tuple[str, list[str]]:
    group = group or f"{settings.topic_prefix}-worker"
    return group, [partials.topic_name(group) if t == partials.TOPIC_SUFFIX else settings.topic(t) for t in inputs]


def faust_baseline(settings: Settings, n: int, mode: str) -> dict:
    """A bare Faust agent over the same ``n`` articles (``bench.faust_baseline``), timed as the worker is timed."""
    from bench import faust_baseline as baseline

    target = f"{settings.topic_prefix}.faust-{mode}-copy"
    asyncio.run(create_topic(settings, target))
    argv = [sys.executable, "-m", "bench.faust_baseline", mode, settings.topic("articles"), target]
    group = baseline.group_id(settings, mode)
    proc = WorkerProcess(settings, argv=argv, name=f"faust-{mode}")
    try:
        started = wait_until(lambda: proc.alive() and lag(settings, ("articles",), group) < n, timeout=300, poll=0.25)
        cpu_started = proc.cpu_s()
        done = wait_until(lambda: proc.alive() and lag(settings, ("articles",), group) == 0, timeout=3600, poll=1.0)
        return {"articles_per_s": n / (done - started), "articles_per_cpu_s": n / max(proc.cpu_s() - cpu_started, 1e-9)}
    finally:
        proc.stop()


def throughput(bootstrap: str, n: int, *, workers: int = 1, prefix: str = "tput", with_baseline: bool = True) -> dict:
    """Articles/s from a pre-filled articles topic to settled dyad counts, and the passthrough of the same topic."""
    settings = bench_settings(bootstrap, prefix)
    fill_backlog(settings, n)
    result: dict = {"articles": n, "workers": workers}
    if with_baseline:
        copy = f"{prefix}.passthrough-copy"
        asyncio.run(create_topic(settings, copy))
        rate, per_cpu_s = asyncio.run(passthrough(settings, settings.topic("articles"), copy, n))
        result["passthrough_articles_per_s"], result["passthrough_articles_per_cpu_s"] = rate, per_cpu_s
        for mode in ("passthrough", "consume"):
            figures = faust_baseline(settings, n, mode)
            result[f"faust_{mode}_articles_per_s"] = figures["articles_per_s"]
            result[f"faust_{mode}_articles_per_cpu_s"] = figures["articles_per_cpu_s"]
    procs = [WorkerProcess(settings, i) for i in range(workers)]
    try:
        launched = time.perf_counter()
        started = wait_until(
            lambda: all(p.alive() for p in procs) and lag(settings, ("articles",)) < n, timeout=300, poll=0.25
        )
        cpu_started = sum(p.cpu_s() for p in procs)
        done = wait_until(
            lambda: all(p.proc.poll() is None for p in procs) and lag(settings) == 0, timeout=3600, poll=1.0
        )
        result["startup_s"] = started - launched
        result["pipeline_articles_per_s"] = n / (done - started)
        # Robust to a busy machine: articles per CPU second the worker(s) spent (start-up excluded).
        result["pipeline_articles_per_cpu_s"] = n / max(sum(p.cpu_s() for p in procs) - cpu_started, 1e-9)
        result["worker_rss_mb"] = max(p.rss_mb() for p in procs)
        if "faust_passthrough_articles_per_s" in result:
            result["pipeline_vs_faust_passthrough"] = (
                result["pipeline_articles_per_s"] / result["faust_passthrough_articles_per_s"]
            )
    finally:
        for p in procs:
            p.stop()
    return result


async def _latency_run(settings: Settings, rate: float, seconds: float) -> dict:
    sent_at: dict[str, float] = {}
    slow_at: set[int] = set()  # seconds into the run at which an article took over a second to be counted
    count_lat: list[float] = []
    alert_lat: list[float] = []
    consumer = make_consumer(
        settings, settings.topic("dyad-counts"), settings.topic("alerts"), auto_offset_reset="latest"
    )
    await consumer.start()
    await asyncio.sleep(2)  # partitions assigned and positioned at the end

    async def follow() -> None:
        seen_counts: set[str] = set()
        seen_alerts: set[str] = set()
        async for record in consumer:
            arrived = time.perf_counter()
            if record.topic == settings.topic("dyad-counts"):
                ids, seen, out = DyadWindowCount.from_bytes(record.value).sample_article_ids, seen_counts, count_lat
            else:
                ids, seen, out = Alert.from_bytes(record.value).sample_article_ids, seen_alerts, alert_lat
            for article_id in ids:
                if article_id in sent_at and article_id not in seen:
                    seen.add(article_id)
                    out.append((arrived - sent_at[article_id]) * 1000)
                    if out is count_lat and out[-1] > 1000:
                        slow_at.add(int(sent_at[article_id] - begin))

    follower = asyncio.create_task(follow())
    producer = make_producer(settings)
    await producer.start()
    total = int(rate * seconds)
    articles = demo_articles(total, seed=int(time.time()), start=datetime.now(UTC), span=timedelta(seconds=seconds))
    begin = time.perf_counter()
    for i, article in enumerate(articles):
        delay = begin + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        article = article.model_copy(update={"published_at": datetime.now(UTC)})
        sent_at[article.id] = time.perf_counter()
        await producer.send(settings.topic("articles"), article.to_bytes(), key=article.id.encode())
    await producer.flush()
    achieved = total / (time.perf_counter() - begin)
    await asyncio.sleep(10)  # let the tail drain
    follower.cancel()
    await producer.stop()
    await consumer.stop()
    return {
        "rate_target": rate,
        "rate_achieved": achieved,
        "articles": total,
        "count_latencies_ms": count_lat,
        "alert_latencies_ms": alert_lat,
        "count_over_1s_sent_at_s": sorted(slow_at),  # where in the run the slow ones were sent (a stall, or spread)
    }


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    q = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": q[49], "p95": q[94], "p99": q[98], "max": max(values), "n": len(values)}


def latency(bootstrap: str, *, rate: float = 500, seconds: float = 60, prefix: str = "lat", workers: int = 1) -> dict:
    """Article → count (and → alert) latency at a steady ``rate``, with ``workers`` workers sharing the partitions."""
    settings = bench_settings(bootstrap, prefix)
    procs: list[WorkerProcess] = []
    try:
        # Warm up: the workers must own their partitions before the clock starts. They join one after the other, as
        # a deployment scales out: two workers joining at the same moment once left the group rebalancing with
        # partitions nobody consumed (a warm-up that never ended; the 18:05 UTC run of 2026-12-04). Each waits for
        # the group to be stable with every worker holding partitions, not only for zero lag: the first worker
        # could clear the warm-up before the second had joined, and the rebalance then fell in the measured run.
        group = f"{settings.topic_prefix}-worker"
        for i in range(workers):
            procs.append(WorkerProcess(settings, i))
            warm_up = demo_articles(50, seed=99 + i, start=datetime.now(UTC), span=timedelta(seconds=1))
            asyncio.run(produce(settings, warm_up))
            wait_until(
                lambda: (
                    all(p.alive() for p in procs)
                    and asyncio.run(group_state(settings, group)) == ("Stable", len(procs))
                    and lag(settings) == 0
                ),
                timeout=300,
                poll=0.5,
                state=lambda: (
                    f"group {asyncio.run(group_state(settings, group))}, uncommitted records per "
                    f"partition {_lagging(settings)}"
                ),
            )
        run = asyncio.run(_latency_run(settings, rate, seconds))
    finally:
        for proc in procs:
            proc.stop()
    run["workers"] = workers
    run["count"] = percentiles(run.pop("count_latencies_ms"))
    run["alert"] = percentiles(run.pop("alert_latencies_ms"))
    return run


def memory(bootstrap: str, n: int, *, prefix: str = "mem", samples: int = 20, baseline: bool = True) -> dict:
    """Worker RSS while it works through ``n`` articles whose event time spans 28 days (window counts expire on the
    way), sampled ``samples`` times. With ``baseline``, a second worker with heap trimming off
    (``DYADWATCH_HEAP_TRIM_INTERVAL_S=0``) reads its own copy of the same input beside it, sampled at the same points.

    The dedup memory's clock is the records' Kafka time, which here moves only minutes: its entries do not expire
    in this run (they are on disk, in RocksDB; its capped block cache is what they cost in memory)."""
    sample_every = max(1, n // samples)
    start = datetime.now(UTC) - timedelta(days=28)
    runs = {"trimmed": bench_settings(bootstrap, prefix)}
    if baseline:
        runs["untrimmed"] = bench_settings(bootstrap, f"{prefix}raw")
    workers = {
        name: WorkerProcess(settings, env={"DYADWATCH_HEAP_TRIM_INTERVAL_S": "0"} if name == "untrimmed" else None)
        for name, settings in runs.items()
    }
    rss: dict[str, list[tuple[int, float]]] = {name: [] for name in runs}
    try:
        produced = 0
        stream = demo_articles(n, seed=3, start=start, span=timedelta(days=28))
        while produced < n:
            chunk = [a for _, a in zip(range(sample_every), stream, strict=False)]
            for settings in runs.values():
                asyncio.run(produce(settings, iter(chunk)))
            produced += len(chunk)
            for name, settings in runs.items():
                worker = workers[name]
                wait_until(lambda w=worker, s=settings: w.alive() and lag(s) == 0, timeout=3600, poll=1.0)
            for name, worker in workers.items():
                rss[name].append((produced, worker.rss_mb()))
            print(
                f"  memory: {produced:>9,} articles  worker RSS "
                + "  ".join(f"{name} {rss[name][-1][1]:.0f} MB" for name in runs),
                flush=True,
            )
    finally:
        for worker in workers.values():
            worker.stop()
    trimmed, untrimmed = rss["trimmed"], rss.get("untrimmed", [])
    return {
        "articles": n,
        "rss_samples": trimmed,
        "worker_rss_mb_at_end": trimmed[-1][1] if trimmed else None,
        "untrimmed_rss_samples": untrimmed,
        "untrimmed_rss_mb_at_end": untrimmed[-1][1] if untrimmed else None,
    }
