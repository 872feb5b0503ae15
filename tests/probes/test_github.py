"""The GitHub probe against a fake GitHub API on loopback (tests/support/fake_github.py)."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from github import Github

from curator.config import GithubSettings
from curator.errors import CuratorError
from curator.facts import RepoMeta
from curator.probes.github import RepoFetch, fetch_repos, token_from_env
from curator.rules.repos import TOKEN_HINT, describe_incomplete
from curator.urls import GithubRepo, github_repo
from tests.support.fake_github import GOOD_TOKEN, FakeClock, FakeGithub, LinkHost

NOW = datetime(2025, 10, 1, 12, 0, tzinfo=UTC)
LAST_RUN = datetime(2025, 9, 1, tzinfo=UTC)


@pytest.fixture
def api() -> Iterator[FakeGithub]:
    with FakeGithub() as fake:
        yield fake


def names(n: int, prefix: str = "org") -> list[str]:
    return [f"{prefix}/repo-{i:04d}" for i in range(n)]


def populate(api: FakeGithub, full_names: list[str]) -> None:
    for i, name in enumerate(full_names):
        api.add(name, stars=100 + i)


def known(full_names: list[str], stars: int = 7) -> dict[str, RepoMeta]:
    return {n.lower(): RepoMeta(requested=n, name_with_owner=n, stars=stars, fetched_at=LAST_RUN) for n in full_names}


def reasons(result: RepoFetch) -> list[str]:
    """The metadata-incomplete rule's words for each reason."""
    return [describe_incomplete(reason) for reason in result.incomplete]


def fetch(
    api: FakeGithub,
    repos: Sequence[GithubRepo | str],
    *,
    token: str | None = GOOD_TOKEN,
    last_known: dict[str, RepoMeta] | None = None,
    clock: FakeClock | None = None,
    **settings: Any,
) -> RepoFetch:
    clock = clock or FakeClock()
    api.clock = clock
    return fetch_repos(
        repos,
        settings=GithubSettings(api_url=api.url, **settings),
        token=token,
        last_known=last_known or {},
        now=NOW,
        sleep=clock.sleep,
        clock=clock,
    )


# --- with a token: GraphQL ------------------------------------------------------------------------------


def test_graphql_reads_every_field_in_one_call(api: FakeGithub) -> None:
    api.add(
        "openai/whisper",
        stars=70_123,
        forks=8_000,
        pushed_at="2025-09-20T08:00:00Z",
        last_commit_at="2025-09-18T07:00:00Z",
        license="MIT",
        description="Robust speech recognition",
        homepage="https://openai.com/research/whisper",
        latest_release_at="2024-11-30T00:00:00Z",
    )
    api.add("ggml-org/llama.cpp", license=None, last_commit_at=None, fork=True, homepage="")

    result = fetch(api, ["openai/whisper", "ggml-org/llama.cpp"])

    assert result.api_calls == 1
    assert result.incomplete == [] and result.skipped == []
    whisper = result.metas["openai/whisper"]
    assert whisper == RepoMeta(
        requested="openai/whisper",
        name_with_owner="openai/whisper",
        stars=70_123,
        forks=8_000,
        pushed_at=datetime(2025, 9, 20, 8, tzinfo=UTC),
        last_commit_at=datetime(2025, 9, 18, 7, tzinfo=UTC),
        license="MIT",
        description="Robust speech recognition",
        homepage="https://openai.com/research/whisper",
        latest_release_at=datetime(2024, 11, 30, tzinfo=UTC),
        fetched_at=NOW,
    )
    llama = result.metas["ggml-org/llama.cpp"]
    assert (llama.license, llama.last_commit_at, llama.is_fork, llama.homepage) == (None, None, True, None)


def test_graphql_passes_names_as_variables_and_asks_for_the_rate_limit(api: FakeGithub) -> None:
    populate(api, ["a/x", "b/y"])
    fetch(api, ["a/x", "b/y"])
    (call,) = api.calls("/graphql")
    assert call.body["variables"] == {"o0": "a", "n0": "x", "o1": "b", "n1": "y"}
    query = call.body["query"]
    assert "r1: repository(owner: $o1, name: $n1)" in query
    assert "rateLimit" in query and '"a"' not in query
    assert call.headers["authorization"] == f"token {GOOD_TOKEN}"


