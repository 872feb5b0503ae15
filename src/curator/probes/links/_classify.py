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

from curator.facts import LinkResult, LinkState
from curator.probes.links import _http11 as link_http
from curator.probes.links._netguard import AddressRefused, NameNotResolved

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
# HEAD answers that say "this server mishandles HEAD" (or must be confirmed): ask again with GET.
HEAD_FALLBACK = frozenset({400, 403, 404, 405, 501})
# HEAD answers after which the host is asked with GET first for the rest of the run.
HEAD_UNSUPPORTED = frozenset({405, 501})
# Worth another try later. 501 (Not Implemented) is left out of 500–504: it does not heal.
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
DEAD_STATUSES = frozenset({404, 410})
BLOCKED_STATUSES = frozenset({401, 403, 429, 451, 999})
TITLE_MAX = 300

# Details of failures that happened before any server answered. `all_unreachable` reads them.
DETAIL_REFUSED_CONNECTION = "connection refused"
DETAIL_CONNECT_TIMEOUT = "connection timed out"
DETAIL_NET_UNREACHABLE = "network unreachable"
DETAIL_HOST_UNREACHABLE = "host unreachable"
DETAIL_NO_SUCH_HOST = "no such host"
DETAIL_DNS_FAILED = "DNS lookup failed"
CONNECT_LEVEL_PREFIXES = (
    DETAIL_REFUSED_CONNECTION,
    DETAIL_CONNECT_TIMEOUT,
    DETAIL_NET_UNREACHABLE,
    DETAIL_HOST_UNREACHABLE,
    DETAIL_NO_SUCH_HOST,
    DETAIL_DNS_FAILED,
    "could not connect",
)
# Failures that say the network itself is down rather than one host.
LOCAL_NETWORK_PREFIXES = (DETAIL_NET_UNREACHABLE, DETAIL_DNS_FAILED)


@dataclass(frozen=True, slots=True)
class Failure:
    """What an exception during a request means."""

    state: LinkState
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
    request_error = _error_types(
        "UnsupportedProtocol", "InvalidURL", "LocalProtocolError", own=(link_http.LocalProtocolError, ValueError)
    )
    for e in chain:
        if isinstance(e, AddressRefused):
            return Failure(LinkState.REFUSED, e.detail)
        if isinstance(e, NameNotResolved):
            if e.unknown:
                return Failure(LinkState.DEAD, f"{DETAIL_NO_SUCH_HOST}: {e.host}", connect_level=True)
            return Failure(LinkState.UNREACHABLE, f"{DETAIL_DNS_FAILED}: {e}", retryable=True, connect_level=True)
        if isinstance(e, ssl.SSLCertVerificationError):
            reason = e.verify_message or e.reason or str(e)
            return Failure(LinkState.TLS_ERROR, f"certificate not accepted: {reason}")
        if isinstance(e, ssl.SSLError):
            return Failure(LinkState.TLS_ERROR, f"TLS handshake failed: {e.reason or e}")
    connect_phase = any(isinstance(e, connect_error) for e in chain)
    if any(isinstance(e, connect_timeout) for e in chain):
        return Failure(LinkState.UNREACHABLE, DETAIL_CONNECT_TIMEOUT, retryable=True, connect_level=True)
    if any(isinstance(e, timeout_error) for e in chain):
        after = f" after {timeout:g} s" if timeout else ""
        return Failure(LinkState.UNREACHABLE, f"timed out{after}", retryable=True)
    for e in chain:
        code = getattr(e, "errno", None)
        if code == errno.ECONNREFUSED:
            return Failure(LinkState.UNREACHABLE, DETAIL_REFUSED_CONNECTION, connect_level=True)
        if code == errno.ENETUNREACH:
            return Failure(LinkState.UNREACHABLE, DETAIL_NET_UNREACHABLE, retryable=True, connect_level=True)
        if code == errno.EHOSTUNREACH:
            return Failure(LinkState.UNREACHABLE, DETAIL_HOST_UNREACHABLE, retryable=True, connect_level=True)
        if code in {errno.ECONNRESET, errno.EPIPE, errno.ECONNABORTED}:
            return Failure(LinkState.UNREACHABLE, "connection reset", retryable=True, connect_level=connect_phase)
    if connect_phase:
        return Failure(LinkState.UNREACHABLE, f"could not connect: {exc}", retryable=True, connect_level=True)
    for e in chain:
        if isinstance(e, protocol_error):
            text = str(e)
            if "disconnected" in text.lower() or "closed" in text.lower():
                return Failure(LinkState.UNREACHABLE, "server closed the connection without answering", True)
            return Failure(LinkState.ERROR, f"invalid HTTP response: {text}")
        if isinstance(e, io_error):
            return Failure(LinkState.UNREACHABLE, "connection reset", retryable=True)
        if isinstance(e, request_error):
            return Failure(LinkState.ERROR, f"invalid URL: {e}")
    return Failure(LinkState.ERROR, f"unexpected error: {type(exc).__name__}: {exc}")


def state_for_status(status: int, accept: frozenset[int] = frozenset()) -> tuple[LinkState, str | None]:
    """The state of a final (non-redirect) answer. Bot walls are judged separately (`bot_wall`)."""
    if status in accept or 200 <= status < 300:
        return LinkState.OK, None
    if status in DEAD_STATUSES:
        return LinkState.DEAD, f"HTTP {status}"
    if status == 429:
        return LinkState.BLOCKED, "HTTP 429: rate limited"
    if status in BLOCKED_STATUSES:
        return LinkState.BLOCKED, f"HTTP {status}: the site refuses automated requests"
    if status == 408:
        return LinkState.UNREACHABLE, "HTTP 408: the server timed out"
    if status in REDIRECT_STATUSES:
        return LinkState.ERROR, f"HTTP {status} without a usable Location"
    return LinkState.ERROR, f"HTTP {status}"


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
    if any(lowered.startswith(t) for t in _CHALLENGE_TITLES):
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


_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.I | re.S)
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
    """The page's <title>: entities unescaped, whitespace collapsed, control characters dropped, capped."""
    match = _TITLE.search(text)
    if match is None:
        return None
    title = _CONTROL.sub(" ", html.unescape(match.group(1)))
    title = " ".join(title.split())
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1].rstrip() + "\u2026"
    return title or None


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """`Retry-After` (delay-seconds or HTTP-date) → seconds from `now`; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
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


def is_connect_level(result: LinkResult) -> bool:
    """The check failed before any server answered (DNS, refused or timed-out connection)."""
    return result.state in {LinkState.DEAD, LinkState.UNREACHABLE} and (result.detail or "").startswith(
        CONNECT_LEVEL_PREFIXES
    )


def now_utc() -> datetime:
    return datetime.now(UTC)
