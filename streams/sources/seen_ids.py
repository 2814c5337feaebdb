"""Restart-proof memory of the article ids already delivered to a topic, so no source emits an article twice.

One SQLite file per topic incarnation (its Kafka topic id) under ``data_dir/sources/seen/``: a topic deleted and
created again, or a wiped broker, has a new topic id and so a fresh memory. Every source writing to that topic shares
it, several processes at once included (SQLite's WAL mode and a busy timeout handle that). Ids older than the
de-duplication horizon are forgotten when the store opens.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

from streams.runtime.settings import Settings


def seen_ids_path(settings: Settings, topic: str, incarnation: str) -> Path:
    """Where the ids delivered to ``topic`` are remembered; ``incarnation`` is its topic id."""
    safe = [re.sub(r"[^A-Za-z0-9._-]", "_", part) for part in (topic, incarnation)]
    return settings.data_dir / "sources" / "seen" / f"{safe[0]}@{safe[1]}.sqlite"


class SeenIds:
    """A set of article ids kept on disk. ``add`` buffers; ``commit`` makes the buffered ids durable."""

    def __init__(self, path: Path, *, horizon_days: float = 14.0) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, timeout=30.0, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY, at REAL NOT NULL) WITHOUT ROWID")
        self._db.execute("DELETE FROM seen WHERE at < ?", (time.time() - horizon_days * 86_400,))
        self._pending: dict[str, float] = {}

    def __contains__(self, article_id: str) -> bool:
        if article_id in self._pending:
            return True
        return self._db.execute("SELECT 1 FROM seen WHERE id = ?", (article_id,)).fetchone() is not None

    def add(self, article_id: str) -> None:
        self._pending[article_id] = time.time()

    def add_many(self, article_ids: Iterable[str]) -> None:
        now = time.time()
        self._pending.update(dict.fromkeys(article_ids, now))

    def commit(self) -> None:
        if not self._pending:
            return
        rows = list(self._pending.items())
        self._db.execute("BEGIN")
        self._db.executemany("INSERT OR IGNORE INTO seen (id, at) VALUES (?, ?)", rows)
        self._db.execute("COMMIT")
        self._pending.clear()

    def close(self) -> None:
        self.commit()
        self._db.close()