def test_thousand_repositories_take_at_most_eleven_calls(api: FakeGithub) -> None:
    repos = names(1000)
    populate(api, repos)
    result = fetch(api, repos)
    assert result.api_calls <= 11
    assert api.graphql_sizes() == [100] * 10
    assert len(result.metas) == 1000 and not any(m.from_cache for m in result.metas.values())
    assert result.metas["org/repo-0999"].stars == 1099


def test_duplicates_are_asked_for_once_and_keyed_lower_case(api: FakeGithub) -> None:
    api.add("Org/Tool", stars=5)
    repo = github_repo("https://github.com/Org/Tool/tree/main/docs")
    assert repo is not None
    result = fetch(api, [repo, "org/tool", "ORG/TOOL"])
    assert api.graphql_sizes() == [1]
    assert list(result.metas) == ["org/tool"]
    assert result.metas["org/tool"].requested == "Org/Tool"


def test_graphql_resolves_a_renamed_repository_to_its_new_name(api: FakeGithub) -> None:
    api.add("lm-sys/FastChat", stars=38_000)
    api.rename("lm-sys/FastChat", "lm-sys/fastchat-next")
    result = fetch(api, ["lm-sys/FastChat"])
    meta = result.metas["lm-sys/fastchat"]
    assert meta.requested == "lm-sys/FastChat"
    assert meta.name_with_owner == "lm-sys/fastchat-next"
    assert meta.stars == 38_000 and not meta.missing


def test_not_found_on_one_alias_keeps_the_others(api: FakeGithub) -> None:
    repos = names(60)
    populate(api, repos)
    api.delete("org/repo-0031")
    result = fetch(api, repos)
    assert result.api_calls == 1
    gone = result.metas["org/repo-0031"]
    assert gone.missing and gone.name_with_owner is None and not gone.from_cache
    others = [m for k, m in result.metas.items() if k != "org/repo-0031"]
    assert len(others) == 59
    assert all(not m.missing and m.stars == 100 + int(m.requested[-4:]) for m in others)
    assert result.incomplete == []


def test_archived_and_disabled(api: FakeGithub) -> None:
    api.add("old/archived", archived=True)
    api.add("gone/disabled", disabled=True)
    result = fetch(api, ["old/archived", "gone/disabled"])
    assert result.metas["old/archived"].archived
    assert result.metas["gone/disabled"].disabled


def test_another_error_on_one_alias_keeps_that_repository_s_last_known_values(api: FakeGithub) -> None:
    populate(api, ["a/ok", "b/blocked"])
    api.alias_errors["b/blocked"] = ("FORBIDDEN", "Repository access blocked")
    result = fetch(api, ["a/ok", "b/blocked"], last_known=known(["b/blocked"]))
    assert result.metas["b/blocked"].from_cache and result.metas["b/blocked"].stars == 7
    assert not result.metas["a/ok"].from_cache
    assert result.skipped == ["b/blocked"]
    assert reasons(result) == [
        "GitHub could not return 1 repository (b/blocked: Repository access blocked); it keeps its last known values"
    ]


# --- rate limits ------------------------------------------------------------------------------------------


def test_rate_limit_exhausted_mid_run_stops_with_partial_results(api: FakeGithub) -> None:
    repos = names(1000)
    populate(api, repos)
    api.graphql_budget.remaining = 3  # three queries left, the reset an hour away
    last = known(repos[:600])  # the rest were never read before

    result = fetch(api, repos, last_known=last)

    assert result.api_calls == 3  # the budget was known to be spent: no fourth call to be refused
    fresh = [m for m in result.metas.values() if not m.from_cache]
    cached = [m for m in result.metas.values() if m.from_cache]
    assert len(fresh) == 300 and all(m.stars and m.stars >= 100 for m in fresh)
    assert len(cached) == 300 and all(m.stars == 7 for m in cached)
    assert len(result.skipped) == 700 and "org/repo-0999" not in result.metas
    (reason,) = reasons(result)
    assert reason.startswith("GitHub's rate limit is used up until ")
    assert "s away — longer than github.max_rate_limit_wait (900 s)" in reason
    assert reason.endswith("; 700 repositories not fetched, they keep their last known values (400 have none yet)")


