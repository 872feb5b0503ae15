"""The asyncio protocol under the link checker's HTTP/1.1 client: what arrives is buffered, readers wait.

`_http11` (the checker's own HTTP/1.1 client) subclasses `BufferedProtocol` and adds its reading on top.
This module imports neither httpx nor httpcore: link checking without a proxy must not load them.
"""

from __future__ import annotations

import asyncio
from typing import cast

HIGH_WATER = 256 * 1024  # stop reading from the socket while this much waits to be consumed
LOW_WATER = 64 * 1024


class BufferedProtocol(asyncio.Protocol):
    """One connection's received bytes in a buffer, with read and write flow control.

    Reading from the socket pauses while more than `HIGH_WATER` bytes wait in the buffer and resumes once
    `take` has brought it below `LOW_WATER`. `eof` is set at the end of file and when the connection is
    lost (`exc` then holds the error, if any).
    """

    __slots__ = (
        "_drain",
        "_reading_paused",
        "_waiter",
        "buffer",
        "eof",
        "exc",
        "transport",
        "writing_paused",
    )

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.eof = False
        self.exc: BaseException | None = None
        self.writing_paused = False
        self._waiter: asyncio.Future[None] | None = None
        self._reading_paused = False
        self._drain: asyncio.Future[None] | None = None

    # -- asyncio callbacks

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports have asyncio.Transport's methods without subclassing it
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if len(self.buffer) > HIGH_WATER and not self._reading_paused and self.transport is not None:
            self._reading_paused = True
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool | None:
        self.eof = True
        self._wake()
        return None  # close the transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self.exc = exc
        self._wake()
        self._wake_drain()

    def pause_writing(self) -> None:
        self.writing_paused = True

    def resume_writing(self) -> None:
        self.writing_paused = False
        self._wake_drain()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _wake_drain(self) -> None:
        drain = self._drain
        if drain is not None and not drain.done():
            drain.set_result(None)

    # -- used by the clients

    async def wait_readable(self) -> None:
        """Until a byte waits in the buffer or the end of file (or the connection's loss) has come."""
        while not self.buffer and not self.eof:
            waiter = self._waiter = asyncio.get_running_loop().create_future()
            try:
                await waiter
            finally:
                self._waiter = None

    async def wait_more(self) -> None:
        """Until more bytes arrive (whatever the buffer already holds) or the end of file has come: for a
        reader that needs more than a partial line or head."""
        if not self.eof:
            waiter = self._waiter = asyncio.get_running_loop().create_future()
            try:
                await waiter
            finally:
                self._waiter = None

    async def drain(self) -> None:
        """Until the transport takes writes again (or the connection is gone)."""
        while self.writing_paused and not self.eof:
            drain = self._drain = asyncio.get_running_loop().create_future()
            try:
                await drain
            finally:
                self._drain = None

    def take(self, max_bytes: int | None = None) -> bytes:
        """Up to `max_bytes` (all, when None) from the buffer; reading resumes if it had paused."""
        buffer = self.buffer
        if max_bytes is None or max_bytes >= len(buffer):
            data = bytes(buffer)
            buffer.clear()
        else:
            data = bytes(buffer[:max_bytes])
            del buffer[:max_bytes]
        if self._reading_paused and len(buffer) < LOW_WATER and self.transport is not None:
            self._reading_paused = False
            self.transport.resume_reading()
        return data
