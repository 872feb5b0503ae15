"""The GitHub probe against answers GitHub would never send, a look-alike loopback host name, and a server
that echoes the token back: clear CuratorErrors (exit 2) naming the API, and the token never shown."""

from __future__ import annotations

import json
import traceback
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from curator.config import GithubSettings
from curator.errors import CuratorError
from curator.facts import IncompleteKind, RepoMeta
from curator.probes.github import RepoFetch, fetch_repos
from curator.rules.repos import describe_incomplete
from tests.support.fake_github import GOOD_TOKEN, FakeClock, FakeGithub, echoed_forms

NOW = datetime(2025, 10, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def api() -> Iterator[FakeGithub]:
    with FakeGithub() as fake:
        fake.add("a/b", stars=5)
        yield fake


def fetch(api: FakeGithub, *, token: str | None = GOOD_TOKEN, api_url: str | None = None) -> RepoFetch:
    clock = FakeClock()
    api.clock = clock
    return fetch_repos(
        ["a/b"],
        settings=GithubSettings(api_url=api_url or api.url),
        token=token,
        last_known={"a/b": RepoMeta("a/b", name_with_owner="a/b", stars=1)},
        now=NOW,
        sleep=clock.sleep,
        clock=clock,
    )


def refused(api: FakeGithub, *, token: str | None = GOOD_TOKEN) -> str:
    with pytest.raises(CuratorError) as info:
        fetch(api, token=token)
    assert info.value.exit_code == 2
    message = str(info.value)
    assert GOOD_TOKEN not in "".join(traceback.format_exception(info.value))
    return message


def answer(status: int, body: Any, **headers: str) -> tuple[int, dict[str, str], bytes]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return status, headers, data


# --- rate-limit headers --------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [GOOD_TOKEN, None], ids=["graphql", "rest"])
@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("x-ratelimit-remaining", "inf"),
        ("x-ratelimit-remaining", "nan"),
        ("x-ratelimit-remaining", "-1"),
        ("x-ratelimit-remaining", "lots"),
        ("x-ratelimit-remaining", "1e400"),
        ("x-ratelimit-limit", "inf"),
        ("x-ratelimit-reset", "inf"),
        ("x-ratelimit-reset", "nan"),
        ("x-ratelimit-reset", "1e300"),
        ("x-ratelimit-reset", "-5"),
    ],
)
def test_absurd_rate_limit_headers_are_a_clear_error(
    api: FakeGithub, token: str | None, header: str, value: str
) -> None:
    api.extra_headers[header] = value
    message = refused(api, token=token)
    assert message.startswith(f"the GitHub API at {api.url} sent a malformed answer to ")
    assert header in message


@pytest.mark.parametrize("value", ["inf", "nan", "-3", "soon"])
def test_an_absurd_retry_after_is_a_clear_error(api: FakeGithub, value: str) -> None:
    api.secondary_limit = 1
    api.extra_headers["retry-after"] = value
    message = refused(api)
    assert message.startswith(f"the GitHub API at {api.url} sent a malformed answer to POST /graphql (HTTP 403)")
    assert "retry-after" in message


def test_retry_after_as_an_http_date_is_waited_for(api: FakeGithub) -> None:
    clock = FakeClock(start=datetime(2025, 10, 1, 12, 0, tzinfo=UTC).timestamp())
    api.clock = clock
    api.secondary_limit = 1
    api.extra_headers["retry-after"] = "Wed, 01 Oct 2025 12:00:40 GMT"
    result = fetch_repos(
        ["a/b"], settings=GithubSettings(api_url=api.url), token=GOOD_TOKEN, last_known={},
        now=NOW, sleep=clock.sleep, clock=clock,
    )  # fmt: skip
    assert clock.sleeps == [40.0] and result.metas["a/b"].stars == 5


# --- bodies ----------------------------------------------------------------------------------------------------

GOOD_REPO = {
    "nameWithOwner": "a/b", "stargazerCount": 5, "forkCount": 0, "pushedAt": None, "defaultBranchRef": None,
    "isArchived": False, "isDisabled": False, "isFork": False, "licenseInfo": None, "description": None,
    "homepageUrl": None, "latestRelease": None,
}  # fmt: skip
RATE = {"cost": 1, "remaining": 4999, "resetAt": "2025-10-01T13:00:00Z"}


