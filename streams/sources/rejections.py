"""The one place a source reports an item it could not turn into an article (or could not deliver): a structured
(JSON) log line, also counted by reason in the run's tally when one is open, so a command's summary can say why."""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

log = logging.getLogger("dyadwatch.ingest")
_tally: ContextVar[Counter[str] | None] = ContextVar("dyadwatch_rejection_tally", default=None)
_REASON_CHARS = 160


class Rejected(ValueError):
    """An input item that cannot become a valid article; ``reason`` says why in one line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def log_rejected(source: str, reason: str, **context: Any) -> None:
    """Log a rejected item as one JSON object (event, source, reason and where it came from), never raising."""
    tally = _tally.get()
    if tally is not None:
        tally[reason[:_REASON_CHARS]] += 1
    record = {"event": "rejected", "source": source, "reason": reason, **context}
    log.warning(json.dumps(record, default=str, ensure_ascii=False))


def log_event(event: str, **fields: Any) -> None:
    """Log a source's notable event (feed failed, export fetched…) as one JSON object."""
    log.info(json.dumps({"event": event, **fields}, default=str, ensure_ascii=False))


@contextmanager
def counting_rejections() -> Iterator[Counter[str]]:
    """Count every ``log_rejected`` within the block (tasks started inside included), by reason."""
    tally: Counter[str] = Counter()
    token = _tally.set(tally)
    try:
        yield tally
    finally:
        _tally.reset(token)
