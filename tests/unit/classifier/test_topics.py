from __future__ import annotations

from streams.classifier.topics import find_topics


def topics(text: str) -> set[str]:
    return {t for t, _ in find_topics(text.lower())}


def test_topic_families() -> None:
    assert {"trade", "sanctions"} <= topics("North Korean apples hit Russian supermarket shelves despite UN sanctions.")
    assert {"nuclear", "missile"} <= topics("Pyongyang test-fired a ballistic missile from its nuclear site.")
    assert "legal" in topics("Disney sued Midjourney for copyright infringement.")
    assert "cyber" in topics("Hackers breached the ministry's servers in a cyberattack.")
    assert "humanitarian" in topics("Refugees fled as food aid ran short.")
    assert topics("The weather was pleasant.") == set()


def test_word_boundaries() -> None:
    assert "trade" not in topics("The comrades met.")
