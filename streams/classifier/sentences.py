"""Sentence spans for co-occurrence: a cheap splitter that knows news abbreviations ("U.S.", "Gen.", "Jan.")."""

from __future__ import annotations

import re
from collections.abc import Iterator

# A break is ".", "!", "?" (then closing quotes, space and a capital or digit), a newline, or ": " before a capital.
# Every branch opens on the same character class so that ``re`` skips ahead to those characters (3x faster on news).
_BREAK_RE = re.compile(r"[.!?\n:](?:(?<=[.!?])[.!?]*[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|(?<=\n)\s*|(?<=:)\s+(?=[A-Z]))")
ABBREVIATIONS = frozenset(
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


def iter_sentence_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """[start, end) offsets of the sentences of ``text[start:end]``, one at a time: a caller that needs only the
    first few stops early. Headline and body are split by the caller."""
    end = len(text) if end is None else end
    begin = start
    for m in _BREAK_RE.finditer(text, start, end):
        punct_at, stop = m.span()
        if text[punct_at] == ".":
            space = text.rfind(" ", begin, punct_at)
            word = text[(space + 1 if space >= 0 else begin) : punct_at]
            if len(word) == 1 or word.lower() in ABBREVIATIONS or (len(word) < 5 and "." in word):
                continue  # "U.S.", "Gen.", "J." do not end a sentence
        if punct_at > begin:
            yield begin, stop
        begin = stop
    if begin < end:
        yield begin, end
