"""Splitting a news page's text blocks into its separate stories, dropping site furniture.

General rules, no page-specific strings:
- a date line (the whole line is a date) gives the page's publication date and is dropped;
- lines from the boilerplate list (``data/page_boilerplate.yaml``) are dropped; a section heading from that list
  ("Most Popular Articles", "Tags") closes the current story and drops the link list that follows;
- a headline is a heading element (HTML) or, in plain text, a one-line block shaped like a headline (short, no
  closing sentence punctuation) that is title-cased or followed by prose; the blocks after it are its body;
- in a body, copies of the headline (also run together with a kicker, e.g. "NorthKorea" + headline), repeated lines
  and captions (short lines that are not sentences, or lines starting like a photo credit) are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
BlockKind = Literal["heading", "text", "caption"]

_SENTENCE_END = (".", "!", "?", "…", '"', "”", "'", "’", ")")
_HEADLINE_BAD_END = (".", ",", ";", ":", "…")
_SMALL_WORDS = frozenset(
    (
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "nor",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "as",
        "by",
        "with",
        "from",
        "into",
        "onto",
        "vs",
        "via",
        "per",
        "than",
        "up",
        "out",
        "off",
        "over",
    )
)
_MAX_HEADLINE_WORDS = 30
_MAX_CAPTION_WORDS = 14
_DATE_FORMATS = (
    "%A, %B %d, %Y",
    "%B %d, %Y",
    "%A, %d %B %Y",
    "%d %B %Y",
    "%A %d %B %Y",
    "%b %d, %Y",
    "%d %b %Y",
    "%Y-%m-%d",
    "%A, %B %d, %Y %H:%M",
    "%B %d, %Y %H:%M",
    "%Y-%m-%d %H:%M",
)


@dataclass(frozen=True)
class Block:
    """A run of lines the page keeps together (a paragraph, a heading, a caption)."""

    lines: tuple[str, ...]
    kind: BlockKind = "text"


@dataclass
class Story:
    title: str
    paragraphs: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass
class SplitPage:
    stories: list[Story]
    published_at: datetime | None
    dropped: list[str]  # the lines dropped as furniture, for the log


@dataclass(frozen=True)
class Boilerplate:
    lines: frozenset[str]
    section_headings: frozenset[str]
    caption_prefixes: tuple[str, ...]


def _normalise_phrase(line: str) -> str:
    line = line.replace("\\'", "'").replace("’", "'").replace("‘", "'").strip().casefold()
    return line.rstrip(" :»›…>|-").strip()


@lru_cache(maxsize=4)
def load_boilerplate(path: Path = DATA_DIR / "page_boilerplate.yaml") -> Boilerplate:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return Boilerplate(
        lines=frozenset(_normalise_phrase(p) for p in data.get("lines", [])),
        section_headings=frozenset(_normalise_phrase(p) for p in data.get("section_headings", [])),
        caption_prefixes=tuple(p.casefold() for p in data.get("caption_prefixes", [])),
    )


def _letters_only(text: str) -> str:
    """Lower-case letters and digits only: how copies of a line are recognised despite spacing and escapes."""
    return re.sub(r"[\W_]+", "", text.replace("\\'", "'")).casefold()


def parse_date_line(line: str) -> datetime | None:
    """The date if the whole line is one (e.g. 'Saturday, December 6, 2025'), as midnight UTC; else None."""
    text = line.strip()
    if not 6 <= len(text) <= 40:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def _words(line: str) -> list[str]:
    return [w for w in re.split(r"\s+", line.strip()) if w]


def _title_cased(line: str) -> bool:
    """Most content words start with a capital (or are acronyms/numbers): headline style."""
    content = [w.lstrip("\"'“‘(") for w in _words(line)]
    content = [w for w in content if w and w[0].isalnum() and w.casefold() not in _SMALL_WORDS]
    if not content:
        return False
    capitalised = sum(1 for w in content if w[0].isupper() or w[0].isdigit())
    return capitalised / len(content) >= 0.75


def _headline_shaped(line: str) -> bool:
    words = _words(line)
    return 3 <= len(words) <= _MAX_HEADLINE_WORDS and not line.rstrip().endswith(_HEADLINE_BAD_END)


def _is_prose(line: str) -> bool:
    return line.rstrip().endswith(_SENTENCE_END) and len(_words(line)) >= 6


def _is_caption(line: str, boilerplate: Boilerplate) -> bool:
    """Not a sentence: a short line without closing punctuation, or one that starts like a photo credit."""
    folded = line.strip().casefold()
    if folded.startswith(boilerplate.caption_prefixes):
        return True
    return not line.rstrip().endswith(_SENTENCE_END) and len(_words(line)) <= _MAX_CAPTION_WORDS


def _is_copy_of(line: str, title: str) -> bool:
    """The headline repeated, possibly run together with a kicker or section name ('NorthKorea' + headline)."""
    line_key, title_key = _letters_only(line), _letters_only(title)
    return bool(title_key) and title_key in line_key and len(line_key) <= 2 * len(title_key)


class _Splitter:
    def __init__(self, blocks: list[Block], boilerplate: Boilerplate) -> None:
        self.blocks = blocks
        self.boilerplate = boilerplate
        self.stories: list[Story] = []
        self.dropped: list[str] = []
        self.published_at: datetime | None = None
        self.current: Story | None = None
        self.body_keys: set[str] = set()
        self.in_section_list = False  # after "Most Popular Articles" etc., until real content starts again

    def drop(self, line: str) -> None:
        self.dropped.append(line)

    def content_lines(self, block: Block) -> list[str]:
        kept = []
        for line in block.lines:
            key = _normalise_phrase(line)
            if not key or key in self.boilerplate.lines:
                if key:
                    self.drop(line)
                continue
            kept.append(line.strip())
        return kept

    def next_block_is_prose(self, index: int) -> bool:
        for block in self.blocks[index + 1 :]:
            lines = [ln for ln in block.lines if _normalise_phrase(ln) not in self.boilerplate.lines | {""}]
            if lines:
                return block.kind == "text" and any(_is_prose(line) for line in lines)
        return False

    def is_headline(self, index: int, block: Block, lines: list[str]) -> bool:
        if len(lines) != 1 or block.kind == "caption":
            return False
        if block.kind == "heading":
            return True
        line = lines[0]
        if not _headline_shaped(line) or line.casefold().startswith(self.boilerplate.caption_prefixes):
            return False
        follows_prose = self.next_block_is_prose(index)
        if self.in_section_list:  # a list of links: only a headline with a body starts content again
            return follows_prose
        return _title_cased(line) or follows_prose

    def start_story(self, title: str) -> None:
        self.close_story()
        self.current = Story(title=title)
        self.body_keys = {_letters_only(title)}
        self.in_section_list = False

    def close_story(self) -> None:
        if self.current is not None:
            self.stories.append(self.current)
        self.current = None

    def add_body(self, block: Block, lines: list[str]) -> None:
        if self.current is None or self.in_section_list or block.kind == "caption":
            for line in lines:
                self.drop(line)
            return
        kept = []
        for line in lines:
            key = _letters_only(line)
            if key in self.body_keys or _is_copy_of(line, self.current.title) or _is_caption(line, self.boilerplate):
                self.drop(line)
                continue
            self.body_keys.add(key)
            kept.append(line)
        if kept:
            self.current.paragraphs.append("\n".join(kept))

    def run(self) -> SplitPage:
        for index, block in enumerate(self.blocks):
            lines = self.content_lines(block)
            if not lines:
                continue
            if len(lines) == 1 and self.published_at is None and (date := parse_date_line(lines[0])):
                self.published_at = date
                self.drop(lines[0])
            elif len(lines) == 1 and _normalise_phrase(lines[0]) in self.boilerplate.section_headings:
                self.close_story()
                self.in_section_list = True
                self.drop(lines[0])
            elif self.is_headline(index, block, lines):
                self.start_story(lines[0])
            else:
                self.add_body(block, lines)
        self.close_story()
        return SplitPage(self.stories, self.published_at, self.dropped)


def split_stories(blocks: list[Block], boilerplate: Boilerplate | None = None) -> SplitPage:
    """The page's stories in order, its date line (if any) and the lines dropped as furniture."""
    return _Splitter(blocks, boilerplate or load_boilerplate()).run()


def text_blocks(text: str) -> list[Block]:
    """Plain text as blocks: runs of non-blank lines separated by blank lines."""
    blocks: list[Block] = []
    current: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append(Block(tuple(current)))
            current = []
    if current:
        blocks.append(Block(tuple(current)))
    return blocks
