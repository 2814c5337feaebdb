"""Length-preserving clean-up of article text, so every offset we report points into the caller's original string."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_INPUT_CHARS = 100_000
"""Characters of body text analysed per article. Longer texts are cut here (``truncated=True``): news stories are far
shorter, and the cap bounds the cost of a hostile 5 MB payload to about a millisecond-scale automaton pass."""

MAX_TITLE_CHARS = 1_000

# One character in, one character out: control characters, odd spaces, curly quotes and dashes are normalised
# without moving any offset.
TRANSLATION: dict[int, str] = {c: " " for c in (*range(0, 9), 11, 12, *range(14, 32), 127, *range(0x80, 0xA0))}
TRANSLATION.update({0xA0: " ", 0x2007: " ", 0x202F: " ", 0x200B: " ", 0x200C: " ", 0x200D: " ", 0xFEFF: " "})
TRANSLATION.update({0x2018: "'", 0x2019: "'", 0x02BC: "'", 0x2032: "'", 0x201C: '"', 0x201D: '"', 0x00B4: "'"})
TRANSLATION.update({c: "-" for c in range(0x2010, 0x2016)})
TRANSLATION.update({0x2028: "\n", 0x2029: "\n", 0x0D: "\n"})

_SCRIPT_RE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_MARKUP_RE = re.compile(
    r"<[!/?]?[A-Za-z][^<>]{0,2000}>|<!--.*?-->|&(?:#\d{1,7}|#x[0-9A-Fa-f]{1,6}|[A-Za-z]{2,10});", re.DOTALL
)
_ESCAPED_QUOTE_RE = re.compile(r"\\(['\"])")


def _blank(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


def _escaped_quote(match: re.Match[str]) -> str:
    return " " + match.group(1)


# The ASCII characters TRANSLATION changes; deleting them from the encoded text tells whether any is present.
_ASCII_CONTROLS = bytes(c for c in TRANSLATION if c < 128)


def _blank_markup(text: str) -> str:
    """``_MARKUP_RE.sub(_blank, text)``, trying the pattern only at "<" and "&" (``str.find`` beats ``re`` search)."""
    parts: list[str] = []
    done = 0
    lt, amp = text.find("<"), text.find("&")
    while lt >= 0 or amp >= 0:
        pos = lt if amp < 0 or 0 <= lt < amp else amp
        m = _MARKUP_RE.match(text, pos)
        end = m.end() if m is not None else pos + 1
        if m is not None:
            parts.append(text[done:pos])
            parts.append(" " * (end - pos))
            done = end
        if lt >= 0 and lt < end:
            lt = text.find("<", end)
        if amp >= 0 and amp < end:
            amp = text.find("&", end)
    if not parts:
        return text
    parts.append(text[done:])
    return "".join(parts)


def clean(text: str) -> str:
    """Same length as ``text``: markup, entities and control characters become spaces, quotes and dashes ASCII."""
    # Fast path: plain ASCII prose without control characters needs no translation (most newswire text).
    if not text.isascii():
        text = text.translate(TRANSLATION)
    else:
        raw = text.encode("ascii")
        if len(raw.translate(None, _ASCII_CONTROLS)) != len(raw):
            text = text.translate(TRANSLATION)
    if "<" in text or "&" in text:
        if "<s" in text or "<S" in text:
            text = _SCRIPT_RE.sub(_blank, text)
        text = _blank_markup(text)
    if "\\" in text:
        text = _ESCAPED_QUOTE_RE.sub(_escaped_quote, text)
    return text


def lower_same_length(text: str) -> str:
    """``str.lower`` unless a character (e.g. 'İ') would change length; then lower character by character."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)


@dataclass(slots=True, init=False)  # a hand-written __init__ is compiled by mypyc; a generated one is not
class PreparedText:
    """The analysed string ``title + "\\n\\n" + text`` in three views of equal length."""

    original: str
    cleaned: str
    lower: str
    title_end: int  # offset where the title ends (0 when there is no title)
    truncated: bool

    def __init__(self, original: str, cleaned: str, lower: str, title_end: int, truncated: bool) -> None:
        self.original = original
        self.cleaned = cleaned
        self.lower = lower
        self.title_end = title_end
        self.truncated = truncated

    @property
    def body_start(self) -> int:
        """Offset where the text starts, after the title and its two line breaks (2 with no title)."""
        return self.title_end + 2


def as_text(value: object) -> str:
    """A title or body as a string: None is empty, anything else its ``str``."""
    return value if isinstance(value, str) else ("" if value is None else str(value))


def prepare(title: object, text: object) -> PreparedText:
    """Join, cap and normalise title and body. Never raises on odd input (None, control characters, markup)."""
    title, text = as_text(title), as_text(text)
    truncated = False
    if len(title) > MAX_TITLE_CHARS:
        title, truncated = title[:MAX_TITLE_CHARS], True
    if len(text) > MAX_INPUT_CHARS:
        text, truncated = text[:MAX_INPUT_CHARS], True
    original = f"{title}\n\n{text}" if title else f"\n\n{text}"
    cleaned = clean(original)
    return PreparedText(original, cleaned, lower_same_length(cleaned), len(title), truncated)
