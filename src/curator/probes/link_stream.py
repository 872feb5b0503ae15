"""An httpcore network backend written straight on asyncio's transports and protocols.

httpcore's default backend goes through anyio: a cancel scope around every read and write, and a typed-
attribute lookup each time the pool asks an idle connection whether the server closed it. For a link
check — thousands of short requests — that overhead was a large share of the CPU time, so the checker
uses this backend instead: a protocol that buffers what arrives, futures for waiting, `asyncio.timeout`
for deadlines, `loop.start_tls` for TLS. Errors are mapped to httpcore's exceptions (with the original
chained, which the classifier reads).
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore

from curator.probes.link_protocol import BufferedProtocol


class _Protocol(BufferedProtocol):
    """The buffered protocol, its errors mapped to httpcore's."""

    __slots__ = ()

    async def read(self, max_bytes: int) -> bytes:
        if not self.buffer and not self.eof:
            await self.wait_readable()
        if self.buffer:
            return self.take(max_bytes)
        if self.exc is not None:
            raise httpcore.ReadError(str(self.exc) or "connection lost") from self.exc
        return b""

    @property
    def readable(self) -> bool:
        return bool(self.buffer) or self.eof


class AsyncioStream(httpcore.AsyncNetworkStream):
    def __init__(self, transport: asyncio.Transport, protocol: _Protocol) -> None:
        self._transport = transport
        self._protocol = protocol

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        protocol = self._protocol
        if protocol.buffer:  # the common case: no waiting, no timer
            return protocol.take(max_bytes)
        try:
            async with asyncio.timeout(timeout):
                return await protocol.read(max_bytes)
        except TimeoutError as exc:
            raise httpcore.ReadTimeout("read timed out") from exc

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        if self._transport.is_closing():
            raise httpcore.WriteError("connection closed")
        try:
            self._transport.write(buffer)
        except (OSError, RuntimeError) as exc:
            raise httpcore.WriteError(str(exc)) from exc
        if self._protocol.writing_paused:
            try:
                async with asyncio.timeout(timeout):
                    await self._protocol.drain()
            except TimeoutError as exc:
                raise httpcore.WriteTimeout("write timed out") from exc

    async def aclose(self) -> None:
        # abort, not close: a TLS close would wait for the server's close_notify, and nothing written is
        # still pending when httpcore lets a connection go. The yield lets the loop release the socket now
        # rather than at some later iteration that may never come (the end of asyncio.run).
        self._transport.abort()
        await asyncio.sleep(0)

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            transport = await loop.start_tls(
                self._transport,
                self._protocol,
                ssl_context,
                server_hostname=server_hostname,
                ssl_handshake_timeout=timeout,
            )
        except TimeoutError as exc:
            self._transport.close()
            raise httpcore.ConnectTimeout("TLS handshake timed out") from exc
        except (OSError, ssl.SSLError, ConnectionError) as exc:
            self._transport.close()
            raise httpcore.ConnectError(str(exc)) from exc
        if transport is None:  # pragma: no cover  (the connection closed during the handshake)
            raise httpcore.ConnectError("connection closed during the TLS handshake")
        assert isinstance(transport, asyncio.Transport)
        self._protocol.transport = transport
        return AsyncioStream(transport, self._protocol)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return self._protocol.readable
        if info == "ssl_object":
            return self._transport.get_extra_info("ssl_object")
        if info == "client_addr":
            return self._transport.get_extra_info("sockname")
        if info == "server_addr":
            return self._transport.get_extra_info("peername")
        if info == "socket":
            return self._transport.get_extra_info("socket")
        return None


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                transport, protocol = await loop.create_connection(
                    _Protocol, host, port, local_addr=(local_address, 0) if local_address else None
                )
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout("connection timed out") from exc
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        assert isinstance(transport, asyncio.Transport)
        for option in socket_options or ():
            sock = transport.get_extra_info("socket")
            if isinstance(sock, socket.socket):
                sock.setsockopt(*option)
        return AsyncioStream(transport, protocol)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used by the link checker")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
