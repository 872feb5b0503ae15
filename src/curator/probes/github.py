"""GitHub repository metadata: what every repository in the catalog is now.

With a token (`GITHUB_TOKEN` or `GH_TOKEN`) repositories are read through GraphQL, up to
`github.batch_size` (100) per query, so 1,000 repositories cost about ten calls. Without one, GraphQL is not
available: the unauthenticated REST API is asked for as many repositories as its budget (60 an hour) allows.

A failed fetch never produces empty data. Whatever could not be read this run — rate limit exhausted and
the reset too far away, the API unreachable, one repository answering an error — keeps its last known
values (`RepoMeta.from_cache`), and `RepoFetch.incomplete` says why in words the `metadata-incomplete` rule
shows the user.

The token is sent only to the configured API (`github.api_url`): PyGithub follows a 301 only on the same
host, and nothing else is followed. It never appears in a message, an exception or a repr.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, NoReturn
from urllib.parse import urlsplit

from github import Auth, Github
from github.Requester import Requester

from curator import PROJECT_URL, __version__
from curator.config import GithubSettings
from curator.errors import CuratorError
from curator.facts import RepoMeta
from curator.probes.github_query import (
    alias,
    build_query,
    parse_datetime,
    query_variables,
    repo_from_graphql,
    repo_from_rest,
)
from curator.urls import GithubRepo, github_repo

__all__ = ["TOKEN_ENV_VARS", "TOKEN_HINT", "RepoFetch", "fetch_repos", "token_from_env"]

TOKEN_ENV_VARS = ("GITHUB_TOKEN", "GH_TOKEN")
TOKEN_HINT = "set GITHUB_TOKEN (or GH_TOKEN) to fetch all repositories in a few GraphQL calls"  # noqa: S105

Sleep = Callable[[float], None]
Clock = Callable[[], float]  # seconds since the epoch, like time.time

TIMEOUT = 30  # seconds per request; GitHub itself gives up on a GraphQL query after about 10
ATTEMPTS = 3  # tries of one request on a transient fault (connection, 5xx) before the run stops
RATE_LIMIT_WAITS = 4  # rate-limit waits for one request before the run stops
SECONDARY_WAIT = 60.0  # GitHub's advice for a secondary rate limit that names no retry-after
RESET_MARGIN = 1.0  # GitHub's reset time is whole seconds; ask again just after it
BACKOFF_CAP = 30.0
SPLIT_STATUSES = frozenset({502, 504})  # a GraphQL query that took too long: ask for fewer repositories
RETRY_STATUSES = frozenset({500, 502, 503, 504})


@dataclass
class RepoFetch:
    """What one run learned. `metas` holds fresh values and, for what could not be fetched, the last known
    ones (`from_cache=True`); a repository never fetched and never known is absent from it (and in
    `skipped`)."""

    metas: dict[str, RepoMeta] = field(default_factory=dict)  # by lower-case "owner/name" as requested
    incomplete: list[str] = field(default_factory=list)  # why some values are not fresh, one reason each
    api_calls: int = 0
    skipped: list[str] = field(default_factory=list)  # keys not fetched this run


def token_from_env(env: Mapping[str, str]) -> str | None:
    """The GitHub token from `GITHUB_TOKEN`, else `GH_TOKEN`; None when neither is set (or blank)."""
    for name in TOKEN_ENV_VARS:
        value = env.get(name, "").strip()
        if value:
            return value
    return None


def fetch_repos(
    repos: Iterable[GithubRepo | str],
    *,
    settings: GithubSettings,
    token: str | None,
    last_known: Mapping[str, RepoMeta],
    now: datetime | None = None,
    sleep: Sleep = time.sleep,
    clock: Clock = time.time,
    ca_file: str | None = None,
) -> RepoFetch:
    """Fetch metadata for `repos` (GithubRepo, or "owner/name"; duplicates are asked for once).

    Raises CuratorError only for what the user must fix: a token GitHub rejects (401), or an API URL that is
    not usable. Every other failure ends in partial results, last known values and `incomplete` reasons.
    `ca_file` is a CA bundle to verify the API's certificate with (`SSL_CERT_FILE`).
    """
    fetched_at = now or datetime.fromtimestamp(clock(), UTC)
    wanted = _wanted(repos)
    token = token or None
    result = RepoFetch()
    if not wanted:
        return result
    api_url = _api_url(settings.api_url, has_token=token is not None)
    gh = Github(
        auth=Auth.Token(token) if token else None,
        base_url=api_url,
        timeout=TIMEOUT,
        user_agent=f"curator/{__version__} (+{PROJECT_URL})",
        verify=ca_file or True,
        retry=None,  # retries, backoff and rate-limit waits are ours: counted, bounded, injectable sleep
        seconds_between_requests=None,  # requests are serial already; PyGithub's spacing would sleep for real
        seconds_between_writes=None,  # a GraphQL query is a POST but not a write
    )
    run = _Run(gh.requester, settings=settings, token=token, fetched_at=fetched_at, sleep=sleep, clock=clock)
    try:
        with _quiet_pygithub():
            if token:
                run.graphql(wanted)
            else:
                run.rest(wanted)
    finally:
        gh.close()
    result.api_calls = run.api_calls
    _finish(result, wanted, run, last_known, has_token=token is not None)
    return result


@contextmanager
def _quiet_pygithub() -> Iterator[None]:
    """PyGithub logs to stderr at INFO on import ("Following Github server redirection ..."): keep a
    command's output clean while we are the ones calling it; warnings still show."""
    logger = logging.getLogger("github")
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(level)