@pytest.mark.parametrize("status", [200, 403])
def test_rate_limit_refused_on_the_first_call_waits_for_a_near_reset(api: FakeGithub, status: int) -> None:
    repos = names(250)
    populate(api, repos)
    clock = FakeClock()
    api.graphql_rate_limited_status = status
    api.graphql_budget.remaining = 0
    api.graphql_budget.reset_at = int(clock()) + 120

    result = fetch(api, repos, clock=clock)

    assert len(clock.sleeps) == 1 and 120 <= clock.sleeps[0] <= 122
    assert result.incomplete == [] and len(result.metas) == 250
    assert result.api_calls == 4  # refused once, then three batches


def test_rate_limit_reset_too_far_keeps_last_known_values(api: FakeGithub) -> None:
    repos = names(5)
    populate(api, repos)
    api.graphql_budget.remaining = 0
    result = fetch(api, repos, last_known=known(repos), max_rate_limit_wait=60)
    assert result.api_calls == 1
    assert all(m.from_cache and m.stars == 7 for m in result.metas.values())
    (reason,) = reasons(result)
    assert "longer than github.max_rate_limit_wait (60 s)" in reason
    assert reason.endswith("; 5 repositories not fetched, they keep their last known values")


def test_secondary_rate_limit_honours_retry_after(api: FakeGithub) -> None:
    populate(api, ["a/b"])
    api.secondary_limit = 1
    api.retry_after = 7
    clock = FakeClock()
    result = fetch(api, ["a/b"], clock=clock)
    assert clock.sleeps == [7.0]
    assert result.api_calls == 2 and [c.status for c in api.calls()] == [403, 200]
    assert not result.metas["a/b"].from_cache and result.incomplete == []


def test_secondary_rate_limit_longer_than_the_maximum_wait_stops(api: FakeGithub) -> None:
    populate(api, ["a/b"])
    api.secondary_limit = 1
    api.retry_after = 3600
    clock = FakeClock()
    result = fetch(api, ["a/b"], clock=clock, last_known=known(["a/b"]))
    assert clock.sleeps == []
    assert result.metas["a/b"].from_cache
    assert reasons(result) == [
        "GitHub's secondary rate limit asks to wait for 3,600 s — longer than github.max_rate_limit_wait "
        "(900 s); 1 repository not fetched, it keeps its last known values"
    ]


# --- faults ----------------------------------------------------------------------------------------------


def test_502_on_a_large_batch_splits_it_in_halves(api: FakeGithub) -> None:
    repos = names(200)
    populate(api, repos)
    api.max_batch = 30
    clock = FakeClock()

    result = fetch(api, repos, clock=clock)

    # 100 → 502; 50 → 502; then 25 at a time, the size that worked, for the rest of the run
    assert api.graphql_sizes() == [100, 50] + [25] * 8
    assert [c.status for c in api.calls("/graphql")][:3] == [502, 502, 200]
    assert clock.sleeps == [1.0, 2.0]  # backoff before each smaller retry
    assert result.api_calls == 10
    assert len(result.metas) == 200 and result.incomplete == []


def test_502_even_for_one_repository_stops_after_a_few_tries(api: FakeGithub) -> None:
    populate(api, ["a/b", "c/d"])
    api.max_batch = 0
    clock = FakeClock()
    result = fetch(api, ["a/b", "c/d"], clock=clock, last_known=known(["a/b"]))
    assert api.graphql_sizes() == [2, 1, 1, 1]
    assert result.metas["a/b"].from_cache and "c/d" not in result.metas
    (reason,) = reasons(result)
    assert reason.startswith("GitHub API answered 502 3 times in a row")
    assert reason.endswith("2 repositories not fetched, they keep their last known values (1 has none yet)")