@pytest.mark.parametrize(
    ("body", "what"),
    [
        (b"<html><body>Welcome to nginx!</body></html>", "the body is not JSON: '<html><body>Welcome to nginx!"),
        (b"", "the body is empty"),
        (b'{"data": {"r0": ', "the body is not JSON"),
        (b"[1, 2, 3]", "the body is a list, not an object"),
        ({"data": [1]}, "'data' is a list, not an object"),
        ({"data": {"rateLimit": RATE, "r0": "a/b"}}, "repository a/b (r0) is text, not an object"),
        ({"data": {"rateLimit": RATE, "r0": {**GOOD_REPO, "stargazerCount": "many"}}}, "stargazerCount"),
        ({"data": {"rateLimit": RATE, "r0": {**GOOD_REPO, "stargazerCount": True}}}, "stargazerCount"),
        ({"data": {"rateLimit": RATE, "r0": {k: v for k, v in GOOD_REPO.items() if k != "isFork"}}}, "isFork"),
        ({"data": {"rateLimit": RATE, "r0": {**GOOD_REPO, "pushedAt": "last tuesday"}}}, "repository a/b (r0)"),
        ({"data": {"rateLimit": RATE, "r0": {**GOOD_REPO, "pushedAt": f"\x1b[2J{GOOD_TOKEN}"}}}, "\\x1b[2J***"),
        ({"data": {"rateLimit": "plenty", "r0": GOOD_REPO}}, "'rateLimit' is text, not an object"),
        ({"data": {"rateLimit": {**RATE, "remaining": -4}, "r0": GOOD_REPO}}, "rateLimit.remaining"),
        ({"data": {"rateLimit": RATE, "r0": GOOD_REPO}, "errors": "oops"}, "'errors' is not a list of objects"),
    ],
)
def test_a_malformed_graphql_answer_is_a_clear_error(api: FakeGithub, body: Any, what: str) -> None:
    api.raw["/graphql"] = answer(200, body)
    message = refused(api)
    assert message.startswith(f"the GitHub API at {api.url} sent a malformed answer to POST /graphql (HTTP 200): ")
    assert what in message
    assert message.endswith("Is github.api_url the API of a GitHub server?")


@pytest.mark.parametrize(
    ("path", "status", "body", "what"),
    [
        ("/repos/a/b", 200, b"not json", "the body is not JSON: 'not json'"),
        ("/repos/a/b", 200, {"full_name": "a/b"}, "repository a/b: stargazers_count"),
        ("/repos/a/b", 200, {"full_name": "a/b", "stargazers_count": 1.5, "forks_count": 0}, "stargazers_count"),
        ("/repos/a/b", 404, b"<h1>Not Found</h1>", "the body is not JSON"),
        ("/repos/a/b", 404, {"error": "nope"}, "a 404 without GitHub's JSON message"),
        ("/rate_limit", 200, b"\x00\xff garbage", "the body is not JSON: '\\x00"),
        ("/rate_limit", 200, {"resources": {"core": {"remaining": "sixty"}}}, "resources.core.remaining"),
        ("/rate_limit", 200, {"resources": {"core": []}}, "resources.core is a list"),
    ],
)
def test_a_malformed_rest_answer_is_a_clear_error(
    api: FakeGithub, path: str, status: int, body: Any, what: str
) -> None:
    api.raw[path] = answer(status, body)
    message = refused(api, token=None)
    assert message.startswith(f"the GitHub API at {api.url} sent a malformed answer to GET {path} (HTTP {status}): ")
    assert what in message


def test_an_excerpt_of_a_body_is_short_and_escaped(api: FakeGithub) -> None:
    api.raw["/graphql"] = answer(200, b"<pre>\x1b[31m" + b"A" * 5000 + b"</pre>")
    message = refused(api)
    assert "\x1b" not in message and "\\x1b[31m" in message
    assert len(message) < 400


def test_an_error_status_with_an_html_body_still_stops_with_words(api: FakeGithub) -> None:
    api.raw["/graphql"] = answer(400, b"<html>Bad Request</html>")
    message = refused(api)
    assert "(HTTP 400): the body is not JSON: '<html>Bad Request</html>'" in message