# --- requests and results ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Request:
    key: str
    owner: str
    name: str
    requested: str


def _wanted(repos: Iterable[GithubRepo | str]) -> list[_Request]:
    out: dict[str, _Request] = {}
    for item in repos:
        repo = item if isinstance(item, GithubRepo) else github_repo(f"https://github.com/{item.strip()}")
        if repo is None:
            raise ValueError(f"not a GitHub owner/name: {item!r}")
        out.setdefault(repo.key, _Request(repo.key, repo.owner, repo.name, repo.full_name))
    return list(out.values())


def _api_url(url: str, *, has_token: bool) -> str:
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise CuratorError(f"github.api_url {url!r} is not an http(s) URL")
    loopback = parts.hostname in {"localhost", "::1"} or parts.hostname.startswith("127.")
    if has_token and parts.scheme == "http" and not loopback:
        raise CuratorError(
            f"github.api_url {url!r} is plain http: the token would cross the network unencrypted; use https"
        )
    return url


def _finish(
    result: RepoFetch,
    wanted: list[_Request],
    run: _Run,
    last_known: Mapping[str, RepoMeta],
    *,
    has_token: bool,
) -> None:
    result.metas.update(run.metas)
    unfetched = [r for r in wanted if r.key not in run.metas]
    failed = {r.key for r in unfetched if r.key in run.failures}
    for req in unfetched:
        result.skipped.append(req.key)
        known = last_known.get(req.key)
        if known is not None:
            result.metas[req.key] = replace(known, requested=req.requested, from_cache=True)
    if failed:
        details = "; ".join(f"{k}: {run.failures[k]}" for k in sorted(failed)[:5])
        more = f"; and {len(failed) - 5} more" if len(failed) > 5 else ""
        result.incomplete.append(
            f"GitHub could not return {_count(len(failed), 'repository', 'repositories')} ({details}{more}); "
            f"{_keep(len(failed), sum(1 for k in failed if k not in last_known))}"
        )
    rest = [r for r in unfetched if r.key not in failed]
    if not rest:
        return
    none_yet = sum(1 for r in rest if r.key not in last_known)
    reason = run.stopped or "the run ended early"
    keep = _keep(len(rest), none_yet)
    if has_token:
        counted = _count(len(rest), "repository", "repositories")
        result.incomplete.append(f"{reason}; {counted} not fetched, {keep}")
        return
    done = len(wanted) - len(unfetched)
    if run.rate_limited:
        limit = f" ({run.limit} requests an hour)" if run.limit else ""
        reset = f", next reset {_when(run.reset_at)}" if run.reset_at else ""
        result.incomplete.append(
            f"no GitHub token: the unauthenticated rate limit{limit} allowed {done} of {len(wanted)} "
            f"repositories{reset}; {len(rest):,} skipped, {keep} — {TOKEN_HINT}"
        )
    else:
        result.incomplete.append(
            f"{reason}; without a GitHub token {done} of {len(wanted)} repositories were fetched, "
            f"{len(rest):,} skipped, {keep} — {TOKEN_HINT}"
        )


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _keep(n: int, none_yet: int) -> str:
    text = f"{'it keeps its' if n == 1 else 'they keep their'} last known values"
    if none_yet:
        text += f" ({none_yet:,} {'has' if none_yet == 1 else 'have'} none yet)"
    return text


