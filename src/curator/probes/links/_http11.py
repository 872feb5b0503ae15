"""The link checker's own HTTP/1.1 client: keep-alive per origin on asyncio, behind the address guard.

A link check is thousands of short requests spread over hundreds of hosts. Through httpx and httpcore each
one cost about 0.6 ms of CPU (locks, cancel scopes, sniffio look-ups and objects per request), which made
the checker CPU-bound; h11's general state machine was still a quarter of what remained. This client does
the least a check needs:

- one list of idle connections per origin (scheme, host, port), at most the host's concurrency long; the
  lists are kept in LRU order and the idle connections of the oldest origins closed beyond `MAX_ORIGINS`;
- new connections through the `NetGuard`: the name is resolved once, *every* address is checked, and the
  connection goes to a checked address; the Host header and TLS (SNI, certificate name) keep the name;
- HTTP/1.1 framing of its own, client side only (RFC 9112): the head found with one search of the buffer
  and parsed strictly where request smuggling lives (header names, control characters, conflicting
  Content-Length), bodies by length, chunked or until close, no body for HEAD/1xx/204/304, 1xx answers
  skipped, keep-alive by version and Connection header, every line and head bounded;
- an idle connection that the server closed (end of file, reset, or bytes arriving unasked — a body sent
  in reply to HEAD, say) is dropped, not reused; so is one whose answer came with bytes beyond its end
  (bytes that arrive only after the next request was sent cannot be told from its answer); a request
  that fails on a reused connection before any byte of the answer is sent once more on a fresh
  connection (the server may close an idle connection at any moment);
- the TLS context is made on first use, from `SSL_CERT_FILE` / `SSL_CERT_DIR` when set, else certifi.

No deadline lives here except the connect timeout: the caller wraps each exchange in one deadline.
Proxies are not handled here; the checker sends those requests through httpx (`_proxy`). Errors are
this module's `HTTPError` subclasses, with the cause chained (the classifier reads errno values and TLS
errors from the chain).
"""

from __future__ import annotations

import asyncio
import os
import re
import ssl
import time
import urllib.parse
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Sequence

from curator.probes.links._netguard import NetGuard
from curator.probes.links._protocol import BufferedProtocol

DEFAULT_PORTS = {"http": 80, "https": 443}
KEEPALIVE_EXPIRY = 15.0  # seconds an idle connection is kept
MAX_ORIGINS = 512  # origins whose idle connections are kept (bounds open sockets)
MAX_HEAD = 64 * 1024  # the largest status line + headers accepted
MAX_LINE = 4 * 1024  # the longest chunk-size or trailer line accepted
MAX_TRAILERS = 100
MAX_INTERIM = 20  # 1xx answers accepted before the answer
_NOT_VCHAR = re.compile(r"[^\x21-\x7e]")
_HEAD_END = re.compile(rb"\r?\n\r?\n")
_STATUS_LINE = re.compile(r"HTTP/1\.([01]) +([0-9]{3})(?: [^\n]*)?")
_TOKEN = re.compile(r"[-!#$%&'*+.^_`|~0-9A-Za-z]+")  # a header name (RFC 9110 token), ASCII only
# NUL and a CR that ends no line are refused (they split headers differently in different parsers); other
# control characters in a value are taken as browsers take them and escaped wherever they are shown
_BAD_HEAD_CHAR = re.compile(r"[\x00\r]")
_BAD_FIELD = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]|^[ \t]|[ \t]$")
_HEX = re.compile(rb"[0-9A-Fa-f]+")
_TARGET_SAFE = "!#$%&'()*+,/:;=?@[]~"


class HTTPError(Exception):
    """A request failed in the link checker's HTTP client."""


class ConnectError(HTTPError):
    """No connection could be made (the cause, an OSError or ssl.SSLError, is chained)."""


class ConnectTimeout(ConnectError):
    """The connection (DNS lookup, TCP, TLS handshake) took longer than the connect timeout."""


class ReadError(HTTPError):
    """The connection failed while reading the answer."""


class WriteError(HTTPError):
    """The connection failed while sending the request."""


class RemoteProtocolError(HTTPError):
    """The server broke HTTP/1.1 (or closed the connection without answering)."""


class ServerClosed(RemoteProtocolError):
    """The server closed the connection before its answer was whole, or before any of it (the classifier
    reads the type: the connection was refused in effect, not answered wrongly)."""


