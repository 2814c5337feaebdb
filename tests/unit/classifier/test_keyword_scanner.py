from __future__ import annotations

from streams.classifier.keyword_scanner import KeywordScanner, literal_prefixes


def test_literal_prefixes() -> None:
    assert literal_prefixes(r"threat(?:en|s)?\b") == ["threat"]
    assert literal_prefixes(r"(?:held|hold) talks|talks\b") == ["held", "hold", "talks"]
    assert literal_prefixes(r"threats?") == ["threat"]
    assert literal_prefixes(r"(?:big )?aid\b") is None


def test_scan_matches_at_word_starts_only() -> None:
    scanner = KeywordScanner([("t", r"threat(?:en|ened)?\b"), ("a", r"(?:big )?aid\b")])
    text = "they threatened a big aid cut; nothreatened"
    hits = sorted((name, m.group()) for name, m in scanner.scan(text))
    assert hits == [("a", "big aid"), ("t", "threatened")]