# --- one run --------------------------------------------------------------------------------------------


class _Stop(Exception):
    """End the run early: what is left keeps its last known values. `reason` is shown to the user."""

    def __init__(self, reason: str, *, rate_limited: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.rate_limited = rate_limited


@dataclass(frozen=True, slots=True)
class _Reply:
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: Any  # parsed JSON, or None


class _Run:
    """The state of one fetch: API budget, time waited, calls made, results so far."""

    def __init__(
        self,
        requester: Requester,
        *,
        settings: GithubSettings,
        token: str | None,
        fetched_at: datetime,
        sleep: Sleep,
        clock: Clock,
    ) -> None:
        self._requester = requester
        self._settings = settings
        self._token = token
        self._fetched_at = fetched_at
        self._sleep = sleep
        self._clock = clock
        self.api_calls = 0
        self.waited = 0.0
        self.remaining: int | None = None
        self.reset_at: float | None = None
        self.limit: int | None = None
        self.metas: dict[str, RepoMeta] = {}
        self.failures: dict[str, str] = {}  # key → why GitHub did not return it
        self.stopped: str | None = None
        self.rate_limited = False  # stopped by a rate limit, not a fault

    def __repr__(self) -> str:  # never show the token
        return f"<_Run api_calls={self.api_calls} fetched={len(self.metas)}>"

    # --- GraphQL, with a token

    def graphql(self, wanted: list[_Request]) -> None:
        size = self._settings.batch_size
        cost = 1
        gateway_failures = 0
        limited = 0
        i = 0
        try:
            while i < len(wanted):
                chunk = wanted[i : i + size]
                variables = query_variables([(r.owner, r.name) for r in chunk])
                body = {"query": build_query(len(chunk)), "variables": variables}
                url = self._requester.graphql_url
                reply = self.request("POST", url, body, cost=cost, split=len(chunk) > 1)
                payload = _mapping(reply.body)
                errors = [e for e in payload.get("errors") or [] if isinstance(e, dict)]
                data = payload.get("data")
                if reply.status in SPLIT_STATUSES or (reply.status == 200 and _timed_out(data, errors)):
                    # Too big to answer in time: ask again for half as many, and keep that size from now on.
                    gateway_failures += 1
                    if len(chunk) == 1 and gateway_failures >= ATTEMPTS:
                        raise _Stop(f"GitHub's GraphQL API failed ({_describe(reply, errors)})")
                    size = max(1, (len(chunk) + 1) // 2)
                    self._backoff(gateway_failures)
                    continue
                if _rate_limited(errors):
                    limited += 1
                    self.remaining = 0
                    if limited > RATE_LIMIT_WAITS:
                        raise _Stop("GitHub's GraphQL rate limit stays used up", rate_limited=True)
                    self._wait_for_reset()
                    continue
                if reply.status != 200 or not isinstance(data, dict):
                    raise _Stop(f"GitHub's GraphQL API answered {_describe(reply, errors)}")
                gateway_failures = limited = 0
                cost = self._note_graphql_rate(data.get("rateLimit"), cost)
                self._take_graphql(chunk, data, errors)
                i += len(chunk)
        except _Stop as stop:
            self.stopped = self._scrub(stop.reason)
            self.rate_limited = stop.rate_limited

    def _take_graphql(self, chunk: list[_Request], data: Mapping[str, Any], errors: list[dict[str, Any]]) -> None:
        by_alias: dict[str, dict[str, Any]] = {}
        for error in errors:
            path = error.get("path")
            if isinstance(path, list) and path and isinstance(path[0], str):
                by_alias.setdefault(path[0], error)
        for index, req in enumerate(chunk):
            name = alias(index)
            value = data.get(name)
            problem = by_alias.get(name)
            if isinstance(value, dict):
                try:
                    self.metas[req.key] = repo_from_graphql(req.requested, value, self._fetched_at)
                except ValueError as exc:
                    self.failures[req.key] = self._scrub(f"unexpected answer: {exc}")
            elif problem is not None and problem.get("type") == "NOT_FOUND":
                self.metas[req.key] = self._missing(req)
            elif problem is not None:
                message = problem.get("message") or problem.get("type") or "error"
                self.failures[req.key] = self._scrub(str(message))
            else:
                self.failures[req.key] = "no data and no error in GitHub's answer"

    def _missing(self, req: _Request) -> RepoMeta:
        return RepoMeta(requested=req.requested, missing=True, fetched_at=self._fetched_at)

    def _note_graphql_rate(self, rate: object, cost: int) -> int:
        if not isinstance(rate, dict):
            return cost
        if isinstance(rate.get("remaining"), int):
            self.remaining = rate["remaining"]
        try:
            reset = parse_datetime(rate.get("resetAt"))
        except ValueError:
            reset = None
        if reset is not None:
            self.reset_at = reset.timestamp()
        used = rate.get("cost")
        return used if isinstance(used, int) and used > 0 else cost

    # --- REST, without a token

    def rest(self, wanted: list[_Request]) -> None:
        try:
            self._rest_budget()
            for req in wanted:
                reply = self.request("GET", f"/repos/{req.owner}/{req.name}", cost=1)
                if reply.status == 200 and isinstance(reply.body, dict):
                    try:
                        meta = repo_from_rest(req.requested, reply.body, self._fetched_at)
                    except ValueError as exc:
                        self.failures[req.key] = self._scrub(f"unexpected answer: {exc}")
                        continue
                    if meta.name_with_owner and meta.name_with_owner.lower() != req.key:
                        self.api_calls += 1  # renamed: PyGithub followed a 301 to /repositories/{id}
                    self.metas[req.key] = meta
                elif reply.status == 404:
                    self.metas[req.key] = self._missing(req)
                else:
                    self.failures[req.key] = self._scrub(_describe(reply, []))
        except _Stop as stop:
            self.stopped = self._scrub(stop.reason)
            self.rate_limited = stop.rate_limited

    def _rest_budget(self) -> None:
        """`GET /rate_limit` costs nothing and tells how many repositories fit in this hour."""
        reply = self.request("GET", "/rate_limit", cost=0)
        core = _mapping(_mapping(_mapping(reply.body).get("resources")).get("core"))
        if reply.status != 200 or not core:
            return  # e.g. GitHub Enterprise without rate limiting: 404 "Rate limiting is not enabled."
        if isinstance(core.get("remaining"), int):
            self.remaining = core["remaining"]
        if isinstance(core.get("limit"), int):
            self.limit = core["limit"]
        if isinstance(core.get("reset"), int | float):
            self.reset_at = float(core["reset"])

    # --- one request, with rate limits and transient faults handled

    def request(self, verb: str, url: str, body: object = None, *, cost: int, split: bool = False) -> _Reply:
        """Send one request. Waits out rate limits within `max_rate_limit_wait`, retries transient faults
        with backoff, and raises _Stop when neither helps. A 502/504 is returned when `split` is set."""
        faults = 0
        waits = 0
        while True:
            if cost and self.remaining is not None and self.remaining < cost:
                self._wait_for_reset()
            try:
                status, raw_headers, text = self._requester.requestJson(verb, url, input=body)
            except OSError as exc:  # requests' errors: refused, reset, timed out, TLS
                self.api_calls += 1
                faults += 1
                if faults >= ATTEMPTS:
                    raise _Stop(
                        f"the GitHub API at {self._requester.base_url} is unreachable ({type(exc).__name__})"
                    ) from None
                self._backoff(faults)
                continue
            except RuntimeError:  # PyGithub refuses a redirect to another host or scheme
                self.api_calls += 1
                raise _Stop(
                    f"the GitHub API at {self._requester.base_url} redirected to another host; curator does "
                    "not follow it, so the token stays with the configured API"
                ) from None
            self.api_calls += 1
            headers = {str(k).lower(): str(v) for k, v in raw_headers.items()}
            reply = _Reply(status, headers, _json(text))
            self._note_rate(headers)
            if status == 401:
                self._unauthorized(reply)
            if status in {403, 429} and self._is_rate_limit(reply):
                waits += 1
                if waits > RATE_LIMIT_WAITS:
                    raise _Stop("GitHub's rate limit persisted through several waits", rate_limited=True)
                self._wait_rate_limit(reply, waits)
                continue
            if status in SPLIT_STATUSES and split:
                return reply
            if status in RETRY_STATUSES:
                faults += 1
                if faults >= ATTEMPTS:
                    raise _Stop(f"GitHub API answered {status} {faults} times in a row")
                self._backoff(faults)
                continue
            return reply

    def _unauthorized(self, reply: _Reply) -> NoReturn:
        message = self._scrub(_message(reply.body) or "unauthorized")
        if self._token:
            raise CuratorError(
                f"GitHub rejected the token (401): {message}. Check GITHUB_TOKEN / GH_TOKEN: "
                "it may be expired, revoked or for another GitHub host."
            )
        raise CuratorError(
            f"the GitHub API at {self._requester.base_url} requires authentication (401): {message}. "
            "Set GITHUB_TOKEN (or GH_TOKEN)."
        )

    def _is_rate_limit(self, reply: _Reply) -> bool:
        if reply.status == 429 or "retry-after" in reply.headers:
            return True
        if reply.headers.get("x-ratelimit-remaining") == "0":
            return True
        return "rate limit" in (_message(reply.body) or "").lower()

    def _wait_rate_limit(self, reply: _Reply, waits: int) -> None:
        retry_after = _seconds(reply.headers.get("retry-after"))
        if retry_after is not None:  # secondary rate limit: GitHub names the wait
            self._wait(retry_after, "GitHub's secondary rate limit asks to wait")
        elif reply.headers.get("x-ratelimit-remaining") == "0":
            self.remaining = 0
            self._wait_for_reset()
        else:  # a secondary limit without retry-after: at least a minute, longer each time
            self._wait(SECONDARY_WAIT * 2 ** (waits - 1), "GitHub's secondary rate limit asks to wait")

    def _note_rate(self, headers: Mapping[str, str]) -> None:
        remaining = _seconds(headers.get("x-ratelimit-remaining"))
        reset = _seconds(headers.get("x-ratelimit-reset"))
        limit = _seconds(headers.get("x-ratelimit-limit"))
        if remaining is not None:
            self.remaining = int(remaining)
        if reset is not None:
            self.reset_at = reset
        if limit is not None:
            self.limit = int(limit)

    def _wait_for_reset(self) -> None:
        """The budget is spent: wait for the reset if it is near enough, else stop."""
        what = "GitHub's rate limit is used up"
        if self.reset_at is None:
            self._wait(SECONDARY_WAIT, what, f"for {SECONDARY_WAIT:,.0f} s")
        else:
            delay = max(0.0, self.reset_at - self._clock()) + RESET_MARGIN
            self._wait(delay, what, f"until {_when(self.reset_at)}, {delay:,.0f} s away")
        self.remaining = None

    def _wait(self, seconds: float, what: str, how_long: str | None = None) -> None:
        limit = self._settings.max_rate_limit_wait
        if self.waited + seconds > limit:
            already = f", {self.waited:,.0f} s of it waited already" if self.waited else ""
            raise _Stop(
                f"{what} {how_long or f'for {seconds:,.0f} s'} — longer than github.max_rate_limit_wait "
                f"({limit:,.0f} s{already})",
                rate_limited=True,
            )
        self._sleep(seconds)
        self.waited += seconds

    def _backoff(self, attempt: int) -> None:
        self._sleep(min(BACKOFF_CAP, 2.0 ** (attempt - 1)))

    def _scrub(self, text: str) -> str:
        return text.replace(self._token, "***") if self._token else text


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _rate_limited(errors: list[dict[str, Any]]) -> bool:
    return any(e.get("type") == "RATE_LIMITED" for e in errors)


def _timed_out(data: object, errors: list[dict[str, Any]]) -> bool:
    """No data at all, and GitHub says nothing more useful than that the query took too long."""
    if isinstance(data, dict) or _rate_limited(errors):
        return False
    text = " ".join(str(e.get("message", "")) for e in errors).lower()
    return not errors or "timeout" in text or "timed out" in text or "something went wrong" in text


def _json(text: str) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _message(body: object) -> str | None:
    message = _mapping(body).get("message")
    return message if isinstance(message, str) else None


def _seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _describe(reply: _Reply, errors: Sequence[Mapping[str, Any]]) -> str:
    detail = _message(reply.body) or "; ".join(str(e.get("message")) for e in errors[:3] if e.get("message"))
    return f"HTTP {reply.status}: {detail}" if detail else f"HTTP {reply.status}"
