"""One pass over an article for the gazetteer and the cue scanner together (see :class:`SharedPass`)."""

from __future__ import annotations

from bisect import bisect_right
from operator import itemgetter

from streams.classifier.gazetteer import Gazetteer
from streams.classifier.keyword_scanner import KeywordScanner, Match, build_automaton


class SharedPass:
    """The gazetteer's keys and the cue scanner's prefixes in one automaton, so that an article is read once.

    Pattern ``i`` below the gazetteer's key count is the gazetteer's key ``i``; the scanner's prefixes that are no
    gazetteer key follow. A pattern may be both: ``scanner_of[i]`` is its index among the scanner's prefixes, or -1.
    """

    def __init__(self, gazetteer: Gazetteer, scanner: KeywordScanner) -> None:
        self.keys = keys = [e.key for e in gazetteer.by_index]
        self._gazetteer_keys = len(keys)
        index = {key: i for i, key in enumerate(keys)}
        scanner_of = [-1] * len(keys)
        for j, prefix in enumerate(scanner.prefixes):
            i = index.get(prefix)
            if i is None:
                i = index[prefix] = len(keys)
                keys.append(prefix)
                scanner_of.append(-1)
            scanner_of[i] = j
        self.scanner_of = scanner_of
        self._automaton = build_automaton(keys)

    def find(self, lower: str) -> list[Match]:
        return self._automaton.find_matches_as_indexes(lower, overlapping=True)

    def gazetteer_matches(self, found: list[Match]) -> list[Match]:
        """The matches of gazetteer keys, for :func:`~streams.classifier.actors.resolve`."""
        count = self._gazetteer_keys
        return [m for m in found if m[0] < count]

    def scanner_matches(self, found: list[Match], end: int) -> list[Match]:
        """The matches of scanner prefixes ending by ``end``, for :meth:`KeywordScanner.scan_zones` in zones that end
        there: a prefix running past a zone cannot start a hit in it. ``found`` is in the order of match ends."""
        scanner_of = self.scanner_of
        found = found[: bisect_right(found, end, key=itemgetter(2))]
        return [(j, start, stop) for i, start, stop in found if (j := scanner_of[i]) >= 0]
