"""Facts: immutable records of what the probes observed. Probes produce them, rules read them."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from curator.errors import Problem

NetworkState = Literal["off", "ok", "unreachable"]


class LinkState(enum.StrEnum):
    OK = "ok"
    REDIRECT = "redirect"  # permanent (301/308): the final URL is a fix
    DEAD = "dead"  # 404, 410, name resolution failure
    BLOCKED = "blocked"  # the site is up but refuses robots (403, 429, 999, bot walls)
    ERROR = "error"  # 5xx after retries
    UNREACHABLE = "unreachable"  # timeouts, refused connections
    TLS_ERROR = "tls-error"
    REFUSED = "refused"  # a private or reserved address curator will not connect to

    @property
    def failed(self) -> bool:
        """States that count towards a link's failure history."""
        return self in {LinkState.DEAD, LinkState.ERROR, LinkState.UNREACHABLE, LinkState.TLS_ERROR}


class FailureKind(enum.StrEnum):
    """Why a link check failed, set where the failure happens (never worked out again from a message)."""

    DNS = "dns"  # the name does not resolve: DNS says it does not exist
    REFUSED = "refused"  # the connection was refused, reset or closed before an answer (or no route to the host)
    TIMEOUT = "timeout"  # connect or read took longer than allowed
    TLS = "tls"  # the TLS handshake or certificate failed
    PROTOCOL = "protocol"  # the server broke HTTP
    NETWORK = "network"  # the local network is down: network unreachable, or DNS could not be asked
    INVALID_URL = "invalid-url"  # not a URL curator can request
    POLICY = "refused-by-policy"  # a private or reserved address curator will not connect to
    HTTP_STATUS = "http-status"  # the server answered with a failing status
    BOT_WALL = "bot-wall"  # the site answered with a challenge page
    REDIRECT = "redirect"  # a redirect that cannot be followed (loop, too many, non-web target)
    BUDGET = "budget"  # not checked: the host's or the run's time budget ran out, or the host asked to wait
    # longer than curator waits (Retry-After); the state is then BLOCKED, never a failure
    INTERNAL = "internal"  # a bug in curator

    @property
    def before_answer(self) -> bool:
        """No server answered: evidence that the network (or the host) could not be reached."""
        return self in {FailureKind.DNS, FailureKind.REFUSED, FailureKind.TIMEOUT, FailureKind.NETWORK}


@dataclass(frozen=True, slots=True)
class Hop:
    status: int
    url: str  # the URL that answered with `status`


@dataclass(frozen=True, slots=True)
class LinkResult:
    url: str
    state: LinkState
    status: int | None = None
    final_url: str | None = None
    redirects: tuple[Hop, ...] = ()
    title: str | None = None
    attempts: int = 1
    elapsed_ms: float = 0.0
    detail: str | None = None  # why, in words: "connection refused", "Cloudflare challenge page"
    kind: FailureKind | None = None  # why, as a value; None when the check did not fail
    checked_at: datetime | None = None
    from_cache: bool = False


@dataclass(frozen=True, slots=True)
class LinkHistory:
    """What the state database knows of a URL's failures, this run included."""

    consecutive_failures: int = 0
    failing_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class RepoMeta:
    """What GitHub says a repository is now. `requested` is the owner/name as the catalog wrote it."""

    requested: str
    name_with_owner: str | None = None  # canonical; differs from `requested` after a rename or transfer
    missing: bool = False
    stars: int | None = None
    forks: int | None = None
    pushed_at: datetime | None = None
    last_commit_at: datetime | None = None
    archived: bool = False
    disabled: bool = False
    is_fork: bool = False
    license: str | None = None
    description: str | None = None
    homepage: str | None = None
    latest_release_at: datetime | None = None
    fetched_at: datetime | None = None
    from_cache: bool = False  # last known values, kept because this run could not fetch them


class IncompleteKind(enum.StrEnum):
    """Why some repository metadata is not fresh this run."""

    API_ERROR = "api-error"  # GitHub answered an error for these repositories (the others came back)
    RATE_LIMITED = "rate-limited"  # with a token: the rate limit ran out and its reset was too far away
    NO_TOKEN_BUDGET = "no-token-budget"  # noqa: S105  (no token: the unauthenticated budget fell short)
    BATCH_FAILED = "batch-failed"  # the API failed (unreachable, server errors, a redirect elsewhere)


@dataclass(frozen=True, slots=True)
class IncompleteReason:
    """One reason some repositories kept their last known values; the `metadata-incomplete` rule words it."""

    kind: IncompleteKind
    repos: int  # repositories this reason left without fresh values
    never_known: int = 0  # of those, how many have no last known values either
    detail: str | None = None  # why the fetch stopped, in words (scrubbed); None for API_ERROR
    failures: tuple[tuple[str, str], ...] = ()  # API_ERROR: (owner/name, GitHub's message), by name
    with_token: bool = True
    fetched: int = 0  # without a token: repositories fetched this run, of `wanted`
    wanted: int = 0
    hourly_limit: int | None = None  # NO_TOKEN_BUDGET: the unauthenticated budget, requests an hour
    reset_at: datetime | None = None  # NO_TOKEN_BUDGET: when the budget is renewed


@dataclass(frozen=True, slots=True)
class ReadmeFacts:
    """How the README's generated tables compare with the catalog (read by `curator check`)."""

    file: str  # as shown to the user
    stale: tuple[tuple[str, int], ...] = ()  # (catalog file stem, line of its begin marker) that differ
    problems: tuple[Problem, ...] = ()  # marker problems: file, line, what is wrong


@dataclass(frozen=True)
class Facts:
    """Everything the pipeline learned in one run, built once (`pipeline.gather`); empty for `--offline`.

    `network` says what the network phase did: "off" (offline), "ok", or "unreachable" (no host at all
    answered, so no link or repository fact is known and nothing was recorded). `notes` are the run's
    remarks for the report; `record_error` says why the run could not be recorded, if it could not."""

    links: dict[str, LinkResult] = field(default_factory=dict)
    link_history: dict[str, LinkHistory] = field(default_factory=dict)
    repos: dict[str, RepoMeta] = field(default_factory=dict)  # by lower-case "owner/name"
    repo_history: dict[str, LinkHistory] = field(default_factory=dict)
    incomplete: list[IncompleteReason] = field(default_factory=list)  # why metadata is not fresh, if it is
    readme: ReadmeFacts | None = None  # None: no README to compare (none found, or not asked for)
    now: datetime | None = None
    network: NetworkState = "off"
    history_missing: bool = False  # the state database held no earlier finished run (new, lost or reset)
    notes: tuple[str, ...] = ()
    record_error: str | None = None
    github_rate_remaining: int | None = None  # GitHub's rate limit left after the metadata fetch, if it said
