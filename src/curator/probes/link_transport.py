"""The link checker's transport: one small connection pool per origin, each behind the address guard.

httpx's default transport keeps one pool for every host. A link check spreads its requests over hundreds
of hosts, so a single pool capped at the global concurrency keeps evicting one host's idle connection to
open another's (almost no keep-alive), and httpcore scans the whole pool on every request. Here each
origin (scheme, host, port) gets its own pool sized to the host's concurrency; pools are kept in LRU order
and idle ones are closed beyond `max_pools`, which bounds open sockets.

Proxies come from the environment like everywhere else (`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`,
`NO_PROXY`, read by the standard library's rules); certificates from `SSL_CERT_FILE` / `SSL_CERT_DIR`
(else certifi), through `httpx.create_ssl_context(trust_env=True)`.
"""

from __future__ import annotations

import contextlib
import ssl
import urllib.request
from collections import OrderedDict
from collections.abc import Callable
from typing import Any
from urllib.request import proxy_bypass_environment  # type: ignore[attr-defined]

import httpcore
import httpx

from curator.probes.netguard import GuardedBackend, NameNotResolved, NetGuard

DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_POOLS = 512
KEEPALIVE_EXPIRY = 15.0


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


def proxy_routes() -> dict[str, str]:
    """The proxies the environment asks for, by scheme ("http", "https", "all") plus "no"."""
    return dict(urllib.request.getproxies())


class OriginRouter(httpx.AsyncBaseTransport):
    """Routes each request to its origin's pool (created on first use), direct or through a proxy."""

    def __init__(
        self,
        guard: NetGuard,
        *,
        pool_size: Callable[[str], int],
        ssl_context: ssl.SSLContext,
        http2: bool = False,
        proxies: dict[str, str] | None = None,
        max_pools: int = MAX_POOLS,
    ) -> None:
        self.guard = guard
        self.pool_size = pool_size
        self.ssl_context = ssl_context
        self.http2 = http2
        self.proxies = proxy_routes() if proxies is None else proxies
        self.max_pools = max_pools
        self._pools: OrderedDict[tuple[str, str, int], GuardedTransport] = OrderedDict()

    def proxy_for(self, scheme: str, host: str, port: int) -> str | None:
        proxies = self.proxies
        if not proxies:
            return None
        target = proxies.get(scheme) or proxies.get("all")
        if not target:
            return None
        if proxy_bypass_environment(f"{host}:{port}", proxies):
            return None
        return target if "://" in target else f"http://{target}"

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
            http2=self.http2,
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
