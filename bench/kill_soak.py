"""The full kill test: 20,000 articles through a real worker, kill -9 at three random moments, restart each time,
then compare every dyad window's count with the offline count and check the alerts (none lost, none twice).

    .venv/bin/python -m bench.kill_soak [--articles 20000] [--kills 3] [--kill-window 60] [--seed N]
                                        [--bootstrap HOST:PORT]

Without --bootstrap it starts a throwaway broker of its own in a temporary folder.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from streams.kafka.broker import EmbeddedBroker
from streams.kafka.broker.embedded import free_port
from streams.runtime.settings import PROJECT_ROOT, Settings
from tests.integration.pipeline.conftest import fresh_settings
from tests.integration.pipeline.test_kill_recovery import run_kill_scenario
from tests.integration.pipeline.worker_process import WorkerProcess


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--seed", type=int, default=random.randrange(10_000))
    parser.add_argument(
        "--kill-window", type=float, default=60.0, help="each kill comes 0.5 s to this many seconds into a worker run"
    )
    parser.add_argument("--bootstrap", default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="dyadwatch-soak-") as tmp:
        work = Path(tmp)
        broker = None
        bootstrap = args.bootstrap
        if bootstrap is None:
            broker = EmbeddedBroker(
                work / "kafka", jar_cache_root=PROJECT_ROOT / "var", kafka_version=Settings().kafka_version, heap="1g"
            )
            bootstrap = broker.start(free_port(), timeout=120).bootstrap
        worker = None
        try:
            settings = fresh_settings(bootstrap, work / "var")
            worker = WorkerProcess(settings, work / "worker").start()
            started = time.monotonic()
            outcome = run_kill_scenario(
                worker, articles=args.articles, kills=args.kills, seed=args.seed, kill_window_s=args.kill_window
            )
            elapsed = time.monotonic() - started
            expected, got = outcome["expected"], outcome["got"]
            differ = sorted(k for k in set(expected) | set(got) if expected.get(k) != got.get(k))
            alerts, problems = outcome["alerts"], outcome["alert_problems"]
            print(
                f"seed {args.seed}: {outcome['records']:,} records ({args.articles:,} articles + re-sent copies), "
                f"{args.kills} kill -9 (classified so far in that run: {outcome['kills_at_classified']})"
            )
            print(f"windows compared: {len(expected):,}; differing: {len(differ)} {differ[:5]}")
            print(f"alerts: {len({a.id for a in alerts})} distinct, {len(alerts)} records; problems: {problems[:5]}")
            print(f"wall time from first produce to settled counts: {elapsed:.0f}s")
            return 0 if not differ and not problems else 1
        finally:
            if worker is not None:
                worker.stop(timeout=30)
            if broker is not None:
                broker.stop()


if __name__ == "__main__":
    sys.exit(main())
