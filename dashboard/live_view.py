"""The dashboard's in-memory picture of the topics: thread-safe, with aggregates kept up to date per record.

The feed thread writes (``apply_*``), page code reads; every read takes the lock briefly and returns copies, so a
rerun never sees a half-applied record. Aggregates (events per minute, dyad counts per window, open alerts by
severity) are maintained incrementally so a page refresh never scans all events.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from schemas import AckStatus, Alert, AlertAck, ClassifiedEvent, DyadWindowCount

SEVERITY_ORDER = ("critical", "high", "medium", "low")


@dataclass(frozen=True)
class ConnectionHealth:
    """What the banner shows: whether the broker answers, since when, and whether history is replayed yet."""

    connected: bool = False
    since: datetime | None = None
    last_error: str | None = None
    caught_up: bool = False
    records: int = 0
    rejected: int = 0
    last_record_at: datetime | None = None


@dataclass(frozen=True)
class AlertRow:
    """An alert with its current analyst status (from alert-acks) and arrival order."""

    alert: Alert
    status: AckStatus
    ack: AlertAck | None
    seq: int


@dataclass(frozen=True)
class IgnoredTombstone:
    """A delete of an alert that was still open: kept on screen, listed in the audit view."""

    alert: Alert
    seen_at: datetime


AUDIT_MAX = 2_000


def _epoch_minute(ts: datetime) -> int:
    return int(ts.timestamp()) // 60


class LiveView:
    """Latest state of events, dyad window counts, alerts and acks, plus the aggregates the pages need."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._events: dict[str, ClassifiedEvent] = {}
        self._event_minutes: Counter[int] = Counter()
        self._events_by_dyad: defaultdict[str, set[str]] = defaultdict(set)
        self._counts: dict[str, DyadWindowCount] = {}
        self._windows: defaultdict[int, Counter[str]] = defaultdict(Counter)
        self._counts_by_dyad: defaultdict[str, set[str]] = defaultdict(set)
        self._alerts: dict[str, Alert] = {}
        self._alert_seq: dict[str, int] = {}
        self._acks: dict[str, AlertAck] = {}
        self._ack_log: deque[AlertAck] = deque(maxlen=AUDIT_MAX)  # every ack read, oldest first
        self._ignored_tombstones: deque[IgnoredTombstone] = deque(maxlen=AUDIT_MAX)
        self._open_by_severity: Counter[str] = Counter()
        self._seq = 0
        self._alert_rows: list[AlertRow] | None = None  # sorted, rebuilt on the first read after a change
        self._health = ConnectionHealth()
        self.version = 0

    # ---- writes (feed thread) -------------------------------------------------------------------------------

    def apply_event(self, event: ClassifiedEvent) -> None:
        with self._lock:
            old = self._events.get(event.article_id)
            if old is not None:
                self._event_minutes[_epoch_minute(old.published_at)] -= 1
                for dyad in old.dyad_keys:
                    self._events_by_dyad[dyad].discard(old.article_id)
            self._events[event.article_id] = event
            self._event_minutes[_epoch_minute(event.published_at)] += 1
            for dyad in event.dyad_keys:
                self._events_by_dyad[dyad].add(event.article_id)
            self.version += 1

    def apply_count(self, key: str, count: DyadWindowCount | None) -> None:
        """Latest record per ``dyad@window`` wins; ``None`` is a tombstone."""
        with self._lock:
            old = self._counts.pop(key, None)
            if old is not None:
                self._windows[int(old.window_start.timestamp())][old.dyad] -= old.count
                self._counts_by_dyad[old.dyad].discard(key)
            if count is not None:
                self._counts[key] = count
                self._windows[int(count.window_start.timestamp())][count.dyad] += count.count
                self._counts_by_dyad[count.dyad].add(key)
            self.version += 1

    def apply_alert(self, key: str, alert: Alert | None) -> None:
        """Latest record per alert id wins, except that a tombstone (``None``) on an alert nobody has acknowledged
        or resolved is ignored and noted for the audit view: whoever can write the topic could otherwise make an
        open alert vanish from every screen."""
        with self._lock:
            if alert is None and key in self._alerts and self._status(key) is AckStatus.OPEN:
                self._ignored_tombstones.append(IgnoredTombstone(self._alerts[key], datetime.now(UTC)))
                self.version += 1
                return
            old = self._alerts.pop(key, None)
            if old is not None and self._status(key) is AckStatus.OPEN:
                self._open_by_severity[old.severity.value] -= 1
            if alert is not None:
                self._alerts[key] = alert
                if key not in self._alert_seq:
                    self._seq += 1
                    self._alert_seq[key] = self._seq
                if self._status(key) is AckStatus.OPEN:
                    self._open_by_severity[alert.severity.value] += 1
            self._alert_rows = None
            self.version += 1

    def apply_ack(self, key: str, ack: AlertAck | None) -> None:
        with self._lock:
            alert = self._alerts.get(key)
            was_open = self._status(key) is AckStatus.OPEN
            if ack is None:
                self._acks.pop(key, None)
            else:
                self._acks[key] = ack
                self._ack_log.append(ack)
            is_open = self._status(key) is AckStatus.OPEN
            if alert is not None and was_open != is_open:
                self._open_by_severity[alert.severity.value] += 1 if is_open else -1
            self._alert_rows = None
            self.version += 1

    def set_health(self, **changes: object) -> None:
        with self._lock:
            self._health = replace(self._health, **changes)  # type: ignore[arg-type]

    def _status(self, alert_id: str) -> AckStatus:
        ack = self._acks.get(alert_id)
        return ack.status if ack is not None else AckStatus.OPEN

    # ---- reads (page code) ----------------------------------------------------------------------------------

    @property
    def health(self) -> ConnectionHealth:
        with self._lock:
            return self._health

    def event_count(self, start: datetime, end: datetime) -> int:
        """Events published in [start, end), by minute buckets."""
        lo, hi = _epoch_minute(start), _epoch_minute(end)
        with self._lock:
            if hi - lo <= len(self._event_minutes):
                return sum(self._event_minutes.get(m, 0) for m in range(lo, hi))
            return sum(n for m, n in self._event_minutes.items() if lo <= m < hi)

    def dyad_totals(self, start: datetime, end: datetime) -> Counter[str]:
        """Per dyad, the sum of window counts whose window starts in [start, end)."""
        lo, hi = start.timestamp(), end.timestamp()
        total: Counter[str] = Counter()
        with self._lock:
            for window, per_dyad in self._windows.items():
                if lo <= window < hi:
                    total.update(per_dyad)
        return +total

    def dyad_series(self, dyads: list[str], start: datetime, end: datetime) -> dict[str, dict[int, int]]:
        """Per dyad, window start (epoch s) → count, for windows starting in [start, end)."""
        lo, hi = start.timestamp(), end.timestamp()
        wanted = set(dyads)
        out: dict[str, dict[int, int]] = {d: {} for d in dyads}
        with self._lock:
            for window, per_dyad in self._windows.items():
                if lo <= window < hi:
                    for dyad in wanted.intersection(per_dyad):
                        out[dyad][window] = per_dyad[dyad]
        return out

    def data_bounds(self) -> tuple[datetime, datetime] | None:
        """Earliest and latest time the view holds data for: window starts and event publication times."""
        with self._lock:
            starts = [w for w, per_dyad in self._windows.items() if any(per_dyad.values())]
            starts += [m * 60 for m, n in self._event_minutes.items() if n]
        return (as_utc(min(starts)), as_utc(max(starts))) if starts else None

    def window_counts(self, dyad: str) -> list[DyadWindowCount]:
        with self._lock:
            rows = [self._counts[k] for k in self._counts_by_dyad.get(dyad, ())]
        return sorted(rows, key=lambda c: c.window_start)

    def known_dyads(self) -> list[str]:
        with self._lock:
            dyads = {d for d, keys in self._counts_by_dyad.items() if keys}
            dyads.update(d for d, ids in self._events_by_dyad.items() if ids)
            dyads.update(a.dyad for a in self._alerts.values())
        return sorted(dyads)

    def events(self) -> list[ClassifiedEvent]:
        with self._lock:
            return list(self._events.values())

    def events_for_dyad(self, dyad: str) -> list[ClassifiedEvent]:
        with self._lock:
            rows = [self._events[i] for i in self._events_by_dyad.get(dyad, ())]
        return sorted(rows, key=lambda e: e.published_at, reverse=True)

    def event(self, article_id: str) -> ClassifiedEvent | None:
        with self._lock:
            return self._events.get(article_id)

    def alerts(self) -> list[AlertRow]:
        """Every alert with its status, newest first (built once per change, not once per page refresh)."""
        with self._lock:
            if self._alert_rows is None:
                rows = [
                    AlertRow(a, self._status(k), self._acks.get(k), self._alert_seq[k]) for k, a in self._alerts.items()
                ]
                self._alert_rows = sorted(rows, key=lambda r: (r.alert.created_at, r.seq), reverse=True)
            return list(self._alert_rows)

    def alerts_after(self, seq: int) -> list[AlertRow]:
        """Alerts that arrived after arrival number ``seq`` (for toasts), oldest first."""
        with self._lock:
            rows = [
                AlertRow(self._alerts[k], self._status(k), self._acks.get(k), s)
                for k, s in self._alert_seq.items()
                if s > seq and k in self._alerts
            ]
        return sorted(rows, key=lambda r: r.seq)

    @property
    def alert_seq(self) -> int:
        with self._lock:
            return self._seq

    def ack_log(self) -> list[AlertAck]:
        """Every acknowledgement read (the latest AUDIT_MAX), newest first: who did what, when."""
        with self._lock:
            return list(reversed(self._ack_log))

    def ignored_tombstones(self) -> list[IgnoredTombstone]:
        """Deletes of open alerts that the view refused, newest first."""
        with self._lock:
            return list(reversed(self._ignored_tombstones))

    def alert(self, alert_id: str) -> AlertRow | None:
        with self._lock:
            a = self._alerts.get(alert_id)
            return (
                AlertRow(a, self._status(alert_id), self._acks.get(alert_id), self._alert_seq[alert_id]) if a else None
            )

    def open_by_severity(self) -> dict[str, int]:
        with self._lock:
            return {s: self._open_by_severity.get(s, 0) for s in SEVERITY_ORDER}

    def sizes(self) -> dict[str, int]:
        with self._lock:
            return {
                "events": len(self._events),
                "counts": len(self._counts),
                "alerts": len(self._alerts),
                "acks": len(self._acks),
            }


def as_utc(ts: int | float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)
