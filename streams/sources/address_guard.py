"""Refusing to fetch from internal addresses (SSRF): the check sits where the connection is made.

A feed, a redirect or a GDELT listing can name any host, and a name can resolve to the cloud metadata endpoint, the
broker on loopback or an intranet service. ``GuardedBackend`` (an httpcore network backend) resolves each host once,
refuses every address that is not globally routable — loopback, RFC 1918 private, link-local (169.254/16 with the
metadata endpoint, fe80::/10), CGNAT 100.64/10, unique-local fc00::/7, multicast, unspecified, reserved, and IPv4
forms embedded in IPv6 — and connects to the vetted address itself, so no second lookup can answer differently (DNS
rebinding). The Host header and TLS SNI still carry the name: httpcore sets them from the URL, not from the socket.
Every redirect hop opens its connection through it. ``DYADWATCH_FETCH_ALLOW`` (CIDRs or host names, comma-separated)
lets intranet feeds and tests through.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass

import httpcore
import httpx

from streams.runtime.settings import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_RFC1918 = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class AddressRefused(Exception):
    """A fetch was refused because its host resolves only to addresses the policy forbids; nothing was connected."""


@dataclass(frozen=True)
class FetchPolicy:
    """Which internal destinations are allowed anyway: networks (CIDRs, single addresses) and exact host names."""

    networks: tuple[IPNetwork, ...] = ()
    hosts: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, text: str) -> FetchPolicy:
        """From ``DYADWATCH_FETCH_ALLOW``'s form: '127.0.0.0/8, ::1, feeds.intranet.example'."""
        networks: list[IPNetwork] = []
        hosts: set[str] = set()
        for entry in (e.strip() for e in text.replace(";", ",").split(",")):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                if not all(part.isalnum() or "-" in part for part in entry.strip(".").split(".")):
                    raise ValueError(f"DYADWATCH_FETCH_ALLOW: {entry!r} is neither a CIDR nor a host name") from None
                hosts.add(entry.strip(".").lower())
        return cls(tuple(networks), frozenset(hosts))

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchPolicy:
        return cls.parse(settings.fetch_allow)

    def allows(self, host: str, address: IPAddress) -> bool:
        if host.strip(".").lower() in self.hosts:
            return True
        candidates = [address, *filter(None, [_embedded_ipv4(address)])]
        return any(a in net for a in candidates for net in self.networks if a.version == net.version)


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped ::ffff:a.b.c.d, NAT64, 6to4, compatible ::a.b.c.d), if any."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped or address.sixtofour:
        return address.ipv4_mapped or address.sixtofour
    if address in _NAT64 or (int(address) >> 32 == 0 and int(address) > 0xFFFF):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def forbidden_kind(address: IPAddress) -> str | None:
    """Why ``address`` is internal ('loopback', 'link-local', …), or None when it is globally routable."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        kind = forbidden_kind(embedded)
        return f"{kind} (as IPv4 inside IPv6)" if kind else None
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local (cloud metadata services live at 169.254.169.254)"
    if address.is_multicast:
        return "multicast"
    if isinstance(address, ipaddress.IPv4Address) and address in _CGNAT:
        return "shared carrier-grade NAT (100.64.0.0/10)"
    if isinstance(address, ipaddress.IPv6Address) and address in ipaddress.IPv6Network("fc00::/7"):
        return "unique-local (fc00::/7)"
    if address.is_reserved:
        return "reserved"
    if any(address in net for net in _RFC1918 if address.version == net.version):
        return "private (RFC 1918)"
    if address.is_private or not address.is_global:
        return "special-purpose, not globally routable"
    return None


async def vetted_addresses(host: str, port: int, policy: FetchPolicy) -> list[str]:
    """The addresses ``host`` may be connected to, resolved once; ``AddressRefused`` when there is none."""
    try:
        literal: IPAddress | None = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        resolved = [literal]
    else:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
        resolved = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))
    allowed, refused = [], []
    for address in resolved:
        kind = forbidden_kind(address)
        if kind is None or policy.allows(host, address):
            allowed.append(str(address))
        else:
            refused.append(f"{address} is {kind}")
    if not allowed:
        raise AddressRefused(
            f"refused to connect to {host}: {'; '.join(refused) or 'no address'}; "
            "DYADWATCH_FETCH_ALLOW can allow an intranet host or network"
        )
    return allowed


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend with the address check in front of every TCP connect."""

    def __init__(self, policy: FetchPolicy, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._policy = policy
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        last_error: Exception | None = None
        for address in await vetted_addresses(host, port, self._policy):
            try:
                return await self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error

    async def connect_unix_socket(self, *args: object, **kwargs: object) -> httpcore.AsyncNetworkStream:
        raise AddressRefused("unix sockets are never fetched from")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport, its connection pool built on ``GuardedBackend`` (no proxies: the check must see the
    real destination)."""

    def __init__(self, policy: FetchPolicy, *, limits: httpx.Limits | None = None, verify: bool = True) -> None:
        limits = limits or httpx.Limits()
        super().__init__(limits=limits, verify=verify, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(policy),
        )
