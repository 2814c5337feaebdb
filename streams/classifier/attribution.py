"""Reporting clauses: ", a state-owned Egyptian newspaper said." names who reports, not who acts.

A state named only inside a trailing attribution clause that mentions a media or sources noun is marked as a
reporter: it is not an actor and makes no dyad (unless it also appears elsewhere in the article).
"""

from __future__ import annotations

import re

from streams.classifier.rule_words import alternation

_ATTRIBUTION_RE = re.compile(
    r",\s*(?:[^,]{0,90}?\b(?:said|says|say|reported|reports|reporting|announced|told|added|quoted|quoting|citing|wrote)\b"
    r"[^,]{0,60}(?:,\s*(?:quoting|citing|adding)\b[^,]{0,80})?"
    r"|[^,]{0,30}\baccording to\b[^,]{0,90})\s*[.\"']*\s*$"
)
_MEDIA_RE = re.compile(rf"\b(?:{alternation('reporter_nouns')})\b")


TAIL = 180
VERBS = ("said", "says", "say", "report", "announced", "told", "added", "quot", "wrote", "according", "citing")


def reporter_clause_start(lower: str, start: int, end: int) -> int | None:
    """Offset where the sentence's trailing attribution clause begins, or None when there is none."""
    tail_start = max(start, end - TAIL)
    comma = lower.rfind(",", tail_start, end)
    if comma < 0:
        return None
    # The clause after the last comma (or the one before it: ", the agency said on Monday, quoting ...").
    clause = lower[comma:end]
    if not any(v in clause for v in VERBS):
        prev = lower.rfind(",", tail_start, comma)
        if prev < 0 or not any(v in lower[prev:comma] for v in VERBS):
            return None
    # The clause starts at the last comma, or at the one before when a quoting or citing tail follows it
    # (", the Kazinform agency said, quoting officials").
    m = _ATTRIBUTION_RE.match(lower, comma, end)
    if m is None or not _MEDIA_RE.search(lower, m.start(), m.end()):
        prev = lower.rfind(",", tail_start, comma)
        m = _ATTRIBUTION_RE.match(lower, prev, end) if prev >= 0 else None
        if m is None or not _MEDIA_RE.search(lower, m.start(), m.end()):
            return None
    return m.start()
