"""Classifier throughput on one core over reuters_dev, against geotext 0.4.0 on the same texts, plus memory.

Run: ``python -m bench.classifier_bench [--limit N]``. Importable: ``run(limit) -> dict``.
Both systems see ``title + "\\n\\n" + text``; each is timed with process CPU time (robust to a busy machine) over
the same rows, alternating in blocks so that background load hits all alike: ``Classifier.classify`` (the worker's
exact call: the ``dyadwatch.events`` payload, explanations included), ``Classifier.analyse(explain=False)`` (the same
rules without the explanation's strings or the payload: eval and ``classify --jsonl``) and geotext. On a shared
machine the absolute rates move by ±10% from run to run; the ratios to geotext move far less. A child process then
times ``classify`` on the same rows as plain Python, so what the mypyc build adds is measured too.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil

SHARED = Path(os.environ.get("DYADWATCH_SHARED_DIR", Path(__file__).resolve().parents[1].parent / "shared"))
REUTERS = SHARED / "eval" / "reuters_dev.jsonl"
BLOCK = 500


def _rows(limit: int | None) -> list[tuple[str, str]]:
    out = []
    with REUTERS.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            out.append((row.get("title") or "", row.get("text") or ""))
            if limit is not None and len(out) >= limit:
                break
    return out


def run(limit: int | None = None) -> dict[str, Any]:
    """Measure and print; returns classifier/geotext articles per second and the loaded classifier's RSS in MB."""
    rows = _rows(limit)
    proc = psutil.Process()
    gc.collect()
    rss0 = proc.memory_info().rss
    from streams.classifier import Classifier, native

    t_load = time.perf_counter()
    classifier = Classifier()
    load_s = time.perf_counter() - t_load
    gc.collect()
    rss_mb = (proc.memory_info().rss - rss0) / 1e6

    from geotext import GeoText

    joined = [f"{t}\n\n{x}" for t, x in rows]
    classifier.analyse(*rows[0], explain=False)  # warm caches
    classifier.classify(*rows[0])
    _ = GeoText(joined[0]).country_mentions
    ours = theirs = full = 0.0
    for i in range(0, len(rows), BLOCK):
        block, block_joined = rows[i : i + BLOCK], joined[i : i + BLOCK]
        t0 = time.process_time()
        for title, text in block:
            classifier.classify(title, text)
        full += time.process_time() - t0
        t0 = time.process_time()
        for text in block_joined:
            _ = GeoText(text).country_mentions
        theirs += time.process_time() - t0
        t0 = time.process_time()
        for title, text in block:
            classifier.analyse(title, text, explain=False)
        ours += time.process_time() - t0
    result = {
        "articles": len(rows),
        "worker_classify_articles_per_s": round(len(rows) / full),
        "classifier_articles_per_s": round(len(rows) / ours),
        "geotext_articles_per_s": round(len(rows) / theirs),
        "classify_vs_geotext": round(theirs / full, 2),
        "analyse_vs_geotext": round(theirs / ours, 2),
        "classifier_rss_mb": round(rss_mb, 1),
        "classifier_load_s": round(load_s, 2),
        "classifier_build": "mypyc" if native.status.loaded else "python",
    }
    if native.status.loaded:
        result["pure_python_articles_per_s"] = _child_rate(limit)
        result["mypyc_vs_pure_python"] = round(
            result["worker_classify_articles_per_s"] / result["pure_python_articles_per_s"], 2
        )
    width = max(len(k) for k in result)
    print("dyadwatch classifier benchmark (reuters_dev, one core, CPU time)")
    for key, value in result.items():
        print(f"  {key:<{width}}  {value}")
    return result


CHILD_LOOP = """
import sys, time
from bench.classifier_bench import _rows
from streams.classifier import Classifier, native
rows = _rows(None if sys.argv[1] == "all" else int(sys.argv[1]))
clf = Classifier()
assert not native.status.loaded
clf.classify(*rows[0])
t0 = time.process_time()
for title, text in rows:
    clf.classify(title, text)
print(round(len(rows) / (time.process_time() - t0)))
"""


def _child_rate(limit: int | None) -> int:
    """The worker's ``classify`` in a child process of this run, as plain Python (no mypyc build)."""
    env = {**os.environ, "DYADWATCH_CLASSIFIER_NATIVE": "false"}
    out = subprocess.run(
        [sys.executable, "-c", CHILD_LOOP, "all" if limit is None else str(limit)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    return int(out.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="Only the first N articles.")
    run(parser.parse_args().limit)


if __name__ == "__main__":
    main()
