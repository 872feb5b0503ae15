"""The least an asyncio link checker does: the reference point of the link-checking benchmark.

    python benchmarks/links_bare.py URLS.txt [--concurrency 128] [--host-concurrency 8] [--states FILE]

GET every URL with the same limits curator and lychee get (128 requests at once, 8 per host), keep-alive
per host, redirects followed, and nothing else: no address guard, no budgets, no retries, no titles, no
result records, a head parsed only as far as the status and Content-Length. It prints the driver's JSON
({"links", "states", "statuses"}) and, with --states, one `state<TAB>url` line per link, so the benchmark
reads it like curator.

It is not a checker anyone should use. It answers one question: how much of a Python checker's wall time
on the farm is the farm's own (its delays, how they pack into 128 slots, the slow pages at the end) and
how much is the checker's. Standard library only, so its start-up is the interpreter's and asyncio's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urljoin, urlsplit


class _Conn(asyncio.Protocol):
    def __init__(self) -> None:
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[None] | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self._wake()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._wake()

    def _wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)


class Bare:
    def __init__(self, concurrency: int, host_concurrency: int) -> None:
        self.slots = asyncio.Semaphore(concurrency)
        self.host_slots: defaultdict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(host_concurrency))
        self.idle: defaultdict[tuple[str, int], list[_Conn]] = defaultdict(list)

    async def get(self, host: str, port: int, target: str) -> tuple[int, str | None]:
        """(status, Location) of one GET; the body is read so the connection serves the next request."""
        loop = asyncio.get_running_loop()
        idle = self.idle[(host, port)]
        conn = idle.pop() if idle else (await loop.create_connection(_Conn, host, port))[1]
        assert conn.transport is not None
        conn.transport.write(f"GET {target} HTTP/1.1\r\nhost: {host}:{port}\r\nuser-agent: bare\r\n\r\n".encode())
        while True:
            end = conn.buffer.find(b"\r\n\r\n")
            if end >= 0:
                lines = bytes(conn.buffer[:end]).decode("latin-1").split("\r\n")
                pairs = (line.partition(":") for line in lines[1:])
                fields = {name.strip().lower(): value.strip() for name, _, value in pairs}
                size = end + 4 + int(fields.get("content-length", "0"))
                if len(conn.buffer) >= size:
                    del conn.buffer[:size]
                    break
            if conn.closed:
                raise ConnectionError("closed")
            conn.waiter = loop.create_future()
            await conn.waiter
            conn.waiter = None
        if fields.get("connection", "").lower() != "close":
            idle.append(conn)
        elif conn.transport is not None:
            conn.transport.close()
        return int(lines[0].split(" ", 2)[1]), fields.get("location")

    async def check(self, url: str) -> tuple[str, int | None]:
        current, first = url, None
        for _ in range(10):
            parts = urlsplit(current)
            host, port = parts.hostname or "", parts.port or 80
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            async with self.host_slots[host], self.slots:
                try:
                    status, location = await self.get(host, port, target)
                except OSError:
                    return "other", None
            first = status if first is None else first
            if 300 <= status < 400 and location:
                current = urljoin(current, location)
                continue
            if 200 <= status < 300:
                return ("redirect" if first in (301, 308) else "ok"), status
            return ("dead" if status in (404, 410) else "other"), status
        return "other", None


async def run(urls: list[str], concurrency: int, host_concurrency: int) -> dict[str, tuple[str, int | None]]:
    bare = Bare(concurrency, host_concurrency)
    unique = list(dict.fromkeys(urls))
    verdicts = await asyncio.gather(*(bare.check(u) for u in unique))
    for conns in bare.idle.values():
        for conn in conns:
            if conn.transport is not None:
                conn.transport.close()
    return dict(zip(unique, verdicts, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("urls", type=Path)
    parser.add_argument("--concurrency", type=int, default=128)
    parser.add_argument("--host-concurrency", type=int, default=8)
    parser.add_argument("--states", type=Path)
    args = parser.parse_args()
    urls = [line for line in args.urls.read_text(encoding="utf-8").splitlines() if line]
    results = asyncio.run(run(urls, args.concurrency, args.host_concurrency))
    if args.states:
        args.states.write_text("".join(f"{state}\t{url}\n" for url, (state, _) in results.items()), encoding="utf-8")
    states = Counter(state for state, _ in results.values())
    statuses = Counter(str(status) for _, status in results.values())
    json.dump({"links": len(results), "states": states, "statuses": statuses}, sys.stdout)


if __name__ == "__main__":
    main()
