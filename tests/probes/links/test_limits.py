"""The link checker's limits against the loopback farm: time budgets per host and per run, `Retry-After`
waits it will not make, slowloris servers, every spelling of a host sharing its limits, and what of the
outside world a result may carry (no raw control characters). Every requested URL gets a result."""

from __future__ import annotations

import time

import pytest

from curator.config import HostSettings
from curator.facts import FailureKind, LinkState
from curator.probes.links._netguard import NetGuard
from tests.probes.links.test_checker import check, one
from tests.support.linkfarm import LinkFarm, Reply, page

# ── links that once vanished from the report ─────────────────────────────────────────────────────────────


def test_a_retry_after_of_a_non_ascii_digit_is_an_ordinary_answer(linkfarm: LinkFarm) -> None:
    """`"²".isdigit()` is true and `float("²")` raises: the link was once an "invalid URL" and hidden."""
    host = linkfarm.host("127.0.0.2")
    limited = host.route("/limited", Reply(429, headers={"Retry-After": "²"}))
    busy = host.route("/busy", Reply(503, headers={"Retry-After": "1²"}), head=Reply(405))
    results = check([limited, busy], retries=1)
    assert (results[limited].state, results[limited].kind, results[limited].status) == (
        LinkState.BLOCKED,
        FailureKind.HTTP_STATUS,
        429,
    )
    assert (results[busy].state, results[busy].kind, results[busy].status) == (
        LinkState.ERROR,
        FailureKind.HTTP_STATUS,
        503,
    )
    assert results[limited].attempts == 2  # retried after the usual backoff: the header was unreadable


def test_a_host_written_in_full_width_digits_is_checked(linkfarm: LinkFarm) -> None:
    """Browsers read `１２７.０.０.２` as 127.0.0.2; the link was once an "invalid IDNA" URL and hidden."""
    host = linkfarm.host("127.0.0.2")
    host.route("/page", Reply(title="Wide"))
    url = f"http://１２７.０.０.２:{host.port}/page"
    result = one(url, want_titles=True)
    assert result.url == url
    assert (result.state, result.kind, result.title) == (LinkState.OK, None, "Wide")
    assert host.hits("/page")[0].headers["host"] == f"127.0.0.2:{host.port}"


# ── every spelling of a host is that host ────────────────────────────────────────────────────────────────

SPELLINGS = ["127.0.0.1", "127.1", "127.0.1", "１２７.０.０.１", "127.0.0.1.", "0X7F.0.0.1", "2130706433", "0177.0.0.1"]


@pytest.mark.parametrize("key", ["127.0.0.1", "127.1", "１２７．０．０．１"])
def test_spellings_of_one_host_share_its_limits(linkfarm: LinkFarm, key: str) -> None:
    """Once each spelling had its own gate and pool: one server got 41 connections where 1 was set."""
    host = linkfarm.host("127.0.0.1")
    for i in range(3):
        host.route(f"/p{i}", Reply(delay=0.03))
    urls = [f"http://{spelling}:{host.port}/p{i}" for spelling in SPELLINGS for i in range(3)]
    results = check(urls, hosts={key: HostSettings(concurrency=1, headers={"X-Seen": "yes"})})
    assert [r.state for r in results.values()] == [LinkState.OK] * len(urls)
    assert host.max_in_flight == 1
    assert host.max_open_connections == 1
    assert {h.headers.get("x-seen") for h in host.hits()} == {"yes"}  # the override reached every spelling


# ── slowloris servers ────────────────────────────────────────────────────────────────────────────────────


