"""`GET /healthz` and `GET /metrics` over the standard library's HTTP server, in a thread of its own.

Loopback by default. A non-loopback address is bound only when `--listen` writes it out (`0.0.0.0:9464`,
`192.0.2.7:9464`): a host name is refused, since what it resolves to is not what the operator wrote.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST

from curator.errors import UsageError
from curator.report.textsafe import escape_controls

DEFAULT_HOST = "127.0.0.1"

Health = Callable[[], tuple[bool, dict[str, Any]]]  # (healthy, the JSON document)


def parse_listen(text: str) -> tuple[str, int]:
    """`HOST:PORT`, `[IPv6]:PORT`, `:PORT` or `PORT` (loopback) → the address to bind and the port."""
    shown = escape_controls(text, keep="")
    host, sep, port_text = text.rpartition(":")
    if not sep:
        host, port_text = "", text
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise UsageError(f"--listen {shown!r}: expected HOST:PORT with a port from 0 to 65535")
    if host in ("", "localhost"):
        return DEFAULT_HOST, int(port_text)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise UsageError(
            f"--listen {shown!r}: give an IP address (127.0.0.1 for this machine only, 0.0.0.0 for every "
            "interface), not a host name"
        ) from None
    return host, int(port_text)


class Endpoints:
    """The HTTP server; `start` binds (a UsageError if it cannot) and serves in a daemon thread."""

    def __init__(self, host: str, port: int, *, health: Health, metrics: Callable[[], bytes]) -> None:
        self._health = health
        self._metrics = metrics
        handler = _handler(self)
        family = ipaddress.ip_address(host).version
        server_class = _Server6 if family == 6 else _Server
        try:
            self._server = server_class((host, port), handler)
        except OSError as exc:
            raise UsageError(f"--listen {host}:{port}: cannot listen there: {exc.strerror or exc}") from None
        self._thread = threading.Thread(target=self._server.serve_forever, name="curator-http", daemon=True)

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reply(self, path: str) -> tuple[int, str, bytes]:
        route = path.split("?", 1)[0]
        if route == "/healthz":
            healthy, doc = self._health()
            body = json.dumps(doc, ensure_ascii=True, sort_keys=True).encode("ascii") + b"\n"
            return (200 if healthy else 503), "application/json", body
        if route == "/metrics":
            return 200, CONTENT_TYPE_LATEST, self._metrics()
        return 404, "text/plain; charset=utf-8", b"not found: try /healthz or /metrics\n"


class _Server(ThreadingHTTPServer):
    daemon_threads = True


class _Server6(_Server):
    address_family = socket.AF_INET6


def _handler(endpoints: Endpoints) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "curator"
        sys_version = ""

        def do_GET(self) -> None:
            status, kind, body = endpoints.reply(self.path)
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # a scrape every 15 s is not an event worth a log line

    return Handler
