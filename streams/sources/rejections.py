"""The one place a source reports an item it could not turn into an article: a structured (JSON) log line."""

from __future__ import annotations

import json
import logging
from typing import Any

log = logging.getLogger("dyadwatch.ingest")


class Rejected(ValueError):
    """An input item that cannot become a valid article; ``reason`` says why in one line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def log_rejected(source: str, reason: str, **context: Any) -> None:
    """Log a rejected item as one JSON object (event, source, reason and where it came from), never raising."""
    record = {"event": "rejected", "source": source, "reason": reason, **context}
    log.warning(json.dumps(record, default=str, ensure_ascii=False))


def log_event(event: str, **fields: Any) -> None:
    """Log a source's notable event (feed failed, export fetched…) as one JSON object."""
    log.info(json.dumps({"event": event, **fields}, default=str, ensure_ascii=False))
