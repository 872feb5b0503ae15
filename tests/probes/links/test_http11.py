"""The link checker's own HTTP/1.1 client (`curator.probes.links._http11`) against raw servers on loopback."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Awaitable, Callable

import pytest

from curator.facts import FailureKind, LinkState
from curator.probes.links import _http11 as link_http
from curator.probes.links._classify import classify_exception
from curator.probes.links._http11 import Http11Pool, host_header, proxy_for, request_target
from curator.probes.links._netguard import AddressRefused, NetGuard

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter, int], Awaitable[None]]


async def _read_request(reader: asyncio.StreamReader) -> bytes:
    return await reader.readuntil(b"\r\n\r\n")


class RawServer:
    """A loopback server whose connections are handled by `handler(reader, writer, connection_number)`."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.connections = 0
        self.requests: list[bytes] = []
        self.server: asyncio.Server | None = None
        self.port = 0

    async def __aenter__(self) -> RawServer:
        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.connections += 1
            try:
                await self.handler(reader, writer, self.connections)
            except (asyncio.IncompleteReadError, ConnectionError):
                pass
            finally:
                writer.close()

        self.server = await asyncio.start_server(serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()


def _pool() -> Http11Pool:
    return Http11Pool(NetGuard(allow_all=True), pool_size=lambda host: 4, connect_timeout=5.0)


async def _get(pool: Http11Pool, port: int, method: str = "GET", path: str = "/") -> tuple[int, bytes]:
    response = await pool.request(method, "http", "127.0.0.1", port, path, [("user-agent", "test")])
    try:
        body = b"".join([chunk async for chunk in response.aiter_raw()])
    finally:
        await response.aclose()
    return response.status, body


def run(coro: Awaitable[None]) -> None:
    async def main() -> None:
        await asyncio.wait_for(coro, 10)

    asyncio.run(main())


def test_keep_alive_reuses_one_connection_and_sends_host_and_headers() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        while True:
            head = await _read_request(reader)
            server.requests.append(head)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
            await writer.drain()

    server = RawServer(handler)

    async def main() -> None:
        async with server:
            pool = _pool()
            assert await _get(pool, server.port, path="/a?b=1") == (200, b"hello")
            assert await _get(pool, server.port) == (200, b"hello")
            await pool.aclose()
        assert server.connections == 1
        assert pool.connections_made == 1
        first = server.requests[0].decode()
        assert first.startswith("GET /a?b=1 HTTP/1.1\r\n")
        assert f"host: 127.0.0.1:{server.port}\r\n" in first.lower()
        assert "user-agent: test\r\n" in first.lower()

    run(main())


def test_chunked_body_is_read_whole_and_the_connection_reused() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        while True:
            await _read_request(reader)
            writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
            await writer.drain()

    server = RawServer(handler)

    async def main() -> None:
        async with server:
            pool = _pool()
            assert await _get(pool, server.port) == (200, b"hello world")
            assert await _get(pool, server.port) == (200, b"hello world")
            await pool.aclose()
        assert server.connections == 1

    run(main())


def test_a_close_delimited_body_is_read_to_the_end_and_the_connection_not_reused() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await _read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<title>x</title>")
        await writer.drain()
        writer.close()

    server = RawServer(handler)

    async def main() -> None:
        async with server:
            pool = _pool()
            assert await _get(pool, server.port) == (200, b"<title>x</title>")
            assert await _get(pool, server.port) == (200, b"<title>x</title>")
            await pool.aclose()
        assert server.connections == 2

    run(main())


def test_head_204_304_and_1xx_have_no_body_and_keep_the_connection() -> None:
    answers = [
        b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n",  # HEAD: the length is the GET's, no body follows
        b"HTTP/1.1 204 No Content\r\n\r\n",
        b"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n",
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
        b"HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno",
    ]

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        for answer in answers:
            await _read_request(reader)
            writer.write(answer)
            await writer.drain()
        await reader.read()

    server = RawServer(handler)

    async def main() -> None:
        async with server:
            pool = _pool()
            assert await _get(pool, server.port, "HEAD") == (200, b"")
            assert await _get(pool, server.port) == (204, b"")
            assert await _get(pool, server.port) == (304, b"")
            assert await _get(pool, server.port) == (404, b"no")
            await pool.aclose()
        assert server.connections == 1

    run(main())


def test_an_idle_connection_the_server_closed_is_not_reused() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await _read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")  # keep-alive, but then closes
        await writer.drain()

    server = RawServer(handler)

    async def main() -> None:
        async with server:
            pool = _pool()
            assert await _get(pool, server.port) == (200, b"ok")
            await asyncio.sleep(0.1)  # the close arrives while the connection is idle
            assert await _get(pool, server.port) == (200, b"ok")
            await pool.aclose()
        assert server.connections == 2

    run(main())


def test_a_reused_connection_that_fails_before_answering_is_retried_once_on_a_fresh_one() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await _read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        await writer.drain()
        await _read_request(reader)  # the next request on this connection: closed without an answer
        writer.transport.abort()

    server = RawServer(handler)

    async def main() -> None:
        async with server:
            pool = _pool()
            assert await _get(pool, server.port) == (200, b"ok")
            assert await _get(pool, server.port) == (200, b"ok")  # the stale one failed, a fresh one answered
            await pool.aclose()
        assert server.connections == 2

    run(main())


@pytest.mark.parametrize("pause", [0.0, 0.05], ids=["with-the-head", "while-idle"])
def test_a_body_sent_in_reply_to_head_does_not_become_the_next_answer(pause: float) -> None:
    """A server that answers HEAD with a body: the stray bytes must not be read as the next answer. They
    come with the head (in one write: h11 keeps them after the HEAD answer), or later, while the connection
    waits idle in the pool."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        while True:
            head = await _read_request(reader)
            server.requests.append(head)
            if head.startswith(b"HEAD"):
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 25\r\n\r\n")
                if pause:
                    await writer.drain()
                    await asyncio.sleep(pause)
                writer.write(b"HTTP/1.1 418 I'm a teapot\r\n\r\n"[:25])  # a body, looking like an answer
            else:
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nget")
            await writer.drain()

    server = RawServer(handler)

    async def main() -> None:
        async with server:
            pool = _pool()
            assert await _get(pool, server.port, "HEAD") == (200, b"")
            await asyncio.sleep(pause * 3)
            assert await _get(pool, server.port, "GET") == (200, b"get")
            assert await _get(pool, server.port, "GET") == (200, b"get")  # that connection serves on
            await pool.aclose()
        assert server.connections == 2  # the connection that carried the stray body was not reused

    run(main())


def test_a_fresh_connection_closed_without_an_answer_is_an_error_not_a_retry() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await _read_request(reader)

    server = RawServer(handler)

    async def main() -> None:
        async with server:
            pool = _pool()
            with pytest.raises(link_http.RemoteProtocolError) as info:
                await _get(pool, server.port)
            await pool.aclose()
        assert server.connections == 1
        failure = classify_exception(info.value)
        assert failure.state is LinkState.UNREACHABLE
        assert failure.detail == "server closed the connection without answering"

    run(main())


def test_a_body_cut_short_is_a_protocol_error() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await _read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
        await writer.drain()

    server = RawServer(handler)

    async def main() -> None:
        async with server:
            pool = _pool()
            with pytest.raises(link_http.RemoteProtocolError) as info:
                await _get(pool, server.port)
            await pool.aclose()
        assert classify_exception(info.value).kind is FailureKind.REFUSED  # cut short: no whole answer

    run(main())


def test_an_answer_that_is_not_http_is_a_protocol_error() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await _read_request(reader)
        writer.write(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")
        await writer.drain()

    server = RawServer(handler)

    async def main() -> None:
        async with server:
            pool = _pool()
            with pytest.raises(link_http.RemoteProtocolError) as info:
                await _get(pool, server.port)
            await pool.aclose()
        failure = classify_exception(info.value)
        assert (failure.state, failure.kind) == (LinkState.ERROR, FailureKind.PROTOCOL)
        assert failure.detail.startswith("invalid HTTP response")

    run(main())


def test_the_guard_refuses_before_connecting_and_refused_connections_are_classified() -> None:
    async def main() -> None:
        pool = Http11Pool(NetGuard(), pool_size=lambda host: 4, connect_timeout=5.0)
        with pytest.raises(AddressRefused):
            await pool.request("HEAD", "http", "127.0.0.1", 9, "/", [])
        assert pool.connections_made == 0
        server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        server.close()
        await server.wait_closed()
        with pytest.raises(link_http.ConnectError) as info:
            await _get(_pool(), port)
        failure = classify_exception(info.value)
        assert (failure.state, failure.detail, failure.connect_level) == (
            LinkState.UNREACHABLE,
            "connection refused",
            True,
        )

    run(main())


def test_classify_reads_the_clients_errors() -> None:
    assert classify_exception(link_http.ConnectTimeout("connection timed out")).detail == "connection timed out"
    assert classify_exception(link_http.ReadError("reset")).detail == "connection reset"
    invalid = classify_exception(link_http.LocalProtocolError("Illegal header value"))
    assert invalid.state is LinkState.ERROR and invalid.detail.startswith("invalid URL")
    assert classify_exception(link_http.RemoteProtocolError("bad status line")).state is LinkState.ERROR


def test_request_target_and_host_header() -> None:
    assert request_target("", "") == "/"
    assert request_target("/a/b", "x=1&y=%20") == "/a/b?x=1&y=%20"
    assert request_target("/caf\u00e9 menu", "q=\u00e9") == "/caf%C3%A9%20menu?q=%C3%A9"
    assert host_header("example.com", 443, "https") == "example.com"
    assert host_header("example.com", 8443, "https") == "example.com:8443"
    assert host_header("::1", 80, "http") == "[::1]"


def test_proxy_for_honours_no_proxy() -> None:
    proxies = {"http": "http://proxy:3128", "https": "proxy:3128", "no": "internal.example,127.0.0.2"}
    assert proxy_for(proxies, "http", "example.com", 80) == "http://proxy:3128"
    assert proxy_for(proxies, "https", "example.com", 443) == "http://proxy:3128"
    assert proxy_for(proxies, "http", "internal.example", 80) is None
    assert proxy_for(proxies, "http", "127.0.0.2", 80) is None
    assert proxy_for({}, "http", "example.com", 80) is None


def test_the_link_checker_starts_without_httpx_tenacity_or_trio() -> None:
    code = (
        "import sys, curator.probes.links; "
        "print(sorted(m for m in ('httpx', 'httpcore', 'tenacity', 'trio', 'anyio') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