class LocalProtocolError(HTTPError, ValueError):
    """The request cannot be sent as given (a header or target HTTP does not allow)."""


def default_ssl_context() -> ssl.SSLContext:
    """Certificates from the environment like httpx (`SSL_CERT_FILE`, then `SSL_CERT_DIR`), else certifi."""
    cafile = os.environ.get("SSL_CERT_FILE")
    capath = os.environ.get("SSL_CERT_DIR")
    if cafile:
        context = ssl.create_default_context(cafile=cafile)
    elif capath:
        context = ssl.create_default_context(capath=capath)
    else:
        import certifi

        context = ssl.create_default_context(cafile=certifi.where())
    context.set_alpn_protocols(["http/1.1"])
    return context


def proxy_routes() -> dict[str, str]:
    """The proxies the environment asks for, by scheme ("http", "https", "all") plus "no". The standard
    library reads them; without any `*_proxy` variable there is nothing to read (nor to import)."""
    if not any(name.lower().endswith("_proxy") for name in os.environ):
        return {}
    import urllib.request

    return dict(urllib.request.getproxies())


def proxy_for(proxies: dict[str, str], scheme: str, host: str, port: int) -> str | None:
    """The proxy URL for a request to (scheme, host, port), or None to go direct (`NO_PROXY` honoured)."""
    if not proxies:
        return None
    target = proxies.get(scheme) or proxies.get("all")
    if not target:
        return None
    from urllib.request import proxy_bypass_environment  # type: ignore[attr-defined]

    if proxy_bypass_environment(f"{host}:{port}", proxies):
        return None
    return target if "://" in target else f"http://{target}"


def request_target(path: str, query: str) -> str:
    """The request target of a URL's path and query, percent-encoding what HTTP does not allow as is."""
    target = (path or "/") + (f"?{query}" if query else "")
    if _NOT_VCHAR.search(target):
        target = urllib.parse.quote(target, safe=_TARGET_SAFE)
    return target


def encode_headers(headers: Sequence[tuple[str, str]]) -> bytes:
    """Request header lines and the blank line that ends them; a name or value HTTP does not allow (a line
    break smuggled into a configured header, say) is refused, never sent."""
    lines = []
    for name, value in headers:
        if _TOKEN.fullmatch(name) is None or _BAD_FIELD.search(value):
            raise LocalProtocolError(f"Illegal header: {name[:80]!r}: {value[:80]!r}")
        try:
            lines.append(f"{name}: {value}\r\n".encode("latin-1"))
        except UnicodeEncodeError as exc:
            raise LocalProtocolError(f"Illegal header value (not Latin-1) in {name[:80]!r}") from exc
    return b"".join(lines) + b"\r\n"


def host_header(host: str, port: int, scheme: str) -> str:
    name = f"[{host}]" if ":" in host else host
    return name if DEFAULT_PORTS.get(scheme) == port else f"{name}:{port}"


class _Head:
    """A parsed status line and header block."""

    __slots__ = ("fields", "headers", "keep_alive", "status")

    def __init__(self, status: int, fields: list[tuple[str, str]], headers: dict[str, str], keep_alive: bool) -> None:
        self.status = status
        self.fields = fields  # (lower-case name, value) in the order sent: repeated headers kept apart
        self.headers = headers  # repeated headers joined with ", "
        self.keep_alive = keep_alive  # what the version and Connection header allow


def parse_head(block: bytes) -> _Head:
    """The status line and headers of an answer (`block` is everything before the blank line). Strict
    where smuggling lives (header names, NUL and stray CR, the status line), lenient where servers differ
    harmlessly (bare LF line ends, obsolete line folding, an empty reason phrase). Header bytes are
    Latin-1, as HTTP has them; one decode of the whole block, then string work only."""
    text = block.decode("latin-1")
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    bad = _BAD_HEAD_CHAR.search(text)
    if bad is not None:
        raise RemoteProtocolError(f"control character {bad.group()!r} in the answer's head")
    lines = text.split("\n")
    status_line = _STATUS_LINE.fullmatch(lines[0])
    if status_line is None:
        raise RemoteProtocolError(f"not an HTTP/1.x status line: {lines[0][:80]!r}")
    fields: list[tuple[str, str]] = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t"):  # obsolete line folding: the value goes on
            if not fields:
                raise RemoteProtocolError("the answer's first header line is a continuation")
            name, value = fields[-1]
            fields[-1] = (name, (value + " " + line.strip(" \t")).strip(" "))
            continue
        name, colon, value = line.partition(":")
        if not colon or _TOKEN.fullmatch(name) is None:
            raise RemoteProtocolError(f"malformed header line {line[:80]!r}")
        fields.append((name.lower(), value.strip(" \t")))
    headers: dict[str, str] = {}
    for name, value in fields:
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    connection = headers.get("connection")
    http11 = status_line.group(1) == "1"
    if connection is None:
        keep_alive = http11
    else:
        tokens = {token.strip() for token in connection.lower().split(",")}
        keep_alive = "close" not in tokens and (http11 or "keep-alive" in tokens)
    return _Head(int(status_line.group(2)), fields, headers, keep_alive)


