"""GitHub repository metadata: what every repository in the catalog is now.

With a token (`GITHUB_TOKEN` or `GH_TOKEN`) repositories are read through GraphQL, up to
`github.batch_size` (100) per query, so 1,000 repositories cost about ten calls. Without one, GraphQL is not
available: the unauthenticated REST API is asked for as many repositories as its budget (60 an hour) allows.

A failed fetch never produces empty data. Whatever could not be read this run — rate limit exhausted and
the reset too far away, the API unreachable, one repository answering an error — keeps its last known
values (`RepoMeta.from_cache`), and `RepoFetch.incomplete` says why, as `IncompleteReason` values the
`metadata-incomplete` rule words for the user.

An answer that is not what the GitHub API sends — a body that is not JSON, a field of the wrong type or
missing, a rate-limit header that is not a sane number — is a CuratorError naming the API and what was
wrong: usually `github.api_url` points at something else, and guessing would mark repositories missing.

The token is sent only to the configured API (`github.api_url`), and over plain http only to a loopback
address: PyGithub follows a 301 only on the same host, and nothing else is followed. It never appears in a
message, an exception or a repr: the API's own words reach a message only as a short excerpt with the
token scrubbed in every encoding a server could echo it in (`github_query.Scrubber`).
"""

from __future__ import annotations

import ipaddress
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
from curator.facts import IncompleteKind, IncompleteReason, RepoMeta
from curator.probes.github_query import (
    LATEST_EPOCH,
    MAX_COUNT,
    Scrubber,
    alias,
    build_query,
    header_number,
    parse_datetime,
    query_variables,
    repo_from_graphql,
    repo_from_rest,
    retry_after_seconds,
)
from curator.urls import GithubRepo, github_repo

__all__ = ["TOKEN_ENV_VARS", "RepoFetch", "fetch_repos", "token_from_env"]

TOKEN_ENV_VARS = ("GITHUB_TOKEN", "GH_TOKEN")

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
    incomplete: list[IncompleteReason] = field(default_factory=list)  # why some values are not fresh
    api_calls: int = 0
    skipped: list[str] = field(default_factory=list)  # keys not fetched this run
    rate_remaining: int | None = None  # requests (REST) or points (GraphQL) left, as last answered; None: unknown


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
    progress: Callable[[int], None] | None = None,
) -> RepoFetch:
    """Fetch metadata for `repos` (GithubRepo, or "owner/name"; duplicates are asked for once).
    `progress` is called with the number of repositories each answered request settled.

    Raises CuratorError only for what the user must fix: a token GitHub rejects (401), an API URL that is
    not usable, or an API whose answers are not GitHub's (malformed). Every other failure ends in partial
    results, last known values and `incomplete` reasons.
    `ca_file` is a CA bundle to verify the API's certificate with (`SSL_CERT_FILE`).
    """
    fetched_at = now or datetime.fromtimestamp(clock(), UTC)
    wanted = _wanted(repos)
    token = token or None
    result = RepoFetch()
    if not wanted:
        return result
    api_url = checked_api_url(settings.api_url, has_token=token is not None)
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
    run = _Run(
        gh.requester,
        settings=settings,
        token=token,
        fetched_at=fetched_at,
        sleep=sleep,
        clock=clock,
        progress=progress or _no_progress,
    )
    try:
        with _quiet_pygithub():
            if token:
                run.graphql(wanted)
            else:
                run.rest(wanted)
    finally:
        gh.close()
    result.api_calls = run.api_calls
    result.rate_remaining = run.remaining
    _finish(result, wanted, run, last_known, has_token=token is not None)
    return result


def _no_progress(_settled: int) -> None:
    pass


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


def checked_api_url(url: str, *, has_token: bool) -> str:
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise CuratorError(f"github.api_url {url!r} is not an http(s) URL")
    if has_token and parts.scheme == "http" and not _loopback(parts.hostname):
        raise CuratorError(
            f"github.api_url {url!r} is plain http: the token would cross the network unencrypted; use https "
            "(plain http is allowed only to localhost or a loopback IP address)"
        )
    return url


