"""The link checker against real HTTP servers on loopback addresses (tests/support/linkfarm.py).

Timeouts, backoff and caps are short so the whole module runs in a few seconds. The address guard is
given an explicit allowed network (loopback) except where refusal itself is tested.
"""

from __future__ import annotations

import asyncio
import gzip
import itertools
import random
import socket
import time
from typing import Any

import pytest

from curator import PROJECT_URL, __version__
from curator.config import HostSettings, LinkSettings
from curator.facts import FailureKind, Hop, LinkResult, LinkState
from curator.probes.links import all_unreachable, check_links_sync, default_user_agent
from curator.probes.links._netguard import NetGuard
from tests.support.linkfarm import Host, LinkFarm, Reply, page

LOOPBACK = NetGuard(allowed_networks=["127.0.0.0/8"])


def settings(**overrides: Any) -> LinkSettings:
    values: dict[str, Any] = {"timeout": 2.0, "connect_timeout": 1.0, "retries": 0, "max_bytes": 4096}
    values.update(overrides)
    return LinkSettings(**values)


def check(urls: list[str], *, guard: NetGuard | None = LOOPBACK, **overrides: Any) -> dict[str, LinkResult]:
    options: dict[str, Any] = {"backoff": 0.01, "backoff_max": 0.05}
    for key in ("progress", "want_titles", "allow_private_hosts"):
        if key in overrides:
            options[key] = overrides.pop(key)
    if guard is not None:
        options["guard"] = guard
    return check_links_sync(urls, settings(**overrides), **options)


def one(url: str, **overrides: Any) -> LinkResult:
    return check([url], **overrides)[url]


def methods(host: Host, path: str) -> list[str]:
    return [hit.method for hit in host.hits(path)]


# ── states ───────────────────────────────────────────────────────────────────────────────────────────────


