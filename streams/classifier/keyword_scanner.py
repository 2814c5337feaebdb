"""Many regexes, one pass: an Aho-Corasick automaton finds each regex's literal prefix, then only that regex runs.

Python's ``re`` tries every branch of a large alternation at every position; with ~200 cue patterns that cost
milliseconds per article. Anchoring each pattern on its literal prefix brings it to microseconds.
"""

from __future__ import annotations

import re

import ahocorasick_rs

_META = set("()[]{}\\.?*+|^$")


def _split_top(alternation: str) -> list[str]:
    parts, depth, cur, i = [], 0, [], 0
    while i < len(alternation):
        ch = alternation[i]
        if ch == "\\":
            cur.append(alternation[i : i + 2])
            i += 2
            continue
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "|" and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    parts.append("".join(cur))
    return parts


def _group_end(pattern: str, open_at: int) -> int:
    depth, i = 0, open_at
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError(f"unbalanced pattern {pattern!r}")


_MAX_PREFIXES = 32  # expanding "(?:a|b|c) (?:d|e)" further would only multiply the automaton's keys


def literal_prefixes(pattern: str) -> list[str] | None:
    """Literal strings one of which every match starts with, or None when the pattern has no usable prefix.

    Prefixes run on through groups of plain alternatives ("(?:to|will) (?:deliver|inflict)" gives "to deliver", ...)
    and small character classes ("al[- ]qaeda" gives "al-qaeda", "al qaeda"), each as far as its own branch allows
    ("(?:on|staged? a) (?:\\w+ )?strike" gives "on ", "stage"): a short prefix ("on", "al") is found inside many
    words, each a match the automaton reports and the scan then rejects.
    """
    if pattern.startswith("\\b"):  # zero-width: the regex still checks it when run at the prefix
        pattern = pattern[2:]
    prefixes = [p for p, _ in _expand(pattern)]
    if any(len(p) < 2 for p in prefixes):
        return None
    return prefixes


