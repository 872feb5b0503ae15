"""A link farm: real HTTP/1.1 servers on loopback addresses, for the link-checker tests and the benchmark.

Each host is an asyncio server on its own 127.x.y.z address (Linux routes all of 127.0.0.0/8 to `lo`), run
in a background thread so synchronous tests can call the checker directly. Per path, a host answers with a
scripted `Reply` (status, headers, body, delay, a hang, an endless body, a dropped connection), or a
sequence of them (the last one repeats), with a separate script for HEAD if wanted. Every request is logged
with `time.monotonic()` timestamps (the checker's default clock), so tests can assert waits and that a host
got nothing meanwhile. Paths without a script follow a small convention the benchmark uses:

    /ok/...            200, an HTML page with a title
    /status/<code>/... that status (404, 500, ...)
    /moved/<rest>      301 to /ok/<rest>        /found/<rest>  302 to /ok/<rest>
    /slow/<ms>/...     200 after <ms> milliseconds
    anything else      404

A `ForwardProxy` (absolute-form requests and CONNECT tunnels) stands in for a corporate proxy.

Run as a script to serve a farm for another process (the benchmark):
    python tests/support/linkfarm.py --hosts 100 --latency 0.05
prints one JSON line {"hosts": ["http://127.0.1.1:PORT", ...]} and serves until stdin closes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import json
import ssl
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

_REASONS = {
    200: "OK",
    204: "No Content",
    301: "Moved Permanently",
    302: "Found",
    303: "See Other",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    410: "Gone",
    429: "Too Many Requests",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    999: "Request Denied",
}


def page(title: str, extra: str = "") -> bytes:
    return f"<!doctype html><html><head><title>{title}</title></head><body>{extra}</body></html>".encode()


@dataclass(frozen=True)
class Reply:
    """One scripted answer."""

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    title: str | None = None  # shortcut: an HTML page with this title as the body
    location: str | None = None  # shortcut: a Location header
    content_type: str = "text/html; charset=utf-8"
    delay: float = 0.0  # before the status line
    hang: bool = False  # never answer
    drop: bool = False  # close the connection without answering
    endless: bool = False  # a chunked body that never ends: `body` first, then filler
    chunk_delay: float = 0.0  # for an endless body: seconds between filler chunks (a trickle)
    trickle: float = 0.0  # seconds between single bytes of the body (a slowloris server)
    trickle_head: bool = False  # with `trickle`: the status line and headers come a byte at a time too
    gzip: bool = False  # Content-Encoding: gzip
    close: bool = False  # Connection: close after this answer

    def payload(self) -> bytes:
        body = self.body or (page(self.title) if self.title is not None else b"")
        return gzip.compress(body) if self.gzip else body


@dataclass
class Route:
    replies: Sequence[Reply]
    head: Sequence[Reply] | None = None  # None: the GET script, without the body
    count: int = 0
    head_count: int = 0

    def next(self, method: str) -> Reply:
        if method == "HEAD" and self.head is not None:
            reply = self.head[min(self.head_count, len(self.head) - 1)]
            self.head_count += 1
            return reply
        reply = self.replies[min(self.count, len(self.replies) - 1)]
        self.count += 1
        return reply


RouteSpec = Reply | Sequence[Reply] | Route


def _route(spec: RouteSpec) -> Route:
    if isinstance(spec, Route):
        return spec
    if isinstance(spec, Reply):
        return Route([spec])
    return Route(list(spec))


@dataclass(frozen=True)
class Hit:
    """One request a host received."""

    host: str  # the address it was received on
    method: str
    path: str
    headers: Mapping[str, str]
    start: float  # monotonic: request head parsed
    end: float | None = None  # monotonic: answer head sent (None: never answered)


class Host:
    """One loopback server. Add routes at any time with `route()`."""

    def __init__(self, farm: LinkFarm, address: str, latency: float, tls: ssl.SSLContext | None) -> None:
        self.farm = farm
        self.address = address
        self.latency = latency
        self.tls = tls
        self.port = 0
        self.routes: dict[str, Route] = {}
        self.in_flight = 0
        self.max_in_flight = 0
        self.connections = 0
        self.open_connections = 0
        self.max_open_connections = 0  # the most connections open at once
        self.body_bytes_sent = 0  # of endless bodies: filler written before the client hung up
        self._server: asyncio.Server | None = None

    @property
    def origin(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.address}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.origin + path

    def route(self, path: str, spec: RouteSpec, *, head: Reply | Sequence[Reply] | None = None) -> str:
        """Script `path`; returns its URL."""
        route = _route(spec)
        if head is not None:
            route.head = [head] if isinstance(head, Reply) else list(head)
        self.routes[path] = route
        return self.url(path)

    def hits(self, path: str | None = None) -> list[Hit]:
        return [h for h in self.farm.hits if h.host == self.address and (path is None or h.path == path)]

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.address, 0, ssl=self.tls, backlog=1024)
        self.port = self._server.sockets[0].getsockname()[1]

    def _reply_for(self, method: str, path: str) -> Reply:
        route = self.routes.get(path) or self.routes.get(path.split("?", 1)[0])
        if route is not None:
            return route.next(method)
        parts = path.split("?", 1)[0].strip("/").split("/")
        head, rest = parts[0], "/".join(parts[1:])
        if head == "ok":
            return Reply(title=f"Page {rest}")
        if head == "status" and parts[1:2] and parts[1].isdigit():
            return Reply(int(parts[1]), title=f"Status {parts[1]}")
        if head == "moved":
            return Reply(301, location=f"/ok/{rest}")
        if head == "found":
            return Reply(302, location=f"/ok/{rest}")
        if head == "slow" and parts[1:2] and parts[1].isdigit():
            return Reply(delay=int(parts[1]) / 1000, title=f"Slow {rest}")
        return Reply(404, title="Not Found")

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.farm._tasks.add(task)
        self.connections += 1
        self.open_connections += 1
        self.max_open_connections = max(self.max_open_connections, self.open_connections)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, ssl.SSLError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, _version = ([*lines[0].split(" ", 2), "", ""])[:3]
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        key, value = line.split(":", 1)
                        headers[key.strip().lower()] = value.strip()
                length = headers.get("content-length", "0")
                if length.isdigit() and int(length):
                    await reader.readexactly(int(length))
                path = urlsplit(target).path if target.startswith(("http://", "https://")) else target
                hit = Hit(self.address, method, path or "/", headers, time.monotonic())
                index = self.farm._record(hit)
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)
                try:
                    keep = await self._answer(writer, method, self._reply_for(method, path or "/"), index)
                finally:
                    self.in_flight -= 1
                if not keep or headers.get("connection", "").lower() == "close":
                    return
        except (ConnectionError, ssl.SSLError):
            return
        finally:
            self.open_connections -= 1
            self.farm._tasks.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _answer(self, writer: asyncio.StreamWriter, method: str, reply: Reply, index: int) -> bool:
        wait = self.latency + reply.delay
        if wait:
            await asyncio.sleep(wait)
        if reply.hang:
            await asyncio.sleep(3600)
        if reply.drop:
            return False
        body = reply.payload()
        headers = {"Content-Type": reply.content_type, "Server": "linkfarm"}
        if reply.gzip:
            headers["Content-Encoding"] = "gzip"
        if reply.location is not None:
            headers["Location"] = reply.location
        headers.update(reply.headers)
        if reply.endless:
            headers["Transfer-Encoding"] = "chunked"
        else:
            headers["Content-Length"] = str(len(body))
        if reply.close:
            headers["Connection"] = "close"
        reason = _REASONS.get(reply.status, "Status")
        head = f"HTTP/1.1 {reply.status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        if reply.trickle:
            return await self._trickle(writer, head.encode("latin-1") + b"\r\n", body, method, reply, index)
        writer.write(head.encode("latin-1") + b"\r\n")
        self.farm._answered(index)
        if method != "HEAD":
            if reply.endless:
                if body:
                    writer.write(b"%x\r\n%s\r\n" % (len(body), body))
                filler = b"<p>x</p>" if reply.chunk_delay else b"<p>" + b"x" * 16000 + b"</p>"
                sent = 0
                while sent < 256 * 1024 * 1024:
                    writer.write(b"%x\r\n%s\r\n" % (len(filler), filler))
                    sent += len(filler)
                    self.body_bytes_sent += len(filler)
                    await writer.drain()
                    if reply.chunk_delay:
                        await asyncio.sleep(reply.chunk_delay)
                return False
            writer.write(body)
        await writer.drain()
        return not reply.close


    async def _trickle(
        self, writer: asyncio.StreamWriter, head: bytes, body: bytes, method: str, reply: Reply, index: int
    ) -> bool:
        """A slowloris answer: a byte every `reply.trickle` seconds (the head too, with `trickle_head`)."""
        slow = head if reply.trickle_head else b""
        writer.write(head[len(slow) :])
        for byte in slow:
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(reply.trickle)
        self.farm._answered(index)
        if method != "HEAD":
            for byte in body:
                writer.write(bytes([byte]))
                await writer.drain()
                self.body_bytes_sent += 1
                await asyncio.sleep(reply.trickle)
        return False


class ForwardProxy:
    """An HTTP proxy: absolute-form requests are forwarded (one upstream connection each), CONNECT is
    tunnelled. `hits` lists (method, target) as received."""

    def __init__(self, farm: LinkFarm, address: str) -> None:
        self.farm = farm
        self.address = address
        self.port = 0
        self.hits: list[tuple[str, str]] = []
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"http://{self.address}:{self.port}"

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.address, 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.farm._tasks.add(task)
        upstream: asyncio.StreamWriter | None = None
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, version = lines[0].split(" ", 2)
            self.hits.append((method, target))
            if method == "CONNECT":
                host, _, port = target.rpartition(":")
                up_reader, upstream = await asyncio.open_connection(host.strip("[]"), int(port))
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                await writer.drain()
                await asyncio.gather(_pipe(reader, upstream), _pipe(up_reader, writer))
                return
            parts = urlsplit(target)
            up_reader, upstream = await asyncio.open_connection(parts.hostname, parts.port or 80)
            path = parts.path or "/"
            if parts.query:
                path += "?" + parts.query
            kept = [
                line
                for line in lines[1:]
                if line
                and line.split(":", 1)[0].strip().lower()
                not in {"connection", "proxy-connection", "keep-alive", "proxy-authorization"}
            ]
            upstream.write(
                f"{method} {path} {version}\r\n{''.join(k + chr(13) + chr(10) for k in kept)}"
                "Connection: close\r\n\r\n".encode("latin-1")
            )
            await upstream.drain()
            await _pipe(up_reader, writer)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            return
        finally:
            self.farm._tasks.discard(task)
            for w in (upstream, writer):
                if w is not None:
                    w.close()
                    with contextlib.suppress(Exception):
                        await w.wait_closed()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(Exception):
            if writer.can_write_eof():
                writer.write_eof()


class LinkFarm:
    """The farm: an event loop in a thread, hosts and proxies on it, one request log."""

    def __init__(self) -> None:
        self.hits: list[Hit] = []
        self.hosts: list[Host] = []
        self.proxies: list[ForwardProxy] = []
        self.loop_errors: list[dict[str, Any]] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._loop.set_exception_handler(lambda _loop, context: self.loop_errors.append(context))
        self._thread = threading.Thread(target=self._loop.run_forever, name="linkfarm", daemon=True)
        self._thread.start()

    def __enter__(self) -> LinkFarm:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self, coro: Any) -> Any:
        future: Future[Any] = asyncio.run_coroutine_threadsafe(coro, self._loop)
        return future.result(timeout=30)

    def host(self, address: str, *, latency: float = 0.0, tls: ssl.SSLContext | None = None) -> Host:
        """A new server on `address` (e.g. "127.0.0.2") on a free port."""
        host = Host(self, address, latency, tls)
        self._run(host._start())
        self.hosts.append(host)
        return host

    def proxy(self, address: str = "127.0.0.1") -> ForwardProxy:
        proxy = ForwardProxy(self, address)
        self._run(proxy._start())
        self.proxies.append(proxy)
        return proxy

    def _record(self, hit: Hit) -> int:
        with self._lock:
            self.hits.append(hit)
            return len(self.hits) - 1

    def _answered(self, index: int) -> None:
        with self._lock:
            hit = self.hits[index]
            self.hits[index] = Hit(hit.host, hit.method, hit.path, hit.headers, hit.start, time.monotonic())

    def requests_per_host(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for hit in self.hits:
            counts[hit.host] += 1
        return dict(counts)

    def close(self) -> None:
        if not self._thread.is_alive():
            return

        async def shutdown() -> None:
            owners: list[Host | ForwardProxy] = [*self.hosts, *self.proxies]
            servers = [s._server for s in owners if s._server is not None]
            for server in servers:
                server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            for server in servers:
                await server.wait_closed()

        self._run(shutdown())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


@contextlib.contextmanager
def link_farm() -> Iterator[LinkFarm]:
    farm = LinkFarm()
    try:
        yield farm
    finally:
        farm.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds before every answer")
    parser.add_argument("--base", default="127.0.1.", help="addresses are <base>1, <base>2, ...")
    args = parser.parse_args(argv)
    with link_farm() as farm:
        hosts = [farm.host(f"{args.base}{i + 1}", latency=args.latency) for i in range(args.hosts)]
        print(json.dumps({"hosts": [h.origin for h in hosts]}), flush=True)
        sys.stdin.read()  # until the parent closes our stdin
        counts = farm.requests_per_host()
        connections = sum(h.connections for h in hosts)
        print(json.dumps({"requests": sum(counts.values()), "connections": connections}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
