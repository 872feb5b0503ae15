"""Pure helpers of the link checker: what a status, an exception or a page means. No I/O here.

Kept apart from `links.py` so each judgement can be tested with plain values.
"""

from __future__ import annotations

import codecs
import errno
import html
import re
import ssl
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit, urlunsplit

from curator.facts import FailureKind, LinkState
from curator.probes.links import _http11 as link_http
from curator.probes.links._netguard import AddressRefused, NameNotResolved

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
# Worth another try later. 501 (Not Implemented) is left out of 500–504: it does not heal.
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
DEAD_STATUSES = frozenset({404, 410})
BLOCKED_STATUSES = frozenset({401, 403, 429, 451, 999})
TITLE_MAX = 300


@dataclass(frozen=True, slots=True)
class Failure:
    """What an exception during a request means."""

    state: LinkState
    kind: FailureKind
    detail: str
    retryable: bool = False
    connect_level: bool = False  # nothing was sent: the host could not be reached at all


def exception_chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup) and current.exceptions:
            yield from exception_chain(current.exceptions[0])
        current = current.__cause__ or current.__context__


def _error_types(*names: str, own: tuple[type[BaseException], ...] = ()) -> tuple[type[BaseException], ...]:
    """`own` plus the httpx and httpcore exception classes of these names — of those modules only when
    they are imported: the link checker imports them only for the proxy path, and an exception of a
    module never imported cannot have been raised."""
    found = list(own)
    for module_name in ("httpx", "httpcore"):
        module = sys.modules.get(module_name)
        if module is None:
            continue
        for name in names:
            kind = getattr(module, name, None)
            if isinstance(kind, type) and issubclass(kind, BaseException):
                found.append(kind)
    return tuple(found)


def classify_exception(exc: BaseException, *, timeout: float | None = None) -> Failure:
    """Map anything a request raised to a link state. Never raises."""
    chain = list(exception_chain(exc))
    connect_error = _error_types("ConnectError", own=(link_http.ConnectError,))
    connect_timeout = _error_types("ConnectTimeout", own=(link_http.ConnectTimeout,))
    timeout_error = _error_types("TimeoutException", own=(TimeoutError,))
    protocol_error = _error_types("RemoteProtocolError", own=(link_http.RemoteProtocolError,))
    io_error = _error_types("ReadError", "WriteError", own=(link_http.ReadError, link_http.WriteError))
    # not every ValueError: one raised by curator's own code is a bug, not a URL it cannot request
    request_error = _error_types(
        "UnsupportedProtocol", "InvalidURL", "LocalProtocolError", own=(link_http.LocalProtocolError,)
    )
    for e in chain:
        if isinstance(e, AddressRefused):
            return Failure(LinkState.REFUSED, FailureKind.POLICY, e.detail)
        if isinstance(e, NameNotResolved):
            if e.unknown:
                return Failure(LinkState.DEAD, FailureKind.DNS, f"no such host: {e.host}", connect_level=True)
            # DNS could not be asked (or gave no answer): the resolver, i.e. the local network, is the
            # likelier culprit than the name, as when the machine is offline
            return Failure(
                LinkState.UNREACHABLE,
                FailureKind.NETWORK,
                f"DNS lookup failed: {e}",
                retryable=True,
                connect_level=True,
            )
        if isinstance(e, ssl.SSLCertVerificationError):
            reason = e.verify_message or e.reason or str(e)
            return Failure(LinkState.TLS_ERROR, FailureKind.TLS, f"certificate not accepted: {reason}")
        if isinstance(e, ssl.SSLError):
            return Failure(LinkState.TLS_ERROR, FailureKind.TLS, f"TLS handshake failed: {e.reason or e}")
    connect_phase = any(isinstance(e, connect_error) for e in chain)
    unreachable = LinkState.UNREACHABLE
    if any(isinstance(e, connect_timeout) for e in chain):
        return Failure(unreachable, FailureKind.TIMEOUT, "connection timed out", retryable=True, connect_level=True)
    if any(isinstance(e, timeout_error) for e in chain):
        after = f" after {timeout:g} s" if timeout else ""
        return Failure(unreachable, FailureKind.TIMEOUT, f"timed out{after}", retryable=True)
    for e in chain:
        code = getattr(e, "errno", None)
        if code == errno.ECONNREFUSED:
            return Failure(unreachable, FailureKind.REFUSED, "connection refused", connect_level=True)
        if code == errno.ENETUNREACH:
            return Failure(unreachable, FailureKind.NETWORK, "network unreachable", retryable=True, connect_level=True)
        if code == errno.EHOSTUNREACH:  # one host's route (a router said so), not the local network
            return Failure(unreachable, FailureKind.REFUSED, "host unreachable", retryable=True, connect_level=True)
        if code in {errno.ECONNRESET, errno.EPIPE, errno.ECONNABORTED}:
            return Failure(
                unreachable, FailureKind.REFUSED, "connection reset", retryable=True, connect_level=connect_phase
            )
    if connect_phase:
        return Failure(
            unreachable, FailureKind.REFUSED, f"could not connect: {exc}", retryable=True, connect_level=True
        )
    for e in chain:
        if isinstance(e, link_http.ServerClosed):  # the checker's own client says so by type
            return Failure(unreachable, FailureKind.REFUSED, "server closed the connection without answering", True)
        if isinstance(e, protocol_error):
            text = str(e)  # httpx's (proxy path) say it only in words
            if "disconnected" in text.lower() or "closed" in text.lower():
                return Failure(unreachable, FailureKind.REFUSED, "server closed the connection without answering", True)
            return Failure(LinkState.ERROR, FailureKind.PROTOCOL, f"invalid HTTP response: {text}")
        if isinstance(e, io_error):
            return Failure(unreachable, FailureKind.REFUSED, "connection reset", retryable=True)
        if isinstance(e, request_error):
            return Failure(LinkState.ERROR, FailureKind.INVALID_URL, f"invalid URL: {e}")
    return Failure(LinkState.ERROR, FailureKind.INTERNAL, f"unexpected error: {type(exc).__name__}: {exc}")


