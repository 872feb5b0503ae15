"""Which addresses curator may connect to, and a connection layer that only connects to checked ones.

A curated list is input from strangers: a URL may name a loopback, private, link-local (cloud metadata at
169.254.169.254) or otherwise non-public address, directly or through a public name that resolves or
redirects there. The link checker refuses all of those unless `allow_private_hosts` (or an explicit list of
allowed networks) says otherwise.

How the check is enforced: the link checker's HTTP client (`_http11.Http11Pool`, and on the proxy path
the httpcore backend `_proxy.GuardedBackend`) resolves the host name once per new
connection through `NetGuard.resolve`, which checks *every* address the name resolves to, and then
connects to one of those checked addresses itself — so there is no second lookup a DNS-rebinding server
could answer differently. TLS still uses the host name (SNI and certificate checks) and the Host header is
the URL's. Redirect hops are new requests, so each hop is checked the same way.

Through a proxy (HTTPS_PROXY / HTTP_PROXY) the proxy resolves the target itself; then the target name is
resolved and checked locally before the request (check-then-connect, see `_proxy`: a name that
does not resolve locally is left to the proxy, which in that setup is the network's own gate). The proxy's
own address is trusted: corporate proxies usually live on private addresses.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[list[str]]]
"""`(host, port) -> addresses`; raises socket.gaierror when the name does not resolve."""

_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
# IETF protocol assignments (192.0.0.8 and others): the standard library calls only parts of it private.
_IETF_PROTOCOL = ipaddress.IPv4Network("192.0.0.0/24")
# Deprecated site-local IPv6 (RFC 3879): still routed inside some networks, never public.
_SITE_LOCAL = ipaddress.IPv6Network("fec0::/10")
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_DNS_CACHE_SECONDS = 300.0
_DNS_FAILURE_CACHE_SECONDS = 2.0
# getaddrinfo errors that mean "this name does not exist" rather than "DNS could not be asked".
_NAME_UNKNOWN = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}


class AddressRefused(Exception):
    """A URL's host is, or resolves to, an address curator will not connect to."""

    def __init__(self, host: str, address: str, reason: str) -> None:
        self.host = host
        self.address = address
        self.reason = reason
        super().__init__(self.detail)

    @property
    def detail(self) -> str:
        what = f"{self.address} is {_article(self.reason)} {self.reason} address"
        if self.host.strip("[]") != self.address:
            what = f"{self.host} resolves to {self.address}, {_article(self.reason)} {self.reason} address"
        return what


class NameNotResolved(Exception):
    """A host name did not resolve. `unknown` when DNS answered that the name does not exist."""

    def __init__(self, host: str, message: str, *, unknown: bool) -> None:
        self.host = host
        self.unknown = unknown
        super().__init__(message)


def _article(word: str) -> str:
    return "an" if word[:1] in set("aeiou") else "a"


def address_problem(address: IPAddress) -> str | None:
    """Why curator will not connect to `address` ("loopback", "private", ...), or None if it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and any(address in net for net in _NAT64):
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return address_problem(embedded)
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if isinstance(address, ipaddress.IPv4Address) and address in _CGNAT:
        return "shared (carrier-grade NAT)"
    if isinstance(address, ipaddress.IPv4Address) and address in _IETF_PROTOCOL:
        return "reserved"
    if isinstance(address, ipaddress.IPv6Address) and address in _SITE_LOCAL:
        return "site-local"
    if address.is_reserved:
        return "reserved"
    if address.is_private:
        return "private"
    if not address.is_global:
        return "non-public"
    return None


def parse_address(text: str) -> IPAddress | None:
    """An IP literal (with or without IPv6 brackets or a zone id) → address; a host name → None."""
    text = text.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: dict[str, None] = {}
    for _family, _type, _proto, _canon, sockaddr in infos:
        seen.setdefault(str(sockaddr[0]), None)
    return list(seen)


@dataclass
class _CacheEntry:
    expires: float
    future: asyncio.Future[list[str]]


class NetGuard:
    """The connection policy of one run: which addresses are allowed, and a small DNS cache.

    `allow_all` permits every address (`allow_private_hosts`). `allowed_networks` permits addresses inside
    those networks only (e.g. an intranet range, or one loopback address in tests). `resolver` replaces the
    system resolver (tests use it to give names to loopback addresses).
    """

    def __init__(
        self,
        *,
        allow_all: bool = False,
        allowed_networks: Iterable[str | IPNetwork] = (),
        resolver: Resolver | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.allow_all = allow_all
        self.allowed_networks: tuple[IPNetwork, ...] = tuple(
            n if isinstance(n, ipaddress.IPv4Network | ipaddress.IPv6Network) else ipaddress.ip_network(n)
            for n in allowed_networks
        )
        self._resolver = resolver or system_resolver
        self._clock = clock
        self._cache: dict[tuple[str, int], _CacheEntry] = {}

    def problem(self, address: IPAddress) -> str | None:
        """Why `address` is refused under this policy, or None when it may be connected to."""
        if self.allow_all:
            return None
        if any(address.version == net.version and address in net for net in self.allowed_networks):
            return None
        return address_problem(address)

    def check_address(self, host: str, address: str) -> None:
        parsed = parse_address(address)
        if parsed is None:  # a resolver returning something odd: refuse rather than guess
            raise AddressRefused(host, address, "unparsable")
        reason = self.problem(parsed)
        if reason is not None:
            raise AddressRefused(host, str(parsed), reason)

    async def resolve(self, host: str, port: int) -> list[str]:
        """Every address of `host`, each checked; raises AddressRefused or NameNotResolved.

        An IP literal is checked without a lookup. Lookups are cached for the run (failures briefly),
        and concurrent lookups of one name share a single query.
        """
        literal = parse_address(host)
        if literal is not None:
            self.check_address(host, str(literal))
            return [str(literal)]
        addresses = await self._lookup(host.lower().rstrip("."), port)
        for address in addresses:  # every one: a name is refused if any of its addresses is
            self.check_address(host, address)
        return addresses

    async def _lookup(self, host: str, port: int) -> list[str]:
        key = (host, port)
        entry = self._cache.get(key)
        if entry is None or entry.expires <= self._clock():
            task = asyncio.ensure_future(self._query(host, port))
            entry = _CacheEntry(self._clock() + _DNS_CACHE_SECONDS, task)
            self._cache[key] = entry
            task.add_done_callback(functools.partial(self._settled, entry))
        # shielded: one caller giving up (a timeout) must not cancel the lookup the others share
        return await asyncio.shield(entry.future)

    async def _query(self, host: str, port: int) -> list[str]:
        try:
            result = await self._resolver(host, port)
        except socket.gaierror as exc:
            raise NameNotResolved(host, _gai_message(host, exc), unknown=exc.errno in _NAME_UNKNOWN) from None
        except OSError as exc:
            raise NameNotResolved(host, f"DNS lookup of {host} failed: {exc}", unknown=False) from None
        if not result:
            raise NameNotResolved(host, f"{host} does not resolve (no addresses)", unknown=True)
        return result

    def _settled(self, entry: _CacheEntry, task: asyncio.Future[list[str]]) -> None:
        if task.cancelled() or task.exception() is not None:  # retrieving it keeps asyncio quiet
            entry.expires = min(entry.expires, self._clock() + _DNS_FAILURE_CACHE_SECONDS)


def _gai_message(host: str, exc: socket.gaierror) -> str:
    if exc.errno in _NAME_UNKNOWN:
        return f"{host} does not resolve (no such host)"
    return f"DNS lookup of {host} failed: {exc.strerror or exc}"
