"""Where a busy worker's time goes: py-spy samples of one worker working through a backlog, grouped by stage.

Run: ``python -m bench.worker_profile [--articles N] [--seconds S]`` (it starts its own broker), or as the
``profile`` section of ``python -m bench.run``. The shares are of wall-clock samples of all the worker's threads, so
"idle" is time an event loop waited (the agents' on the main thread, or that of the thread Faust runs its Kafka
consumer in); they sum to 100 %.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from bench.bench_cluster import OUT, WorkerProcess, bench_broker, bench_settings, wait_until
from bench.pipeline_bench import fill_backlog, lag

PY_SPY = str(Path(sys.executable).parent / "py-spy")

# (stage, frames that put a sample in it); the first stage with one of its frames on the stack wins.
STAGES = [
    # The compiled classifier shows no frames of its own: its samples end in the agent's call into it.
    ("classifier", ("streams/classifier/", "classify_article (streams/pipeline/agents/classify.py")),
    ("decode + validate input (pydantic)", ("decode (streams/pipeline/agents/deadletter.py",)),
    ("dedup table (RocksDB + changelog)", ("is_duplicate (streams/pipeline/agents/classify.py",)),
    ("serialise + queue output records", ("Pipeline.send (streams/pipeline/agents/stage.py",)),
    ("delivery tracking (settle)", ("streams/pipeline/agents/delivery.py",)),
    ("window + alert tables, rules", ("streams/pipeline/agents/count.py",)),
    ("Faust changelog buffer and acks", ("ProducerBuffer", "_on_changelog_sent")),
    ("Kafka produce requests", ("aiokafka/producer/sender.py",)),
    ("Kafka fetch + Faust dispatch", ("Fetcher._fetcher", "conductor.py", "AIOKafkaConnection._read")),
    ("offset commits", ("Consumer._commit_handler", "_do_commit_offsets")),
    ("batching (take_events)", ("Stream._passive_drainer",)),
]
IDLE = "idle (event loop waiting)"
# Faust runs the aiokafka consumer in a thread with an event loop of its own (``mode.threads.WorkerThread``); its
# waiting is not the agents': they run on the main thread's loop.
CONSUMER_THREAD = "WorkerThread.run (mode/threads.py"
CONSUMER_IDLE = "idle (Faust's consumer thread waiting)"


def stage_of(stack: list[str]) -> str:
    for stage, frames in STAGES:
        if any(frame in f for f in stack for frame in frames):
            return stage
    if stack and "select (selectors.py" in stack[-1]:
        return CONSUMER_IDLE if any(CONSUMER_THREAD in f for f in stack) else IDLE
    return "other (asyncio, Faust, aiokafka)"


def shares(raw: Path) -> dict[str, float]:
    """Per-stage share (%) of a py-spy ``--format raw`` file (one ``frame;frame;… count`` line per stack)."""
    counts: Counter[str] = Counter()
    for line in raw.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if stack:
            counts[stage_of(stack.split(";"))] += int(n)
    total = sum(counts.values()) or 1
    return {stage: round(100 * n / total, 1) for stage, n in counts.most_common()}


def profile(bootstrap: str, n: int, seconds: int, *, prefix: str = "prof") -> dict:
    """Fill ``n`` articles, start a worker, sample it for ``seconds`` while it works through them."""
    settings = bench_settings(bootstrap, prefix)
    fill_backlog(settings, n)
    worker = WorkerProcess(settings)
    raw = OUT / f"{prefix}-py-spy.txt"
    try:
        wait_until(lambda: worker.alive() and lag(settings, ("articles",)) < n, timeout=300, poll=0.25)
        started, cpu0 = time.perf_counter(), worker.cpu_s()
        subprocess.run(
            [
                PY_SPY,
                "record",
                "--pid",
                str(worker.proc.pid),
                "--duration",
                str(seconds),
                "--rate",
                "200",
                "--format",
                "raw",
                "-o",
                str(raw),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        elapsed, cpu = time.perf_counter() - started, worker.cpu_s() - cpu0
        done = n - lag(settings, ("articles",))
    finally:
        worker.stop()
    return {
        "articles": done,
        "seconds": round(elapsed, 1),
        "articles_per_s": round(done / elapsed, 1),
        "articles_per_cpu_s": round(done / cpu, 1),
        "shares_pct": shares(raw),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=40_000, help="Backlog size (more than the worker can finish).")
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    with bench_broker("prof-kafka") as bootstrap:
        result = profile(bootstrap, args.articles, args.seconds)
    print(
        f"{result['articles']:,} articles in {result['seconds']} s: {result['articles_per_s']}/s, "
        f"{result['articles_per_cpu_s']}/CPU-s"
    )
    for stage, pct in result["shares_pct"].items():
        print(f"{pct:5.1f} %  {stage}")


if __name__ == "__main__":
    main()
