"""Every remote fetch: http(s) only (redirects too), never an internal address unless allowed (checked on the
address actually connected to, every hop), a deadline, a size cap; errors are FetchError, not crashes."""

from __future__ import annotations

import asyncio
import re
import socket

import pytest

from streams.runtime.settings import Settings
from streams.sources.address_guard import FetchPolicy, forbidden_kind
from streams.sources.news_page import ingest_page
from streams.sources.safe_fetch import FetchError, safe_fetch

# One address per range that must be refused, as a name resolving to it and as a literal in the URL.
INTERNAL = {
    "127.0.0.1": "loopback",
    "127.8.9.10": "loopback",
    "::1": "loopback",
    "10.1.2.3": "private (RFC 1918)",
    "172.16.5.4": "private",
    "192.168.1.1": "private",
    "169.254.169.254": "link-local",
    "fe80::1": "link-local",
    "100.64.0.1": "carrier-grade NAT",
    "fc00::1": "unique-local",
    "fd12:3456::1": "unique-local",
    "224.0.0.1": "multicast",
    "239.255.255.250": "multicast",
    "ff02::1": "multicast",
    "0.0.0.0": "unspecified",
    "::": "unspecified",
    "::ffff:127.0.0.1": "loopback (as IPv4 inside IPv6)",
    "::ffff:169.254.169.254": "link-local",
    "::ffff:10.0.0.1": "private",
    "64:ff9b::a9fe:a9fe": "link-local",  # NAT64 form of 169.254.169.254
    "2002:a9fe:a9fe::1": "link-local",  # 6to4 form of 169.254.169.254
    "240.0.0.1": "reserved",
    "198.18.0.1": "not globally routable",  # benchmarking range
    "192.0.2.1": "not globally routable",  # documentation range
}


@pytest.fixture
async def no_connect(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a socket connection fails the test: a refusal must come before connecting."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a connection was attempted: {args[1:]!r}")

    async def refuse_async(*args: object, **kwargs: object) -> None:
        refuse(None, *args)

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    loop = asyncio.get_running_loop()
    monkeypatch.setattr(loop, "sock_connect", refuse_async)
    monkeypatch.setattr(loop, "create_connection", refuse_async)


@pytest.fixture
def resolve_to(monkeypatch: pytest.MonkeyPatch):
    """Make names resolve to chosen addresses (everything else resolves as usual)."""
    names: dict[str, str] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in names:
            address = names[host]
            if ":" in address:
                return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port or 80, 0, 0))]
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port or 80))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names


async def test_fetches_a_feed_with_its_validators(feed_server) -> None:
    result = await safe_fetch(feed_server.url("feeds/good_rss.xml"), policy=feed_server.policy)
    assert result.status == 200 and b"<rss" in result.body and result.headers["etag"]
    again = await safe_fetch(
        feed_server.url("feeds/good_rss.xml"),
        policy=feed_server.policy,
        headers={"If-None-Match": result.headers["etag"]},
    )
    assert again.not_modified and again.body == b""


async def test_loopback_is_refused_by_default_and_allowed_by_the_allow_list(feed_server, resolve_to) -> None:
    with pytest.raises(FetchError, match="127.0.0.1 is loopback.*DYADWATCH_FETCH_ALLOW"):
        await safe_fetch(feed_server.url("feeds/good_rss.xml"))
    assert feed_server.hits == {}  # the server never saw a request
    for allow in ("127.0.0.1", "127.0.0.0/8", "feeds.intranet.test"):
        resolve_to["feeds.intranet.test"] = "127.0.0.1"
        url = feed_server.url("feeds/good_rss.xml").replace("127.0.0.1", "feeds.intranet.test")
        result = await safe_fetch(url, policy=FetchPolicy.parse(allow))
        assert b"<rss" in result.body, allow
    with pytest.raises(FetchError, match="loopback"):  # allowing one network does not allow another
        await safe_fetch(feed_server.url("feeds/good_rss.xml"), policy=FetchPolicy.parse("10.0.0.0/8, other.test"))


async def test_ingest_page_from_loopback_is_refused_unless_allowed(feed_server, shared, tmp_path) -> None:
    url = feed_server.put("news/page.txt", (shared / "seed" / "news_page.txt").read_bytes(), "text/plain")
    settings = Settings(data_dir=tmp_path)
    assert (await ingest_page(settings, url, dry_run=True)).emitted == 0
    assert feed_server.hits == {}
    assert (await ingest_page(feed_server.with_allow(settings), url, dry_run=True)).emitted == 4


