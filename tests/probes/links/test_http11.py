"""The link checker's own HTTP/1.1 client (`curator.probes.links._http11`) against raw servers on loopback."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Awaitable, Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# ── the client's own framing (RFC 9112), head and body ──────────────────────────────────────────────────


def test_parse_head_takes_bare_line_feeds_folding_and_repeated_headers() -> None:
    head = link_http.parse_head(
        b"HTTP/1.1 200 OK\nContent-Type: text/html\r\nX-Long: one\r\n  two\r\nSet-Cookie: a=1\r\nset-cookie: b=2"
    )
    assert head.status == 200 and head.keep_alive
    assert head.headers == {"content-type": "text/html", "x-long": "one two", "set-cookie": "a=1, b=2"}
    assert head.fields[-2:] == [("set-cookie", "a=1"), ("set-cookie", "b=2")]  # kept apart for cookies
    assert link_http.parse_head(b"HTTP/1.1 204").status == 204  # no reason phrase at all
    assert link_http.parse_head(b"HTTP/1.0 404 ").status == 404


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (b"HTTP/2 200 OK", "not an HTTP/1"),
        (b"HTTP/1.1 20 OK", "not an HTTP/1"),
        (b"ICY 200 OK", "not an HTTP/1"),
        (b"HTTP/1.1 200 OK\r\nX-A: 1\x00\r\n", "control character"),
        (b"HTTP/1.1 200 OK\r\nX-A: 1\rX-B: 2", "control character"),  # a CR that ends no line
        (b"HTTP/1.1 200 OK\r\nContent-Length : 5", "malformed header line"),  # smuggling's favourite
        (b"HTTP/1.1 200 OK\r\nno colon here", "malformed header line"),
        (b"HTTP/1.1 200 OK\r\n folded first", "continuation"),
    ],
)
def test_parse_head_refuses_what_parsers_disagree_on(block: bytes, message: str) -> None:
    with pytest.raises(link_http.RemoteProtocolError, match=message):
        link_http.parse_head(block)


@pytest.mark.parametrize(
    ("method", "block", "framing", "keep_alive"),
    [
        ("GET", b"HTTP/1.1 200 OK\r\nContent-Length: 5", (link_http._LENGTH, 5), True),
        ("GET", b"HTTP/1.1 200 OK\r\nContent-Length: 5, 5", (link_http._LENGTH, 5), True),
        ("HEAD", b"HTTP/1.1 200 OK\r\nContent-Length: 5", (link_http._NO_BODY, 0), True),
        ("GET", b"HTTP/1.1 304 Not Modified\r\nContent-Length: 5", (link_http._NO_BODY, 0), True),
        ("GET", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked", (link_http._CHUNKED, 0), True),
        ("GET", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5", (link_http._CHUNKED, 0), False),
        ("GET", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip", (link_http._UNTIL_CLOSE, 0), False),
        ("GET", b"HTTP/1.1 200 OK", (link_http._UNTIL_CLOSE, 0), False),
        ("GET", b"HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0", (link_http._LENGTH, 0), False),
        ("GET", b"HTTP/1.0 200 OK\r\nContent-Length: 0", (link_http._LENGTH, 0), False),
        ("GET", b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0", (link_http._LENGTH, 0), True),
    ],
)
def test_body_framing_and_keep_alive(method: str, block: bytes, framing: tuple[int, int], keep_alive: bool) -> None:
    head = link_http.parse_head(block)
    assert link_http.body_framing(method, head) == framing
    assert head.keep_alive is keep_alive


@pytest.mark.parametrize("length", [b"5, 6", b"-1", b"0x10", b"\xd9\xa3", b"9" * 40])
def test_a_bad_or_conflicting_content_length_is_refused(length: bytes) -> None:
    head = link_http.parse_head(b"HTTP/1.1 200 OK\r\nContent-Length: " + length)
    with pytest.raises(link_http.RemoteProtocolError, match="Content-Length"):
        link_http.body_framing("GET", head)


def _serve_answers(answers: list[bytes], *, byte_by_byte: bool = False) -> RawServer:
    """A server that answers its connections' requests with `answers` in turn (shared across connections)."""
    queue = list(answers)

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        while queue:
            await _read_request(reader)
            answer = queue.pop(0)
            pieces = [answer[i : i + 1] for i in range(len(answer))] if byte_by_byte else [answer]
            for piece in pieces:
                writer.write(piece)
                await writer.drain()
        await reader.read()

    return RawServer(handler)


