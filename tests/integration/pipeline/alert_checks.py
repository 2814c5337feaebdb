"""What must hold for the alerts after crashes: each trigger alerted once, none lost, cooldowns respected."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import datetime

from schemas import Alert, DyadWindowCount
from streams.alerting.rules import RuleSet, WatchRule


def alert_problems(alerts: list[Alert], counts: dict[str, DyadWindowCount], rules: RuleSet) -> list[str]:
    """Violations of: one alert per (rule, dyad, window), cooldowns honoured, every matching watch-list window
    alerted or covered by the cooldown of an alerted one. Empty when all is well."""
    problems = []
    by_id: dict[str, set[tuple[str, str, datetime]]] = defaultdict(set)
    raised: dict[tuple[str, str], set[float]] = defaultdict(set)
    for alert in alerts:
        by_id[alert.id].add((alert.rule, alert.dyad, alert.window_start))
        raised[(alert.rule, alert.dyad)].add(alert.window_start.timestamp())
    problems += [f"alert id {i} used for {sorted(t)}" for i, t in by_id.items() if len(t) > 1]
    cooldown = {r.name: rules.cooldown_s(r) for r in rules.rules}
    for (rule, dyad), starts in raised.items():
        ordered = sorted(starts)
        problems += [
            f"{rule} {dyad}: alerts {a} and {b} within the cooldown"
            for a, b in itertools.pairwise(ordered)
            if b - a < cooldown[rule]
        ]

    for rule in rules.rules:
        if not isinstance(rule, WatchRule) or rule.dyad is None:
            continue
        for count in counts.values():
            if count.dyad != rule.dyad or not _watch_matches(rule, count):
                continue
            start = count.window_start.timestamp()
            if not any(abs(start - s) < max(cooldown[rule.name], 1.0) for s in raised[(rule.name, rule.dyad)]):
                problems.append(f"{rule.name}: window {count.window_start.isoformat()} matched but was never alerted")
    return problems


def _watch_matches(rule: WatchRule, count: DyadWindowCount) -> bool:
    hits = [count.by_topic.get(t, 0) for t in rule.topics]
    hits += [count.by_event_type.get(e.value, 0) for e in rule.event_types]
    return count.count >= rule.min_count and max(hits, default=0) >= rule.min_count