def test_trickled_headers_are_cut_at_the_timeout(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    url = host.route("/drip", Reply(trickle=0.05, trickle_head=True))  # a byte every 50 ms: ~5 s of head
    started = time.monotonic()
    result = one(url, timeout=0.5)
    assert time.monotonic() - started < 1.5
    assert (result.state, result.kind) == (LinkState.UNREACHABLE, FailureKind.TIMEOUT)


def test_a_trickled_body_is_cut_at_the_timeout_and_the_answer_stands(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    body = b"<html>" + b" " * 400 + page("Too late")  # the title would come after 20 s
    url = host.route("/drip", Reply(trickle=0.05, body=body))
    started = time.monotonic()
    result = one(url, timeout=0.5, want_titles=True)
    assert time.monotonic() - started < 1.5
    assert (result.state, result.status, result.title, result.kind) == (LinkState.OK, 200, None, None)


# ── time budgets ─────────────────────────────────────────────────────────────────────────────────────────


def test_a_host_that_spends_its_budget_has_its_other_links_ended_at_once(linkfarm: LinkFarm) -> None:
    slow = linkfarm.host("127.0.0.2")
    fast = linkfarm.host("127.0.0.3")
    stalled = [slow.route(f"/s{i}", Reply(trickle=0.2, trickle_head=True)) for i in range(8)]
    fine = [fast.route(f"/f{i}", Reply()) for i in range(3)]
    started = time.monotonic()
    results = check(stalled + fine, timeout=0.3, retries=2, host_concurrency=1, host_budget=1.0)
    took = time.monotonic() - started
    assert took < 3.0  # not 8 links x 3 attempts x 0.3 s
    kinds = [(results[u].state, results[u].kind) for u in stalled]
    assert set(kinds) <= {(LinkState.UNREACHABLE, FailureKind.TIMEOUT), (LinkState.BLOCKED, FailureKind.BUDGET)}
    unchecked = [results[u] for u in stalled if results[u].kind is FailureKind.BUDGET]
    assert len(unchecked) >= 3
    for result in unchecked:
        assert result.attempts == 0
        assert result.detail == "127.0.0.2 took its whole time budget (links.host_budget, 1 s)"
    assert len(slow.hits()) <= 5
    assert all(results[u].state is LinkState.OK for u in fine)  # other hosts keep their own budget


def test_a_retry_the_budget_does_not_allow_keeps_the_last_answer(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    url = host.route("/broken", Reply(500, delay=0.3), head=Reply(405))
    result = one(url, retries=3, host_budget=0.5)
    assert (result.state, result.status, result.kind) == (LinkState.ERROR, 500, FailureKind.HTTP_STATUS)
    assert result.detail == "HTTP 500; not retried: 127.0.0.2 took its whole time budget (links.host_budget, 0.5 s)"
    assert result.attempts == 2


def test_the_run_budget_ends_the_links_not_yet_requested(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    urls = [host.route(f"/p{i}", Reply(delay=0.2)) for i in range(8)]
    started = time.monotonic()
    results = check(urls, host_concurrency=1, run_budget=0.5)
    assert time.monotonic() - started < 1.5
    assert list(results) == urls  # every URL has its result
    done = [r for r in results.values() if r.state is LinkState.OK]
    unchecked = [r for r in results.values() if r.kind is FailureKind.BUDGET]
    assert 2 <= len(done) <= 4 and len(done) + len(unchecked) == len(urls)
    assert {(r.state, r.detail) for r in unchecked} == {
        (LinkState.BLOCKED, "the run took its whole time budget (links.run_budget, 0.5 s)")
    }


def test_a_retry_after_over_the_cap_ends_the_hosts_checks_with_no_pause(linkfarm: LinkFarm) -> None:
    """24 such links once held the run for two minutes, though nothing was going to be retried."""
    host = linkfarm.host("127.0.0.2")
    other = linkfarm.host("127.0.0.3")
    urls = [host.route(f"/p{i}", Reply(429, headers={"Retry-After": "999999999"})) for i in range(24)]
    elsewhere = other.route("/fine", Reply())
    started = time.monotonic()
    results = check([*urls, elsewhere], retries=3, host_concurrency=2)
    assert time.monotonic() - started < 1.5
    answered = [results[u] for u in urls if results[u].status == 429]
    unchecked = [results[u] for u in urls if results[u].kind is FailureKind.BUDGET]
    assert 1 <= len(answered) <= 2 and len(answered) + len(unchecked) == 24
    for result in answered:
        assert (result.state, result.kind, result.attempts) == (LinkState.BLOCKED, FailureKind.HTTP_STATUS, 1)
        assert result.detail == (
            "HTTP 429: rate limited; Retry-After 999999999 s is over the 60 s cap (links.retry_after_cap)"
        )
    for result in unchecked:
        assert result.state is LinkState.BLOCKED and result.attempts == 0
        assert result.detail == (
            "127.0.0.2 asked to wait longer than curator waits "
            "(Retry-After 999999999 s is over the 60 s cap (links.retry_after_cap))"
        )
    assert len(host.hits()) <= 2
    assert results[elsewhere].state is LinkState.OK


def test_a_retry_after_longer_than_the_budget_left_is_not_waited_for(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    first = host.route("/first", Reply(503, headers={"Retry-After": "5"}))
    second = host.route("/second", Reply())
    started = time.monotonic()
    results = check([first, second], retries=2, host_concurrency=1, host_budget=2.0)
    assert time.monotonic() - started < 1.5
    assert results[first].status == 503 and results[first].attempts == 1
    assert "Retry-After 5 s is longer than the" in (results[first].detail or "")
    assert results[second].kind is FailureKind.BUDGET


# ── what a result may carry ──────────────────────────────────────────────────────────────────────────────


def test_control_and_bidi_characters_from_a_server_are_not_stored_raw(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    rlo = "\u202e".encode().decode("latin-1")  # the bytes of U+202E, as a header carries them
    host.route("/a%E2%80%AEb", Reply(title="Landed"))
    moved = host.route("/moved", Reply(302, location=f"/a{rlo}b"))
    script = host.route("/script", Reply(301, location=f"javascript:{rlo}alert(1)"))
    escape = host.route("/escape", Reply(302, location="/x\x1b[2J"))
    results = check([moved, script, escape])
    assert results[moved].state is LinkState.OK
    assert results[moved].final_url == host.url("/a%E2%80%AEb")
    assert results[script].kind is FailureKind.REDIRECT
    assert results[script].detail == "redirect to a non-web address: javascript:%E2%80%AEalert(1)"
    assert results[escape].final_url == host.url("/x%1B[2J")
    assert [hop.url for hop in results[escape].redirects] == [escape]
    for result in results.values():
        stored = [result.detail or "", result.final_url or "", *(hop.url for hop in result.redirects)]
        assert not any(ch in text for text in stored for ch in "\x1b\x80\x8e\u202e"), result


def test_links_a_budget_ends_take_no_turn_of_the_hosts_interval(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    urls = [host.route(f"/p{i}", Reply()) for i in range(10)]
    started = time.monotonic()
    results = check(urls, host_interval=0.3, run_budget=0.5)
    assert time.monotonic() - started < 1.5  # not 10 x 0.3 s of turns for links that are not requested
    assert 1 <= len(host.hits()) <= 3
    assert sum(r.kind is FailureKind.BUDGET for r in results.values()) >= 7


def test_an_idna_host_is_requested_by_its_ascii_name(linkfarm: LinkFarm) -> None:
    """`bücher.test`, `BÜCHER.test.` and `xn--bcher-kva.test` are one host: looked up, sent and keyed as
    `xn--bcher-kva.test`."""
    host = linkfarm.host("127.0.0.2")
    host.route("/page", Reply())
    asked: list[str] = []

    async def resolver(name: str, port: int) -> list[str]:
        asked.append(name)
        return ["127.0.0.2"]

    guard = NetGuard(allowed_networks=["127.0.0.0/8"], resolver=resolver)
    urls = [f"http://{name}:{host.port}/page" for name in ("bücher.test", "BÜCHER.test.", "xn--bcher-kva.test")]
    results = check(urls, guard=guard, hosts={"bücher.test": HostSettings(concurrency=1)})
    assert [r.state for r in results.values()] == [LinkState.OK] * 3
    assert set(asked) == {"xn--bcher-kva.test"}
    assert {h.headers["host"] for h in host.hits()} == {f"xn--bcher-kva.test:{host.port}"}
    assert host.max_open_connections == 1
