"""``dyadwatch ingest rss URL...``: poll RSS/Atom feeds concurrently and emit each new entry once.

Each poll fetches safely (``safe_fetch``) with the feed's ETag / Last-Modified, refuses XML that declares entities
(``defusedxml`` check before feedparser sees it) and pages that are HTML rather than a feed, and backs off
exponentially per feed on errors. Feed state (validators, failures, counts) lives in
``data_dir/sources/rss/feeds.json``; entries already delivered are remembered by the sink's ``seen_ids``, so a
restart never re-emits them. ``--dry-run`` reads state but writes none.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET
import feedparser
import httpx
from defusedxml import DefusedXmlException
from rich.table import Table

from schemas.article import RawArticle
from streams.runtime.settings import Settings
from streams.sources.address_guard import FetchPolicy
from streams.sources.article_fields import make_article
from streams.sources.pacing import sleep_or_stop
from streams.sources.page_blocks import fragment_text, looks_like_html
from streams.sources.rejections import Rejected, log_event, log_rejected
from streams.sources.safe_fetch import FetchError, fetch_client, safe_fetch
from streams.sources.sink import ArticleSink, SinkStats, open_sink

MAX_FEED_BYTES = 5 * 1024 * 1024
MAX_BACKOFF_S = 3600.0
FEED_TIMEOUT_S = 20.0


@dataclass
class FeedState:
    """What dyadwatch knows about one feed: HTTP validators, failures, and its health for the report."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    next_poll_at: float = 0.0
    status: str = "pending"
    http_status: int | None = None
    last_polled_at: float | None = None
    entries_in_feed: int = 0
    emitted_total: int = 0
    rejected_total: int = 0

    def succeed(self, status: str, interval: float) -> None:
        self.status, self.failures = status, 0
        self.next_poll_at = time.time() + interval

    def fail(self, reason: str, interval: float) -> None:
        self.failures += 1
        self.status = f"error: {reason}"
        backoff = min(interval * 2 ** (self.failures - 1), MAX_BACKOFF_S)
        self.next_poll_at = time.time() + backoff * random.uniform(1.0, 1.1)  # jitter: feeds on one host spread out


@dataclass
class FeedStateStore:
    """All feeds' state in one JSON file, written atomically."""

    path: Path
    feeds: dict[str, FeedState] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> FeedStateStore:
        store = cls(path)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            store.feeds = {url: FeedState(**state) for url, state in raw.items()}
        except FileNotFoundError:
            pass
        except (ValueError, TypeError) as exc:  # a damaged state file costs conditional GETs, not the run
            log_event("rss_state_unreadable", path=str(path), error=repr(exc))
        return store

    def feed(self, url: str) -> FeedState:
        return self.feeds.setdefault(url, FeedState(url))

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({u: asdict(s) for u, s in self.feeds.items()}, indent=1), encoding="utf-8")
        tmp.replace(self.path)


def feed_state_path(settings: Settings) -> Path:
    return settings.data_dir / "sources" / "rss" / "feeds.json"


def check_feed_body(body: bytes, content_type: str) -> None:
    """Raise ``Rejected`` for a body that is HTML, empty, or XML declaring entities (billion laughs, XXE)."""
    if not body.strip():
        raise Rejected("empty response")
    if content_type in ("text/html", "application/xhtml+xml") or (
        looks_like_html(body) and b"<rss" not in body[:4096] and b"<feed" not in body[:4096]
    ):
        raise Rejected("not a feed: the URL returned an HTML page")
    try:
        SafeET.fromstring(body)
    except DefusedXmlException as exc:
        raise Rejected(f"unsafe XML refused ({type(exc).__name__})") from None
    except ParseError:
        if b"<!ENTITY" in body:  # broken XML that also declares entities: never hand it to a parser
            raise Rejected("unsafe XML refused (entity declaration in malformed XML)") from None
        # merely malformed: feedparser's lenient parser may still read it


def entry_article(entry: Any, feed_url: str, feed_language: str | None) -> RawArticle:
    """One feed entry as an article (``Rejected`` if it has neither title nor text)."""
    contents = [c.get("value", "") for c in entry.get("content", []) if isinstance(c, dict)]
    body = max(contents, key=len) if contents else entry.get("summary", "")
    tags = [t.get("term") for t in entry.get("tags", []) if isinstance(t, dict) and t.get("term")]
    metadata = {"feed": feed_url, "entry_id": entry.get("id"), "author": entry.get("author"), "tags": tags}
    return make_article(
        source=f"rss:{feed_url}",
        title=fragment_text(entry.get("title", "")),
        text=fragment_text(body or ""),
        url=entry.get("link"),
        published_at=entry.get("published_parsed") or entry.get("updated_parsed"),
        language=feed_language,
        metadata={k: v for k, v in metadata.items() if v},
    )


