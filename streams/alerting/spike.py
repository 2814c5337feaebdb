"""The spike test: how surprising is this window's count against the dyad's own past windows?"""

from __future__ import annotations

import math


def poisson_upper_tail(observed: int, expected: float) -> float:
    """P(X >= observed) for X ~ Poisson(expected), computed stably in log space."""
    if observed <= 0:
        return 1.0
    # P(X >= k) = 1 - sum_{i<k} e^-λ λ^i / i!
    log_terms = [-expected + i * math.log(expected) - math.lgamma(i + 1) for i in range(observed)]
    peak = max(log_terms)
    below = math.exp(peak) * sum(math.exp(t - peak) for t in log_terms)
    return max(0.0, min(1.0, 1.0 - below))


def baseline_rate(history: dict[float, int], window_start: float, window_s: float, windows: int, floor: float) -> float:
    """Mean count per window over the ``windows`` windows before ``window_start`` (empty windows count as 0)."""
    since = window_start - windows * window_s
    total = sum(c for start, c in history.items() if since <= start < window_start)
    return max(floor, total / windows)