def test_a_server_error_is_retried_with_backoff(api: FakeGithub) -> None:
    populate(api, ["a/b"])
    api.fail_next.extend([500, 503])
    clock = FakeClock()
    result = fetch(api, ["a/b"], clock=clock)
    assert clock.sleeps == [1.0, 2.0]
    assert result.api_calls == 3 and not result.metas["a/b"].from_cache


def test_unreachable_api_keeps_last_known_values() -> None:
    with FakeGithub() as fake:
        url = fake.url
    clock = FakeClock()
    result = fetch_repos(
        ["a/b"],
        settings=GithubSettings(api_url=url),
        token=GOOD_TOKEN,
        last_known=known(["a/b"]),
        now=NOW,
        sleep=clock.sleep,
        clock=clock,
    )
    assert result.api_calls == 3 and clock.sleeps == [1.0, 2.0]
    assert result.metas["a/b"].from_cache
    assert reasons(result) == [
        f"the GitHub API at {url} is unreachable (ConnectionError); 1 repository not fetched, it keeps its "
        "last known values"
    ]


def test_bad_token_is_a_clear_error_without_the_token(api: FakeGithub) -> None:
    populate(api, ["a/b"])
    bad = "ghp_ThisTokenWasRevoked0000000000000000"
    with pytest.raises(CuratorError) as info:
        fetch(api, ["a/b"], token=bad)
    message = str(info.value)
    assert message.startswith("GitHub rejected the token (401): Bad credentials.")
    assert "GITHUB_TOKEN" in message
    assert info.value.exit_code == 2
    assert bad not in "".join(traceback.format_exception(info.value)) and bad not in repr(info.value)


# --- without a token: REST -------------------------------------------------------------------------------


def test_without_a_token_rest_fetches_only_what_the_budget_allows(api: FakeGithub) -> None:
    repos = names(100)
    populate(api, repos)
    api.core_budget.remaining = 40
    result = fetch(api, repos, token=None, last_known=known(repos[:80]))

    paths = [c.path for c in api.calls()]
    assert paths[0] == "/rate_limit" and len(paths) == 41  # the budget first, then exactly what fits
    assert all(c.status != 403 for c in api.calls())
    assert all("authorization" not in c.headers for c in api.calls())
    assert result.api_calls == 41
    assert sum(not m.from_cache for m in result.metas.values()) == 40
    assert sum(m.from_cache for m in result.metas.values()) == 40  # repo-0040..0079 had last known values
    assert len(result.skipped) == 60
    (reason,) = reasons(result)
    assert reason.startswith(
        "no GitHub token: the unauthenticated rate limit (60 requests an hour) allowed 40 of 100 "
        "repositories, next reset "
    )
    assert reason.endswith(
        " UTC; 60 skipped, they keep their last known values (20 have none yet) — set GITHUB_TOKEN "
        "(or GH_TOKEN) to fetch all repositories in a few GraphQL calls"
    )
    assert TOKEN_HINT in reason


def test_without_a_token_a_renamed_repository_follows_the_301(api: FakeGithub) -> None:
    api.add("huggingface/transformers", stars=150_000)
    api.add("old-owner/old-name", stars=12, pushed_at="2025-09-09T09:00:00Z")
    api.rename("old-owner/old-name", "new-owner/new-name")
    api.delete("huggingface/transformers")

    result = fetch(api, ["old-owner/old-name", "huggingface/transformers"], token=None)

    moved = result.metas["old-owner/old-name"]
    assert moved.name_with_owner == "new-owner/new-name" and moved.stars == 12
    # REST has no last-commit date: the last push stands in for it
    assert moved.last_commit_at == moved.pushed_at == datetime(2025, 9, 9, 9, tzinfo=UTC)
    assert result.metas["huggingface/transformers"].missing
    calls = [(c.path, c.status) for c in api.calls()]
    repo_id = api.find("new-owner/new-name").id  # type: ignore[union-attr]
    assert calls == [
        ("/rate_limit", 200),
        ("/repos/old-owner/old-name", 301),
        (f"/repositories/{repo_id}", 200),
        ("/repos/huggingface/transformers", 404),
    ]
    assert result.api_calls == 4 and result.incomplete == []


