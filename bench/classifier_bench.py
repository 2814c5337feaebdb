"""Classifier throughput on one core over reuters_dev, against geotext 0.4.0 on the same texts, plus memory.

Run: ``python -m bench.classifier_bench [--limit N]``. Importable: ``run(limit) -> dict``.
Both systems see ``title + "\\n\\n" + text``; each is timed with process CPU time (robust to a busy machine) over
the same rows, alternating in blocks so that background load hits all alike: ``Classifier.analyse`` (the fast path),
``Classifier.classify`` (the pydantic event the stream pipeline publishes) and geotext. On a shared machine the
absolute rates move by ±10% from run to run; the ratios to geotext move far less.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
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
    from streams.classifier import Classifier

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
            classifier.analyse(title, text, explain=False)
        ours += time.process_time() - t0
        t0 = time.process_time()
        for text in block_joined:
            _ = GeoText(text).country_mentions
        theirs += time.process_time() - t0
        t0 = time.process_time()
        for title, text in block:
            classifier.classify(title, text)
        full += time.process_time() - t0
    result = {
        "articles": len(rows),
        "classifier_articles_per_s": round(len(rows) / ours),
        "geotext_articles_per_s": round(len(rows) / theirs),
        "classify_model_articles_per_s": round(len(rows) / full),
        "analyse_vs_geotext": round(theirs / ours, 2),
        "classify_vs_geotext": round(theirs / full, 2),
        "classifier_rss_mb": round(rss_mb, 1),
        "classifier_load_s": round(load_s, 2),
    }
    width = max(len(k) for k in result)
    print("dyadwatch classifier benchmark (reuters_dev, one core, CPU time)")
    for key, value in result.items():
        print(f"  {key:<{width}}  {value}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="Only the first N articles.")
    run(parser.parse_args().limit)


if __name__ == "__main__":
    main()
