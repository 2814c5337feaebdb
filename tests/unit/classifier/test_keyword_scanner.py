from __future__ import annotations

from streams.classifier.keyword_scanner import KeywordScanner, literal_prefixes


def test_literal_prefixes() -> None:
    assert literal_prefixes(r"threat(?:en|s)?\b") == ["threat"]
    assert literal_prefixes(r"(?:held|hold) talks|talks\b") == ["held talks", "hold talks", "talks"]
    assert literal_prefixes(r"\b(?:to|will) (?:deliver|inflict) (?:heavy )?blows?") == [
        "to deliver ",
        "to inflict ",
        "will deliver ",
        "will inflict ",
    ]
    assert literal_prefixes(r"walk(?:ed)?out|sit-in") == ["walk", "sit-in"]
    assert literal_prefixes(r"threats?") == ["threat"]
    assert literal_prefixes(r"(?:big )?aid\b") is None


def test_scan_matches_at_word_starts_only() -> None:
    scanner = KeywordScanner([("t", r"threat(?:en|ened)?\b"), ("a", r"(?:big )?aid\b")])
    text = "they threatened a big aid cut; nothreatened"
    hits = sorted((name, m.group()) for name, m in scanner.scan(text))
    assert hits == [("a", "big aid"), ("t", "threatened")]


def test_zones_find_what_separate_scanners_find() -> None:
    cues = [("t", r"threat(?:en|ened)?\b"), ("a", r"(?:big )?aid\b|aid\b")]
    topics = [("topic:trade", r"(?:trade|trading|free-trade)\b")]
    shared = KeywordScanner(cues + topics, zones={"topic:trade": 1})
    text = "free-trade talks: they threatened a big aid cut. trading threatened aid; free-trade"
    for zones in ([(0, 30), (0, 60)], [(10, 48), (0, 12)], [(0, 0), (5, len(text))], [(49, 60), (0, len(text))]):
        got = [[(n, m.span()) for n, m in hits] for hits in shared.scan_zones(text, zones)]
        want = [
            [(n, m.span()) for n, m in KeywordScanner(cues).scan(text, *zones[0])],
            [(n, m.span()) for n, m in KeywordScanner(topics).scan(text, *zones[1])],
        ]
        assert got == want, zones


def test_first_is_the_leftmost_match() -> None:
    scanner = KeywordScanner([("s", r"\b(?:after|while|as (?:the|a))\b")])
    text = "He left while it rained, after the talks, as the sun set"
    m = scanner.first(text)
    assert m is not None and m.group() == "while"
    m = scanner.first(text, 20)
    assert m is not None and m.group() == "after"
    assert scanner.first("meanwhile, whilst") is None