def state_for_status(
    status: int, accept: frozenset[int] = frozenset()
) -> tuple[LinkState, str | None, FailureKind | None]:
    """The state, detail and failure kind of a final (non-redirect) answer. Bot walls are judged
    separately (`bot_wall`)."""
    if status in accept or 200 <= status < 300:
        return LinkState.OK, None, None
    failing = FailureKind.HTTP_STATUS
    if status in DEAD_STATUSES:
        return LinkState.DEAD, f"HTTP {status}", failing
    if status == 429:
        return LinkState.BLOCKED, "HTTP 429: rate limited", failing
    if status in BLOCKED_STATUSES:
        return LinkState.BLOCKED, f"HTTP {status}: the site refuses automated requests", failing
    if status == 408:
        return LinkState.UNREACHABLE, "HTTP 408: the server timed out", failing
    if status in REDIRECT_STATUSES:
        return LinkState.ERROR, f"HTTP {status} without a usable Location", FailureKind.REDIRECT
    return LinkState.ERROR, f"HTTP {status}", failing


_CHALLENGE_TITLES = (
    "just a moment...",
    "just a moment\u2026",
    "attention required! | cloudflare",
    "ddos-guard",
    "checking your browser",
)
_CF_MARKERS = ("cf-chl", "challenge-platform", "cf_chl_opt", "cf-browser-verification", "cf-turnstile")
_CAPTCHA_MARKERS = ("g-recaptcha", "h-captcha", "px-captcha", "captcha-delivery.com")