def test_without_a_token_archived(api: FakeGithub) -> None:
    api.add("old/archived", archived=True, disabled=False)
    result = fetch(api, ["old/archived"], token=None)
    assert result.metas["old/archived"].archived


# --- the token stays with the API -------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 307, 308])
@pytest.mark.parametrize("token", [GOOD_TOKEN, None])
def test_a_redirect_to_another_host_is_not_followed(api: FakeGithub, status: int, token: str | None) -> None:
    populate(api, ["a/b"])
    with LinkHost("127.0.0.2") as elsewhere:
        api.redirect_all = (status, elsewhere.url)
        result = fetch(api, ["a/b"], token=token, last_known=known(["a/b"]))
        assert elsewhere.log == []
    assert result.metas["a/b"].from_cache
    assert len(result.incomplete) == 1


def test_the_token_never_appears_in_output_logs_or_other_hosts(
    api: FakeGithub, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    repos = names(30)
    populate(api, repos)
    api.rename("org/repo-0003", "org/renamed")
    api.delete("org/repo-0004")
    api.secondary_limit = 1
    api.max_batch = 10
    api.alias_errors["org/repo-0005"] = ("FORBIDDEN", f"echo {GOOD_TOKEN}")  # a server that echoes it back
    with LinkHost("127.0.0.2") as elsewhere:
        api.redirects["org/repo-0001"] = f"{elsewhere.url}/repositories/1"
        result = fetch(api, repos, batch_size=20)
        no_token = fetch(api, ["org/repo-0001", "org/repo-0002"], token=None)
        assert elsewhere.log == []
    out = capsys.readouterr()
    texts = [out.out, out.err, caplog.text, repr(result), str(result), repr(no_token)]
    assert all(GOOD_TOKEN not in text for text in texts)
    assert any("***" in reason for reason in reasons(result))
    hosts = {c.host for c in api.calls() if "authorization" in c.headers}
    assert hosts == {api.url.removeprefix("http://")}


def test_plain_http_to_a_remote_host_is_refused_with_a_token() -> None:
    with pytest.raises(CuratorError, match="plain http"):
        settings = GithubSettings(api_url="http://ghe.example.com/api/v3")
        fetch_repos(["a/b"], settings=settings, token="t", last_known={})


def test_nothing_to_fetch_makes_no_call() -> None:
    result = fetch_repos([], settings=GithubSettings(), token=None, last_known={})
    assert result == RepoFetch()


def test_graphql_url_is_derived_from_the_api_url_as_pygithub_does() -> None:
    assert Github(base_url="https://api.github.com").requester.graphql_url == "https://api.github.com/graphql"
    enterprise = Github(base_url="https://ghe.example.com/api/v3")
    assert enterprise.requester.graphql_url == "https://ghe.example.com/api/graphql"


def test_token_from_env() -> None:
    assert token_from_env({"GITHUB_TOKEN": "a", "GH_TOKEN": "b"}) == "a"
    assert token_from_env({"GITHUB_TOKEN": "  ", "GH_TOKEN": "b"}) == "b"
    assert token_from_env({}) is None


def test_from_cache_values_take_the_requested_spelling(api: FakeGithub) -> None:
    api.graphql_budget.remaining = 0
    last = {"org/tool": replace(known(["org/tool"])["org/tool"], requested="org/tool")}
    result = fetch(api, ["Org/Tool"], last_known=last, max_rate_limit_wait=0)
    assert result.metas["org/tool"].requested == "Org/Tool" and result.metas["org/tool"].from_cache


# --- the rate limit left, for `curator serve`'s metrics ------------------------------------------------


def test_the_rate_limit_left_is_reported(api: FakeGithub) -> None:
    repos = names(3)
    populate(api, repos)
    api.graphql_budget.remaining = 4000
    with_token = fetch(api, repos)
    assert with_token.rate_remaining is not None and with_token.rate_remaining < 4000
    api.core_budget.remaining = 40
    without = fetch(api, repos, token=None)
    assert without.rate_remaining is not None and without.rate_remaining <= 40
    assert fetch(api, []).rate_remaining is None  # nothing asked: nothing known
