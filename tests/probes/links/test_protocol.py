"""curator.probes.links._protocol: the buffered asyncio protocol under the link checker's HTTP/1.1 client,
over real sockets: a connected socket pair (the test plays the server on the other end) and loopback TCP."""

from __future__ import annotations

import asyncio
import socket
import struct
import subprocess
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

from curator.probes.links._protocol import HIGH_WATER, LOW_WATER, BufferedProtocol

T = TypeVar("T")
LIMIT = 5.0  # seconds any wait may take before the test fails instead of hanging


def run(test: Callable[[], Awaitable[T]]) -> T:
    async def bounded() -> T:
        return await asyncio.wait_for(test(), LIMIT)

    return asyncio.run(bounded())


async def connected() -> tuple[BufferedProtocol, asyncio.Transport, socket.socket]:
    """The protocol on one end of a socket pair, and the other end (non-blocking) for the test to drive."""
    ours, peer = socket.socketpair()
    peer.setblocking(False)
    transport, protocol = await asyncio.get_running_loop().create_connection(BufferedProtocol, sock=ours)
    assert protocol.transport is transport
    return protocol, transport, peer


async def until(condition: Callable[[], bool]) -> None:
    while not condition():
        await asyncio.sleep(0.005)


def test_reads_are_buffered_and_taken_in_pieces() -> None:
    async def main() -> None:
        protocol, transport, peer = await connected()
        loop = asyncio.get_running_loop()
        await loop.sock_sendall(peer, b"HTTP/1.1 200 OK\r\n")
        await protocol.wait_readable()
        await until(lambda: len(protocol.buffer) == 17)
        assert protocol.take(4) == b"HTTP"
        assert protocol.take(0) == b""
        assert protocol.take(100) == b"/1.1 200 OK\r\n"  # more than there is: what there is
        assert protocol.take() == b"" and not protocol.eof
        await loop.sock_sendall(peer, b"abc")
        await protocol.wait_readable()
        assert protocol.take() == b"abc"
        transport.close()
        peer.close()

    run(main)


def test_a_reader_waits_until_bytes_arrive() -> None:
    async def main() -> None:
        protocol, transport, peer = await connected()
        reader = asyncio.ensure_future(protocol.wait_readable())
        await asyncio.sleep(0.05)
        assert not reader.done()  # nothing sent: still waiting
        await asyncio.get_running_loop().sock_sendall(peer, b"x")
        await reader
        assert protocol.take() == b"x"
        transport.close()
        peer.close()

    run(main)


def test_end_of_file_keeps_the_bytes_and_wakes_readers() -> None:
    async def main() -> None:
        protocol, _, peer = await connected()
        reader = asyncio.ensure_future(protocol.wait_readable())
        await asyncio.sleep(0.01)
        await asyncio.get_running_loop().sock_sendall(peer, b"last words")
        peer.shutdown(socket.SHUT_WR)
        await reader
        await until(lambda: protocol.eof)
        assert protocol.take() == b"last words"
        assert protocol.exc is None
        await protocol.wait_readable()  # at the end of file it returns at once, with nothing to read
        assert protocol.take() == b""
        peer.close()

    run(main)


def test_end_of_file_with_nothing_sent_wakes_a_waiting_reader() -> None:
    async def main() -> None:
        protocol, _, peer = await connected()
        reader = asyncio.ensure_future(protocol.wait_readable())
        await asyncio.sleep(0.01)
        peer.shutdown(socket.SHUT_WR)
        await reader
        assert protocol.eof and protocol.buffer == b""
        peer.close()

    run(main)


def test_a_lost_connection_wakes_readers_and_keeps_its_error() -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        listener = socket.create_server(("127.0.0.1", 0))
        listener.setblocking(False)
        port = listener.getsockname()[1]
        connecting = loop.create_connection(BufferedProtocol, "127.0.0.1", port)
        accept = asyncio.ensure_future(loop.sock_accept(listener))
        transport, protocol = await connecting
        server_side, _ = await accept
        reader = asyncio.ensure_future(protocol.wait_readable())
        await asyncio.sleep(0.01)
        assert not reader.done()
        # Closing with a zero linger time resets the connection: the client sees an error, not an EOF.
        server_side.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        server_side.close()
        await reader
        await until(lambda: protocol.exc is not None)
        assert protocol.eof
        assert isinstance(protocol.exc, ConnectionResetError)
        transport.close()
        listener.close()

    run(main)


def test_closing_our_end_wakes_readers_without_an_error() -> None:
    async def main() -> None:
        protocol, transport, peer = await connected()
        reader = asyncio.ensure_future(protocol.wait_readable())
        await asyncio.sleep(0.01)
        transport.abort()
        await reader
        assert protocol.eof and protocol.exc is None
        peer.close()

    run(main)


def test_reading_pauses_above_the_high_water_mark_and_resumes_below_the_low() -> None:
    async def main() -> None:
        protocol, transport, peer = await connected()
        loop = asyncio.get_running_loop()
        sending = asyncio.ensure_future(loop.sock_sendall(peer, b"x" * (4 * HIGH_WATER)))
        await until(lambda: not transport.is_reading())
        held = len(protocol.buffer)
        assert held > HIGH_WATER
        await asyncio.sleep(0.05)
        assert len(protocol.buffer) == held  # paused: nothing more is read however much waits
        assert not sending.done()
        protocol.take(held - LOW_WATER)  # exactly LOW_WATER left: not below it, so still paused
        assert len(protocol.buffer) == LOW_WATER and not transport.is_reading()
        protocol.take(1)
        assert transport.is_reading()
        total = held - LOW_WATER + 1
        while total < 4 * HIGH_WATER:
            await protocol.wait_readable()
            total += len(protocol.take())
        await sending
        assert total == 4 * HIGH_WATER
        transport.close()
        peer.close()

    run(main)


def test_drain_waits_while_writing_is_paused_and_resumes_with_it() -> None:
    async def main() -> None:
        protocol, transport, peer = await connected()
        loop = asyncio.get_running_loop()
        await protocol.drain()  # not paused: returns at once
        transport.set_write_buffer_limits(high=1, low=0)
        size = 8 * 1024 * 1024  # far more than the socket pair's kernel buffers hold: the transport must buffer
        transport.write(b"y" * size)
        assert protocol.writing_paused
        draining = asyncio.ensure_future(protocol.drain())
        await asyncio.sleep(0.05)
        assert not draining.done()  # the peer reads nothing: the writer keeps waiting
        received = 0
        while received < size:
            received += len(await loop.sock_recv(peer, 1024 * 1024))
        await draining
        assert not protocol.writing_paused
        transport.close()
        peer.close()

    run(main)


def test_a_lost_connection_wakes_a_writer_waiting_to_drain() -> None:
    async def main() -> None:
        protocol, transport, peer = await connected()
        transport.set_write_buffer_limits(high=1, low=0)
        transport.write(b"z" * (8 * 1024 * 1024))
        assert protocol.writing_paused
        draining = asyncio.ensure_future(protocol.drain())
        await asyncio.sleep(0.01)
        assert not draining.done()
        transport.abort()
        await draining
        assert protocol.eof
        peer.close()

    run(main)


def test_the_protocol_loads_no_http_library() -> None:
    code = "import sys, curator.probes.links._protocol; print([m for m in ('httpx', 'httpcore') if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