# body framing (RFC 9112 section 6.3)
_NO_BODY, _LENGTH, _CHUNKED, _UNTIL_CLOSE = range(4)


def body_framing(method: str, head: _Head) -> tuple[int, int]:
    """How the body of this answer ends, and its length when it has one."""
    status = head.status
    if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
        return _NO_BODY, 0
    headers = head.headers
    coding = headers.get("transfer-encoding")
    if coding is not None:
        head.keep_alive = head.keep_alive and "content-length" not in headers  # both: a sender to distrust
        if coding.rsplit(",", 1)[-1].strip().lower() == "chunked":
            return _CHUNKED, 0
        head.keep_alive = False
        return _UNTIL_CLOSE, 0
    length = headers.get("content-length")
    if length is None:
        head.keep_alive = False
        return _UNTIL_CLOSE, 0
    values = {value.strip() for value in length.split(",")}  # a repeated header, identical values: allowed
    if len(values) != 1:
        raise RemoteProtocolError(f"conflicting Content-Length values: {length[:80]!r}")
    value = values.pop()
    if not value.isdigit() or not value.isascii() or len(value) > 18:
        raise RemoteProtocolError(f"bad Content-Length: {value[:80]!r}")
    return _LENGTH, int(value)


class _Connection(BufferedProtocol):
    """One connection: what arrives is buffered here; answers are framed from the buffer as they come."""

    __slots__ = ("idle_since", "received")

    def __init__(self) -> None:
        super().__init__()
        self.received = False  # a byte of the current answer has arrived
        self.idle_since = 0.0

    def data_received(self, data: bytes) -> None:
        self.received = True
        super().data_received(data)

    # -- used by the client

    def reusable(self) -> bool:
        """Idle and still open: no end of file, no error, nothing arrived unasked."""
        transport = self.transport
        return not self.eof and not self.buffer and transport is not None and not transport.is_closing()

    def close(self) -> None:
        # abort, not close: a TLS close would wait for the server's close_notify, and nothing written is
        # pending when a connection is let go
        if self.transport is not None:
            self.transport.abort()

    async def write(self, data: bytes) -> None:
        transport = self.transport
        if transport is None or transport.is_closing() or self.eof:
            raise WriteError("connection closed")
        try:
            transport.write(data)
        except (OSError, RuntimeError) as exc:
            raise WriteError(str(exc) or "connection closed") from exc
        if self.writing_paused:  # checked here: a coroutine per write would show in the profile
            await self.drain()

    async def read_head(self) -> _Head:
        """The next status line and headers (1xx answers included: the caller skips them)."""
        scanned = 0
        while True:
            buffer = self.buffer
            end = _HEAD_END.search(buffer, max(scanned - 3, 0))
            if end is not None:
                block = bytes(buffer[: end.start()])
                del buffer[: end.end()]
                return parse_head(block)
            scanned = len(buffer)
            if scanned > MAX_HEAD:
                raise RemoteProtocolError(f"the answer's head is longer than {MAX_HEAD} bytes")
            if scanned >= 5 and not buffer.startswith(b"HTTP/"):  # no need to wait for the rest of it
                raise RemoteProtocolError(f"not an HTTP/1.x status line: {bytes(buffer[:80])!r}")
            if self.eof:
                self._raise_closed(scanned, "Server disconnected without sending a response.")
            await self.wait_more()

    async def read_some(self, most: int) -> bytes:
        """Up to `most` bytes of a body that has more to come; at the end of file, an error."""
        while not self.buffer:
            if self.eof:
                self._raise_closed(1, "")
            await self.wait_readable()
        return self.take(most)

    async def read_line(self) -> bytes:
        """One line of chunked framing, without its line end."""
        while True:
            buffer = self.buffer
            end = buffer.find(b"\n")
            if end >= 0:
                line = bytes(buffer[:end])
                del buffer[: end + 1]
                return line[:-1] if line.endswith(b"\r") else line
            if len(buffer) > MAX_LINE:
                raise RemoteProtocolError(f"a chunk line longer than {MAX_LINE} bytes")
            if self.eof:
                self._raise_closed(1, "")
            await self.wait_more()

    def _raise_closed(self, received: int, nothing: str) -> None:
        if self.exc is not None:
            raise ReadError(str(self.exc) or "connection lost") from self.exc
        if not received:
            raise ServerClosed(nothing)
        raise ServerClosed("server closed the connection in the middle of the answer")


