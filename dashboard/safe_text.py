"""Article text is data: helpers that keep titles, URLs and notes from ever acting as markup, links or formulas."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$])")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_link(url: str | None) -> str | None:
    """The URL if it is a well-formed http(s) link, else None (never a javascript:, data: or relative link)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or any(c in url for c in "\x00\n\r\t "):
        return None
    return url.strip()


def escape_markdown(text: str) -> str:
    """Backslash-escape every markdown/HTML control character, for the few places Streamlit renders markdown."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text.replace("\n", " "))


def csv_cell(value: object) -> object:
    """Neutralise spreadsheet formulas (CSV injection): a text cell starting with = + - @ gets a leading quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
