"""The link checker's pure judgements, with plain values: statuses, exceptions, pages, headers."""

from __future__ import annotations

import errno
import ssl
import time
from datetime import UTC, datetime

import httpcore
import httpx
import pytest

from curator.facts import FailureKind, LinkState
from curator.probes.links._classify import (
    bot_wall,
    classify_exception,
    clean_text,
    clean_url,
    decode_page,
    extract_title,
    parse_retry_after,
    state_for_status,
    strip_userinfo,
)
from curator.probes.links._netguard import AddressRefused, NameNotResolved

NOW = datetime(2025, 10, 1, 12, 0, 0, tzinfo=UTC)


def chained(outer: BaseException, *inner: BaseException) -> BaseException:
    """`outer` raised from inner[0], raised from inner[1], ... as httpx/httpcore chain them."""
    current = outer
    for exc in inner:
        current.__cause__ = exc
        current = exc
    return outer


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 5 ", 5.0),
        ("Wed, 01 Oct 2025 12:00:30 GMT", 30.0),
        ("Wed, 01 Oct 2025 11:00:00 GMT", 0.0),  # in the past: now
        ("soon", None),
        ("-3", None),
        ("²", None),  # a digit to str.isdigit, not to float()
        ("1²", None),
        ("\u0663", None),  # ARABIC-INDIC DIGIT THREE
        ("", None),
        (None, None),
    ],
)
def test_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, NOW) == seconds


@pytest.mark.parametrize(
    ("status", "state"),
    [
        (200, LinkState.OK),
        (204, LinkState.OK),
        (404, LinkState.DEAD),
        (410, LinkState.DEAD),
        (401, LinkState.BLOCKED),
        (403, LinkState.BLOCKED),
        (429, LinkState.BLOCKED),
        (451, LinkState.BLOCKED),
        (999, LinkState.BLOCKED),
        (408, LinkState.UNREACHABLE),
        (500, LinkState.ERROR),
        (503, LinkState.ERROR),
        (418, LinkState.ERROR),
        (301, LinkState.ERROR),
    ],
)
def test_state_for_status(status: int, state: LinkState) -> None:
    found, _detail, kind = state_for_status(status)
    assert found is state
    expected = FailureKind.REDIRECT if status == 301 else None if state is LinkState.OK else FailureKind.HTTP_STATUS
    assert kind is expected


def test_accepted_statuses_are_ok() -> None:
    assert state_for_status(403, frozenset({403}))[0] is LinkState.OK


def test_titles() -> None:
    assert extract_title("<html><head><TITLE lang=en>\n  A &amp; B\t</TITLE>") == "A & B"
    assert extract_title("<title></title>") is None
    assert extract_title("no title here") is None
    assert extract_title("<title>x\u202ey\x07z</title>") == "x y z"  # bidi and control characters
    long = extract_title("<title>" + "word " * 200 + "</title>")
    assert long is not None and len(long) == 300 and long.endswith("\u2026")
    assert extract_title("<title>no end") is None
    assert extract_title("<title><title>Name</title>") == "Name"  # the last opening tag counts
    assert extract_title("<titles>x</titles><title>Real</title>") == "Real"
    assert extract_title("<title\n>A</title\n>") == "A"


