"""Reading a page (HTML or plain text, any encoding) into text blocks for ``story_split``.

Multi-story pages (several headings each followed by prose) are walked element by element, with navigation, asides,
footers, scripts and forms removed. A page with at most one such heading is a single article: trafilatura extracts
its main text, which it does better than a structural walk.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import datetime

import lxml.html
import trafilatura
from lxml import etree

from streams.sources.story_split import Block, text_blocks
from streams.sources.timestamps import parse_timestamp

_FURNITURE_TAGS = ("script", "style", "noscript", "nav", "aside", "footer", "form", "iframe", "svg", "button", "select")
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4"})
_TEXT_TAGS = frozenset({"p", "li", "blockquote", "pre", "dd", "td"})
_CAPTION_TAGS = frozenset({"figcaption", "caption"})
_SPACE_RE = re.compile(r"\s+")
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class PageContent:
    blocks: list[Block]
    title: str | None  # the page's own title (used when the page is one article)
    published_at: datetime | None  # from the page's metadata, if it has any
    language: str | None


def looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head or b"<p>" in head


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Bytes to text: the declared or meta charset, else UTF-8, else cp1252 (never raises, never loses the page)."""
    candidates = [declared] if declared else []
    if match := _META_CHARSET_RE.search(data[:4096]):
        candidates.append(match.group(1).decode("ascii"))
    candidates += ["utf-8", "cp1252"]
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


_BREAK_TAGS = ("p", "br", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr")


def fragment_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed entry's summary): tags gone, paragraphs kept, broken markup tolerated."""
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return re.sub(r"<[^>]*>", " ", fragment).strip()
    for element in root.xpath("//script | //style"):
        element.drop_tree()
    for element in root.iter(*_BREAK_TAGS):
        element.tail = "\n" + (element.tail or "")
    lines = (_SPACE_RE.sub(" ", line).strip() for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def text_page(text: str) -> PageContent:
    return PageContent(text_blocks(text), None, None, None)


def html_page(html: str) -> PageContent:
    """Blocks of an HTML page; unreadable markup gives an empty page rather than an error."""
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return PageContent([], None, None, None)
    metadata = trafilatura.extract_metadata(html)
    published = parse_timestamp(metadata.date) if metadata and metadata.date else None
    title = metadata.title if metadata else None
    language = (root.get("lang") or "").split("-")[0] or None
    for element in root.xpath("//" + " | //".join(_FURNITURE_TAGS)):
        element.drop_tree()
    blocks = _walk(root)
    if _story_headings(blocks) >= 2:
        return PageContent(blocks, title, published, language)
    single = trafilatura.extract(html, output_format="txt", include_comments=False, include_tables=False)
    if not single:
        return PageContent(blocks, title, published, language)
    heading = (Block((title,), "heading"),) if title else ()
    return PageContent([*heading, *text_blocks(single.replace("\n", "\n\n"))], title, published, language)


def _walk(root: lxml.html.HtmlElement) -> list[Block]:
    blocks: list[Block] = []
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _HEADING_TAGS:
            kind = "heading"
        elif tag in _CAPTION_TAGS:
            kind = "caption"
        elif tag in _TEXT_TAGS and not _inside(element, _TEXT_TAGS | _CAPTION_TAGS):
            kind = "text"
        else:
            continue
        text = _SPACE_RE.sub(" ", element.text_content()).strip()
        if text:
            blocks.append(Block((text,), kind))
    return blocks


def _inside(element: lxml.html.HtmlElement, tags: frozenset[str]) -> bool:
    return any(parent.tag in tags for parent in element.iterancestors())


def _story_headings(blocks: list[Block]) -> int:
    """Headings directly followed by a text block: how many stories the page holds."""
    return sum(1 for a, b in itertools.pairwise(blocks) if a.kind == "heading" and b.kind == "text")
