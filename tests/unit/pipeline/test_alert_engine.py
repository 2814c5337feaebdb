from datetime import UTC, datetime, timedelta

from schemas import DyadWindowCount
from streams.alerting.engine import DyadAlertState, alert_id, evaluate
from streams.alerting.rules import parse_rules
from streams.alerting.spike import baseline_rate, poisson_upper_tail

W = timedelta(minutes=15)
T0 = datetime(2025, 6, 10, 0, 0, tzinfo=UTC)
NOW = datetime(2025, 6, 11, tzinfo=UTC)

RULES = parse_rules(
    """
default_cooldown_minutes: 60
rules:
  - {name: "watch:PRK-RUS", kind: watchlist, dyad: PRK-RUS, topics: [military, sanctions], severity: high}
  - {name: spike, kind: spike, min_count: 5, max_p_value: 0.001, baseline_windows: 8}
  - {name: first-seen, kind: first_seen, min_count: 2, horizon_days: 1}
  - {name: escalation, kind: escalation, min_count: 2, max_mean_intensity: -7, cooldown_minutes: 0}
"""
)


def _count(dyad: str, window: int, n: int, *, topics=None, intensity=0.0) -> DyadWindowCount:
    start = T0 + window * W
    return DyadWindowCount(
        dyad=dyad,
        window_start=start,
        window_end=start + W,
        count=n,
        by_topic=topics or {},
        mean_intensity=intensity,
        sample_article_ids=[f"a{i}" for i in range(min(n, 10))],
        updated_at=start,
    )


def _rules_fired(state, count, offset) -> list[str]:
    return [a.rule for a in evaluate(RULES, state, count, offsets=[offset], now=NOW)]


def test_watchlist_fires_once_per_window_with_evidence():
    state = DyadAlertState()
    alerts = evaluate(RULES, state, _count("PRK-RUS", 0, 1, topics={"military": 1}), offsets=[1], now=NOW)
    assert [a.rule for a in alerts] == ["watch:PRK-RUS"]
    alert = alerts[0]
    assert alert.id == alert_id("watch:PRK-RUS", "PRK-RUS", T0)
    assert (alert.severity.value, alert.observed, alert.sample_article_ids) == ("high", 1.0, ["a0"])
    assert "military" in alert.reason
    # the same window growing does not alert again
    assert "watch:PRK-RUS" not in _rules_fired(state, _count("PRK-RUS", 0, 2, topics={"military": 2}), offset=2)


def test_replay_of_the_triggering_record_re_emits_the_same_alert():
    state = DyadAlertState()
    first = evaluate(RULES, state, _count("PRK-RUS", 0, 1, topics={"sanctions": 1}), offsets=[7], now=NOW)
    again = evaluate(RULES, state, _count("PRK-RUS", 0, 1, topics={"sanctions": 1}), offsets=[7], now=NOW)
    assert [a.id for a in again] == [a.id for a in first]


def test_a_replay_batched_differently_still_re_emits_the_alert():
    """First run: records 5–7 in one batch raised the alert (stored as 7). The replay batches 7 with 8–9."""
    state = DyadAlertState()
    first = evaluate(RULES, state, _count("PRK-RUS", 0, 3, topics={"sanctions": 3}), offsets=[5, 6, 7], now=NOW)
    early = evaluate(RULES, state, _count("PRK-RUS", 0, 2, topics={"sanctions": 2}), offsets=[5, 6], now=NOW)
    again = evaluate(RULES, state, _count("PRK-RUS", 0, 5, topics={"sanctions": 5}), offsets=[7, 8, 9], now=NOW)
    later = evaluate(RULES, state, _count("PRK-RUS", 0, 6, topics={"sanctions": 6}), offsets=[10], now=NOW)
    assert [a.rule for a in first] == ["watch:PRK-RUS", "first-seen"] and early == [] and later == []
    assert [a.id for a in again] == [a.id for a in first]


def test_cooldown_silences_nearby_windows_but_not_later_ones():
    state = DyadAlertState()
    assert _rules_fired(state, _count("PRK-RUS", 0, 1, topics={"military": 1}), 1) == ["watch:PRK-RUS"]
    assert _rules_fired(state, _count("PRK-RUS", 2, 1, topics={"military": 1}), 2) == []  # 30 min later
    assert _rules_fired(state, _count("PRK-RUS", 4, 1, topics={"military": 1}), 3) == ["watch:PRK-RUS"]  # 60 min


def test_watchlist_ignores_other_dyads_and_topics():
    state = DyadAlertState()
    assert "watch:PRK-RUS" not in _rules_fired(state, _count("CHN-PRK", 0, 3, topics={"military": 3}), 1)
    assert "watch:PRK-RUS" not in _rules_fired(DyadAlertState(), _count("PRK-RUS", 0, 3, topics={"trade": 3}), 1)


def test_first_seen_then_quiet_while_the_dyad_has_history():
    state = DyadAlertState()
    assert _rules_fired(state, _count("FRA-IND", 0, 1), 1) == []  # below min_count
    assert _rules_fired(state, _count("FRA-IND", 0, 2), 2) == ["first-seen"]
    assert "first-seen" not in _rules_fired(state, _count("FRA-IND", 3, 2), 3)


def test_spike_against_the_dyads_own_baseline():
    state = DyadAlertState()
    for w in range(8):
        evaluate(RULES, state, _count("DEU-FRA", w, 1), offsets=[w], now=NOW)
    assert "spike" not in _rules_fired(state, _count("DEU-FRA", 8, 3), 100)
    alerts = evaluate(RULES, state, _count("DEU-FRA", 9, 9), offsets=[101], now=NOW)
    spike = next(a for a in alerts if a.rule == "spike")
    assert spike.expected is not None and spike.expected < 2 and spike.observed == 9
    assert "Poisson" in spike.reason


def test_escalation_on_low_mean_intensity():
    state = DyadAlertState()
    assert "escalation" not in _rules_fired(state, _count("IRN-ISR", 0, 2, intensity=-5), 1)
    assert "escalation" in _rules_fired(state, _count("IRN-ISR", 1, 2, intensity=-8.5), 2)


def test_state_round_trips_and_forgets_old_windows():
    state = DyadAlertState()
    evaluate(RULES, state, _count("PRK-RUS", 0, 1, topics={"military": 1}), offsets=[1], now=NOW)
    assert DyadAlertState.from_dict(state.to_dict()) == state
    evaluate(RULES, state, _count("PRK-RUS", 4 * 24 * 3, 1), offsets=[2], now=NOW)  # three days later
    assert min(state.history) > T0.timestamp()


def test_poisson_tail_and_baseline():
    assert poisson_upper_tail(0, 2.0) == 1.0
    assert abs(poisson_upper_tail(1, 2.0) - (1 - 2.718281828**-2)) < 1e-9
    assert poisson_upper_tail(10, 0.5) < 1e-8
    history = {0.0: 2, 900.0: 4, -900.0 * 10: 100}
    assert baseline_rate(history, 1800.0, 900.0, 4, 0.05) == 1.5
    assert baseline_rate({}, 1800.0, 900.0, 4, 0.05) == 0.05