@pytest.mark.parametrize(("address", "kind"), INTERNAL.items())
async def test_every_internal_range_is_refused_before_any_connect(
    address: str, kind: str, resolve_to, no_connect
) -> None:
    resolve_to["target.test"] = address
    with pytest.raises(FetchError, match=re.escape(kind)):
        await safe_fetch("http://target.test:8080/feed.xml")
    literal = f"[{address}]" if ":" in address else address
    with pytest.raises(FetchError, match=re.escape(kind)):
        await safe_fetch(f"https://{literal}/latest/meta-data/")


async def test_the_no_connect_harness_catches_a_connect(resolve_to, no_connect) -> None:
    """The check above can fail: an allowed internal address does get as far as connecting, and is caught."""
    resolve_to["target.test"] = "10.1.2.3"
    attempted = pytest.RaisesExc(AssertionError, match="a connection was attempted: .*10.1.2.3")
    with pytest.RaisesGroup(attempted, flatten_subgroups=True):  # anyio's task group wraps it
        await safe_fetch("http://target.test/", policy=FetchPolicy.parse("10.0.0.0/8"))


def test_public_addresses_are_not_internal() -> None:
    from ipaddress import ip_address

    for public in ("93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"):
        assert forbidden_kind(ip_address(public)) is None, public


async def test_a_redirect_to_a_name_resolving_to_the_metadata_endpoint_is_refused_before_connecting(
    feed_server, resolve_to, monkeypatch
) -> None:
    resolve_to["metadata.test"] = "169.254.169.254"
    loop = asyncio.get_running_loop()
    real_create_connection = loop.create_connection
    connected: list[str] = []

    async def loopback_only(protocol_factory, host=None, port=None, *args, **kwargs):
        connected.append(host)
        assert host == "127.0.0.1", f"a connection to {host} was attempted"
        return await real_create_connection(protocol_factory, host, port, *args, **kwargs)

    monkeypatch.setattr(loop, "create_connection", loopback_only)
    with pytest.raises(FetchError, match="metadata.test: 169.254.169.254 is link-local"):
        await safe_fetch(
            feed_server.url("redirect?to=http://metadata.test/latest/meta-data/"), policy=feed_server.policy
        )
    assert connected == ["127.0.0.1"] and feed_server.hits == {"/redirect": 1}


def test_allow_list_entries_are_checked() -> None:
    policy = FetchPolicy.parse(" 10.0.0.0/8 ; ::1, Feeds.Intranet.Example ")
    assert [str(n) for n in policy.networks] == ["10.0.0.0/8", "::1/128"]
    assert policy.hosts == {"feeds.intranet.example"}
    with pytest.raises(ValueError, match="neither a CIDR nor a host"):
        FetchPolicy.parse("http://x/")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "/relative/path", "http:///nohost"])
async def test_only_http_urls(url: str) -> None:
    with pytest.raises(FetchError):
        await safe_fetch(url)


async def test_redirect_to_another_scheme_is_refused(feed_server) -> None:
    with pytest.raises(FetchError, match="only http"):
        await safe_fetch(feed_server.url("redirect?to=file:///etc/passwd"), policy=feed_server.policy)
    ok = await safe_fetch(feed_server.url("redirect?to=/feeds/good_atom.xml"), policy=feed_server.policy)
    assert b"<feed" in ok.body


async def test_server_errors_slow_and_huge_responses_are_fetch_errors(feed_server) -> None:
    allowed = feed_server.policy
    with pytest.raises(FetchError, match="HTTP 500"):
        await safe_fetch(feed_server.url("status/500"), policy=allowed)
    with pytest.raises(FetchError, match="timed out"):
        await safe_fetch(feed_server.url("slow"), policy=allowed, timeout=0.5)
    with pytest.raises(FetchError, match="cap"):
        await safe_fetch(feed_server.url("huge"), policy=allowed, max_bytes=1024 * 1024)
    with pytest.raises(FetchError):
        await safe_fetch("http://127.0.0.1:9/unreachable", policy=allowed, timeout=2)
