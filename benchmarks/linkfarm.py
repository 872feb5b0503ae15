"""The link farm of the link-checking benchmark (see benchmarks/links.py): many HTTP/1.1 servers on loopback.

One asyncio event loop (stdlib, no uvloop) in its own process listens on 127.0.1.1 … 127.0.1.N, all on one
port. Every request is answered after LATENCY seconds (a timer, not a sleeping coroutine), with keep-alive,
for HEAD and GET alike. Paths:

    /ok/<x>       200, a small HTML page with a <title>
    /missing/<x>  404
    /moved/<x>    301 to http://<same host>/ok/moved-<x>
    /slow/<x>     200 after SLOW more seconds
    anything else 404

Every response carries a `LinkChecker: farm` header: that is LinkChecker's documented way for a server to
lift its built-in per-host rate limit (otherwise it waits 0.1–0.6 s between two requests to one host, which
no other checker does). The header means nothing to anything else.

Counters live in a shared array the parent reads: requests, HEAD, GET, other methods, connections, and
the sum of the delays served (µs): divided by a client's concurrency it is the least wall time any client
with that concurrency could take for the same requests.
The farm stops by itself when its parent goes away or after `max_life` seconds.
"""

from __future__ import annotations

import asyncio
import os
import socket
from typing import Any

REQUESTS, HEADS, GETS, OTHERS, CONNECTIONS, DELAY_US = range(6)
COUNTERS = 6

_REASONS = {200: "OK", 301: "Moved Permanently", 404: "Not Found", 400: "Bad Request"}


def host_address(i: int) -> str:
    """Address of host i (1-based): 127.0.1.1 … 127.0.1.254, then 127.0.2.1 …"""
    return f"127.0.{1 + (i - 1) // 254}.{1 + (i - 1) % 254}"


def _response(status: int, head_only: bool, keep: bool, body: bytes, extra: str = "") -> bytes:
    close = "" if keep else "Connection: close\r\n"
    lines = (
        f"HTTP/1.1 {status} {_REASONS[status]}\r\n"
        f"Content-Type: text/html; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
        f"LinkChecker: farm\r\n{extra}"
        f"{close}\r\n"
    ).encode("ascii")
    return lines if head_only else lines + body


def route(method: bytes, target: bytes, host: str, keep: bool, slow: float) -> tuple[float, bytes]:
    """(extra delay, response bytes) for one request."""
    head_only = method == b"HEAD"
    path = target.decode("latin-1").split("?", 1)[0]
    if path.startswith("/ok/"):
        title = f"Page {path[4:]} on {host}"
        body = f"<!doctype html><html><head><title>{title}</title></head><body><p>ok</p></body></html>"
        return 0.0, _response(200, head_only, keep, body.encode())
    if path.startswith("/moved/"):
        location = f"http://{host}/ok/moved-{path[7:]}"
        return 0.0, _response(301, head_only, keep, b"", f"Location: {location}\r\n")
    if path.startswith("/slow/"):
        body = f"<!doctype html><html><head><title>Slow {path[6:]} on {host}</title></head><body></body></html>"
        return slow, _response(200, head_only, keep, body.encode())
    body = b"<!doctype html><html><head><title>Not found</title></head><body></body></html>"
    return 0.0, _response(404, head_only, keep, body)


class _Http(asyncio.Protocol):
    """HTTP/1.1 server side: one request at a time per connection (pipelined requests wait their turn)."""

    def __init__(self, farm: _Farm) -> None:
        self.farm = farm
        self.transport: Any = None
        self.buf = b""
        self.busy = False
        self.closed = False

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.farm.counters[CONNECTIONS] += 1

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True

    def data_received(self, data: bytes) -> None:
        self.buf += data
        if not self.busy:
            self._next()

    def _next(self) -> None:
        end = self.buf.find(b"\r\n\r\n")
        if end < 0:
            if len(self.buf) > 65536:
                self.transport.close()
            return
        head, rest = self.buf[:end], self.buf[end + 4 :]
        lines = head.split(b"\r\n")
        try:
            method, target, version = lines[0].split(b" ", 2)
        except ValueError:
            self.transport.write(_response(400, False, False, b""))
            self.transport.close()
            return
        host = ""
        connection = b""
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"host":
                host = value.strip().decode("latin-1")
            elif name == b"connection":
                connection = value.strip().lower()
            elif name == b"content-length":
                length = int(value.strip() or 0)
        self.buf = rest[length:]
        keep = b"close" not in connection and (version == b"HTTP/1.1" or b"keep-alive" in connection)
        counters = self.farm.counters
        counters[REQUESTS] += 1
        if method == b"HEAD":
            counters[HEADS] += 1
        elif method == b"GET":
            counters[GETS] += 1
        else:
            counters[OTHERS] += 1
        delay, response = route(method, target, host, keep, self.farm.slow)
        counters[DELAY_US] += int((self.farm.latency + delay) * 1_000_000)
        self.busy = True
        self.farm.loop.call_later(self.farm.latency + delay, self._send, response, keep)

    def _send(self, response: bytes, keep: bool) -> None:
        if self.closed:
            return
        self.transport.write(response)
        if not keep:
            self.transport.close()
            return
        self.busy = False
        if self.buf:
            self._next()


class _Farm:
    def __init__(self, counters: Any, latency: float, slow: float) -> None:
        self.counters = counters
        self.latency = latency
        self.slow = slow
        self.loop = asyncio.get_running_loop()


def _free_port(address: str) -> int:
    with socket.socket() as s:
        s.bind((address, 0))
        return int(s.getsockname()[1])


async def _serve(hosts: int, latency: float, slow: float, counters: Any, max_life: float, ready: Any) -> None:
    farm = _Farm(counters, latency, slow)
    parent = os.getppid()
    servers = []
    for _attempt in range(20):  # bounded: a port free on the first address may be taken on another
        port = _free_port(host_address(1))
        try:
            for i in range(1, hosts + 1):
                servers.append(
                    await farm.loop.create_server(
                        lambda: _Http(farm), host_address(i), port, backlog=2048, reuse_address=True
                    )
                )
            break
        except OSError:
            for server in servers:
                server.close()
            servers.clear()
    else:
        ready.send(("error", "no common free port on the farm addresses"))
        return
    ready.send(("ready", port))
    deadline = farm.loop.time() + max_life
    while farm.loop.time() < deadline and os.getppid() == parent:
        await asyncio.sleep(0.5)
    for server in servers:
        server.close()


def run_farm(hosts: int, latency: float, slow: float, counters: Any, max_life: float, ready: Any) -> None:
    """Process entry point: serve until the parent exits or max_life passes."""
    asyncio.run(_serve(hosts, latency, slow, counters, max_life, ready))
