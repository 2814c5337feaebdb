"""Every remote fetch: http(s) only (redirects too), a deadline, a size cap; errors are FetchError, not crashes."""

from __future__ import annotations

import pytest

from streams.sources.safe_fetch import FetchError, safe_fetch


async def test_fetches_a_feed_with_its_validators(feed_server) -> None:
    result = await safe_fetch(feed_server.url("feeds/good_rss.xml"))
    assert result.status == 200 and b"<rss" in result.body and result.headers["etag"]
    again = await safe_fetch(feed_server.url("feeds/good_rss.xml"), headers={"If-None-Match": result.headers["etag"]})
    assert again.not_modified and again.body == b""


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "/relative/path", "http:///nohost"])
async def test_only_http_urls(url: str) -> None:
    with pytest.raises(FetchError):
        await safe_fetch(url)


async def test_redirect_to_another_scheme_is_refused(feed_server) -> None:
    with pytest.raises(FetchError, match="only http"):
        await safe_fetch(feed_server.url("redirect?to=file:///etc/passwd"))
    ok = await safe_fetch(feed_server.url("redirect?to=/feeds/good_atom.xml"))
    assert b"<feed" in ok.body


async def test_server_errors_slow_and_huge_responses_are_fetch_errors(feed_server) -> None:
    with pytest.raises(FetchError, match="HTTP 500"):
        await safe_fetch(feed_server.url("status/500"))
    with pytest.raises(FetchError, match="timed out"):
        await safe_fetch(feed_server.url("slow"), timeout=0.5)
    with pytest.raises(FetchError, match="cap"):
        await safe_fetch(feed_server.url("huge"), max_bytes=1024 * 1024)
    with pytest.raises(FetchError):
        await safe_fetch("http://127.0.0.1:9/unreachable", timeout=2)
