"""Fetching a URL defensively: http(s) only (redirects included), never an internal address (``address_guard``, on
every hop), a timeout, and a cap on the bytes read.

Every remote source (RSS, GDELT, news pages) fetches through here, so the rules hold everywhere.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from streams.sources.address_guard import AddressRefused, FetchPolicy, GuardedTransport

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_TIMEOUT_S = 20.0
MAX_REDIRECTS = 5
USER_AGENT = "dyadwatch/0.1 (+https://github.com/dyadwatch; news ingestion)"


class FetchError(Exception):
    """The URL could not be fetched within the rules; the message says why."""


@dataclass(frozen=True)
class FetchResult:
    url: str
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def require_http_url(url: str) -> str:
    """The URL itself if its scheme is http or https and it names a host; else ``FetchError``."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(f"only http(s) URLs are fetched, not {parts.scheme or 'a relative link'!r}: {url[:200]}")
    if not parts.hostname:
        raise FetchError(f"URL has no host: {url[:200]}")
    return url


def fetch_client(
    policy: FetchPolicy | None = None, *, timeout: float = DEFAULT_TIMEOUT_S, limits: httpx.Limits | None = None
) -> httpx.AsyncClient:
    """An HTTP client whose every connection passes the address check (``policy`` None: no internal address)."""
    return httpx.AsyncClient(
        transport=GuardedTransport(policy or FetchPolicy(), limits=limits or httpx.Limits()),
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": USER_AGENT},
    )


async def safe_fetch(
    url: str,
    *,
    policy: FetchPolicy | None = None,
    client: httpx.AsyncClient | None = None,
    headers: dict[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT_S,
) -> FetchResult:
    """GET ``url`` following at most a few http(s) redirects; raise ``FetchError`` on any rule broken or network error.

    Non-2xx answers other than 304 raise too, with the status in the message. ``client`` must come from
    ``fetch_client`` (it carries its own policy); without one, a client for ``policy`` is made for this fetch.
    """
    own_client = client is None
    http = client or fetch_client(policy, timeout=timeout)
    try:
        current = require_http_url(url)
        for _ in range(MAX_REDIRECTS + 1):
            result = await _get_once(http, current, headers or {}, max_bytes, timeout)
            if result.status in (301, 302, 303, 307, 308) and "location" in result.headers:
                current = require_http_url(urljoin(current, result.headers["location"]))
                continue
            if result.status != 304 and not 200 <= result.status < 300:
                raise FetchError(f"HTTP {result.status} from {current[:200]}")
            return result
        raise FetchError(f"more than {MAX_REDIRECTS} redirects from {url[:200]}")
    finally:
        if own_client:
            await http.aclose()


async def _get_once(
    http: httpx.AsyncClient, url: str, headers: dict[str, str], max_bytes: int, timeout: float
) -> FetchResult:
    # A total deadline, not just per read: a server trickling bytes must not hold a source forever.
    try:
        async with (
            asyncio.timeout(timeout),
            http.stream("GET", url, headers=headers, follow_redirects=False) as response,
        ):
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"response of {declared} bytes exceeds the {max_bytes}-byte cap: {url[:200]}")
            chunks: list[bytes] = []
            size = 0
            # Decoded bytes are counted, so the cap also bounds a gzip bomb.
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"response exceeds the {max_bytes}-byte cap: {url[:200]}")
                chunks.append(chunk)
            lowered = {k.lower(): v for k, v in response.headers.items()}
            return FetchResult(url, response.status_code, b"".join(chunks), lowered)
    except AddressRefused as exc:
        raise FetchError(str(exc)) from None
    except (TimeoutError, httpx.TimeoutException):
        raise FetchError(f"timed out after {timeout:g}s: {url[:200]}") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"{type(exc).__name__}: {exc} ({url[:200]})") from None