class Response:
    """The status and headers of an answer; the body is read with `aiter_raw`, then `aclose` is a must."""

    __slots__ = (
        "_complete",
        "_conn",
        "_framing",
        "_keep_alive",
        "_key",
        "_left",
        "_pool",
        "_released",
        "fields",
        "headers",
        "status",
    )

    def __init__(
        self, pool: Http11Pool, key: tuple[str, str, int], conn: _Connection, head: _Head, method: str
    ) -> None:
        self._pool = pool
        self._key = key
        self._conn = conn
        self._released = False
        self.status: int = head.status
        self.fields = head.fields
        self.headers = head.headers
        self._framing, self._left = body_framing(method, head)
        self._keep_alive = head.keep_alive
        self._complete = self._framing == _NO_BODY or (self._framing == _LENGTH and self._left == 0)

    @property
    def charset(self) -> str | None:
        return charset_of(self.headers.get("content-type", ""))

    async def aiter_raw(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The body as it arrives (chunked or not, still content-encoded)."""
        conn = self._conn
        framing = self._framing
        while not self._complete:
            if framing == _LENGTH:
                data = await conn.read_some(self._left)
                self._left -= len(data)
                self._complete = self._left == 0
                yield data
            elif framing == _CHUNKED:
                if self._left:
                    data = await conn.read_some(self._left)
                    self._left -= len(data)
                    yield data
                    if not self._left and await conn.read_line():
                        raise RemoteProtocolError("a chunk longer than its size line said")
                    continue
                self._left = _chunk_size(await conn.read_line())
                if not self._left:
                    for _ in range(MAX_TRAILERS):  # the trailer section, up to its blank line
                        if not await conn.read_line():
                            break
                    else:
                        raise RemoteProtocolError(f"more than {MAX_TRAILERS} trailer lines")
                    self._complete = True
            else:  # until the server closes the connection
                if conn.buffer:
                    yield conn.take()
                elif conn.exc is not None:
                    raise ReadError(str(conn.exc) or "connection lost") from conn.exc
                elif conn.eof:
                    self._complete = True
                else:
                    await conn.wait_readable()

    async def aclose(self) -> None:
        self.release()

    def release(self) -> None:
        """Back to the idle list when the answer was read whole and both sides keep the connection; else
        closed. Bytes beyond the answer (a body sent in reply to HEAD comes so) would be read as the next
        answer: such a connection is closed, not reused."""
        if self._released:
            return
        self._released = True
        conn = self._conn
        if self._complete and self._keep_alive and not conn.buffer:
            self._pool.put_idle(self._key, conn)
        else:
            conn.close()


def _chunk_size(line: bytes) -> int:
    text = line.split(b";", 1)[0].strip(b" \t")  # chunk extensions are ignored
    if not text or len(text) > 16 or _HEX.fullmatch(text) is None:
        raise RemoteProtocolError(f"bad chunk size line {line[:80]!r}")
    return int(text, 16)


def charset_of(content_type: str) -> str | None:
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


class Http11Pool:
    """Keep-alive HTTP/1.1 connections per origin, made through the guard. See the module docstring."""

    def __init__(
        self,
        guard: NetGuard,
        *,
        pool_size: Callable[[str], int],
        connect_timeout: float | None,
        ssl_context: Callable[[], ssl.SSLContext] = default_ssl_context,
        max_origins: int = MAX_ORIGINS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.guard = guard
        self.pool_size = pool_size
        self.connect_timeout = connect_timeout
        self._make_ssl_context = ssl_context
        self._ssl_context: ssl.SSLContext | None = None
        self.max_origins = max_origins
        self.clock = clock
        self._idle: OrderedDict[tuple[str, str, int], list[_Connection]] = OrderedDict()
        self.connections_made = 0  # for tests and curiosity
        # per origin: the header list last sent there and its encoded, checked form with the Host header
        self._headers: dict[tuple[str, str, int], tuple[Sequence[tuple[str, str]], bytes]] = {}

    def ssl_context(self) -> ssl.SSLContext:
        if self._ssl_context is None:
            self._ssl_context = self._make_ssl_context()
        return self._ssl_context

    async def request(
        self, method: str, scheme: str, host: str, port: int, target: str, headers: Sequence[tuple[str, str]]
    ) -> Response:
        """Send a request without a body; return once the status and headers are in."""
        key = (scheme, host, port)
        cached = self._headers.get(key)
        if cached is not None and cached[0] is headers:
            # the same list as last time (a host's headers are built once): encoded and checked once
            block = cached[1]
        else:
            block = encode_headers([("host", host_header(host, port, scheme)), *headers])
            if len(self._headers) >= self.max_origins:
                self._headers.clear()
            self._headers[key] = (headers, block)  # the list is held, so `is` cannot match another
        if not method.isalpha() or _NOT_VCHAR.search(target) or not target:
            raise LocalProtocolError(f"cannot send {method} {target[:80]!r}")
        message = f"{method} {target} HTTP/1.1\r\n".encode("ascii") + block
        conn = self._take_idle(key)
        if conn is not None:
            try:
                return await self._exchange(key, conn, method, message)
            except (ReadError, WriteError, RemoteProtocolError):
                conn.close()
                if conn.received:  # the server had begun to answer: not a stale connection
                    raise
            except BaseException:  # a deadline, a cancellation: the connection goes with the request
                conn.close()
                raise
            # the server had closed this idle connection: once more on a fresh one
        conn = await self._connect(scheme, host, port)
        try:
            return await self._exchange(key, conn, method, message)
        except BaseException:
            conn.close()
            raise

    async def _exchange(self, key: tuple[str, str, int], conn: _Connection, method: str, message: bytes) -> Response:
        conn.received = False
        await conn.write(message)
        for _ in range(MAX_INTERIM):
            head = await conn.read_head()
            if head.status >= 200:
                return Response(self, key, conn, head, method)
            if head.status == 101:
                raise RemoteProtocolError("the server switched protocols unasked (101)")
            # 100 Continue, 103 Early Hints: the answer follows
        raise RemoteProtocolError(f"more than {MAX_INTERIM} interim (1xx) answers")

    def _take_idle(self, key: tuple[str, str, int]) -> _Connection | None:
        idle = self._idle.get(key)
        if not idle:
            return None
        now = self.clock()
        while idle:
            conn = idle.pop()
            if conn.reusable() and now - conn.idle_since < KEEPALIVE_EXPIRY:
                self._idle.move_to_end(key)
                return conn
            conn.close()
        return None

    def put_idle(self, key: tuple[str, str, int], conn: _Connection) -> None:
        idle = self._idle.get(key)
        if idle is None:
            idle = self._idle[key] = []
            while len(self._idle) > self.max_origins:
                _old_key, old = self._idle.popitem(last=False)
                for stale in old:
                    stale.close()
        else:
            self._idle.move_to_end(key)
        if len(idle) >= max(1, self.pool_size(key[1])) or not conn.reusable():
            conn.close()
            return
        conn.idle_since = self.clock()
        idle.append(conn)

    async def _connect(self, scheme: str, host: str, port: int) -> _Connection:
        loop = asyncio.get_running_loop()
        tls = self.ssl_context() if scheme == "https" else None
        timeout = self.connect_timeout
        try:
            async with asyncio.timeout(timeout):
                addresses = await self.guard.resolve(host, port)
                last: BaseException | None = None
                for address in addresses:
                    try:
                        _transport, conn = await loop.create_connection(
                            _Connection,
                            address,
                            port,
                            ssl=tls,
                            server_hostname=host if tls is not None else None,
                            ssl_handshake_timeout=timeout if tls is not None else None,
                        )
                    except (OSError, ssl.SSLError) as exc:
                        last = exc
                        continue
                    self.connections_made += 1
                    return conn
        except TimeoutError as exc:
            raise ConnectTimeout("connection timed out") from exc
        assert last is not None
        raise ConnectError(str(last) or type(last).__name__) from last

    async def aclose(self) -> None:
        pools = list(self._idle.values())
        self._idle.clear()
        for idle in pools:
            for conn in idle:
                conn.close()
        # let the loop release the sockets now rather than at some later iteration that may never come
        await asyncio.sleep(0)
