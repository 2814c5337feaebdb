"""``dyadwatch ingest page URL-or-FILE``: a news page (HTML or plain text) becomes one article per story.

Stories on a page have no link of their own, so each gets its id from the source (``page:<url or file name>``) and
its title; the page's date line (or date metadata) is the stories' publication time.
"""

from __future__ import annotations

from pathlib import Path

from schemas.article import RawArticle
from streams.runtime.settings import Settings
from streams.sources.address_guard import FetchPolicy
from streams.sources.article_fields import make_article
from streams.sources.page_blocks import PageContent, decode_text, html_page, looks_like_html, text_page
from streams.sources.rejections import Rejected, log_event, log_rejected
from streams.sources.safe_fetch import DEFAULT_MAX_BYTES, FetchError, safe_fetch
from streams.sources.sink import SinkStats, open_sink
from streams.sources.story_split import split_stories


def is_url(location: str) -> bool:
    return "://" in location


def page_source(location: str) -> str:
    """The ``source`` of a page's stories: the URL, or the file's name (so a copy elsewhere gives the same ids)."""
    return f"page:{location}" if is_url(location) else f"page:{Path(location).name}"


def parse_page(data: bytes, *, charset: str | None = None) -> PageContent:
    text = decode_text(data, charset)
    return html_page(text) if looks_like_html(data) else text_page(text)


def page_articles(data: bytes, *, source: str, charset: str | None = None, page: str | None = None) -> list[RawArticle]:
    """The page's stories as validated articles, in page order; stories that cannot be articles are logged."""
    content = parse_page(data, charset=charset)
    split = split_stories(content.blocks)
    if split.dropped:
        log_event("page_furniture_dropped", source=source, lines=split.dropped)
    published = split.published_at or content.published_at
    articles: list[RawArticle] = []
    for index, story in enumerate(split.stories):
        try:
            articles.append(
                make_article(
                    source=source,
                    title=story.title,
                    text=story.text,
                    published_at=published,
                    language=content.language,
                    metadata={"page": page or source.removeprefix("page:"), "story_index": index},
                )
            )
        except Rejected as exc:
            log_rejected(source, exc.reason, story_index=index, title=story.title[:200])
    if not split.stories:
        log_rejected(source, "no story found on the page (no headline followed by text)")
    return articles


async def read_page(
    location: str, *, policy: FetchPolicy | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[bytes, str | None]:
    """The page's bytes and declared charset, from an http(s) URL (safely) or a local file."""
    if is_url(location):
        result = await safe_fetch(location, policy=policy, max_bytes=max_bytes)
        charset = result.headers.get("content-type", "").partition("charset=")[2].strip() or None
        return result.body, charset
    path = Path(location)
    if path.stat().st_size > max_bytes:
        raise FetchError(f"{path} is larger than the {max_bytes}-byte cap")
    return path.read_bytes(), None


async def ingest_page(settings: Settings, location: str, *, dry_run: bool = False, resend: bool = False) -> SinkStats:
    """Read one page and emit its stories; a page that cannot be read is logged and yields nothing."""
    source = page_source(location)
    try:
        data, charset = await read_page(location, policy=FetchPolicy.from_settings(settings))
    except (FetchError, OSError) as exc:
        log_rejected(source, f"page could not be read: {exc}")
        return SinkStats()
    async with open_sink(settings, dry_run=dry_run, resend=resend) as sink:
        for article in page_articles(data, source=source, charset=charset, page=location):
            await sink.emit(article)
        await sink.flush()
        return sink.stats