def _closed(items: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    return [(p, False) for p, _ in items]


def _expand(pattern: str) -> list[tuple[str, bool]]:
    """(prefix, open) pairs: open when the prefix is a whole match of its branch so far, so what follows may extend
    it; a closed prefix stays as it is."""
    top = _split_top(pattern)
    if len(top) > 1:
        return [item for alt in top for item in _expand(alt)]
    items = [("", True)]
    i = 0
    while i < len(pattern) and any(is_open for _, is_open in items):
        if pattern.startswith("(?:", i):
            end = _group_end(pattern, i)
            quantifier = pattern[end + 1 : end + 2]
            alternatives = _expand(pattern[i + 3 : end])
            i = end + 1
        elif pattern[i] == "[":
            end = pattern.find("]", i + 2)
            chars = pattern[i + 1 : end]
            if end < 0 or "\\" in chars or chars.startswith("^") or "-" in chars[1:-1]:
                return _closed(items)  # a range, an escape or a negated class: no literal to follow
            quantifier = pattern[end + 1 : end + 2]
            alternatives = [(ch, True) for ch in dict.fromkeys(chars)]
            i = end + 1
        else:
            ch, quantifier = pattern[i], pattern[i + 1 : i + 2]
            if ch in _META:
                return _closed(items)
            alternatives = [(ch, True)]
            i += 1
        if quantifier in ("?", "*", "{"):
            return _closed(items)  # optional: a match may go on without it
        grown = [(p, False) for p, is_open in items if not is_open]
        grown += [(p + q, done and quantifier != "+") for p, is_open in items if is_open for q, done in alternatives]
        if len(grown) > _MAX_PREFIXES:
            return _closed(items)
        items = grown
    return items


Hit = tuple[str, re.Match[str]]


def search_word_start(
    pattern: re.Pattern[str], text: str, start: int = 0, end: int | None = None
) -> re.Match[str] | None:
    """The leftmost match of ``\\b`` + ``pattern`` in ``text[start:end]``, found without the leading ``\\b``.

    ``pattern`` opens on word characters: without ``\\b`` first, ``re`` skips ahead to the characters a match can
    start with instead of trying every position, and the word start is checked here. Over a sentence this beats a
    :class:`KeywordScanner` pass, which pays an automaton call and then a regex per prefix found.
    """
    end = len(text) if end is None else end
    while (m := pattern.search(text, start, end)) is not None:
        pos = m.start()
        if not pos or not (text[pos - 1].isalnum() or text[pos - 1] == "_"):
            return m
        start = pos + 1
    return None


Match = tuple[int, int, int]
"""An automaton match: (pattern index, start, end)."""


def build_automaton(keys: list[str]) -> ahocorasick_rs.AhoCorasick:
    """Every occurrence of every key, overlapping (a longer match that fails a check must leave its shorter ones).

    The contiguous NFA, not the DFA: the DFA wins a tight loop, but the gazetteer's takes 12 MB against 1 MB and
    falls out of the CPU cache while the rest of an article is analysed, so the NFA is faster in the pipeline.
    """
    return ahocorasick_rs.AhoCorasick(
        keys, matchkind=ahocorasick_rs.MATCHKIND_STANDARD, implementation=ahocorasick_rs.Implementation.ContiguousNFA
    )


class KeywordScanner:
    """Scan text for many named regexes; each hit is (name, match). Matches must start at a word boundary.

    Patterns may belong to zones (``zones`` maps a name to its zone number, 0 by default): :meth:`scan_zones` then
    searches each zone's patterns in that zone's own range with one automaton pass, as separate scanners would.
    """

    def __init__(self, patterns: list[tuple[str, str]], zones: dict[str, int] | None = None) -> None:
        zones = zones or {}
        anchored: dict[str, list[tuple[str, re.Pattern[str], int]]] = {}
        residual: list[str] = []
        # The residual regex's groups are numbered: a pattern's name ("topic:sports") need not be a group name.
        self._residual_names: dict[str, str] = {}
        for name, pattern in patterns:
            compiled = re.compile(pattern)
            prefixes = literal_prefixes(pattern)
            if prefixes is None:
                group = f"r{len(residual)}"
                self._residual_names[group] = name
                residual.append(f"(?P<{group}>{pattern})")
                continue
            # A prefix that extends another prefix of the same pattern would only re-run the same regex.
            minimal = {p for p in prefixes if not any(q != p and p.startswith(q) for q in prefixes)}
            for p in minimal:
                anchored.setdefault(p, []).append((name, compiled, zones.get(name, 0)))
        self.zone_count = 1 + max(zones.values(), default=0)
        self._zone_of = zones
        # Pattern index -> the regexes anchored on that prefix. Overlapping search: a prefix inside a longer one
        # ("trade" in "free-trade") is a hit of its own, as every regex would find it.
        self.prefixes = list(anchored)
        self._anchored = [tuple(items) for items in anchored.values()]
        self._longest = max(map(len, self.prefixes), default=0)
        self._automaton = build_automaton(self.prefixes) if anchored else None
        self._residual = re.compile(r"\b(?:" + "|".join(residual) + ")") if residual else None
        self.residual_count = len(residual)

    def anchored_patterns(self) -> list[tuple[tuple[str, re.Pattern[str], int], ...]]:
        """Per prefix (in :attr:`prefixes` order): the (name, regex, zone) of the patterns anchored on it."""
        return self._anchored

    def scan(self, lower: str, start: int = 0, end: int | None = None) -> list[Hit]:
        """Every zone's patterns in ``lower[start:end]``, grouped by zone."""
        end = len(lower) if end is None else end
        return [hit for hits in self.scan_zones(lower, [(start, end)] * self.zone_count) for hit in hits]

    def scan_starts(self, lower: str, windows: list[tuple[int, int]], end: int) -> list[Hit]:
        """The hits whose prefix starts inside one of ``windows`` (disjoint, in text order), each regex matched up to
        ``end`` as in a zone ending there: where only an early hit can count, the rest of the text is not read."""
        out: list[Hit] = []
        if self._automaton is None:
            return out
        anchored = self._anchored
        for lo, hi in windows:
            stop = min(end, hi + self._longest)
            if stop <= lo:
                continue
            for idx, pos, _ in self._automaton.find_matches_as_indexes(lower[lo:stop], overlapping=True):
                pos += lo
                if pos >= hi or (pos and lower[pos - 1].isalnum()):
                    continue
                for name, compiled, _ in anchored[idx]:
                    m = compiled.match(lower, pos, end)
                    if m is not None:
                        out.append((name, m))
        return out

    def scan_zones(self, lower: str, zones: list[tuple[int, int]], found: list[Match] | None = None) -> list[list[Hit]]:
        """Hits per zone: zone ``z``'s patterns matched in ``lower[zones[z][0]:zones[z][1]]``.

        ``found`` holds the matches of :attr:`prefixes` in ``lower`` (index into :attr:`prefixes`, start, end), at
        least those ending inside a zone, when an automaton pass shared with other keys has found them; None runs this
        scanner's own pass. A prefix running past a zone's end is no hit either way: its regex cannot match there.
        """
        out: list[list[Hit]] = [[] for _ in zones]
        live = [(start, end) for start, end in zones if end > start]
        if not live:
            return out
        if self._automaton is not None:
            if found is None:
                lo = min(start for start, _ in live)
                hi = max(end for _, end in live)
                region = lower if lo == 0 and hi >= len(lower) else lower[lo:hi]
                found = self._automaton.find_matches_as_indexes(region, overlapping=True)
                if lo:
                    found = [(idx, pos + lo, stop + lo) for idx, pos, stop in found]
            anchored = self._anchored
            for idx, pos, _ in found:
                if pos and lower[pos - 1].isalnum():
                    continue
                for name, compiled, zone in anchored[idx]:
                    start, end = zones[zone]
                    if start <= pos < end:  # a prefix running past ``end`` fails the match, as in a shorter text
                        m = compiled.match(lower, pos, end)
                        if m is not None:
                            out[zone].append((name, m))
        if self._residual is not None:
            for zone, (start, end) in enumerate(zones):
                for m in self._residual.finditer(lower, start, end):
                    name = self._residual_names.get(m.lastgroup or "", "")
                    if self._zone_of.get(name, 0) == zone:
                        out[zone].append((name, m))
        return out
