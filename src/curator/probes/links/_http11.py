"""The link checker's own HTTP/1.1 client: keep-alive per origin on asyncio, behind the address guard.

A link check is thousands of short requests spread over hundreds of hosts. Through httpx and httpcore each
one cost about 0.6 ms of CPU (locks, cancel scopes, sniffio look-ups and objects per request), which made
the checker CPU-bound. This client does the least a check needs:

- one list of idle connections per origin (scheme, host, port), at most the host's concurrency long; the
  lists are kept in LRU order and the idle connections of the oldest origins closed beyond `MAX_ORIGINS`;
- new connections through the `NetGuard`: the name is resolved once, *every* address is checked, and the
  connection goes to a checked address; the Host header and TLS (SNI, certificate name) keep the name;
- HTTP/1.1 framing by `h11` (chunked and close-delimited bodies, HEAD, 1xx/204/304, keep-alive decisions);
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

import h11

from curator.probes.links._netguard import NetGuard
from curator.probes.links._protocol import BufferedProtocol

DEFAULT_PORTS = {"http": 80, "https": 443}
KEEPALIVE_EXPIRY = 15.0  # seconds an idle connection is kept
MAX_ORIGINS = 512  # origins whose idle connections are kept (bounds open sockets)
MAX_HEAD = 64 * 1024  # the largest status line + headers accepted
_NOT_VCHAR = re.compile(r"[^\x21-\x7e]")
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


def host_header(host: str, port: int, scheme: str) -> str:
    name = f"[{host}]" if ":" in host else host
    return name if DEFAULT_PORTS.get(scheme) == port else f"{name}:{port}"


class _Connection(BufferedProtocol):
    """One connection: what arrives is buffered here and fed to h11 as the reader asks for events."""

    __slots__ = ("_eof_fed", "h11", "idle_since", "received")

    def __init__(self) -> None:
        super().__init__()
        self.h11 = h11.Connection(h11.CLIENT, max_incomplete_event_size=MAX_HEAD)
        self.received = False  # a byte of the current answer has arrived
        self.idle_since = 0.0
        self._eof_fed = False

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

    async def next_event(self) -> h11.Event | type[h11.PAUSED] | type[h11.NEED_DATA]:
        h = self.h11
        while True:
            try:
                event = h.next_event()
            except h11.RemoteProtocolError as exc:
                raise RemoteProtocolError(str(exc)) from exc
            if event is not h11.NEED_DATA:
                return event
            if not self.buffer and not self.eof:  # checked here: this runs for every event of every answer
                await self.wait_readable()
            if self.buffer:
                h.receive_data(self.take())
            elif self.exc is not None:
                raise ReadError(str(self.exc) or "connection lost") from self.exc
            elif self._eof_fed:  # pragma: no cover  (h11 always decides on the end of file)
                raise ReadError("connection closed")
            else:
                self._eof_fed = True
                h.receive_data(b"")


class Response:
    """The status and headers of an answer; the body is read with `aiter_raw`, then `aclose` is a must."""

    __slots__ = ("_complete", "_conn", "_key", "_pool", "_released", "headers", "raw_headers", "status")

    def __init__(self, pool: Http11Pool, key: tuple[str, str, int], conn: _Connection, event: h11.Response) -> None:
        self._pool = pool
        self._key = key
        self._conn = conn
        self._complete = False
        self._released = False
        self.status: int = event.status_code
        self.raw_headers: list[tuple[bytes, bytes]] = list(event.headers)
        headers: dict[str, str] = {}
        for raw_name, raw_value in self.raw_headers:  # h11 gives lower-case names
            name = raw_name.decode("latin-1")
            value = raw_value.decode("latin-1")
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        self.headers = headers

    @property
    def charset(self) -> str | None:
        return charset_of(self.headers.get("content-type", ""))

    async def aiter_raw(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The body as it arrives (chunked or not, still content-encoded)."""
        conn = self._conn
        while not self._complete:
            event = await conn.next_event()
            if isinstance(event, h11.Data):
                yield bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                self._complete = True
            else:
                raise RemoteProtocolError("server closed the connection in the middle of the answer")

    async def aclose(self) -> None:
        self.release()

    def release(self) -> None:
        """Back to the idle list when the exchange is complete and both sides keep the connection; else closed."""
        if self._released:
            return
        self._released = True
        conn = self._conn
        h = conn.h11
        # Bytes beyond the answer — in the buffer, or already handed to h11, as a body sent in reply to HEAD
        # comes — would be read as the next answer: such a connection is closed, not reused.
        clean = not conn.buffer and not h.trailing_data[0]
        if self._complete and h.our_state is h11.DONE and h.their_state is h11.DONE and clean:
            try:
                h.start_next_cycle()
            except h11.LocalProtocolError:  # pragma: no cover  (both DONE: cannot happen)
                conn.close()
                return
            self._pool.put_idle(self._key, conn)
        else:
            conn.close()


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
        # per origin: the header list last sent there and h11's validated copy of it with the Host header
        self._headers: dict[tuple[str, str, int], tuple[Sequence[tuple[str, str]], h11._headers.Headers]] = {}

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
        try:
            if cached is not None and cached[0] is headers:
                # the same list as last time (a host's headers are built once): h11 takes its validated
                # copy as is, instead of checking every name and value again (a tenth of the CPU per request)
                event = h11.Request(method=method, target=target, headers=cached[1])
            else:
                event = h11.Request(
                    method=method, target=target, headers=[("host", host_header(host, port, scheme)), *headers]
                )
                if len(self._headers) >= self.max_origins:
                    self._headers.clear()
                self._headers[key] = (headers, event.headers)  # the list is held, so `is` cannot match another
        except h11.LocalProtocolError as exc:
            raise LocalProtocolError(str(exc)) from exc
        conn = self._take_idle(key)
        if conn is not None:
            try:
                return await self._exchange(key, conn, event)
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
            return await self._exchange(key, conn, event)
        except BaseException:
            conn.close()
            raise

    async def _exchange(self, key: tuple[str, str, int], conn: _Connection, event: h11.Request) -> Response:
        conn.received = False
        h = conn.h11
        await conn.write((h.send(event) or b"") + (h.send(h11.EndOfMessage()) or b""))
        while True:
            answer = await conn.next_event()
            if isinstance(answer, h11.Response):
                return Response(self, key, conn, answer)
            if isinstance(answer, h11.InformationalResponse):
                continue  # 100 Continue, 103 Early Hints: the answer follows
            if isinstance(answer, h11.ConnectionClosed):
                raise RemoteProtocolError("Server disconnected without sending a response.")
            raise RemoteProtocolError(f"unexpected {type(answer).__name__} before the answer")  # pragma: no cover

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