def test_an_answer_arriving_a_byte_at_a_time_is_framed_and_the_connection_reused() -> None:
    chunked = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3;ext=1\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-T: t\r\n\r\n"  # an extension, a trailer
    )
    plain = b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody"
    server = _serve_answers([chunked, plain], byte_by_byte=True)

    async def main() -> None:
        async with server:
            pool = _pool()
            assert await _get(pool, server.port) == (200, b"abc0123456789")
            assert await _get(pool, server.port) == (200, b"body")
            await pool.aclose()
        assert server.connections == 1

    run(main())


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nabc",
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nabc",
    ],
    ids=["te-and-cl", "http-1.0", "connection-close"],
)
def test_an_answer_that_does_not_keep_the_connection_is_read_and_its_connection_closed(answer: bytes) -> None:
    server = _serve_answers([answer, answer])

    async def main() -> None:
        async with server:
            pool = _pool()
            assert await _get(pool, server.port) == (200, b"abc")
            assert await _get(pool, server.port) == (200, b"abc")
            await pool.aclose()
        assert server.connections == 2

    run(main())


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", "bad chunk size line"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n", "longer than its size"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b"1" * 5000, "chunk line longer"),
        (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n", "switched protocols"),
        (b"HTTP/1.1 100 Continue\r\n\r\n" * 25, "interim"),
        (b"HTTP/1.1 200 OK\r\nX-Pad: " + b"p" * 70000, "head is longer than"),
    ],
    ids=["chunk-size", "chunk-overrun", "chunk-line", "101", "endless-100", "huge-head"],
)
def test_broken_framing_is_a_protocol_error(answer: bytes, message: str) -> None:
    server = _serve_answers([answer])

    async def main() -> None:
        async with server:
            pool = _pool()
            with pytest.raises(link_http.RemoteProtocolError, match=message) as info:
                await _get(pool, server.port)
            await pool.aclose()
        failure = classify_exception(info.value)
        assert (failure.state, failure.kind) == (LinkState.ERROR, FailureKind.PROTOCOL)

    run(main())


def test_a_server_that_is_not_http_is_found_out_without_waiting_for_a_blank_line() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await _read_request(reader)
        writer.write(b"SSH-2.0-OpenSSH_9.6\r\n")  # and then waits, as such a server does
        await writer.drain()
        await asyncio.sleep(5)

    server = RawServer(handler)

    async def main() -> None:
        async with server:
            pool = _pool()
            loop = asyncio.get_running_loop()
            started = loop.time()
            with pytest.raises(link_http.RemoteProtocolError, match=r"not an HTTP/1\.x status line"):
                await _get(pool, server.port)
            assert loop.time() - started < 1.0
            await pool.aclose()

    run(main())


@pytest.mark.parametrize(
    "headers",
    [[("x-a", "1\r\nX-Injected: yes")], [("bad name", "1")], [("x-a", "caf\u00e9\u2603")], [("x-a", " padded")]],
)
def test_a_request_header_http_does_not_allow_is_refused_not_sent(headers: list[tuple[str, str]]) -> None:
    server = _serve_answers([b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"])

    async def main() -> None:
        async with server:
            pool = _pool()
            with pytest.raises(link_http.LocalProtocolError):
                await pool.request("GET", "http", "127.0.0.1", server.port, "/", headers)
            await pool.aclose()
        assert server.connections == 0

    run(main())


_HEAD_PIECES = st.sampled_from(
    [
        b"HTTP/1.1 200 OK",
        b"HTTP/1.0 404 Not Found",
        b"HTTP/1.1 100 Continue",
        b"\r\n",
        b"\n",
        b"\r",
        b"\x00",
        b" ",
        b"\t",
        b":",
        b",",
        b"Content-Length: ",
        b"Transfer-Encoding: ",
        b"Connection: ",
        b"chunked",
        b"close",
        b"keep-alive",
        b"12",
        b"-1",
        b"0x1f",
        b"\xd9\xa3",
        b"\xff\xfe",
        b"X-A",
        b"\x1b[2J",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_HEAD_PIECES, st.binary(max_size=8)), max_size=30).map(b"".join))
def test_any_head_is_parsed_or_refused_as_a_protocol_error(block: bytes) -> None:
    """Whatever a hostile server sends as its head, the parser answers with a head or a RemoteProtocolError —
    never another exception, which the checker would report as its own bug."""
    try:
        head = link_http.parse_head(block)
        framing, length = link_http.body_framing("GET", head)
    except link_http.RemoteProtocolError:
        return
    assert 100 <= head.status <= 999
    assert framing in (link_http._NO_BODY, link_http._LENGTH, link_http._CHUNKED, link_http._UNTIL_CLOSE)
    assert length >= 0
    assert all(name == name.lower() and "\x00" not in value for name, value in head.fields)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from([b"0", b"a", b"F", b";x=1", b" ", b"\t", b"-", b"+", b"\xd9\xa3"]), st.binary(max_size=4)
        ),
        max_size=12,
    ).map(b"".join)
)
def test_any_chunk_size_line_is_a_size_or_a_protocol_error(line: bytes) -> None:
    try:
        size = link_http._chunk_size(line)
    except link_http.RemoteProtocolError:
        return
    assert 0 <= size < 16**16


def test_the_classifier_reads_a_closed_connection_from_the_type_not_the_words() -> None:
    closed = classify_exception(link_http.ServerClosed("ein Satz ohne das Wort"))
    assert (closed.state, closed.kind, closed.retryable) == (LinkState.UNREACHABLE, FailureKind.REFUSED, True)
    broken = classify_exception(link_http.RemoteProtocolError("bad chunk size line b'zz'"))
    assert (broken.state, broken.kind) == (LinkState.ERROR, FailureKind.PROTOCOL)