@pytest.mark.parametrize(
    ("page", "title"),
    [
        ("<title>" * (65536 // 7), None),  # no closing tag: no title
        ("<title>" * (65536 // 7) + "Real</title>", "Real"),
        ("<TITLE " * (65536 // 7), None),  # opening tags that never close
        ("<title>x" + "</title " * (65536 // 8), "x"),
        ("<title>" + "a" * 65536 + "</title>", "a" * 299 + "\u2026"),
        ("<title" + "\n" * 65536, None),
    ],
)
def test_title_extraction_is_linear_on_hostile_pages(page: str, title: str | None) -> None:
    """20 such 64 KiB pages cost a minute of CPU with a backtracking regex; now each takes microseconds."""
    started = time.perf_counter()
    found = extract_title(page)
    assert time.perf_counter() - started < 0.5
    assert found == title


def test_outside_text_is_stored_without_control_characters() -> None:
    assert clean_text("evil\x1b[2J\x07 \u202egnp.exe\x85") == "evil\\x1b[2J\\x07 \\u202egnp.exe\\x85"
    assert clean_text("plain: café") == "plain: café"
    assert clean_url("https://example.org/\x1b[31m\u202e") == "https://example.org/%1B[31m%E2%80%AE"
    assert clean_url("https://example.org/ok") == "https://example.org/ok"


def test_page_decoding() -> None:
    assert decode_page("é".encode("latin-1"), "iso-8859-1") == "é"
    assert decode_page('<meta charset="koi8-r">Ж'.encode("koi8-r"), None).endswith("Ж")
    meta = b'<meta http-equiv="Content-Type" content="text/html; charset=cp1252">\x93'
    assert decode_page(meta, None)[-1] == "\u201c"
    assert decode_page("\ufeffhi".encode("utf-16"), None).endswith("hi")
    assert decode_page(b"\xef\xbb\xbfhi", "latin-1") == "hi"  # a BOM wins
    assert decode_page(b"caf\xc3\xa9", "no-such-charset") == "café"
    assert decode_page(b"ok \xfd", None) == "ok \ufffd"


def test_bot_walls() -> None:
    cf = httpx.Headers({"Server": "cloudflare"})
    assert bot_wall(403, httpx.Headers({"cf-mitigated": "challenge"}), None) == "Cloudflare challenge page"
    assert bot_wall(503, cf, "Just a moment...") == "Cloudflare challenge page"
    assert bot_wall(403, cf, "Attention Required! | Cloudflare") == "Cloudflare challenge page"
    assert bot_wall(403, cf, None, "<div id='cf-chl-widget'>") == "Cloudflare challenge page"
    assert bot_wall(403, httpx.Headers({"x-amzn-waf-action": "captcha"}), None) == "AWS WAF challenge"
    assert bot_wall(403, httpx.Headers({"server": "ddos-guard"}), None) == "DDoS-Guard check page"
    assert bot_wall(403, httpx.Headers({"x-datadome": "protected"}), None) == "DataDome bot protection"
    assert bot_wall(429, httpx.Headers(), None, '<div class="g-recaptcha">') == "CAPTCHA page"
    assert bot_wall(999, httpx.Headers(), None) is not None
    # an ordinary page of a site behind Cloudflare is no wall
    assert bot_wall(200, cf, "Welcome") is None
    assert bot_wall(404, cf, "Not found", "cf-chl") is None
    assert bot_wall(403, httpx.Headers(), "Forbidden") is None


def test_userinfo_is_stripped() -> None:
    assert strip_userinfo("https://u:p@example.org:8443/x?y#z") == "https://example.org:8443/x?y#z"
    assert strip_userinfo("https://example.org/a@b") == "https://example.org/a@b"


def test_exceptions_become_states() -> None:
    refused = chained(
        httpx.ConnectError("x"), httpcore.ConnectError("x"), ConnectionRefusedError(errno.ECONNREFUSED, "refused")
    )
    assert classify_exception(refused).detail == "connection refused"
    assert classify_exception(refused).kind is FailureKind.REFUSED
    assert not classify_exception(refused).retryable
    assert classify_exception(refused).connect_level

    unreachable = chained(httpx.ConnectError("x"), OSError(errno.ENETUNREACH, "Network is unreachable"))
    assert classify_exception(unreachable).detail == "network unreachable"
    assert classify_exception(unreachable).kind is FailureKind.NETWORK
    host_unreachable = chained(httpx.ConnectError("x"), OSError(errno.EHOSTUNREACH, "No route to host"))
    assert classify_exception(host_unreachable).kind is FailureKind.REFUSED  # one host's route, not ours

    reset = chained(httpx.ReadError("x"), ConnectionResetError(errno.ECONNRESET, "reset"))
    failure = classify_exception(reset)
    assert (failure.state, failure.kind, failure.detail, failure.retryable, failure.connect_level) == (
        LinkState.UNREACHABLE,
        FailureKind.REFUSED,
        "connection reset",
        True,
        False,
    )

    assert classify_exception(httpx.ConnectTimeout("x")).detail == "connection timed out"
    assert classify_exception(httpx.ConnectTimeout("x")).kind is FailureKind.TIMEOUT
    assert classify_exception(httpx.ReadTimeout("x"), timeout=20).detail == "timed out after 20 s"
    assert classify_exception(TimeoutError()).detail == "timed out"
    assert classify_exception(TimeoutError()).kind is FailureKind.TIMEOUT
    closed = classify_exception(httpx.RemoteProtocolError("Server disconnected without sending a response."))
    assert closed.retryable and closed.kind is FailureKind.REFUSED
    illegal = classify_exception(httpx.RemoteProtocolError("illegal header"))
    assert (illegal.state, illegal.kind) == (LinkState.ERROR, FailureKind.PROTOCOL)

    cert = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED]")
    cert.verify_message = "certificate has expired"
    tls = classify_exception(chained(httpx.ConnectError("x"), httpcore.ConnectError("x"), cert))
    assert (tls.state, tls.kind, tls.detail) == (
        LinkState.TLS_ERROR,
        FailureKind.TLS,
        "certificate not accepted: certificate has expired",
    )

    guard = classify_exception(chained(httpx.ConnectError("x"), AddressRefused("h", "10.0.0.1", "private")))
    assert (guard.state, guard.kind, guard.detail) == (
        LinkState.REFUSED,
        FailureKind.POLICY,
        "h resolves to 10.0.0.1, a private address",
    )

    nx = classify_exception(NameNotResolved("gone.example", "no", unknown=True))
    assert (nx.state, nx.kind, nx.detail, nx.retryable) == (
        LinkState.DEAD,
        FailureKind.DNS,
        "no such host: gone.example",
        False,
    )
    flaky = classify_exception(NameNotResolved("x.example", "DNS lookup of x.example failed", unknown=False))
    assert (flaky.state, flaky.kind, flaky.retryable) == (LinkState.UNREACHABLE, FailureKind.NETWORK, True)

    odd = classify_exception(RuntimeError("boom"))
    assert (odd.state, odd.kind) == (LinkState.ERROR, FailureKind.INTERNAL)
    assert odd.detail == "unexpected error: RuntimeError: boom"
    # a ValueError of curator's own (float("²") once) is a bug to see, not an "invalid URL" to hide
    assert classify_exception(ValueError("could not convert")).kind is FailureKind.INTERNAL
    unsupported = classify_exception(httpx.UnsupportedProtocol("ftp"))
    assert (unsupported.kind, unsupported.detail) == (FailureKind.INVALID_URL, "invalid URL: ftp")
