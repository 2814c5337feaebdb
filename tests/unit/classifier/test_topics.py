from __future__ import annotations

from streams.classifier import Classifier
from streams.classifier.keyword_scanner import KeywordScanner
from streams.classifier.topics import TOPIC_REGEXES, TOPIC_SCAN_CHARS, count_topics

_SCANNER = KeywordScanner(TOPIC_REGEXES)


def topics(text: str) -> set[str]:
    lower = text.lower()
    return {t for t, _ in count_topics(_SCANNER.scan(lower, 0, min(len(lower), TOPIC_SCAN_CHARS)), TOPIC_SCAN_CHARS)}


def test_topic_families() -> None:
    assert {"trade", "sanctions"} <= topics("North Korean apples hit Russian supermarket shelves despite UN sanctions.")
    assert {"nuclear", "missile"} <= topics("Pyongyang test-fired a ballistic missile from its nuclear site.")
    assert "legal" in topics("Disney sued Midjourney for copyright infringement.")
    assert "cyber" in topics("Hackers breached the ministry's servers in a cyberattack.")
    assert "humanitarian" in topics("Refugees fled as food aid ran short.")
    assert topics("The weather was pleasant.") == set()


def test_word_boundaries() -> None:
    assert "trade" not in topics("The comrades met.")


def test_classifier_topics_come_from_the_opening_only(clf: Classifier) -> None:
    """The classifier shares its topic pass with the cue scan; the topics still stop at TOPIC_SCAN_CHARS."""
    filler = "Officials met again on Monday. " * (TOPIC_SCAN_CHARS // 31 + 1)
    a = clf.analyse(
        "Russia accuses Ukraine", "Russia accused Ukraine of shelling. " + filler + "Oil and nuclear talks."
    )
    assert a.event_type == "ACCUSE" and "energy" not in a.topics and "nuclear" not in a.topics
    b = clf.analyse("Russia accuses Ukraine", "Russia accused Ukraine of shelling oil sites near a nuclear plant.")
    assert {"energy", "nuclear"} <= set(b.topics)
