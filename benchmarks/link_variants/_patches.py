"""Experimental patches of curator's link checker, applied in-process by the variant drivers here.

NOT curator code and not for production: they exist so `benchmarks/links.py --variant NAME=SCRIPT` can
measure a proposed change on the same farm, in the same run, before anyone edits src/. Each patch targets
the link checker as of the commit named in docs/benchmarks.md and may stop applying when it changes.

- `block_trio()`: httpcore imports trio at import time when it is installed (it is here, required by
  nothing), which costs ~0.14 s of start-up; marking it absent makes that import fail at once. It must
  run before httpx is imported, so the drivers do it themselves before importing this module.
- `lean_transport()`: replaces what curator's OriginRouter does per request (httpcore pool, h11, anyio
  locks and cancel scopes, sniffio look-ups) with a minimal keep-alive HTTP/1.1 client on an asyncio
  Protocol: one list of idle connections per origin, the status line and headers split by hand,
  Content-Length bodies only, plain http only. Enough for the farm; a real version needs chunked bodies,
  read-until-close, TLS, proxies and the address guard.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import httpx


def block_trio() -> None:
    sys.modules.setdefault("trio", None)  # type: ignore[arg-type]


class _Conn(asyncio.Protocol):
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.buf = bytearray()
        self.waiter: asyncio.Future[None] | None = None
        self.closed = False
        self.transport: Any = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buf += data
        self._wake()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._wake()

    def _wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    async def _wait(self) -> None:
        if self.closed:
            raise httpx.RemoteProtocolError("connection closed")
        self.waiter = self.loop.create_future()
        await self.waiter
        self.waiter = None

    async def head(self) -> bytes:
        while (end := self.buf.find(b"\r\n\r\n")) < 0:
            await self._wait()
        head = bytes(self.buf[:end])
        del self.buf[: end + 4]
        return head

    async def body(self, n: int) -> bytes:
        while len(self.buf) < n:
            await self._wait()
        data = bytes(self.buf[:n])
        del self.buf[:n]
        return data


class _Body(httpx.AsyncByteStream):
    def __init__(self, conn: _Conn, idle: list[_Conn], length: int) -> None:
        self.conn, self.idle, self.length, self.done = conn, idle, length, length == 0
        if self.done:
            idle.append(conn)

    async def __aiter__(self) -> Any:
        if not self.done:
            data = await self.conn.body(self.length)
            self.done = True
            self.idle.append(self.conn)
            yield data

    async def aclose(self) -> None:
        if not self.done:
            self.conn.transport.close()
            self.done = True


_IDLE: dict[tuple[str, int | None], list[_Conn]] = {}


async def _handle(self: Any, request: httpx.Request) -> httpx.Response:
    loop = asyncio.get_running_loop()
    url = request.url
    idle = _IDLE.setdefault((url.host, url.port), [])
    conn = None
    while idle:
        candidate = idle.pop()
        if not candidate.closed:
            conn = candidate
            break
    if conn is None:
        _transport, conn = await loop.create_connection(lambda: _Conn(loop), url.host, url.port)
    lines = [b"%s %s HTTP/1.1" % (request.method.encode(), url.raw_path)]
    lines += [b"%s: %s" % pair for pair in request.headers.raw]
    conn.transport.write(b"\r\n".join(lines) + b"\r\n\r\n")
    first, *rest = (await conn.head()).split(b"\r\n")
    status = int(first.split(b" ", 2)[1])
    headers = [tuple(line.split(b": ", 1)) for line in rest]
    length = 0
    if request.method != "HEAD":
        length = int(next((v for k, v in headers if k.lower() == b"content-length"), b"0"))
    return httpx.Response(status, headers=headers, stream=_Body(conn, idle, length), request=request)


def lean_transport() -> None:
    from curator.probes import link_transport

    link_transport.OriginRouter.handle_async_request = _handle  # type: ignore[method-assign]


def get_first() -> None:
    """check_links(want_titles=True): every URL asked with GET first (curator's own option), so a 404 needs
    no second request; NOT the issue's "HEAD first" rule — measured to show what that rule costs here."""
    from curator.probes import links

    original = links.check_links

    async def check_links(*args: Any, **kwargs: Any) -> Any:
        kwargs["want_titles"] = True
        return await original(*args, **kwargs)

    links.check_links = check_links  # type: ignore[assignment]


def run_driver() -> None:
    """Run benchmarks/links_driver.py with this process's patches in place and the same arguments."""
    import runpy
    from pathlib import Path

    driver = str(Path(__file__).resolve().parent.parent / "links_driver.py")
    sys.argv[0] = driver
    runpy.run_path(driver, run_name="__main__")