def bot_wall(status: int, headers: Mapping[str, str], title: str | None, body: str = "") -> str | None:
    """A description of the bot wall this answer is, or None. `headers` must be case-insensitive."""
    server = headers.get("server", "").lower()
    if headers.get("cf-mitigated", "").lower() == "challenge":
        return "Cloudflare challenge page"
    lowered = (title or "").strip().lower()
    if lowered.startswith(_CHALLENGE_TITLES):
        return "DDoS-Guard check page" if "ddos-guard" in lowered else "Cloudflare challenge page"
    if status == 999:
        return "HTTP 999: request denied to robots"
    if status not in {401, 403, 405, 429, 503}:
        return None
    sample = body[:20000].lower()
    if "cloudflare" in server and any(m in sample for m in _CF_MARKERS):
        return "Cloudflare challenge page"
    if "x-amzn-waf-action" in headers:
        return "AWS WAF challenge"
    if "ddos-guard" in server:
        return "DDoS-Guard check page"
    if "datadome" in server or "x-datadome" in headers:
        return "DataDome bot protection"
    if "x-sucuri-id" in headers or "sucuri" in server:
        return "Sucuri firewall"
    if "captcha" in lowered or any(m in sample for m in _CAPTCHA_MARKERS):
        return "CAPTCHA page"
    return None


# Title extraction finds tags without backtracking (a page of repeated "<title" cost seconds with a lazy
# `.*?` regex): the opening and closing tag names are literals, the rest is str.find.
_TITLE_OPEN = re.compile(r"<title(?=[\s/>])", re.I)
_TITLE_CLOSE = re.compile(r"</title(?=[\s/>])", re.I)
_TITLE_SCAN = 8 * TITLE_MAX  # raw characters of a title looked at, entities and whitespace included
_DIGITS = re.compile(r"[0-9]+")
# What a fact stored from outside text may not carry raw: C0, DEL, C1, and the bidirectional controls.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def decode_page(data: bytes, charset: str | None) -> str:
    """Bytes of a page → text: BOM, then the response charset, then <meta charset>, then UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace")
    encoding = _codec(charset)
    if encoding is None:
        match = _META_CHARSET.search(data, 0, 4096)
        encoding = _codec(match.group(1).decode("ascii", "replace")) if match else None
    try:
        return data.decode(encoding or "utf-8", "replace")
    except LookupError:  # pragma: no cover  (codecs.lookup accepted it)
        return data.decode("utf-8", "replace")


def extract_title(text: str) -> str | None:
    """The page's <title>: entities unescaped, whitespace collapsed, control characters dropped, capped.

    Linear in the page: the first `<title…>`, then the first `</title` after it; of several opening tags
    before that, the last one counts (`<title><title>Name</title>` is "Name"). No closing tag: no title.
    """
    opening = _TITLE_OPEN.search(text)
    if opening is None:
        return None
    start = text.find(">", opening.end())
    if start < 0:
        return None
    closing = _TITLE_CLOSE.search(text, start + 1)
    if closing is None:
        return None
    end = closing.start()
    last = None
    for last in _TITLE_OPEN.finditer(text, start + 1, end):  # noqa: B007  (only the last one is wanted)
        pass
    if last is not None:
        inner = text.find(">", last.end(), end)
        if inner >= 0:
            start = inner
    raw = text[start + 1 : min(end, start + 1 + _TITLE_SCAN)]
    title = _CONTROL.sub(" ", html.unescape(raw))
    title = " ".join(title.split())
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1].rstrip() + "\u2026"
    return title or None


def clean_text(text: str) -> str:
    """Outside text (a header, an error message) made safe to store: control and bidirectional
    characters written as escapes (ESC → `\\x1b`), so no fact carries raw terminal or bidi codes."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def clean_url(url: str) -> str:
    """A URL from outside (a Location header) made safe to store: control and bidirectional characters
    percent-encoded, which keeps it the same address."""
    if not _UNSAFE.search(url):
        return url
    return _UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), url)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """`Retry-After` (delay-seconds or HTTP-date) → seconds from `now`; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if _DIGITS.fullmatch(value):  # ASCII digits only: str.isdigit also accepts "²", which float() refuses
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - now).total_seconds(), 0.0)


def strip_userinfo(url: str) -> str:
    """The URL without `user:password@`: credentials in a catalog URL are never sent anywhere."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def now_utc() -> datetime:
    return datetime.now(UTC)
