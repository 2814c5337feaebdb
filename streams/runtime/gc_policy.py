"""The worker's garbage-collector policy: what lives as long as the process is frozen once the app has started, and
young collections run every ``YOUNG_THRESHOLD`` container allocations instead of CPython's 700.

A busy worker allocates and frees a batch's worth of objects (Kafka records, events, payload models) every few
milliseconds. With CPython's defaults the collector ran about 70 young collections a second, and a full one every
second or two over the ~130,000 long-lived objects of the loaded classifier, Faust and aiokafka: about 5 % of the
worker's CPU, most of it inside the classifier's calls, which allocate the most. Frozen objects are never scanned
again; a batch's garbage is freed by reference counting long before 20,000 allocations, so young collections
become rare. Reference cycles are still collected, only later (memory: ``docs/benchmarks.md``).
"""

from __future__ import annotations

import gc
import logging
from typing import Any

log = logging.getLogger("dyadwatch.gc")

YOUNG_THRESHOLD = 20_000
OLDER_THRESHOLD = 20  # collections of the younger generation between two of the next (CPython: 10)


def tune() -> None:
    """Fewer young collections; call at start-up."""
    gc.set_threshold(YOUNG_THRESHOLD, OLDER_THRESHOLD, OLDER_THRESHOLD)


def freeze_long_lived() -> int:
    """Move every object alive now out of the collector's sight; returns how many are frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def freeze_once_started(app: Any) -> None:
    """Freeze the long-lived objects when the Faust ``app`` has started (the loaded classifier, Faust's and
    aiokafka's own), as a task of the app."""

    async def freeze() -> None:
        log.info("long-lived objects frozen for the garbage collector", extra={"objects": freeze_long_lived()})

    app.task(freeze)
