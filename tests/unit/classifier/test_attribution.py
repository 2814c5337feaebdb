from __future__ import annotations

from streams.classifier.attribution import reporter_clause_start


def start(sentence: str) -> int | None:
    low = sentence.lower()
    return reporter_clause_start(low, 0, len(low))


def test_trailing_media_clause_is_found() -> None:
    s = "Libya offered to hand over two suspects, a state-owned Egyptian newspaper said."
    assert start(s) == s.index(", a state")
    assert start("Afghan rebels kidnapped advisers, western diplomatic sources in Pakistan said today.") is not None


def test_official_attribution_is_not_a_reporter_clause() -> None:
    assert start("Three soldiers were killed, the Israeli army said.") is None
    assert start("Russia said on Tuesday that Sudan must return the helicopter.") is None
