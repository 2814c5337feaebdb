"""RSS against local feeds and the real broker: good entries arrive once, bad feeds are reported, a restart adds
nothing."""

from __future__ import annotations

from streams.runtime.settings import Settings
from streams.sources.rss import run_rss
from tests.integration.sources.conftest import assert_each_once, read_articles

GOOD_TITLES = {
    "Russia and North Korea Sign Trade Pact",
    "Japan Protests Missile Launch",
    "Title-only brief: China and India hold border talks",
    "Item with a script link",
    "South Korea and Japan Hold Security Talks",
    "China Sanctions U.S. Defence Firms",
    "Iran and Iraq Agree on Border Crossing",  # from the malformed feed, read leniently
}


async def test_feeds_good_and_bad_then_a_restart(kafka_settings: Settings, feed_server) -> None:
    settings = feed_server.with_allow(kafka_settings)  # DYADWATCH_FETCH_ALLOW=127.0.0.1
    names = ("good_rss.xml", "good_atom.xml", "latin1_rss.xml", "broken_rss.xml")
    good = [feed_server.url(f"feeds/{name}") for name in names]
    bad = {
        feed_server.url("feeds/entity_bomb.xml"): "unsafe XML",
        feed_server.url("feeds/xxe.xml"): "unsafe XML",
        feed_server.url("feeds/not_a_feed.html"): "HTML page",
        feed_server.url("status/500"): "HTTP 500",
        feed_server.url("slow"): "timed out",
        feed_server.url("huge"): "cap",
        "file:///etc/passwd": "only http",
    }
    store, stats = await run_rss(settings, [*good, *bad], once=True, timeout=1.0)

    records = await read_articles(settings)
    assert_each_once(records)
    titles = {article.title for _, article in records}
    assert titles >= GOOD_TITLES and len(titles) == len(GOOD_TITLES) + 1  # + the latin-1 entry
    assert any("signé un accord énergétique" in article.text for _, article in records)
    for url, reason in bad.items():
        assert store.feeds[url].status.startswith("error") and reason in store.feeds[url].status, store.feeds[url]
        assert store.feeds[url].failures == 1
    assert all(store.feeds[url].status.startswith("ok") for url in good)
    assert stats.emitted == len(records)

    # A restart: state comes from disk, the server answers 304 (ETag), and nothing is sent twice.
    again, _ = await run_rss(settings, good, once=True, timeout=1.0)
    assert feed_server.not_modified == len(good)
    assert {again.feeds[url].status for url in good} == {"not modified"}
    assert len(await read_articles(settings)) == len(records)

    # --resend: the feeds are fetched whole (no ETag) and every entry is sent again, once.
    _, resent_stats = await run_rss(settings, good, once=True, resend=True, timeout=1.0)
    assert feed_server.not_modified == len(good)
    assert resent_stats.emitted == len(records) and resent_stats.duplicates == 0
    assert len(await read_articles(settings)) == 2 * len(records)


async def test_feeds_on_loopback_are_refused_without_the_allow_list(kafka_settings: Settings, feed_server) -> None:
    url = feed_server.url("feeds/good_rss.xml")
    store, stats = await run_rss(kafka_settings, [url], once=True, timeout=1.0)
    assert "127.0.0.1 is loopback" in store.feeds[url].status and stats.emitted == 0
    assert feed_server.hits == {} and await read_articles(kafka_settings) == []


async def test_entries_seen_before_are_not_re_emitted_even_without_etag(kafka_settings: Settings, feed_server) -> None:
    settings = feed_server.with_allow(kafka_settings)
    url = feed_server.url("feeds/good_atom.xml")
    await run_rss(settings, [url], once=True)
    (settings.data_dir / "sources" / "rss" / "feeds.json").unlink()  # lose the validators, keep seen ids
    store, _ = await run_rss(settings, [url], once=True)
    assert store.feeds[url].status == "ok, 0 new"
    records = await read_articles(settings)
    assert len(records) == 2
    assert_each_once(records)
