from __future__ import annotations

import re

from streams.classifier import Classifier
from streams.classifier.keyword_scanner import KeywordScanner, build_automaton, literal_prefixes, search_word_start


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
    # Each branch runs on as far as it may: "on" is found inside many words, "on " far less often.
    assert literal_prefixes(r"(?:on|staged? a) (?:\w+ )?strike\b") == ["stage", "on "]
    assert literal_prefixes(r"(?:terror\w*|al[- ]qaeda)\b") == ["terror", "al-qaeda", "al qaeda"]
    assert literal_prefixes(r"[a-z]+ly|[^x]y") is None  # ranges and negated classes hold no literal


def test_longer_prefixes_find_what_the_regexes_find() -> None:
    scanner = KeywordScanner([("s", r"(?:on|staged? a) (?:\w+ )?strike\b"), ("q", r"al[- ]qaeda\b")])
    text = "workers went on strike; unions staged a general strike. al-qaeda and al qaeda; on-strike, anal qaeda"
    got = sorted((name, m.span()) for name, m in scanner.scan(text))
    want = sorted(
        (name, m.span())
        for name, pattern in (("s", r"\b(?:on|staged? a) (?:\w+ )?strike\b"), ("q", r"\bal[- ]qaeda\b"))
        for m in re.finditer(pattern, text)
    )
    assert got == want and len(got) == 4


def test_scan_matches_at_word_starts_only() -> None:
    scanner = KeywordScanner([("t", r"threat(?:en|ened)?\b"), ("a", r"(?:big )?aid\b")])
    text = "they threatened a big aid cut; nothreatened"
    hits = sorted((name, m.group()) for name, m in scanner.scan(text))
    assert hits == [("a", "big aid"), ("t", "threatened")]


def test_a_pattern_without_literal_prefix_keeps_any_name() -> None:
    """Patterns no prefix can anchor go to one residual regex; names like "topic:sports" are not group names."""
    scanner = KeywordScanner([("topic:sports", r"[a-z]+ball\b"), ("t", r"threat\b")])
    assert scanner.residual_count == 1
    hits = sorted((name, m.group()) for name, m in scanner.scan("a threat to football"))
    assert hits == [("t", "threat"), ("topic:sports", "football")]


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


def test_zones_from_a_shared_pass_find_what_the_own_pass_finds() -> None:
    cues = [("t", r"threat(?:en|ened)?\b"), ("a", r"(?:big )?aid\b|aid\b")]
    topics = [("topic:trade", r"(?:trade|trading|free-trade)\b")]
    scanner = KeywordScanner(cues + topics, zones={"topic:trade": 1})
    keys = ["free", "talks", *scanner.prefixes]  # other keys first, as in the classifier's shared automaton
    text = "free-trade talks: they threatened a big aid cut. trading threatened aid; free-trade"
    found = [
        (idx - 2, start, end)
        for idx, start, end in build_automaton(keys).find_matches_as_indexes(text, overlapping=True)
        if idx >= 2
    ]
    for zones in ([(0, 30), (0, 60)], [(10, 48), (0, 12)], [(0, 0), (5, len(text))], [(49, 60), (0, len(text))]):
        shared, own = scanner.scan_zones(text, zones, found), scanner.scan_zones(text, zones)
        assert [[(n, m.span()) for n, m in hits] for hits in shared] == [
            [(n, m.span()) for n, m in hits] for hits in own
        ], zones


def test_search_word_start_is_the_leftmost_match_at_a_word_start() -> None:
    pattern = re.compile(r"(?:after|while|as (?:the|a))\b")
    text = "He left while it rained, after the talks, as the sun set"
    m = search_word_start(pattern, text)
    assert m is not None and m.group() == "while"
    m = search_word_start(pattern, text, 20)
    assert m is not None and m.group() == "after"
    assert search_word_start(pattern, "meanwhile, whilst, _while") is None
    assert search_word_start(pattern, text, 0, 12) is None


def test_search_word_start_equals_a_leading_word_boundary() -> None:
    pattern = re.compile(r"(?:after|while|as (?:the|a))\b")
    bounded = re.compile(r"\b" + pattern.pattern)
    text = "x_while 2while éwhile (while) meanwhile as the end: after.As the"
    for start in range(len(text)):
        for end in range(start, len(text) + 1, 7):
            got, want = search_word_start(pattern, text, start, end), bounded.search(text, start, end)
            assert (got and got.span()) == (want and want.span()), (start, end)


def test_every_cue_and_topic_has_a_literal_prefix(clf: Classifier) -> None:
    """A pattern without one runs as a regex over whole zones: two such cues once halved the classifier's speed."""
    assert clf.scanner.residual_count == 0
