"""Restart-proof record of each (alert id, destination) the notifier has settled: delivered or dead-lettered.

The notifier looks here before sending and writes here right after a delivery settles, before the alert's offset
is committed; so an alert read again after a crash (its offset not yet committed) is not sent again. One SQLite
file per alerts topic incarnation (its Kafka topic id) under ``data_dir/notify/``; each write is its own
transaction (WAL mode).
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Literal

from streams.runtime.settings import Settings
from streams.sources.seen_ids import seen_ids_path

Status = Literal["delivered", "dead_lettered"]

RETENTION_DAYS = 400


def delivery_log_path(settings: Settings, incarnation: str) -> Path:
    """Named like the sources' seen-id stores: per alerts topic and its topic id (``topic_ids.topic_incarnation``)."""
    return settings.data_dir / "notify" / seen_ids_path(settings, settings.topic("alerts"), incarnation).name


class DeliveryLog:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, timeout=30.0, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS deliveries (alert_id TEXT NOT NULL, destination TEXT NOT NULL,"
            " status TEXT NOT NULL, attempts INTEGER NOT NULL, detail TEXT, at REAL NOT NULL,"
            " PRIMARY KEY (alert_id, destination)) WITHOUT ROWID"
        )
        self._db.execute("DELETE FROM deliveries WHERE at < ?", (time.time() - RETENTION_DAYS * 86_400,))

    def status(self, alert_id: str, destination: str) -> Status | None:
        row = self._db.execute(
            "SELECT status FROM deliveries WHERE alert_id = ? AND destination = ?", (alert_id, destination)
        ).fetchone()
        return row[0] if row else None

    def record(self, alert_id: str, destination: str, status: Status, *, attempts: int, detail: str | None) -> None:
        """Durable when it returns (a process crash after this never loses it)."""
        self._db.execute(
            "INSERT OR REPLACE INTO deliveries VALUES (?, ?, ?, ?, ?, ?)",
            (alert_id, destination, status, attempts, detail, time.time()),
        )

    def close(self) -> None:
        self._db.close()