# --- plain http only to loopback ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    ["127.attacker.test", "127.0.0.1.attacker.test", "localhost.attacker.test", "127.1", "0x7f.0.0.1", "::ffff"],
)
def test_a_name_that_only_looks_like_loopback_never_gets_the_token_over_http(api: FakeGithub, host: str) -> None:
    port = api.url.rsplit(":", 1)[1]
    shown = f"[{host}]" if ":" in host else host
    with pytest.raises(CuratorError, match="is plain http: the token would cross the network unencrypted") as info:
        fetch(api, api_url=f"http://{shown}:{port}")
    assert info.value.exit_code == 2
    assert api.calls() == []  # refused before any connection: nothing reached even the loopback fake


def test_a_look_alike_name_is_fine_without_a_token(api: FakeGithub) -> None:
    port = api.url.rsplit(":", 1)[1]
    # No token, nothing to leak: the name is simply unresolvable here, and the run keeps last known values.
    result = fetch(api, token=None, api_url=f"http://127.attacker.test:{port}")
    assert [reason.kind for reason in result.incomplete] == [IncompleteKind.BATCH_FAILED]


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_loopback_names_get_the_token_over_http(api: FakeGithub, host: str) -> None:
    port = api.url.rsplit(":", 1)[1]
    result = fetch(api, api_url=f"http://{host}:{port}")
    assert result.metas["a/b"].stars == 5 and result.incomplete == []
    assert api.calls()[0].headers["authorization"] == f"token {GOOD_TOKEN}"


def test_ipv6_loopback_is_allowed_over_http() -> None:
    with FakeGithub() as closed:
        port = closed.url.rsplit(":", 1)[1]
    clock = FakeClock()
    result = fetch_repos(
        ["a/b"], settings=GithubSettings(api_url=f"http://[::1]:{port}"), token=GOOD_TOKEN, last_known={},
        now=NOW, sleep=clock.sleep, clock=clock,
    )  # fmt: skip
    # not refused for plain http: it tried, and found nothing listening
    assert [reason.kind for reason in result.incomplete] == [IncompleteKind.BATCH_FAILED]


# --- the token in echoed answers -------------------------------------------------------------------------------


def test_a_rejected_token_echoed_in_every_encoding_is_scrubbed() -> None:
    revoked = "ghp_RevokedTokenRevokedToken0123456789ab"
    with FakeGithub() as api:
        api.add("a/b")
        api.echo_token = True
        message = refused(api, token=revoked)
    assert message.startswith("GitHub rejected the token (401): Bad credentials (you sent: ***, ***, ***")
    assert all(form not in message for form in echoed_forms(revoked)), message
    assert revoked.lower()[4:] not in message.lower()


def test_an_echoed_token_in_an_alias_error_and_a_stop_reason_is_scrubbed(api: FakeGithub) -> None:
    api.add("c/d")
    api.echo_token = True
    api.alias_errors["c/d"] = ("FORBIDDEN", "no")
    clock = FakeClock()
    result = fetch_repos(
        ["a/b", "c/d"], settings=GithubSettings(api_url=api.url), token=GOOD_TOKEN, last_known={},
        now=NOW, sleep=clock.sleep, clock=clock,
    )  # fmt: skip
    api.fail_next.append(400)
    stopped = fetch(api)
    texts = [describe_incomplete(r) for r in [*result.incomplete, *stopped.incomplete]]
    assert len(texts) == 2 and all("***" in text for text in texts)
    for text in [*texts, repr(result), repr(stopped)]:
        assert all(form not in text for form in echoed_forms(GOOD_TOKEN)), text
        assert GOOD_TOKEN.lower() not in text.lower()


def test_any_github_shaped_token_is_scrubbed_too(api: FakeGithub) -> None:
    other = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz"
    api.alias_errors["a/b"] = ("FORBIDDEN", f"token {other} and gho_{'x' * 36}")
    result = fetch(api)
    (text,) = [describe_incomplete(r) for r in result.incomplete]
    assert other not in text and "gho_" not in text and "***" in text
