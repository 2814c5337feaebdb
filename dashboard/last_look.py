"""When each analyst last opened the Alerts page, so it can mark what is new since then.

Kept per analyst (the signed-in identity, else the typed name) in one small JSON file under the data folder, so
the mark survives a dashboard restart and follows an analyst from screen to screen.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from datetime import datetime
from pathlib import Path

log = logging.getLogger(__name__)

MAX_ANALYSTS = 5_000


class LastLook:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._marks: dict[str, str] = self._load()

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
            return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("dashboard: ignoring unreadable %s: %s", self._path, exc)
            return {}

    def swap(self, analyst: str, now: datetime) -> datetime | None:
        """Record ``now`` as the analyst's latest look; return the look before it (None: first time)."""
        with self._lock:
            before = self._marks.get(analyst)
            self._marks[analyst] = now.isoformat()
            if len(self._marks) > MAX_ANALYSTS:  # bounded: the oldest marks go first
                for name in sorted(self._marks, key=self._marks.__getitem__)[: len(self._marks) - MAX_ANALYSTS]:
                    del self._marks[name]
            self._save()
        try:
            return datetime.fromisoformat(before) if before else None
        except ValueError:
            return None

    def _save(self) -> None:
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self._path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self._marks), encoding="utf-8")
            os.replace(tmp, self._path)
        except OSError as exc:  # the marker is a convenience: never fail the page for it
            log.warning("dashboard: cannot save %s: %s", self._path, exc)