def test_ok_is_answered_by_one_get_that_reads_the_title(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    url = host.route("/page", Reply(title="Hello"))
    result = one(url)
    assert result.state is LinkState.OK
    assert result.status == 200
    assert result.final_url == url
    assert result.redirects == ()
    assert result.attempts == 1
    assert result.elapsed_ms > 0
    assert result.checked_at is not None and result.checked_at.tzinfo is not None
    assert result.title == "Hello"
    assert result.kind is None  # nothing failed
    assert methods(host, "/page") == ["GET"]  # no HEAD first: one request per link


def test_want_titles_asks_with_get_and_records_the_title(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    url = host.route("/page", Reply(title="  Caf&eacute; &amp;\n   Bar &#x1F600;  "))
    result = one(url, want_titles=True)
    assert result.state is LinkState.OK
    assert result.title == "Café & Bar 😀"
    assert methods(host, "/page") == ["GET"]


@pytest.mark.parametrize("status", [404, 410])
def test_not_found_and_gone_are_dead_after_one_get(linkfarm: LinkFarm, status: int) -> None:
    host = linkfarm.host("127.0.0.2")
    url = host.route("/gone", Reply(status, title="Not here"))
    result = one(url, retries=3)
    assert result.state is LinkState.DEAD
    assert result.status == status
    assert result.detail == f"HTTP {status}"
    assert result.kind is FailureKind.HTTP_STATUS
    assert result.attempts == 1  # never retried
    assert methods(host, "/gone") == ["GET"]  # a GET's 404 needs no confirming
    assert result.title == "Not here"


def test_a_server_that_answers_head_wrongly_is_judged_by_its_get(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    url = host.route("/spa", Reply(title="App"), head=Reply(404))
    result = one(url)
    assert result.state is LinkState.OK
    assert result.title == "App"
    assert methods(host, "/spa") == ["GET"]


@pytest.mark.parametrize("head_status", [400, 403, 405, 501])
def test_head_mishandled_does_not_matter_since_head_is_not_sent(linkfarm: LinkFarm, head_status: int) -> None:
    host = linkfarm.host("127.0.0.2")
    url = host.route("/page", Reply(title="Real page"), head=Reply(head_status))
    result = one(url)
    assert result.state is LinkState.OK, result
    assert result.title == "Real page"
    assert methods(host, "/page") == ["GET"]


def test_a_host_that_refuses_head_is_asked_with_get_from_then_on(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    first = host.route("/first", Reply(title="One"), head=Reply(405))
    check([first])
    second = host.route("/second", Reply(title="Two"), head=Reply(405))
    third = host.route("/third", Reply(title="Three"), head=Reply(405))
    # a new run learns again; within a run, after the first 405 the host gets GET only
    results = check([first, second, third], host_concurrency=1)
    assert all(r.state is LinkState.OK for r in results.values())
    hits = [h.method for h in host.hits() if h.path in {"/second", "/third"}]
    assert hits == ["GET", "GET"]


def test_forbidden_is_blocked(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    url = host.route("/private", Reply(403, title="Forbidden"))
    result = one(url)
    assert result.state is LinkState.BLOCKED
    assert result.status == 403
    assert result.kind is FailureKind.HTTP_STATUS
    assert methods(host, "/private") == ["GET"]


def test_999_is_blocked(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    url = host.route("/in", Reply(999))
    result = one(url)
    assert result.state is LinkState.BLOCKED
    assert "999" in (result.detail or "")


def test_cloudflare_challenge_is_blocked_not_dead(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    challenge = page("Just a moment...", '<script src="/cdn-cgi/challenge-platform/h/b/orchestrate"></script>')
    url = host.route("/cf", Reply(403, headers={"Server": "cloudflare", "cf-mitigated": "challenge"}, body=challenge))
    legacy = host.route("/cf-legacy", Reply(503, headers={"Server": "cloudflare"}, body=challenge))
    results = check([url, legacy], retries=2)
    for result in results.values():
        assert result.state is LinkState.BLOCKED, result
        assert result.detail == "Cloudflare challenge page"
        assert result.kind is FailureKind.BOT_WALL
        assert result.attempts == 1  # a bot wall is not retried


def test_challenge_header_blocks_even_a_200(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    url = host.route("/cf", Reply(200, headers={"cf-mitigated": "challenge"}, title="Just a moment..."))
    assert one(url).state is LinkState.BLOCKED


def test_rate_limited_is_retried_then_blocked(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    url = host.route("/busy", Reply(429))
    result = one(url, retries=2)
    assert result.state is LinkState.BLOCKED
    assert result.status == 429
    assert result.attempts == 3
    assert len(host.hits("/busy")) == 3  # 429 is not a reason to try GET


def test_server_errors_are_retried_then_error(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    url = host.route("/broken", Reply(500, title="Oops"))
    result = one(url, retries=2)
    assert result.state is LinkState.ERROR
    assert result.status == 500
    assert result.kind is FailureKind.HTTP_STATUS
    assert result.attempts == 3
    assert methods(host, "/broken") == ["GET", "GET", "GET"]


def test_a_transient_server_error_heals_on_retry(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    url = host.route("/flaky", [Reply(503), Reply(502), Reply(title="Fine")], head=Reply(405))
    result = one(url, retries=3)
    assert result.state is LinkState.OK
    assert result.attempts == 3
    assert result.title == "Fine"


def test_501_is_not_retried(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    url = host.route("/nope", Reply(501))
    result = one(url, retries=3)
    assert result.state is LinkState.ERROR
    assert result.attempts == 1


def test_other_client_errors_are_errors(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    url = host.route("/teapot", Reply(418))
    result = one(url)
    assert result.state is LinkState.ERROR
    assert result.detail == "HTTP 418"


def test_accepted_status_codes_per_host(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    url = host.route("/teapot", Reply(418))
    result = one(url, hosts={"127.0.0.2": HostSettings(accept=[418])})
    assert result.state is LinkState.OK


# ── redirects ────────────────────────────────────────────────────────────────────────────────────────────


def test_permanent_redirect_chain_is_a_redirect_with_every_hop_recorded(linkfarm: LinkFarm) -> None:
    a = linkfarm.host("127.0.0.2")
    b = linkfarm.host("127.0.0.3")
    final = b.route("/new", Reply(title="New home"))
    middle = a.route("/middle", Reply(308, location=final))
    start = a.route("/old", Reply(301, location="/middle"))  # relative Location
    result = one(start)
    assert result.state is LinkState.REDIRECT
    assert result.status == 200
    assert result.final_url == final
    assert result.redirects == (Hop(301, start), Hop(308, middle))


def test_temporary_redirect_alone_is_ok_with_the_final_url(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    final = host.route("/today", Reply())
    for status in (302, 303, 307):
        url = host.route(f"/t{status}", Reply(status, location="/today"))
        result = one(url)
        assert result.state is LinkState.OK, status
        assert result.final_url == final
        assert result.redirects == (Hop(status, url),)


def test_redirect_to_a_dead_page_is_dead_with_the_chain(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    url = host.route("/old", Reply(301, location="/missing"))
    host.route("/missing", Reply(404))
    result = one(url)
    assert result.state is LinkState.DEAD
    assert result.kind is FailureKind.HTTP_STATUS
    assert result.final_url == host.url("/missing")
    assert [h.status for h in result.redirects] == [301]


def test_redirect_loop_is_an_error(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    url = host.route("/a", Reply(302, location="/b"))
    host.route("/b", Reply(301, location="/a"))
    result = one(url, retries=2)
    assert result.state is LinkState.ERROR
    assert result.detail == "redirect loop"
    assert result.kind is FailureKind.REDIRECT
    assert result.attempts == 1
    assert len(result.redirects) == 2


def test_too_many_redirects_is_an_error(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    for i in range(6):
        host.route(f"/r{i}", Reply(302, location=f"/r{i + 1}"))
    result = one(host.url("/r0"), max_redirects=3)
    assert result.state is LinkState.ERROR
    assert result.detail == "too many redirects (more than 3)"
    assert result.kind is FailureKind.REDIRECT
    assert len(host.hits()) == 4


def test_redirect_to_a_non_web_scheme_is_an_error(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    url = host.route("/ftp", Reply(301, location="ftp://files.example/x"))
    result = one(url)
    assert result.state is LinkState.ERROR
    assert "non-web" in (result.detail or "")
    assert result.kind is FailureKind.REDIRECT


def test_cookie_check_redirect_to_itself_is_followed_with_the_cookie(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    url = host.route(
        "/gate", [Reply(302, location="/gate", headers={"Set-Cookie": "seen=1; Path=/"}), Reply(title="Inside")]
    )
    result = one(url)
    assert result.state is LinkState.OK
    second = host.hits("/gate")[1]
    assert second.headers.get("cookie") == "seen=1"


# ── timeouts, bodies, broken connections ─────────────────────────────────────────────────────────────────


def test_a_server_that_never_answers_times_out_as_unreachable(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    url = host.route("/hang", Reply(hang=True))
    started = time.monotonic()
    result = one(url, timeout=0.4, retries=1)
    took = time.monotonic() - started
    assert result.state is LinkState.UNREACHABLE
    assert result.detail == "timed out after 0.4 s"
    assert result.kind is FailureKind.TIMEOUT
    assert result.attempts == 2
    assert 0.8 <= took < 3.0


def test_a_trickling_body_is_cut_at_the_whole_request_deadline(linkfarm: LinkFarm) -> None:
    """Each read gets data in time (every 50 ms), so only a deadline on the whole request stops it."""
    host = linkfarm.host("127.0.0.2")
    url = host.route("/drip", Reply(endless=True, chunk_delay=0.05, body=b"<html><head><title>Drip"), head=Reply(405))
    started = time.monotonic()
    result = one(url, timeout=0.5, max_bytes=1 << 20)
    assert time.monotonic() - started < 2.0
    assert result.state is LinkState.OK  # the answer was in; only the page was slow
    assert result.status == 200


def test_an_endless_body_is_read_only_up_to_the_cap(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    url = host.route("/endless", Reply(endless=True, body=b"<html><head><title>Forever</title>"), head=Reply(405))
    started = time.monotonic()
    result = one(url, max_bytes=8192)
    assert time.monotonic() - started < 1.5
    assert result.state is LinkState.OK
    assert result.title == "Forever"


def test_a_title_beyond_the_cap_is_not_read(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    body = b"<html><head>" + b"<!-- padding -->" * 1000 + b"<title>Too far</title></head></html>"
    url = host.route("/long", Reply(body=body))
    result = one(url, max_bytes=4096, want_titles=True)
    assert result.state is LinkState.OK
    assert result.title is None


def test_gzip_and_charset_are_decoded_for_the_title(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    latin = host.route(
        "/latin", Reply(body="<title>Déjà vu</title>".encode("latin-1"), content_type="text/html; charset=ISO-8859-1")
    )
    meta = host.route(
        "/meta",
        Reply(body='<meta charset="windows-1251"><title>Привет</title>'.encode("cp1251"), content_type="text/html"),
    )
    zipped = host.route("/gz", Reply(title="Compressed", gzip=True))
    results = check([latin, meta, zipped], want_titles=True)
    assert results[latin].title == "Déjà vu"
    assert results[meta].title == "Привет"
    assert results[zipped].title == "Compressed"
    assert "gzip" in host.hits("/gz")[0].headers["accept-encoding"]


def test_a_gzip_bomb_is_decoded_only_up_to_the_cap(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    bomb = gzip.compress(b"<title>Bomb</title>" + b"\0" * (50 * 1024 * 1024))
    url = host.route("/bomb", Reply(body=bomb, headers={"Content-Encoding": "gzip"}))
    result = one(url, want_titles=True, max_bytes=4096)
    assert result.state is LinkState.OK
    assert result.title == "Bomb"


def test_a_dropped_connection_is_unreachable_and_retried(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    url = host.route("/drop", [Reply(drop=True), Reply(title="Back")])
    result = one(url, retries=1)
    assert result.state is LinkState.OK
    assert result.attempts == 2
    dropped = one(host.route("/gone", Reply(drop=True)))
    assert (dropped.state, dropped.kind) == (LinkState.UNREACHABLE, FailureKind.REFUSED)


def test_connection_refused_is_unreachable(linkfarm: LinkFarm) -> None:
    port = _free_port("127.0.0.2")
    url = f"http://127.0.0.2:{port}/"
    result = one(url, retries=2)
    assert result.state is LinkState.UNREACHABLE
    assert result.detail == "connection refused"
    assert result.kind is FailureKind.REFUSED
    assert result.attempts == 1  # a refused connection is an answer, not a hiccup


def _free_port(address: str) -> int:
    with socket.socket() as sock:
        sock.bind((address, 0))
        return int(sock.getsockname()[1])


# ── Retry-After and politeness ───────────────────────────────────────────────────────────────────────────


def test_retry_after_pauses_the_whole_host(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.5")
    other = linkfarm.host("127.0.0.6")
    limited = host.route("/limited", [Reply(429, headers={"Retry-After": "1"}), Reply(title="Now")])
    urls = [limited] + [host.route(f"/a{i}", Reply(delay=0.2)) for i in range(5)]
    elsewhere = [other.route(f"/b{i}", Reply()) for i in range(3)]
    started = time.monotonic()
    results = check(urls + elsewhere, retries=2, host_concurrency=2)
    assert time.monotonic() - started >= 1.0
    assert results[limited].state is LinkState.OK
    assert results[limited].attempts == 2
    assert all(r.state is LinkState.OK for r in results.values())
    first, retry = host.hits("/limited")
    assert first.end is not None
    assert retry.start - first.end >= 0.95  # the measured wait
    # requests already on their way when the 429 was sent may arrive just after it; nothing else may
    meanwhile = [h for h in host.hits() if first.end + 0.15 < h.start < first.end + 0.95]
    assert meanwhile == []  # nothing else went to that host while it asked for a pause
    held = [h for h in host.hits() if h.start >= first.end + 0.95]
    assert len(held) >= 4  # the retry and at least three other pages waited for the pause to end
    assert all(h.start < first.end + 0.5 for h in other.hits())  # other hosts were not held up


def test_retry_after_beyond_the_cap_is_not_waited_for(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    url = host.route("/later", Reply(429, headers={"Retry-After": "3600"}))
    started = time.monotonic()
    result = one(url, retries=3, retry_after_cap=0.2)
    assert time.monotonic() - started < 1.5
    assert result.state is LinkState.BLOCKED
    assert result.attempts == 1
    assert "Retry-After 3600 s is over the 0.2 s cap" in (result.detail or "")


def test_per_host_concurrency_is_honoured(linkfarm: LinkFarm) -> None:
    busy = linkfarm.host("127.0.0.2")
    urls = [busy.route(f"/p{i}", Reply(delay=0.1)) for i in range(8)]
    results = check(urls, host_concurrency=2)
    assert all(r.state is LinkState.OK for r in results.values())
    assert busy.max_in_flight == 2


def test_global_concurrency_is_honoured(linkfarm: LinkFarm) -> None:
    hosts = [linkfarm.host(f"127.0.0.{i}") for i in range(2, 6)]
    urls = [h.route(f"/p{i}", Reply(delay=0.1)) for h in hosts for i in range(3)]
    check(urls, concurrency=3, host_concurrency=8)
    events = sorted([(h.start, 1) for h in linkfarm.hits] + [(h.end or 0, -1) for h in linkfarm.hits])
    peak = running = 0
    for _t, step in events:
        running += step
        peak = max(peak, running)
    assert peak <= 3


def test_per_host_interval_spaces_requests(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    urls = [host.route(f"/p{i}", Reply()) for i in range(4)]
    check(urls, host_interval=0.2)
    starts = sorted(h.start for h in host.hits())
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 0.15


def test_per_host_overrides_concurrency_interval_and_headers(linkfarm: LinkFarm) -> None:
    slow = linkfarm.host("127.0.0.2")
    fast = linkfarm.host("127.0.0.3")
    urls = [slow.route(f"/s{i}", Reply(delay=0.05)) for i in range(4)]
    urls += [fast.route(f"/f{i}", Reply(delay=0.05)) for i in range(4)]
    check(urls, hosts={"127.0.0.2": HostSettings(concurrency=1, headers={"X-Api-Key": "k"})})
    assert slow.max_in_flight == 1
    assert fast.max_in_flight > 1
    assert {h.headers.get("x-api-key") for h in slow.hits()} == {"k"}
    assert {h.headers.get("x-api-key") for h in fast.hits()} == {None}


def test_keep_alive_reuses_connections(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    urls = [host.route(f"/p{i}", Reply(title=str(i))) for i in range(20)]
    urls += [host.route(f"/d{i}", Reply(404, title="gone")) for i in range(5)]  # bodies read to their end
    check(urls, host_concurrency=2)
    assert len(host.hits()) == 25
    assert host.connections <= 2


# ── what is sent ─────────────────────────────────────────────────────────────────────────────────────────


def test_user_agent_default_and_configured(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    url = host.route("/ua", Reply())
    one(url)
    assert host.hits("/ua")[0].headers["user-agent"] == f"curator/{__version__} (+{PROJECT_URL})"
    assert default_user_agent() == f"curator/{__version__} (+{PROJECT_URL})"
    one(url, user_agent="my-bot/1.0")
    assert host.hits("/ua")[1].headers["user-agent"] == "my-bot/1.0"


def test_credentials_in_a_url_are_never_sent(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    host.route("/secret", Reply())
    url = f"http://alice:hunter2@127.0.0.2:{host.port}/secret"
    result = one(url)
    assert result.url == url
    assert result.state is LinkState.OK
    assert "authorization" not in host.hits("/secret")[0].headers
    assert result.final_url == host.url("/secret")


def test_cookies_and_host_headers_do_not_follow_a_redirect_to_another_host(linkfarm: LinkFarm) -> None:
    a = linkfarm.host("127.0.0.2")
    b = linkfarm.host("127.0.0.3")
    target = b.route("/landing", Reply())
    url = a.route("/out", Reply(302, location=target, headers={"Set-Cookie": "sid=1; Path=/"}))
    one(url, hosts={"127.0.0.2": HostSettings(headers={"Authorization": "Bearer only-for-a"})})
    assert a.hits("/out")[0].headers["authorization"] == "Bearer only-for-a"
    landing = b.hits("/landing")[0].headers
    assert "authorization" not in landing
    assert "cookie" not in landing


def test_no_cookie_outlives_its_check(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    first = host.route("/set", Reply(headers={"Set-Cookie": "sid=1; Path=/"}))
    second = host.route("/after", Reply())
    check([first, second], host_concurrency=1)
    assert "cookie" not in host.hits("/after")[0].headers


# ── the run ──────────────────────────────────────────────────────────────────────────────────────────────


def test_every_url_once_in_input_order_excluded_ones_skipped(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    a, b, c = (host.route(f"/{name}", Reply()) for name in "abc")
    seen: list[str] = []
    results = check([c, a, c, b, a], exclude=["/b$"], progress=lambda r: seen.append(r.url))
    assert list(results) == [c, a]
    assert sorted(seen) == sorted([c, a])
    assert len(host.hits("/c")) == 1
    assert host.hits("/b") == []


def test_a_check_never_raises(linkfarm: LinkFarm) -> None:
    urls = ["ftp://example.org/file", "http://", "not a url", "http://[::1", "https://exa mple.org/"]
    results = check(urls)
    for url in urls:
        assert results[url].state is LinkState.ERROR, results[url]
        assert results[url].kind is FailureKind.INVALID_URL, results[url]
        assert "invalid URL" in (results[url].detail or ""), results[url]


def test_an_unresolvable_name_is_dead_and_a_dns_failure_unreachable(linkfarm: LinkFarm) -> None:
    async def resolver(host: str, port: int) -> list[str]:
        if host == "gone.example":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    guard = NetGuard(allowed_networks=["127.0.0.0/8"], resolver=resolver)
    results = check(["http://gone.example/", "http://flaky.example/"], guard=guard, retries=1)
    dead = results["http://gone.example/"]
    assert dead.state is LinkState.DEAD
    assert dead.detail == "no such host: gone.example"
    assert dead.kind is FailureKind.DNS
    assert dead.attempts == 1
    flaky = results["http://flaky.example/"]
    assert flaky.state is LinkState.UNREACHABLE
    assert "DNS lookup failed" in (flaky.detail or "")
    assert flaky.kind is FailureKind.NETWORK  # DNS could not be asked: likelier our network than the name
    assert flaky.attempts == 2


def test_a_host_that_refuses_connections_is_not_asked_again_for_each_url(linkfarm: LinkFarm) -> None:
    port = _free_port("127.0.0.7")
    urls = [f"http://127.0.0.7:{port}/{i}" for i in range(5)]
    results = check(urls, host_concurrency=1)
    assert {r.state for r in results.values()} == {LinkState.UNREACHABLE}
    assert {r.detail for r in results.values()} == {"connection refused"}
    assert {r.kind for r in results.values()} == {FailureKind.REFUSED}
    assert sorted(r.attempts for r in results.values()) == [0, 0, 0, 0, 1]


def test_all_unreachable_means_no_host_answered(linkfarm: LinkFarm) -> None:
    closed = [f"http://127.0.0.{i}:{_free_port(f'127.0.0.{i}')}/" for i in (8, 9)]
    assert all_unreachable(check(closed))
    host = linkfarm.host("127.0.0.2")
    assert not all_unreachable(check([*closed, host.route("/ok", Reply())]))
    assert not all_unreachable(check(closed[:1]))  # one host down is that host's problem
    assert not all_unreachable({})
    # two spellings of one host are one host
    spellings = [closed[0], closed[0].replace("127.0.0.8", "127.0.8")]
    assert not all_unreachable(check(spellings))


def test_all_unreachable_reads_kinds_not_details() -> None:
    def failed(url: str, kind: FailureKind | None, state: LinkState = LinkState.UNREACHABLE) -> LinkResult:
        return LinkResult(url=url, state=state, kind=kind, detail="whatever the words")

    a, b = "http://a.example/", "http://b.example/"
    assert all_unreachable({a: failed(a, FailureKind.TIMEOUT), b: failed(b, FailureKind.DNS, LinkState.DEAD)})
    assert all_unreachable({a: failed(a, FailureKind.NETWORK)})  # the local network is down: one is enough
    assert not all_unreachable({a: failed(a, FailureKind.REFUSED)})
    assert not all_unreachable({a: failed(a, FailureKind.REFUSED), b: failed(b, FailureKind.HTTP_STATUS)})
    assert not all_unreachable({a: failed(a, FailureKind.REFUSED), b: failed(b, None, LinkState.OK)})
    # no evidence either way: an address curator cannot request, a budget, a bug
    c = "http://c.example/"
    for kind in (FailureKind.INVALID_URL, FailureKind.BUDGET, FailureKind.INTERNAL):
        other = failed(b, kind, LinkState.ERROR)
        assert not all_unreachable({a: failed(a, FailureKind.REFUSED), b: other}), kind  # one host is left
        down = {a: failed(a, FailureKind.REFUSED), c: failed(c, FailureKind.TIMEOUT), b: other}
        assert all_unreachable(down), kind
        assert all_unreachable(
            {
                a: failed(a, FailureKind.REFUSED),
                "http://c.example/": failed("http://c.example/", FailureKind.TIMEOUT),
                b: failed(b, kind, LinkState.ERROR),
            }
        ), kind


def test_results_come_in_input_order_and_progress_sees_each_once(linkfarm: LinkFarm) -> None:
    hosts = [linkfarm.host(f"127.0.0.{i}") for i in (2, 3, 4)]
    urls = [h.url(f"/ok/{i}") for h in hosts for i in range(4)] + [h.url("/status/404/x") for h in hosts]
    urls += [h.url("/moved/m") for h in hosts]
    seen: list[str] = []
    results = check(urls, guard=None, allow_private_hosts=True, progress=lambda r: seen.append(r.url))
    assert list(results) == urls
    assert sorted(seen) == sorted(urls)
    assert {results[h.url("/status/404/x")].status for h in hosts} == {404}


def test_no_warning_or_loop_error_is_left_behind(linkfarm: LinkFarm, recwarn: pytest.WarningsRecorder) -> None:
    host = linkfarm.host("127.0.0.2")
    urls = [host.route("/hang", Reply(hang=True)), host.route("/endless", Reply(endless=True), head=Reply(405))]
    check(urls, timeout=0.3)
    assert not recwarn.list


def test_clock_and_sleep_are_injectable_so_long_waits_take_no_time(linkfarm: LinkFarm) -> None:
    """A fake clock that moves only when the checker sleeps: a 30 s Retry-After and the backoff are
    honoured (asked for) without being waited out."""
    host = linkfarm.host("127.0.0.2")
    limited = host.route("/limited", [Reply(503, headers={"Retry-After": "30"}), Reply()])
    broken = linkfarm.host("127.0.0.3").route("/broken", Reply(500), head=Reply(405))
    fake = {"now": 1000.0}
    slept: list[float] = []

    def clock() -> float:
        return fake["now"]

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        fake["now"] += seconds
        await asyncio.sleep(0)

    started = time.monotonic()
    results = check_links_sync(
        [limited, broken],
        settings(retries=2, host_concurrency=1, retry_after_cap=60),
        guard=LOOPBACK,
        clock=clock,
        sleep=sleep,
        backoff=4.0,
        backoff_max=10.0,
    )
    assert time.monotonic() - started < 2.0
    assert results[limited].state is LinkState.OK
    assert results[limited].attempts == 2
    assert results[broken].state is LinkState.ERROR
    assert results[broken].attempts == 3
    assert fake["now"] >= 1030.0  # the host's pause was kept
    assert max(slept) <= 30.0
    # the backoffs of /broken (4 s then 8 s, plus up to 4 s of jitter each), among the waits of the pause
    assert any(4.0 <= s < 8.0 for s in slept) and any(8.0 <= s <= 12.0 for s in slept)


# ── the event loop ───────────────────────────────────────────────────────────────────────────────────────

_SIGTERM_DURING_A_CHECK = r"""
import os, signal, socket, sys, threading, time
from curator.config import LinkSettings
from curator.probes.links import _checker, check_links_sync

class Stop(BaseException):
    pass

def on_sigterm(signum, frame):
    raise Stop

signal.signal(signal.SIGTERM, on_sigterm)
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(16)  # accepts, never answers: the check waits on its 20 s timeout
port = server.getsockname()[1]
loop = _checker._fast_loop_factory()
print("loop:", "standard" if loop is None else loop.__module__, flush=True)
threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM)).start()
started = time.monotonic()
try:
    urls = [f"http://127.0.0.1:{port}/a", f"http://127.0.0.1:{port}/b"]
    check_links_sync(urls, LinkSettings(), allow_private_hosts=True)
except Stop:
    print(f"stopped after {time.monotonic() - started:.2f} s", flush=True)
    print("handler restored:", signal.getsignal(signal.SIGTERM) is on_sigterm, flush=True)
    sys.exit(0)
sys.exit("the check ran to its end")
"""


@pytest.mark.parametrize("event_loop", ["", "asyncio"], ids=["fast-loop-if-installed", "standard-loop"])
def test_sigterm_during_a_check_reaches_the_processs_handler_within_a_second(event_loop: str) -> None:
    """The CLI's SIGTERM handler raises, so that the state database's `with` blocks unwind. uvloop would
    log and lose that exception: the checker relays it, on either loop."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "CURATOR_EVENT_LOOP": event_loop}
    done = subprocess.run(
        [sys.executable, "-c", _SIGTERM_DURING_A_CHECK], capture_output=True, text=True, timeout=30, env=env
    )
    assert done.returncode == 0, done.stderr + done.stdout
    lines = done.stdout.splitlines()
    if event_loop == "asyncio":
        assert lines[0] == "loop: standard"
    seconds = float(lines[1].split()[2])
    assert 0.4 < seconds < 1.5
    assert lines[2] == "handler restored: True"


def test_the_standard_loop_can_be_asked_for() -> None:
    import os

    from curator.probes.links import _checker

    previous = os.environ.get("CURATOR_EVENT_LOOP")
    os.environ["CURATOR_EVENT_LOOP"] = "asyncio"
    try:
        assert _checker._fast_loop_factory() is None
    finally:
        if previous is None:
            del os.environ["CURATOR_EVENT_LOOP"]
        else:
            os.environ["CURATOR_EVENT_LOOP"] = previous


def test_the_garbage_collector_is_tuned_for_the_check_and_restored_after(linkfarm: LinkFarm) -> None:
    import gc

    host = linkfarm.host("127.0.0.2")
    urls = [host.route(f"/p{i}", Reply()) for i in range(3)]
    before = gc.get_threshold()
    seen: list[tuple[tuple[int, int, int], int]] = []
    results = check_links_sync(
        urls,
        LinkSettings(),
        allow_private_hosts=True,
        progress=lambda result: seen.append((gc.get_threshold(), gc.get_freeze_count())),
    )
    assert all(r.state is LinkState.OK for r in results.values())
    assert len(seen) == 3
    for threshold, frozen in seen:
        assert threshold[0] == max(10_000, before[0]) and threshold[1:] == before[1:]
        assert frozen > 0  # what existed before the check is not scanned during it
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0

    def fail(result: LinkResult) -> None:
        raise RuntimeError("a progress callback that fails")

    with pytest.raises(RuntimeError):
        check_links_sync(urls[:1], LinkSettings(), allow_private_hosts=True, progress=fail)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_urls_started_a_batch_at_a_time_keep_the_input_order_and_start_at_once(linkfarm: LinkFarm) -> None:
    """Tasks are made a batch at a time so that the first requests go out while the rest are still being
    queued; a host still takes its URLs in input order, across batches."""
    host = linkfarm.host("127.0.0.2")
    paths = [f"/p{i}" for i in range(400)]  # more than three batches
    random.Random(7).shuffle(paths)
    urls = [host.route(path, Reply()) for path in paths]
    first_answer: list[float] = []
    started = time.monotonic()
    results = check(
        urls,
        concurrency=1,
        host_concurrency=1,
        progress=lambda result: first_answer.append(time.monotonic() - started) if not first_answer else None,
    )
    assert all(r.state is LinkState.OK for r in results.values())
    assert [hit.path for hit in host.hits()] == paths
    assert first_answer[0] < 0.5  # not after every task of the run was made
