"""Sentence spans for co-occurrence: a cheap splitter that knows news abbreviations ("U.S.", "Gen.", "Jan.")."""

from __future__ import annotations

import re
from bisect import bisect_right

_BREAK_RE = re.compile(r"[.!?]+[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*|:\s+(?=[A-Z])")
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "sgt",
        "adm",
        "cmdr",
        "sen",
        "rep",
        "gov",
        "st",
        "jr",
        "sr",
        "inc",
        "corp",
        "co",
        "ltd",
        "no",
        "nos",
        "vs",
        "v",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "u.n",
        "e.u",
        "u.s.a",
        "d.c",
        "mt",
        "ft",
        "rev",
        "hon",
        "pres",
        "dept",
        "est",
        "fig",
        "approx",
        "p.m",
        "a.m",
    ]
)


def sentence_spans(text: str, start: int = 0) -> list[tuple[int, int]]:
    """[start, end) offsets of the sentences of ``text[start:]``; headline and body are split by the caller."""
    spans: list[tuple[int, int]] = []
    begin = start
    for m in _BREAK_RE.finditer(text, start):
        punct_at = m.start()
        if text[punct_at] == ".":
            space = text.rfind(" ", begin, punct_at)
            word = text[(space + 1 if space >= 0 else begin) : punct_at]
            if len(word) == 1 or word.lower() in _ABBREVIATIONS or (len(word) < 5 and "." in word):
                continue  # "U.S.", "Gen.", "J." do not end a sentence
        if punct_at > begin:
            spans.append((begin, m.end()))
        begin = m.end()
    if begin < len(text):
        spans.append((begin, len(text)))
    return spans


class SentenceIndex:
    """Maps an offset to the index of its sentence."""

    __slots__ = ("_starts", "spans")

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = spans
        self._starts = [s for s, _ in spans]

    def of(self, offset: int) -> int:
        return max(0, bisect_right(self._starts, offset) - 1)
