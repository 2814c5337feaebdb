"""Evaluating the rules on one dyad-count update: which alerts to raise, exactly once per trigger.

Pure and deterministic: the same updates in the same order give the same alerts, with ids derived from
(rule, dyad, window), so replaying input after a crash re-creates the very same alert instead of a new one.
The per-dyad state (window history, alerts already raised) lives in the alert agent's table.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from schemas import Alert, DyadWindowCount
from streams.alerting.rules import EscalationRule, FirstSeenRule, RuleSet, SpikeRule, WatchRule
from streams.alerting.spike import baseline_rate, poisson_upper_tail


def alert_id(rule: str, dyad: str, window_start: datetime) -> str:
    """Deterministic id of the alert a rule raises for a dyad's window."""
    return hashlib.sha256(f"{rule}|{dyad}|{window_start.isoformat()}".encode()).hexdigest()[:32]


@dataclass
class DyadAlertState:
    """What the alert agent remembers about one dyad.

    ``history`` maps window start (epoch seconds) to its latest count; ``raised`` maps a rule name to the
    windows it alerted on, each with the offset of the input record that triggered it (the last of its batch for
    that window), to recognise a replay.
    """

    history: dict[float, int] = field(default_factory=dict)
    raised: dict[str, dict[float, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "history": {str(k): v for k, v in self.history.items()},
            "raised": {rule: {str(k): v for k, v in wins.items()} for rule, wins in self.raised.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> DyadAlertState:
        if not data:
            return cls()
        return cls(
            history={float(k): int(v) for k, v in data.get("history", {}).items()},
            raised={r: {float(k): int(v) for k, v in w.items()} for r, w in data.get("raised", {}).items()},
        )

    def forget_before(self, cutoff: float) -> None:
        self.history = {k: v for k, v in self.history.items() if k >= cutoff}
        self.raised = {r: {k: v for k, v in w.items() if k >= cutoff} for r, w in self.raised.items()}
        self.raised = {r: w for r, w in self.raised.items() if w}


@dataclass(frozen=True)
class Finding:
    """A rule that fires on a window, before cooldown and de-duplication."""

    observed: float
    expected: float | None
    reason: str


def evaluate(
    rules: RuleSet,
    state: DyadAlertState,
    count: DyadWindowCount,
    *,
    offsets: Collection[int],
    now: datetime,
    historical: bool = False,
) -> list[Alert]:
    """Alerts to publish for this count update; updates ``state`` in place. ``historical`` marks them as raised on
    a past window (a history import), not as news for the live feed.

    ``offsets`` are the input records that went into this update (a batch may add several to one window). An
    alert already raised for (rule, window) is published again only when the record that raised it is among
    them (a replay after a crash, however the replay is batched, so it is never lost); later updates of that
    window stay silent.
    """
    start = count.window_start.timestamp()
    window_s = (count.window_end - count.window_start).total_seconds()
    alerts = []
    for rule in rules.rules:
        raised = state.raised.setdefault(rule.name, {})
        if start in raised:
            if raised[start] in offsets:
                alerts.append(_alert(rule, count, _finding(rule, state, count, window_s), now, historical))
            continue
        if count.count < rule.min_count or _cooling_down(raised, start, rules.cooldown_s(rule)):
            continue
        finding = _finding(rule, state, count, window_s)
        if finding is not None:
            raised[start] = max(offsets)
            alerts.append(_alert(rule, count, finding, now, historical))
    state.history[start] = count.count
    state.forget_before(start - rules.history_s(window_s) - window_s)
    return alerts


def _cooling_down(raised: dict[float, int], start: float, cooldown_s: float) -> bool:
    return any(0 < abs(start - other) < cooldown_s for other in raised)


def _finding(rule: Any, state: DyadAlertState, count: DyadWindowCount, window_s: float) -> Finding | None:
    if isinstance(rule, WatchRule):
        return _watch(rule, count)
    if isinstance(rule, SpikeRule):
        return _spike(rule, state, count, window_s)
    if isinstance(rule, FirstSeenRule):
        return _first_seen(rule, state, count)
    if isinstance(rule, EscalationRule):
        return _escalation(rule, count)
    raise TypeError(f"unknown rule type {type(rule).__name__}")


def _watch(rule: WatchRule, count: DyadWindowCount) -> Finding | None:
    if rule.dyad is not None and count.dyad != rule.dyad:
        return None
    if rule.country is not None and rule.country not in count.dyad.split("-"):
        return None
    hits = {t: count.by_topic.get(t, 0) for t in rule.topics}
    hits.update({e.value: count.by_event_type.get(e.value, 0) for e in rule.event_types})
    matched = {k: v for k, v in hits.items() if v > 0}
    observed = max(matched.values(), default=0)
    if observed < rule.min_count:
        return None
    what = ", ".join(f"{k} ×{v}" for k, v in sorted(matched.items(), key=lambda kv: (-kv[1], kv[0])))
    return Finding(observed, None, f"{count.dyad} is on the watch list and has {what} in this window.")


def _spike(rule: SpikeRule, state: DyadAlertState, count: DyadWindowCount, window_s: float) -> Finding | None:
    start = count.window_start.timestamp()
    since = start - rule.baseline_windows * window_s
    if rule.require_history and not any(since <= s < start for s in state.history):
        return None
    expected = baseline_rate(state.history, start, window_s, rule.baseline_windows, rule.min_expected)
    p = poisson_upper_tail(count.count, expected)
    if p > rule.max_p_value:
        return None
    return Finding(
        count.count,
        round(expected, 4),
        f"{count.dyad} has {count.count} articles in this window against a usual {expected:.2f} per window "
        f"over the last {rule.baseline_windows} windows (Poisson tail p = {p:.2g}).",
    )


def _first_seen(rule: FirstSeenRule, state: DyadAlertState, count: DyadWindowCount) -> Finding | None:
    start = count.window_start.timestamp()
    since = start - rule.horizon_days * 86400.0
    if any(since <= s < start for s in state.history):
        return None
    return Finding(
        count.count,
        0.0,
        f"{count.dyad} appears with {count.count} articles and had no coverage in the previous "
        f"{rule.horizon_days:g} days.",
    )


def _escalation(rule: EscalationRule, count: DyadWindowCount) -> Finding | None:
    if count.mean_intensity > rule.max_mean_intensity:
        return None
    return Finding(
        count.mean_intensity,
        rule.max_mean_intensity,
        f"{count.dyad}'s mean intensity fell to {count.mean_intensity:+.1f} over {count.count} articles, "
        f"at or below the escalation threshold {rule.max_mean_intensity:+.1f}.",
    )


def _alert(rule: Any, count: DyadWindowCount, finding: Finding | None, now: datetime, historical: bool) -> Alert:
    if finding is None:  # a replayed trigger whose state has since moved on; keep the alert, say so plainly
        finding = Finding(count.count, None, f"{count.dyad} matched rule {rule.name} in this window.")
    return Alert(
        id=alert_id(rule.name, count.dyad, count.window_start),
        rule=rule.name,
        kind=rule.kind,
        severity=rule.severity,
        dyad=count.dyad,
        window_start=count.window_start,
        window_end=count.window_end,
        observed=finding.observed,
        expected=finding.expected,
        reason=finding.reason,
        sample_article_ids=count.sample_article_ids[:10],
        created_at=now,
        historical=historical,
    )