def _loopback(host: str) -> bool:
    """Only a literal loopback address or `localhost` stays on this machine: a name such as
    `127.example.test` resolves wherever its owner likes."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
        result.incomplete.append(
            IncompleteReason(
                kind=IncompleteKind.API_ERROR,
                repos=len(failed),
                never_known=sum(1 for k in failed if k not in last_known),
                failures=tuple((k, run.failures[k]) for k in sorted(failed)),
            )
        )
    rest = [r for r in unfetched if r.key not in failed]
    if not rest:
        return
    stopped = IncompleteReason(
        kind=IncompleteKind.RATE_LIMITED if run.rate_limited else IncompleteKind.BATCH_FAILED,
        repos=len(rest),
        never_known=sum(1 for r in rest if r.key not in last_known),
        detail=run.stopped,
        with_token=has_token,
    )
    if not has_token:
        stopped = replace(
            stopped,
            kind=IncompleteKind.NO_TOKEN_BUDGET if run.rate_limited else IncompleteKind.BATCH_FAILED,
            fetched=len(wanted) - len(unfetched),
            wanted=len(wanted),
            hourly_limit=run.limit,
            reset_at=datetime.fromtimestamp(run.reset_at, UTC) if run.reset_at is not None else None,
        )
    result.incomplete.append(stopped)


# --- one run --------------------------------------------------------------------------------------------


class _Transient(Exception):
    """A fault worth another try; `reason` (with `{attempts}` filled in) is what the user reads when the
    tries run out."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.template = reason

    def reason(self, attempts: int) -> str:
        return self.template.replace("{attempts}", str(attempts))


