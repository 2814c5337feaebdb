"""`python -m bench.run` (or `make bench`): every benchmark, each beside its same-run baseline, written to
docs/benchmarks.md, docs/benchmarks.json and docs/benchmarks.png."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bench.bench_cluster import OUT, bench_broker
from bench.machine import machine_facts
from bench.report import LATENCY_RATE, SECTIONS, write_report
from streams.runtime.settings import PROJECT_ROOT

DOCS = PROJECT_ROOT / "docs"


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=200_000, help="Throughput input size.")
    parser.add_argument("--memory-articles", type=int, default=1_000_000, help="Memory run input size.")
    parser.add_argument("--latency-rate", type=float, default=LATENCY_RATE)
    parser.add_argument("--latency-seconds", type=float, default=60.0)
    parser.add_argument(
        "--no-latency-two-workers",
        dest="latency_two_workers",
        action="store_false",
        help="Skip the second latency run at the same rate with two workers (for when one cannot keep up).",
    )
    parser.add_argument(
        "--context-rate",
        type=float,
        default=200.0,
        help="A second latency run at this rate, one worker sustains it (0: skip); shows latency without a backlog.",
    )
    parser.add_argument("--profile-seconds", type=int, default=60, help="py-spy sampling of a busy worker.")
    parser.add_argument("--classifier-limit", type=int, default=None, help="reuters_dev rows for the classifier run.")
    parser.add_argument("--out", type=Path, default=DOCS, help="Where benchmarks.md/.json/.png go.")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=list(SECTIONS),
    )
    parser.add_argument(
        "--broker-name", default="kafka", help="Folder of this run's broker under bench/out (runs side by side)."
    )
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict = {
        "machine": machine_facts(),
        "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
    }
    if "classifier" not in args.skip:
        from bench import classifier_bench

        print("classifier vs geotext …", flush=True)
        results["classifier"] = classifier_bench.run(args.classifier_limit)
    from bench import pipeline_bench

    with bench_broker(args.broker_name) as bootstrap:
        if "throughput" not in args.skip:
            print(f"throughput over {args.articles:,} articles (and the raw passthrough baseline) …", flush=True)
            results["throughput"] = pipeline_bench.throughput(bootstrap, args.articles)
        if "scaleout" not in args.skip:
            print("two workers on the same input …", flush=True)
            results["scaleout"] = pipeline_bench.throughput(
                bootstrap, args.articles, workers=2, prefix="scale", with_baseline=False
            )
        if "latency" not in args.skip:
            print(f"latency at {args.latency_rate:g} articles/s for {args.latency_seconds:g}s …", flush=True)
            results["latency"] = pipeline_bench.latency(bootstrap, rate=args.latency_rate, seconds=args.latency_seconds)
            further = []  # (results key, how it differs, rate, options)
            if args.latency_two_workers:
                further.append(
                    ("latency_2workers", " with two workers", args.latency_rate, {"prefix": "lat2", "workers": 2})
                )
            if args.context_rate:
                further.append(("latency_context", "", args.context_rate, {"prefix": "latctx"}))
            for key, how, rate, options in further:
                print(f"latency at {rate:g} articles/s{how} …", flush=True)
                results[key] = _recorded_failure(
                    pipeline_bench.latency, bootstrap, rate=rate, seconds=args.latency_seconds, **options
                )
        if "profile" not in args.skip:
            from bench import worker_profile

            print(f"where a busy worker's time goes (py-spy, {args.profile_seconds} s) …", flush=True)
            results["profile"] = worker_profile.profile(bootstrap, 40_000, args.profile_seconds)
        if "memory" not in args.skip:
            print(f"worker memory over {args.memory_articles:,} articles …", flush=True)
            results["memory"] = pipeline_bench.memory(bootstrap, args.memory_articles)
    (OUT / f"{args.broker_name}-results.json").write_text(json.dumps(results, indent=2, default=str))
    write_report(results, args.out)
    return results


def _recorded_failure(run, *args, **kwargs) -> dict:
    """A further run whose failure is reported in its place, not the end of the whole benchmark (whose figures must
    come from one run)."""
    try:
        return run(*args, **kwargs)
    except Exception as exc:  # any failure of a further run is a result to report
        print(f"  failed: {exc}", flush=True)
        return {"rate_target": kwargs.get("rate"), "error": f"{type(exc).__name__}: {exc}"[:500]}


if __name__ == "__main__":
    main()
