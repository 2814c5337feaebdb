"""Feed bodies are checked before parsing (HTML, entity bombs, XXE) and entries become articles."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest

from streams.sources.rejections import Rejected
from streams.sources.rss import check_feed_body, entry_article

FEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "feeds"


@pytest.mark.parametrize(
    ("name", "content_type", "reason"),
    [
        ("entity_bomb.xml", "application/rss+xml", "unsafe XML"),
        ("xxe.xml", "application/rss+xml", "unsafe XML"),
        ("not_a_feed.html", "text/html", "HTML page"),
        ("not_a_feed.html", "application/xml", "HTML page"),
    ],
)
def test_hostile_or_wrong_bodies_are_refused(name: str, content_type: str, reason: str) -> None:
    with pytest.raises(Rejected, match=reason):
        check_feed_body((FEEDS / name).read_bytes(), content_type)


def test_good_and_merely_broken_feeds_pass_the_check() -> None:
    for name in ("good_rss.xml", "good_atom.xml", "broken_rss.xml", "latin1_rss.xml"):
        check_feed_body((FEEDS / name).read_bytes(), "application/rss+xml")


def test_entries_become_articles_with_plain_text() -> None:
    parsed = feedparser.parse((FEEDS / "good_rss.xml").read_bytes())
    first = entry_article(parsed.entries[0], "https://news.example.com/rss", "en")
    assert first.title == "Russia and North Korea Sign Trade Pact"
    assert first.text == "Moscow and Pyongyang signed a trade agreement on Tuesday, officials said."
    assert first.source == "rss:https://news.example.com/rss" and first.language == "en"
    assert first.published_at.isoformat() == "2025-06-03T08:30:00+00:00"
    assert first.metadata["tags"] == ["Trade"]
    title_only = entry_article(parsed.entries[2], "f", None)
    assert title_only.text == title_only.title
    with pytest.raises(Rejected):
        entry_article(parsed.entries[3], "f", None)
    assert entry_article(parsed.entries[4], "f", None).url is None


def test_latin1_feed_is_decoded() -> None:
    parsed = feedparser.parse((FEEDS / "latin1_rss.xml").read_bytes())
    article = entry_article(parsed.entries[0], "f", parsed.feed.get("language"))
    assert "signé un accord énergétique" in article.text and article.language == "fr"
