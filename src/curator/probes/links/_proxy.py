"""The proxy path: the link checker's httpx transport, for what its own client (`_http11`) does not do —
requests through a proxy. Imported only when a run needs it (httpx and httpcore cost start-up time).

One small connection pool per origin, each behind the address guard.

httpx's default transport keeps one pool for every host. A link check spreads its requests over hundreds
of hosts, so a single pool capped at the global concurrency keeps evicting one host's idle connection to
open another's (almost no keep-alive), and httpcore scans the whole pool on every request. Here each
origin (scheme, host, port) gets its own pool sized to the host's concurrency; pools are kept in LRU order
and idle ones are closed beyond `max_pools`, which bounds open sockets.

Proxies come from the environment like everywhere else (`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`,
`NO_PROXY`, read by the standard library's rules); certificates from `SSL_CERT_FILE` / `SSL_CERT_DIR`
(else certifi), through `link_http.default_ssl_context`, the same context as the direct requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

import httpcore
import httpx

from curator.probes.links import _http11 as link_http
from curator.probes.links._netguard import NameNotResolved, NetGuard

DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_POOLS = 512
KEEPALIVE_EXPIRY = 15.0


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that resolves once, checks, and connects to the checked address.

    `trusted` origins (host, port) — the configured proxies — are connected to as they are.
    """

    def __init__(
        self,
        guard: NetGuard,
        *,
        inner: httpcore.AsyncNetworkBackend | None = None,
        trusted: Iterable[tuple[str, int]] = (),
    ) -> None:
        self.guard = guard
        self.inner = inner or httpcore.AnyIOBackend()
        self.trusted = {(h.lower(), p) for h, p in trusted}

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if (host.lower(), port) in self.trusted:
            return await self.inner.connect_tcp(host, port, timeout, local_address, socket_options)
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        try:
            async with asyncio.timeout_at(deadline):
                addresses = await self.guard.resolve(host, port)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"DNS lookup of {host} timed out") from None
        last: BaseException | None = None
        for address in addresses:
            remaining = None if deadline is None else max(deadline - loop.time(), 0.001)
            try:
                return await self.inner.connect_tcp(address, port, remaining, local_address, socket_options)
            except httpcore.ConnectTimeout:
                raise  # the time is spent; another address would not get any
            except httpcore.ConnectError as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("curator does not connect to unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with its connections made by a GuardedBackend.

    Direct connections are checked and pinned by the backend. With a proxy, the target host is resolved and
    checked before each request (the proxy makes the connection), and the proxy itself is trusted.
    """

    def __init__(self, guard: NetGuard, *, proxy: str | None = None, **kwargs: Any) -> None:
        proxy_config = httpx.Proxy(proxy) if proxy else None
        super().__init__(proxy=proxy_config, **kwargs)
        self.guard = guard
        self.proxied = proxy_config is not None
        trusted: list[tuple[str, int]] = []
        if proxy_config is not None:
            url = proxy_config.url
            default = 443 if url.scheme == "https" else 1080 if url.scheme.startswith("socks") else 80
            trusted.append((url.host, url.port or default))
        pool = getattr(self, "_pool", None)
        if not isinstance(pool, httpcore.AsyncConnectionPool) or not hasattr(pool, "_network_backend"):
            raise RuntimeError("unsupported httpx/httpcore version: cannot install the address guard")
        pool._network_backend = GuardedBackend(guard, trusted=trusted)
        self.pool: httpcore.AsyncConnectionPool = pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.proxied:
            url = request.url
            # behind a proxy, local DNS may know nothing of the outside: then the proxy decides
            with contextlib.suppress(NameNotResolved):
                await self.guard.resolve(url.host, url.port or DEFAULT_PORTS.get(url.scheme, 80))
        return await super().handle_async_request(request)


def _idle(transport: GuardedTransport) -> bool:
    """No request in flight or waiting: every connection of the pool is idle (or there are none)."""
    return all(connection.is_idle() for connection in transport.pool.connections)


proxy_routes = link_http.proxy_routes


class HttpxAnswer:
    """An httpx response seen through `link_http.Response`'s interface (status, headers, body, aclose)."""

    __slots__ = ("_response", "fields", "headers", "status")

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self.status: int = response.status_code
        self.fields = [
            (name.decode("latin-1").lower(), value.decode("latin-1")) for name, value in response.headers.raw
        ]
        headers: dict[str, str] = {}
        for name, value in self.fields:
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        self.headers = headers

    @property
    def charset(self) -> str | None:
        return self._response.charset_encoding

    async def aiter_raw(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.aiter_raw(chunk_size):
                yield chunk
        except httpx.TransportError as exc:
            raise link_http.ReadError(str(exc) or type(exc).__name__) from exc

    async def aclose(self) -> None:
        await self._response.aclose()


class OriginRouter(httpx.AsyncBaseTransport):
    """Routes each request to its origin's pool (created on first use), direct or through a proxy."""

    def __init__(
        self,
        guard: NetGuard,
        *,
        pool_size: Callable[[str], int],
        ssl_context: ssl.SSLContext,
        proxies: dict[str, str] | None = None,
        max_pools: int = MAX_POOLS,
    ) -> None:
        self.guard = guard
        self.pool_size = pool_size
        self.ssl_context = ssl_context
        self.proxies = proxy_routes() if proxies is None else proxies
        self.max_pools = max_pools
        self._pools: OrderedDict[tuple[str, str, int], GuardedTransport] = OrderedDict()

    def proxy_for(self, scheme: str, host: str, port: int) -> str | None:
        return link_http.proxy_for(self.proxies, scheme, host, port)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        key = (url.scheme, url.host, url.port or DEFAULT_PORTS.get(url.scheme, 80))
        transport = self._pools.get(key)
        if transport is None:
            transport = await self._open(key)
        else:
            self._pools.move_to_end(key)
        return await transport.handle_async_request(request)

    async def _open(self, key: tuple[str, str, int]) -> GuardedTransport:
        scheme, host, port = key
        size = self.pool_size(host)
        limits = httpx.Limits(max_connections=size, max_keepalive_connections=size, keepalive_expiry=KEEPALIVE_EXPIRY)
        transport = self._pools[key] = GuardedTransport(
            self.guard,
            proxy=self.proxy_for(scheme, host, port),
            verify=self.ssl_context,
            http1=True,
            http2=False,
            limits=limits,
            trust_env=True,
        )
        if len(self._pools) > self.max_pools:
            for old_key, old in list(self._pools.items()):
                if len(self._pools) <= self.max_pools:
                    break
                if old is not transport and _idle(old):
                    del self._pools[old_key]
                    await old.aclose()
        return transport

    async def aclose(self) -> None:
        pools = list(self._pools.values())
        self._pools.clear()
        for transport in pools:
            await transport.aclose()