class _Stop(Exception):
    """End the run early: what is left keeps its last known values. `reason` is shown to the user."""

    def __init__(self, reason: str, *, rate_limited: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.rate_limited = rate_limited


_NOT_JSON = object()  # a body that is not JSON (an HTML error page, a proxy's text, truncated bytes)


@dataclass(frozen=True, slots=True)
class _Reply:
    verb: str
    url: str  # as requested: relative to the API, or the GraphQL URL
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: Any  # parsed JSON, None for an empty body, or _NOT_JSON
    text: str  # the body as sent, for an excerpt


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
        progress: Callable[[int], None],
    ) -> None:
        self._requester = requester
        self._progress = progress
        self._settings = settings
        self._scrubber = Scrubber(token)
        self._has_token = token is not None
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
                if reply.status in SPLIT_STATUSES:
                    payload: Mapping[str, Any] = _mapping(reply.body)
                    errors = [e for e in payload.get("errors") or [] if isinstance(e, dict)]
                else:
                    payload = self._object(reply)
                    errors = self._errors(reply, payload)
                data = payload.get("data")
                if reply.status in SPLIT_STATUSES or (reply.status == 200 and _timed_out(data, errors)):
                    # Too big to answer in time: ask again for half as many, and keep that size from now on.
                    gateway_failures += 1
                    if len(chunk) == 1 and gateway_failures >= ATTEMPTS:
                        raise _Stop(f"GitHub's GraphQL API failed ({self._describe(reply, errors)})")
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
                if reply.status != 200 or data is None:
                    raise _Stop(f"GitHub's GraphQL API answered {self._describe(reply, errors)}")
                if not isinstance(data, dict):
                    self._malformed(reply, f"'data' is {_kind(data)}, not an object")
                gateway_failures = limited = 0
                cost = self._note_graphql_rate(reply, data.get("rateLimit"), cost)
                self._take_graphql(reply, chunk, data, errors)
                i += len(chunk)
                self._progress(len(chunk))
        except _Stop as stop:
            self.stopped = self._scrubber(stop.reason)
            self.rate_limited = stop.rate_limited

    def _take_graphql(
        self, reply: _Reply, chunk: list[_Request], data: Mapping[str, Any], errors: list[dict[str, Any]]
    ) -> None:
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
                    self._malformed(reply, f"repository {req.requested} ({name}): {exc}")
            elif value is not None:
                self._malformed(reply, f"repository {req.requested} ({name}) is {_kind(value)}, not an object")
            elif problem is not None and problem.get("type") == "NOT_FOUND":
                self.metas[req.key] = self._missing(req)
            elif problem is not None:
                message = problem.get("message") or problem.get("type") or "error"
                self.failures[req.key] = self._scrubber.excerpt(str(message))
            else:
                self.failures[req.key] = "no data and no error in GitHub's answer"

    def _missing(self, req: _Request) -> RepoMeta:
        return RepoMeta(requested=req.requested, missing=True, fetched_at=self._fetched_at)

    def _note_graphql_rate(self, reply: _Reply, rate: object, cost: int) -> int:
        if rate is None:
            return cost  # an Enterprise server without rate limiting
        if not isinstance(rate, dict):
            self._malformed(reply, f"'rateLimit' is {_kind(rate)}, not an object")
        remaining, used = rate.get("remaining"), rate.get("cost")
        for name, value in (("remaining", remaining), ("cost", used)):
            if value is not None and (not _count_value(value)):
                self._malformed(reply, f"rateLimit.{name} is {_kind(value)}, not a count")
        try:
            reset = parse_datetime(rate.get("resetAt"))
        except ValueError as exc:
            self._malformed(reply, f"rateLimit.resetAt: {exc}")
        if isinstance(remaining, int):
            self.remaining = remaining
        if reset is not None:
            self.reset_at = reset.timestamp()
        return used if isinstance(used, int) and used > 0 else cost

    # --- REST, without a token

    def rest(self, wanted: list[_Request]) -> None:
        try:
            self._rest_budget()
            for req in wanted:
                reply = self.request("GET", f"/repos/{req.owner}/{req.name}", cost=1)
                if reply.status == 200:
                    try:
                        meta = repo_from_rest(req.requested, self._object(reply), self._fetched_at)
                    except ValueError as exc:
                        self._malformed(reply, f"repository {req.requested}: {exc}")
                    if meta.name_with_owner and meta.name_with_owner.lower() != req.key:
                        self.api_calls += 1  # renamed: PyGithub followed a 301 to /repositories/{id}
                    self.metas[req.key] = meta
                elif reply.status == 404:
                    # GitHub's 404 is JSON with a message; an HTML page means the URL is not the API, and
                    # taking it for "this repository is gone" would turn a typo into errors for every entry.
                    if _message(self._object(reply)) is None:
                        self._malformed(reply, "a 404 without GitHub's JSON message")
                    self.metas[req.key] = self._missing(req)
                else:
                    self.failures[req.key] = self._describe(reply, [])
                self._progress(1)
        except _Stop as stop:
            self.stopped = self._scrubber(stop.reason)
            self.rate_limited = stop.rate_limited

    def _rest_budget(self) -> None:
        """`GET /rate_limit` costs nothing and tells how many repositories fit in this hour."""
        reply = self.request("GET", "/rate_limit", cost=0)
        if reply.status != 200:
            return  # e.g. GitHub Enterprise without rate limiting: 404 "Rate limiting is not enabled."
        resources = self._object(reply).get("resources")
        core = _mapping(resources).get("core") if resources is not None else None
        if core is None:
            return
        if not isinstance(core, dict):
            self._malformed(reply, f"resources.core is {_kind(core)}, not an object")
        for name in ("remaining", "limit", "reset"):
            if name in core and not _count_value(core[name], allow_float=name == "reset"):
                self._malformed(reply, f"resources.core.{name} is {_kind(core[name])}, not a count")
        if isinstance(core.get("remaining"), int):
            self.remaining = core["remaining"]
        if isinstance(core.get("limit"), int):
            self.limit = core["limit"]
        if isinstance(core.get("reset"), int | float):
            self.reset_at = float(core["reset"])

    # --- one request, with rate limits and transient faults handled

    def request(self, verb: str, url: str, body: object = None, *, cost: int, split: bool = False) -> _Reply:
        """Send one request. Waits out rate limits within `max_rate_limit_wait`, retries transient faults
        (a refused or reset connection, a 5xx) with exponential backoff through tenacity — the one retry
        style of the probes — and raises _Stop when neither helps. A 502/504 is returned when `split` is set."""
        from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

        def give_up(state: RetryCallState) -> NoReturn:
            assert state.outcome is not None
            fault = state.outcome.exception()
            assert isinstance(fault, _Transient)
            raise _Stop(fault.reason(state.attempt_number))

        retrying = Retrying(
            stop=stop_after_attempt(ATTEMPTS),
            wait=lambda state: min(BACKOFF_CAP, 2.0 ** (state.attempt_number - 1)),
            retry=retry_if_exception_type(_Transient),
            sleep=self._sleep,
            retry_error_callback=give_up,
        )
        reply: _Reply = retrying(self._attempt, verb, url, body, cost=cost, split=split)
        return reply

    def _attempt(self, verb: str, url: str, body: object, *, cost: int, split: bool) -> _Reply:
        """One try, rate-limit waits included (GitHub names those waits; they are not backoff)."""
        waits = 0
        while True:
            if cost and self.remaining is not None and self.remaining < cost:
                self._wait_for_reset()
            try:
                status, raw_headers, text = self._requester.requestJson(verb, url, input=body)
            except OSError as exc:  # requests' errors: refused, reset, timed out, TLS
                self.api_calls += 1
                raise _Transient(
                    f"the GitHub API at {self._requester.base_url} is unreachable ({type(exc).__name__})"
                ) from None
            except RuntimeError:  # PyGithub refuses a redirect to another host or scheme
                self.api_calls += 1
                raise _Stop(
                    f"the GitHub API at {self._requester.base_url} redirected to another host; curator does "
                    "not follow it, so the token stays with the configured API"
                ) from None
            except (ValueError, OverflowError) as exc:
                # PyGithub turns x-ratelimit-remaining, -limit and -reset into ints as it reads the answer:
                # "inf" overflows, "nan" and text do not convert.
                raise CuratorError(
                    f"the GitHub API at {self._requester.base_url} sent a malformed answer to {verb} "
                    f"{self._shown(url)}: a rate-limit header (x-ratelimit-remaining, x-ratelimit-limit or "
                    f"x-ratelimit-reset) is not a finite number ({self._scrubber.excerpt(str(exc))})"
                ) from None
            self.api_calls += 1
            headers = {str(k).lower(): str(v) for k, v in raw_headers.items()}
            reply = _Reply(verb, url, status, headers, _json(text), text or "")
            self._note_rate(reply)
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
                raise _Transient(f"GitHub API answered {status} {{attempts}} times in a row")
            return reply

    def _unauthorized(self, reply: _Reply) -> NoReturn:
        message = _message(reply.body)
        message = self._scrubber.excerpt(message) if message else "unauthorized"
        if self._has_token:
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
        try:
            retry_after = retry_after_seconds(reply.headers.get("retry-after"), self._clock())
        except ValueError as exc:
            self._malformed(reply, str(exc))
        if retry_after is not None:  # secondary rate limit: GitHub names the wait
            self._wait(retry_after, "GitHub's secondary rate limit asks to wait")
        elif reply.headers.get("x-ratelimit-remaining") == "0":
            self.remaining = 0
            self._wait_for_reset()
        else:  # a secondary limit without retry-after: at least a minute, longer each time
            self._wait(SECONDARY_WAIT * 2 ** (waits - 1), "GitHub's secondary rate limit asks to wait")

    def _note_rate(self, reply: _Reply) -> None:
        headers = reply.headers
        try:
            remaining = header_number("x-ratelimit-remaining", headers.get("x-ratelimit-remaining"), maximum=MAX_COUNT)
            reset = header_number("x-ratelimit-reset", headers.get("x-ratelimit-reset"), maximum=LATEST_EPOCH)
            limit = header_number("x-ratelimit-limit", headers.get("x-ratelimit-limit"), maximum=MAX_COUNT)
        except ValueError as exc:
            self._malformed(reply, str(exc))
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

    # --- what reaches a message

    def _object(self, reply: _Reply) -> Mapping[str, Any]:
        """The body of an answer that must be a JSON object."""
        if reply.body is _NOT_JSON or reply.body is None:
            shown = self._scrubber.excerpt(reply.text, 80)
            what = "is empty" if not reply.text.strip() else f"is not JSON: '{shown}'"
            self._malformed(reply, f"the body {what}")
        if not isinstance(reply.body, dict):
            self._malformed(reply, f"the body is {_kind(reply.body)}, not an object")
        return reply.body

    def _errors(self, reply: _Reply, payload: Mapping[str, Any]) -> list[dict[str, Any]]:
        errors = payload.get("errors")
        if errors is None:
            return []
        if not isinstance(errors, list) or not all(isinstance(e, dict) for e in errors):
            self._malformed(reply, "'errors' is not a list of objects")
        return errors

    def _malformed(self, reply: _Reply, what: str) -> NoReturn:
        raise CuratorError(
            f"the GitHub API at {self._requester.base_url} sent a malformed answer to {reply.verb} "
            f"{self._shown(reply.url)} (HTTP {reply.status}): {self._scrubber.excerpt(what, 300)}. Is "
            "github.api_url the API of a GitHub server?"
        ) from None  # called from `except` blocks: the chained error would show the API's raw words

    def _shown(self, url: str) -> str:
        return url.removeprefix(self._requester.base_url) or "/"

    def _describe(self, reply: _Reply, errors: Sequence[Mapping[str, Any]]) -> str:
        detail = _message(reply.body) or "; ".join(str(e.get("message")) for e in errors[:3] if e.get("message"))
        if not detail and reply.body is _NOT_JSON:
            detail = reply.text
        return f"HTTP {reply.status}: {self._scrubber.excerpt(detail)}" if detail else f"HTTP {reply.status}"


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _rate_limited(errors: list[dict[str, Any]]) -> bool:
    return any(e.get("type") == "RATE_LIMITED" for e in errors)


def _timed_out(data: object, errors: list[dict[str, Any]]) -> bool:
    """No data at all, and GitHub says nothing more useful than that the query took too long."""
    if data is not None or _rate_limited(errors):
        return False
    text = " ".join(str(e.get("message", "")) for e in errors).lower()
    return not errors or "timeout" in text or "timed out" in text or "something went wrong" in text


def _json(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nesting too deep for the parser
        return _NOT_JSON


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _message(body: object) -> str | None:
    message = _mapping(body).get("message")
    return message if isinstance(message, str) else None


def _kind(value: object) -> str:
    """A JSON value's type in JSON's words, for a message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else type(value).__name__


def _count_value(value: object, *, allow_float: bool = False) -> bool:
    if isinstance(value, bool):
        return False
    kinds = (int, float) if allow_float else (int,)
    return isinstance(value, kinds) and 0 <= value <= (LATEST_EPOCH if allow_float else MAX_COUNT)