async def poll_feed(
    state: FeedState,
    client: httpx.AsyncClient,
    sink: ArticleSink,
    *,
    interval: float,
    timeout: float = FEED_TIMEOUT_S,
    conditional: bool = True,
) -> None:
    """Fetch one feed and emit its new entries; every outcome lands in ``state`` (this never raises).

    ``conditional`` sends the feed's ETag / Last-Modified, so an unchanged feed answers 304 with no body."""
    validators = (("If-None-Match", state.etag), ("If-Modified-Since", state.last_modified)) if conditional else ()
    headers = {k: v for k, v in validators if v}
    state.last_polled_at = time.time()
    try:
        result = await safe_fetch(state.url, client=client, headers=headers, max_bytes=MAX_FEED_BYTES, timeout=timeout)
    except FetchError as exc:
        state.http_status = None
        state.fail(str(exc), interval)
        log_rejected(f"rss:{state.url}", f"feed could not be fetched: {exc}", failures=state.failures)
        return
    state.http_status = result.status
    if result.not_modified:
        state.succeed("not modified", interval)
        return
    try:
        check_feed_body(result.body, result.content_type)
        parsed = feedparser.parse(result.body, response_headers={**result.headers, "content-location": state.url})
        if not parsed.entries and parsed.get("bozo"):
            raise Rejected(f"not a readable feed: {parsed.get('bozo_exception')!r}"[:300])
    except Rejected as exc:
        state.fail(exc.reason, interval)
        log_rejected(f"rss:{state.url}", exc.reason)
        return
    state.etag = result.headers.get("etag") or state.etag
    state.last_modified = result.headers.get("last-modified") or state.last_modified
    state.entries_in_feed = len(parsed.entries)
    language = parsed.feed.get("language")
    deliveries = []
    for index, entry in enumerate(parsed.entries):
        try:
            article = entry_article(entry, state.url, language)
        except Rejected as exc:
            state.rejected_total += 1
            log_rejected(f"rss:{state.url}", exc.reason, entry=index, entry_id=entry.get("id"))
            continue
        deliveries.append(await sink.emit(article))
    await sink.flush()
    new = sum(d.status == "delivered" for d in deliveries)
    state.rejected_total += sum(d.status == "refused" for d in deliveries)
    state.emitted_total += new
    state.succeed(f"ok, {new} new" + (" (malformed XML read leniently)" if parsed.get("bozo") else ""), interval)


async def run_rss(
    settings: Settings,
    urls: list[str],
    *,
    interval: float = 300.0,
    once: bool = False,
    dry_run: bool = False,
    resend: bool = False,
    stop: asyncio.Event | None = None,
    report: Callable[[FeedStateStore], None] | None = None,
    timeout: float = FEED_TIMEOUT_S,
) -> tuple[FeedStateStore, SinkStats]:
    """Poll ``urls`` until ``stop`` is set (or once); ``report(store)`` is called after each round.

    ``resend`` fetches each feed whole (no ETag) on the first round and sends its entries again."""
    stop = stop or asyncio.Event()
    store = FeedStateStore.load(feed_state_path(settings))
    feeds = [store.feed(url) for url in dict.fromkeys(urls)]
    limits = httpx.Limits(max_connections=20, max_keepalive_connections=10)
    conditional = not resend
    async with (
        open_sink(settings, dry_run=dry_run, resend=resend) as sink,
        fetch_client(FetchPolicy.from_settings(settings), timeout=timeout, limits=limits) as client,
    ):
        while not stop.is_set():
            due = feeds if once else [f for f in feeds if f.next_poll_at <= time.time()]
            await asyncio.gather(
                *(poll_feed(f, client, sink, interval=interval, timeout=timeout, conditional=conditional) for f in due)
            )
            conditional = True
            if not dry_run:
                store.save()
            if report is not None and due:
                report(store)
            if once:
                break
            await sleep_or_stop(stop, max(0.5, min(f.next_poll_at for f in feeds) - time.time()))
        return store, sink.stats


def health_table(store: FeedStateStore) -> Table:
    """Each feed's health: last status, HTTP code, entries, totals, failures and when it is polled next."""
    table = Table(title="feed health", title_justify="left")
    table.add_column("feed", overflow="fold", ratio=3)
    table.add_column("status", overflow="fold", ratio=2)
    for column in ("http", "entries", "sent", "rej", "fails", "next"):
        table.add_column(column, no_wrap=True)
    now = time.time()
    for state in store.feeds.values():
        colour = "red" if state.status.startswith("error") else "green"
        table.add_row(
            state.url,
            f"[{colour}]{state.status}[/{colour}]",
            str(state.http_status or "-"),
            str(state.entries_in_feed),
            str(state.emitted_total),
            str(state.rejected_total),
            str(state.failures),
            f"in {max(0, state.next_poll_at - now):.0f}s",
        )
    return table
