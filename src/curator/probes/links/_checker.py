"""The link checker: every URL → one LinkResult. The only code that requests link hosts.

A default request goes through the checker's own keep-alive HTTP/1.1 client (`_http11`: idle connections
per origin, every new connection behind the address guard of `_netguard`). Only requests through a proxy
go through httpx's transport with a pool per origin behind the same guard (`_proxy`, imported only then).
Hosts are keyed, and requested, in their canonical spelling (`urls.canonical_host`): every spelling of a
host shares its gate, its connections, its budget and its `links.hosts` entry.
Requests are limited globally (`links.concurrency`) and per host
(`links.host_concurrency`, `links.host_interval`, overridable per host under `links.hosts`). A URL is asked
with GET, which reads at most `links.max_bytes` of the page and stops once its `<title>` is in: one request
per URL and hop, no answer to HEAD to second-guess, and every page's title as evidence. Redirects are
followed by hand, so every hop passes the address guard (`_netguard`) and is recorded. Transient failures
are retried with exponential backoff and jitter (tenacity); a `Retry-After` pauses every request to that
host. A host may take `links.host_budget` seconds in all and the run `links.run_budget`; then, or when a
host asks to wait longer than curator waits, the links not yet requested end at once (state blocked, kind
BUDGET). A check never raises: whatever happens becomes a state and, for a failure, a `FailureKind`, set
where it happens. Probes do not judge: the rules in `curator.rules.links` turn results into findings.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import os
import random
import re
import signal
import ssl
import threading
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from curator import PROJECT_URL, __version__
from curator.config import HostSettings, LinkSettings
from curator.facts import FailureKind, Hop, LinkResult, LinkState
from curator.probes.links._classify import (
    PERMANENT_REDIRECTS,
    REDIRECT_STATUSES,
    RETRY_STATUSES,
    Failure,
    bot_wall,
    classify_exception,
    clean_text,
    clean_url,
    decode_page,
    extract_title,
    now_utc,
    parse_retry_after,
    state_for_status,
    strip_userinfo,
)
from curator.probes.links._http11 import (
    Http11Pool,
    HTTPError,
    default_ssl_context,
    proxy_for,
    proxy_routes,
    request_target,
)
from curator.probes.links._netguard import NetGuard
from curator.urls import canonical_host

if TYPE_CHECKING:  # httpx is imported only for proxies and cookies: it costs start-up time
    import httpx
    from tenacity import RetryCallState

    from curator.probes.links._proxy import OriginRouter

ProgressCallback = Callable[[LinkResult], None]
Sleep = Callable[[float], Awaitable[None]]

DEFAULT_BACKOFF = 1.0  # first retry after about this many seconds, then doubling, plus up to as much jitter
DEFAULT_BACKOFF_MAX = 30.0
_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_CHUNK = 16 * 1024
_DEFAULT_PORTS = {"http": 80, "https": 443}
_START_BATCH = 128  # tasks made between two turns of the event loop (see check_links)
# Results that say nothing about the network: the URL could not be requested, or was not (a budget ran
# out), or curator failed.
_NO_EVIDENCE = frozenset({FailureKind.INVALID_URL, FailureKind.BUDGET, FailureKind.INTERNAL})


def default_user_agent() -> str:
    return f"curator/{__version__} (+{PROJECT_URL})"


# ---------------------------------------------------------------------------------------------- public API


async def check_links(
    urls: Iterable[str],
    settings: LinkSettings | None = None,
    *,
    progress: ProgressCallback | None = None,
    allow_private_hosts: bool = False,
    guard: NetGuard | None = None,
    want_titles: bool = False,
    clock: Callable[[], float] = time.monotonic,
    sleep: Sleep = asyncio.sleep,
    now: Callable[[], datetime] = now_utc,
    backoff: float = DEFAULT_BACKOFF,
    backoff_max: float = DEFAULT_BACKOFF_MAX,
) -> dict[str, LinkResult]:
    """Check every URL once (duplicates are checked once) and return a result per URL, in input order.

    URLs matching `settings.exclude` are not requested and not in the result. `allow_private_hosts` (or
    `settings.allow_private_hosts`) lets curator connect to private and loopback addresses; `guard` replaces
    the address policy altogether (tests, intranet ranges). `want_titles` is kept for callers: every check
    now asks with GET and reads the page's title. `progress` is called with each result as it completes.

    `clock`, `sleep`, `now` and the backoff figures are injectable for tests.
    """
    settings = settings or LinkSettings()
    allow_all = allow_private_hosts or settings.allow_private_hosts
    excluded = [re.compile(pattern) for pattern in settings.exclude]
    unique = [u for u in dict.fromkeys(urls) if not any(p.search(u) for p in excluded)]
    results: dict[str, LinkResult] = {}

    def record(result: LinkResult) -> None:
        results[result.url] = result
        if progress is not None:
            progress(result)

    here = NetGuard(allow_all=allow_all, clock=clock) if guard is None else guard
    if unique:
        async with _Checker(
            settings,
            here,
            clock=clock,
            sleep=sleep,
            now=now,
            backoff=backoff,
            backoff_max=backoff_max,
        ) as checker:

            async def one(url: str) -> None:
                record(await checker.check(url))

            # A task per URL, started a batch at a time: the event loop runs every new task's first step
            # before it looks at a socket, so 5,000 tasks made at once held the first request back by
            # 0.3 s. Between batches the loop sends what the previous batch asked for. The order in which
            # URLs wait for their host and for a slot stays the input order.
            loop = asyncio.get_running_loop()
            tasks: list[asyncio.Task[None]] = []
            try:
                for index, url in enumerate(unique, 1):
                    tasks.append(loop.create_task(one(url)))
                    if index % _START_BATCH == 0:
                        await asyncio.sleep(0)
                await asyncio.gather(*tasks)
            except BaseException:
                for task in tasks:
                    task.cancel()
                raise
    return {u: results[u] for u in unique}


def check_links_sync(
    urls: Iterable[str], settings: LinkSettings | None = None, **options: Any
) -> dict[str, LinkResult]:
    """`check_links` for synchronous callers: runs its own event loop — uvloop's where it is installed
    (measured on the benchmark's farm: a fifth less CPU in the loop), else the standard one.
    `CURATOR_EVENT_LOOP=asyncio` forces the standard loop."""
    factory = _fast_loop_factory()
    with _fewer_collections():
        if factory is None:
            return asyncio.run(check_links(urls, settings, **options))
        return _run_relaying_sigterm(check_links(urls, settings, **options), factory)


_GC_YOUNG_THRESHOLD = 10_000  # during a check; Python's default is 700
_gc_lock = threading.Lock()
_gc_depth = 0
_gc_saved: tuple[int, int, int] = (700, 10, 10)


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """The cyclic garbage collector, tuned for the length of a check and restored after it.

    A check keeps a task per URL alive from its start and allocates a few objects per request. With the
    default thresholds a 20,000-link run made 655 young, 59 middle and 5 full collections, each full one
    walking every task while the event loop stood still. During a check, what existed before it is frozen
    (modules, settings: never scanned again meanwhile) and the youngest generation is collected every
    10,000 allocations instead of 700; cycles are still collected. Measured on the benchmark's farm,
    20,000 links: wall 17.1–17.6 s → 16.1–16.4 s, CPU 8.7–10.3 s → 7.5–8.5 s; 5,000 links: no change
    in peak RSS. Nested or concurrent checks (threads) share one setting: the last to end restores it.
    """
    global _gc_depth, _gc_saved
    with _gc_lock:
        if _gc_depth == 0:
            _gc_saved = gc.get_threshold()
            gc.freeze()
            young = _gc_saved[0]  # 0: automatic collection is off, and stays so
            gc.set_threshold(max(_GC_YOUNG_THRESHOLD, young) if young else 0, *_gc_saved[1:])
        _gc_depth += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_depth -= 1
            if _gc_depth == 0:
                gc.set_threshold(*_gc_saved)
                gc.unfreeze()


def _fast_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    if os.environ.get("CURATOR_EVENT_LOOP", "").strip().lower() == "asyncio":
        return None
    try:
        import uvloop
    except ImportError:
        return None
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


def _run_relaying_sigterm(
    coro: Coroutine[Any, Any, dict[str, LinkResult]], factory: Callable[[], asyncio.AbstractEventLoop]
) -> dict[str, LinkResult]:
    """Run `coro` on `factory`'s loop. uvloop runs a Python signal handler inside its loop, where an
    exception the handler raises (the CLI's SIGTERM handler raises one, so that `with` blocks unwind) is
    logged and lost. So, on the main thread, SIGTERM cancels the run while it lasts, and the process's
    own handler is called once the loop is closed. Ctrl-C is asyncio.Runner's: it cancels the run and
    raises KeyboardInterrupt, on any loop."""
    handler = signal.getsignal(signal.SIGTERM) if threading.current_thread() is threading.main_thread() else None
    terminated = False

    async def run() -> dict[str, LinkResult]:
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()

        def on_sigterm() -> None:
            nonlocal terminated
            terminated = True
            if task is not None:
                task.cancel()

        if callable(handler):
            loop.add_signal_handler(signal.SIGTERM, on_sigterm)
        return await coro

    try:
        with asyncio.Runner(loop_factory=factory) as runner:
            return runner.run(run())
    except asyncio.CancelledError:
        if not terminated:
            raise
    finally:
        if callable(handler):
            signal.signal(signal.SIGTERM, handler)  # the loop's own handler is gone with the loop
    assert callable(handler)
    handler(signal.SIGTERM, None)  # raises what the process's handler raises (curator: Terminated)
    raise asyncio.CancelledError  # pragma: no cover  (a handler that returns: the run was still cancelled)


def all_unreachable(results: Mapping[str, LinkResult]) -> bool:
    """True when no host at all could be reached: every URL checked in this run failed before any server
    answered (`FailureKind.before_answer`: DNS, refused, reset or timed-out connections), across at least
    two hosts or with a failure that says the local network itself is down (`FailureKind.NETWORK`). The
    caller then says "no host could be reached", exits 2 and records nothing. Cached results, URLs that
    could not be requested, links a budget left unchecked and internal errors are not evidence either way;
    no evidence → False."""
    checked = [r for r in results.values() if not r.from_cache and r.kind not in _NO_EVIDENCE]
    if not checked or not all(r.kind is not None and r.kind.before_answer for r in checked):
        return False
    hosts = {_host_key(r.url) for r in checked}
    return len(hosts) >= 2 or any(r.kind is FailureKind.NETWORK for r in checked)


def _host_key(url: str) -> str | None:
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return canonical_host(host) if host else None


# ---------------------------------------------------------------------------------------------- internals


class _HostGate:
    """Per-host politeness: at most `concurrency` requests at once, `interval` seconds between starts, and
    no request at all before `paused_until` (a Retry-After)."""

    __slots__ = (
        "accept",
        "budget",
        "busy",
        "busy_since",
        "concurrency",
        "ended",
        "headers",
        "host",
        "interval",
        "next_start",
        "paused_until",
        "sem",
        "spent",
    )

    def __init__(
        self,
        host: str,
        concurrency: int,
        interval: float,
        headers: dict[str, str],
        accept: frozenset[int],
        budget: float,
    ):
        self.host = host  # canonical
        self.concurrency = concurrency
        self.sem = asyncio.Semaphore(concurrency)
        self.interval = interval
        self.next_start = 0.0
        self.paused_until = 0.0
        self.headers = list(headers.items())  # built once
        self.accept = accept
        # The host's time budget: seconds with a request of it in flight, plus the pauses it asked for.
        self.budget = budget
        self.spent = 0.0
        self.busy = 0  # requests in flight
        self.busy_since = 0.0
        self.ended: str | None = None  # why no further request goes to this host

    async def enter(self, clock: Callable[[], float], sleep: Sleep, stopped: Callable[[_HostGate], str | None]) -> None:
        """A turn to send; `_NotCheckedError` instead once `stopped` says why not (a budget ran out while
        this request waited), so that a link that will not be requested takes no interval slot."""
        await self.sem.acquire()
        try:
            while True:
                why = stopped(self)
                if why is not None:
                    raise _NotCheckedError(why)
                current = clock()
                start = max(current, self.next_start, self.paused_until)
                if start <= current:
                    self.next_start = current + self.interval
                    return
                await sleep(start - current)
        except BaseException:
            self.sem.release()
            raise

    def leave(self) -> None:
        self.sem.release()

    def pause(self, now: float, until: float) -> None:
        self.spent += max(until - max(now, self.paused_until), 0.0)  # a pause is time the host takes
        self.paused_until = max(self.paused_until, until)

    def busy_start(self, now: float) -> None:
        if self.busy == 0:
            self.busy_since = now
        self.busy += 1

    def busy_end(self, now: float) -> None:
        self.busy -= 1
        if self.busy == 0:
            self.spent += now - self.busy_since

    def used(self, now: float) -> float:
        """Seconds of the budget used by `now`, the requests still in flight included."""
        return self.spent + (now - self.busy_since if self.busy else 0.0)


class _HostDownError(Exception):
    """An earlier request found this origin unreachable in this run: fail fast with the same reason."""

    def __init__(self, failure: Failure) -> None:
        self.failure = failure
        super().__init__(failure.detail)


class _NotCheckedError(_HostDownError):
    """A budget ran out (or the host asked to wait longer than curator will): nothing is sent."""

    def __init__(self, detail: str) -> None:
        super().__init__(Failure(LinkState.BLOCKED, FailureKind.BUDGET, detail))


@dataclass(slots=True)
class _Answer:
    status: int
    headers: dict[str, str]  # lower-case names
    method: str
    title: str | None = None
    body: str = ""
    retry_after: float | None = None
    wait_refused: str | None = None  # why its Retry-After is not waited for (then nothing is retried)


@dataclass(slots=True)
class _Outcome:
    state: LinkState
    status: int | None = None
    detail: str | None = None
    final_url: str | None = None
    hops: tuple[Hop, ...] = ()
    title: str | None = None
    retryable: bool = False
    retry_after: float | None = None
    kind: FailureKind | None = None


@dataclass(slots=True)
class _Check:
    url: str
    attempts: int = 0
    elapsed: float = 0.0
    host: str = ""  # canonical, of the URL itself (a retry starts there)
    last: _Outcome | None = None  # of the previous attempt: kept when a budget stops a retry


class _Checker:
    def __init__(
        self,
        settings: LinkSettings,
        guard: NetGuard,
        *,
        clock: Callable[[], float],
        sleep: Sleep,
        now: Callable[[], datetime],
        backoff: float,
        backoff_max: float,
    ) -> None:
        self.settings = settings
        self.guard = guard
        self.clock = clock
        self.sleep = sleep
        self.now = now
        self.http = Http11Pool(
            guard,
            pool_size=lambda host: self.gate(host).concurrency,
            connect_timeout=settings.connect_timeout,
            ssl_context=self._ssl_context,
        )
        self._ssl: ssl.SSLContext | None = None
        self.proxies = proxy_routes()
        self._router: OriginRouter | None = None  # the httpx transport, made when first needed
        self._extensions: dict[str, Any] | None = None
        self.global_sem = asyncio.Semaphore(settings.concurrency)
        self.gates: dict[str, _HostGate] = {}
        self.down: dict[tuple[str, str, int | None], Failure] = {}
        self.base_headers = {
            "user-agent": settings.user_agent or default_user_agent(),
            "accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "accept-language": "en;q=0.9, *;q=0.5",
            "accept-encoding": "gzip, deflate",  # decoded here, within the byte cap
        }
        self.max_attempts = settings.retries + 1
        self.backoff = backoff
        self.backoff_max = backoff_max
        self.run_started = clock()
        self._stopped = self._not_checked  # bound once: every request waiting for its host holds it
        # `links.hosts` by canonical host ("127.1", "Example.ORG." and "example.org" are one host)
        self.overrides: dict[str, HostSettings] = {}
        self.wildcards: list[tuple[str, HostSettings]] = []
        for key, value in settings.hosts.items():
            wildcard = key.startswith("*.")
            name = canonical_host(key[2:] if wildcard else key) or key.lower()
            if wildcard:
                self.wildcards.append(("." + name, value))
            else:
                self.overrides[name] = value

    async def __aenter__(self) -> _Checker:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.aclose()
        if self._router is not None:
            await self._router.aclose()

    def _ssl_context(self) -> ssl.SSLContext:
        if self._ssl is None:  # one for both clients, made on the first https request
            self._ssl = default_ssl_context()
        return self._ssl

    def _httpx_router(self) -> OriginRouter:
        if self._router is None:
            import httpx

            from curator.probes.links._proxy import OriginRouter

            self._router = OriginRouter(
                self.guard,
                pool_size=lambda host: self.gate(host).concurrency,
                ssl_context=self._ssl_context(),
                proxies=self.proxies,
            )
            timeout = httpx.Timeout(self.settings.timeout, connect=self.settings.connect_timeout)
            self._extensions = {"timeout": timeout.as_dict()}
        return self._router

    # -- hosts

    def gate(self, host: str) -> _HostGate:
        gate = self.gates.get(host)
        if gate is None:
            override = self._host_settings(host)
            concurrency = self.settings.host_concurrency
            interval = self.settings.host_interval
            headers = dict(self.base_headers)
            accept: frozenset[int] = frozenset()
            budget = self.settings.host_budget
            if override is not None:
                concurrency = override.concurrency or concurrency
                interval = override.interval if override.interval is not None else interval
                headers.update((name.lower(), value) for name, value in override.headers.items())
                accept = frozenset(override.accept)
                budget = override.budget if override.budget is not None else budget
            gate = self.gates[host] = _HostGate(host, concurrency, interval, headers, accept, budget)
        return gate

    def _host_settings(self, host: str) -> HostSettings | None:
        """The `links.hosts` entry of a (canonical) host: its own, else the closest `*.domain` one."""
        exact = self.overrides.get(host)
        if exact is not None:
            return exact
        best: tuple[str, HostSettings] | None = None
        for suffix, value in self.wildcards:  # "*.example.com" covers every subdomain
            if host.endswith(suffix) and (best is None or len(suffix) > len(best[0])):
                best = (suffix, value)
        return best[1] if best is not None else None

    def _not_checked(self, gate: _HostGate) -> str | None:
        """Why no further request may go to the gate's host (a budget is spent, or it asked to wait too
        long), or None."""
        if gate.ended is not None:
            return gate.ended
        now = self.clock()
        run_budget = self.settings.run_budget
        if now - self.run_started >= run_budget:
            return f"the run took its whole time budget (links.run_budget, {run_budget:g} s)"
        if gate.used(now) >= gate.budget:
            gate.ended = f"{gate.host} took its whole time budget (links.host_budget, {gate.budget:g} s)"
            return gate.ended
        return None

    def _retry_after(self, gate: _HostGate, seconds: float) -> str | None:
        """Honour a Retry-After: pause the host (nothing else starts meanwhile) and return None; or, when the
        wait is longer than `retry_after_cap` or than what is left of the host's budget, end the host's
        checks at once (no pause: nothing will be retried) and return why."""
        now = self.clock()
        cap = self.settings.retry_after_cap
        left = min(gate.budget - gate.used(now), self.settings.run_budget - (now - self.run_started))
        if seconds > cap:
            why = f"Retry-After {seconds:.15g} s is over the {cap:.15g} s cap (links.retry_after_cap)"
        elif seconds > left:
            why = f"Retry-After {seconds:.15g} s is longer than the {max(left, 0.0):.3g} s left of the time budget"
        else:
            gate.pause(now, now + seconds)
            return None
        gate.ended = gate.ended or f"{gate.host} asked to wait longer than curator waits ({why})"
        return why

    # -- one URL

    async def check(self, url: str) -> LinkResult:
        check = _Check(url)
        try:
            outcome = await self._check(check)
        except Exception as exc:  # a bug of ours must not sink the other 4,999 checks
            outcome = _Outcome(
                LinkState.ERROR, detail=f"internal error: {type(exc).__name__}: {exc}", kind=FailureKind.INTERNAL
            )
        # what came from outside (Location headers, error texts) is stored without raw control characters
        return LinkResult(
            url=url,
            state=outcome.state,
            status=outcome.status,
            final_url=clean_url(outcome.final_url) if outcome.final_url is not None else None,
            redirects=tuple([Hop(hop.status, clean_url(hop.url)) for hop in outcome.hops]) if outcome.hops else (),
            title=outcome.title,
            attempts=check.attempts,
            elapsed_ms=round(check.elapsed * 1000, 1),
            detail=clean_text(outcome.detail) if outcome.detail is not None else None,
            kind=outcome.kind,
            checked_at=self.now(),
        )

    async def _check(self, check: _Check) -> _Outcome:
        target, invalid = _request_url(check.url.strip())
        if target is None:
            return _Outcome(LinkState.ERROR, detail=f"invalid URL: {invalid}", kind=FailureKind.INVALID_URL)
        check.host = target.host
        outcome = await self._attempt(check, target)
        if self.max_attempts == 1 or not self._retry_wanted(check, outcome):
            return outcome  # the common case, kept off the retry machinery
        await self.sleep(self._delay(outcome, 1))
        from tenacity import AsyncRetrying, retry_if_result, stop_after_attempt  # only ever needed here

        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.max_attempts - 1),
            wait=lambda state: self._delay(state.outcome.result() if state.outcome else None, state.attempt_number + 1),
            retry=retry_if_result(lambda outcome: self._retry_wanted(check, outcome)),
            sleep=self.sleep,
            retry_error_callback=_last_outcome,
        )
        outcome = await retrying(self._attempt, check, target)
        return outcome

    def _retry_wanted(self, check: _Check, outcome: _Outcome) -> bool:
        """Retryable, and a budget allows it (else the outcome says it was not retried, and why). Called
        after every attempt that may be retried: it keeps the outcome for the next attempt to fall back on."""
        check.last = outcome
        if not outcome.retryable or check.attempts >= self.max_attempts:
            return False
        why = self._not_checked(self.gate(check.host))
        if why is None:
            return True
        outcome.retryable = False
        outcome.detail = f"{outcome.detail}; not retried: {why}"
        return False

    def _delay(self, outcome: _Outcome | None, attempts: int) -> float:
        """The wait after `attempts` tries: exponential with jitter, or none when the host is paused by a
        Retry-After (its gate then holds every request, the retry included, until the pause ends)."""
        if outcome is not None and outcome.retry_after is not None:
            return 0.0
        return min(self.backoff * 2.0 ** (attempts - 1), self.backoff_max) + random.uniform(0, self.backoff)

    async def _attempt(self, check: _Check, start: _Target) -> _Outcome:
        """One try: the request chain from `start_url` to a final answer or failure."""
        check.attempts += 1
        last_attempt = check.attempts >= self.max_attempts
        hops: list[Hop] = []
        visited: set[tuple[str, int]] = set()
        cookies: Any = None  # httpx.Cookies of this chain, once a hop sets one
        current = start
        # GET, not HEAD then GET: measured on the benchmark's farm it sends fewer requests (HEAD answers
        # of 404, 403, 405 or 5xx had to be confirmed by a GET) for less CPU, and every page gives its title
        method = "GET"
        while True:
            origin = current.origin
            gate = self.gate(current.host)
            visited.add((current.url, len(cookies.jar) if cookies is not None else 0))
            try:
                answer, cookies = await self._request(check, gate, origin, method, current, cookies)
            except Exception as exc:
                if isinstance(exc, _HostDownError):
                    failure = exc.failure
                    check.attempts -= 1  # nothing was sent: an earlier check of this origin answered for it
                    previous = check.last
                    if isinstance(exc, _NotCheckedError) and previous is not None and not hops:
                        # a retry the budget does not allow: the last answer stands, and says so
                        return dataclasses.replace(
                            previous, detail=f"{previous.detail}; not retried: {failure.detail}", retryable=False
                        )
                else:
                    failure = classify_exception(exc, timeout=self.settings.timeout)
                if (failure.connect_level and (last_attempt or not failure.retryable)) or (
                    failure.state is LinkState.TLS_ERROR
                ):
                    self.down.setdefault(origin, failure)
                detail = failure.detail
                if hops and failure.state in {LinkState.REFUSED, LinkState.BLOCKED}:
                    detail = f"redirected to {current.url}: {detail}"
                return _Outcome(
                    failure.state,
                    detail=detail,
                    final_url=current.url if hops else None,
                    hops=tuple(hops),
                    retryable=failure.retryable and not isinstance(exc, _HostDownError),
                    kind=failure.kind,
                )
            status = answer.status
            location = answer.headers.get("location") if status in REDIRECT_STATUSES else None
            if location:
                hops.append(Hop(status, current.url))
                location = _location(location)
                try:
                    joined = urljoin(current.url, location)
                except ValueError:
                    joined = ""
                following, invalid = _request_url(joined)
                if following is None:
                    what = "a non-web address" if invalid == _NOT_WEB else "an invalid address"
                    return _Outcome(
                        LinkState.ERROR,
                        status,
                        f"redirect to {what}: {location[:200]}",
                        current.url,
                        tuple(hops),
                        kind=FailureKind.REDIRECT,
                    )
                if len(hops) > self.settings.max_redirects:
                    return _Outcome(
                        LinkState.ERROR,
                        status,
                        f"too many redirects (more than {self.settings.max_redirects})",
                        following.url,
                        tuple(hops),
                        kind=FailureKind.REDIRECT,
                    )
                if (following.url, len(cookies.jar) if cookies is not None else 0) in visited:
                    return _Outcome(
                        LinkState.ERROR, status, "redirect loop", following.url, tuple(hops), kind=FailureKind.REDIRECT
                    )
                current = following
                continue
            return self._final(answer, current.url, hops, gate)

    def _final(self, answer: _Answer, url: str, hops: list[Hop], gate: _HostGate) -> _Outcome:
        status = answer.status
        wall = bot_wall(status, answer.headers, answer.title, answer.body)
        chain = tuple(hops)
        if wall is not None:
            return _Outcome(LinkState.BLOCKED, status, wall, url, chain, answer.title, kind=FailureKind.BOT_WALL)
        state, detail, kind = state_for_status(status, gate.accept)
        retryable = status in RETRY_STATUSES
        if answer.wait_refused is not None:
            retryable = False
            detail = f"{detail}; {answer.wait_refused}"
        if state is LinkState.OK and chain and chain[0].status in PERMANENT_REDIRECTS:
            state = LinkState.REDIRECT
            detail = f"moved permanently ({chain[0].status})"
        return _Outcome(state, status, detail, url, chain, answer.title, retryable, answer.retry_after, kind)

    async def _request(
        self,
        check: _Check,
        gate: _HostGate,
        origin: tuple[str, str, int | None],
        method: str,
        target: _Target,
        cookies: httpx.Cookies | None,
    ) -> tuple[_Answer, httpx.Cookies | None]:
        failure = self.down.get(origin)
        if failure is not None:
            raise _HostDownError(failure)
        await gate.enter(self.clock, self.sleep, self._stopped)  # refuses once a budget is spent
        try:
            async with self.global_sem:
                failure = self.down.get(origin)  # found out while this request waited its turn
                if failure is not None:
                    raise _HostDownError(failure)
                if (why := self._not_checked(gate)) is not None:  # likewise
                    raise _NotCheckedError(why)
                started = self.clock()
                gate.busy_start(started)
                try:
                    return await self._exchange(gate, method, target, cookies)
                finally:
                    ended = self.clock()
                    gate.busy_end(ended)
                    check.elapsed += ended - started
        finally:
            gate.leave()

    async def _send(self, gate: _HostGate, method: str, target: _Target, cookies: httpx.Cookies | None) -> _Response:
        """The request on its way: through the checker's own client, or through httpx for proxies (host names
        are canonical, so ASCII, by now)."""
        headers = gate.headers
        url = target.url
        if cookies is not None:
            header = _cookie_header(cookies, method, url)
            if header:
                headers = [*headers, ("cookie", header)]
        scheme, host, port = target.origin
        if host.isascii() and (not self.proxies or not proxy_for(self.proxies, scheme, host, port)):
            return await self.http.request(method, scheme, host, port, target.target, headers)
        import httpx

        from curator.probes.links._proxy import HttpxAnswer

        router = self._httpx_router()
        request = httpx.Request(method, url, headers=headers, extensions=self._extensions)
        # straight to the transport: of `client.send` a check would use nothing (no auth, no redirects,
        # no cookie jar, no hooks)
        response = await router.handle_async_request(request)
        response.request = request
        return HttpxAnswer(response)

    async def _exchange(
        self, gate: _HostGate, method: str, target: _Target, cookies: httpx.Cookies | None
    ) -> tuple[_Answer, httpx.Cookies | None]:
        # One deadline for the whole exchange: connection, answer and whatever of the body is read.
        loop = asyncio.get_running_loop()
        answer: _Answer | None = None
        response: _Response | None = None
        chunks: list[bytes] = []
        page = False
        cap = self.settings.max_bytes
        try:
            async with asyncio.timeout_at(loop.time() + self.settings.timeout):
                response = await self._send(gate, method, target, cookies)
                status = response.status
                headers = response.headers
                answer = _Answer(status, headers, method)
                if status in RETRY_STATUSES:
                    answer.retry_after = parse_retry_after(headers.get("retry-after"), self.now())
                    if answer.retry_after is not None:
                        # before this request leaves the host's gate: nothing else starts meanwhile
                        answer.wait_refused = self._retry_after(gate, answer.retry_after)
                if "set-cookie" in headers:
                    cookies = _keep_cookies(cookies, method, target.url, status, response.fields)
                if status not in REDIRECT_STATUSES and _worth_reading(headers, cap):
                    page = True
                    # the answer is in; the page is only evidence: a reset keeps what has arrived
                    with contextlib.suppress(HTTPError):
                        await _read_capped(response, headers, cap, chunks)
                elif _fits(headers, cap):
                    # reading a short body to its end is what lets the connection serve the next request
                    with contextlib.suppress(HTTPError):
                        async for _chunk in response.aiter_raw():
                            pass
        except TimeoutError:
            if answer is None:
                raise
            # the deadline passed while the body was read: a stall keeps what has arrived
        finally:
            if response is not None:
                await response.aclose()
        if page:
            data = b"".join(chunks)[:cap]
            if data:
                text = decode_page(data, response.charset if response is not None else None)
                answer.title = extract_title(text)
                answer.body = text if answer.status >= 400 else ""
        return answer, cookies


class _Response(Protocol):
    """What `_exchange` needs of an answer: `link_http.Response` or `link_transport.HttpxAnswer`."""

    status: int
    headers: dict[str, str]
    fields: list[tuple[str, str]]  # (lower-case name, value), repeated headers apart

    @property
    def charset(self) -> str | None: ...

    def aiter_raw(self, chunk_size: int | None = None) -> AsyncIterator[bytes]: ...

    async def aclose(self) -> None: ...


def _keep_cookies(
    cookies: httpx.Cookies | None, method: str, url: str, status: int, fields: list[tuple[str, str]]
) -> httpx.Cookies:
    """The chain's cookies with those this answer sets (a redirect chain may need them; nothing else does)."""
    import httpx

    jar = cookies if cookies is not None else httpx.Cookies()
    jar.extract_cookies(httpx.Response(status, headers=fields, request=httpx.Request(method, url)))
    return jar


def _cookie_header(cookies: httpx.Cookies, method: str, url: str) -> str | None:
    import httpx

    request = httpx.Request(method, url)
    cookies.set_cookie_header(request)
    header: str | None = request.headers.get("cookie")
    return header


_NOT_WEB = "not an absolute http(s) URL"
_PRINTABLE_ASCII = "".join(chr(c) for c in range(0x21, 0x7F))


def _location(value: str) -> str:
    """A Location header as a URL: its bytes (headers are decoded as Latin-1) beyond printable ASCII, and
    control characters, percent-encoded as browsers send them — the UTF-8 of a bidi control becomes
    `%E2%80%AE`, never a raw control character in a stored URL or detail."""
    return quote(value.strip().encode("latin-1", "replace"), safe=_PRINTABLE_ASCII)


class _Target:
    """A URL as curator requests it: canonical, split once (`urlsplit` three times per hop showed in the
    profile)."""

    __slots__ = ("host", "origin", "target", "url")

    def __init__(self, url: str, scheme: str, host: str, port: int, target: str) -> None:
        self.url = url
        self.host = host
        self.origin = (scheme, host, port)
        self.target = target  # path and query, as sent on the request line


def _request_url(text: str) -> tuple[_Target | None, str | None]:
    """The URL as curator requests it, and None; or None and why it cannot be requested.

    No credentials, no fragment, a path of at least "/", and scheme, host and port in their canonical form
    (the host as `canonical_host` spells it, a default port left out): every spelling of one host shares
    its gate, its connections and what is known of it."""
    try:
        parts = urlsplit(text)
        if "@" in parts.netloc:  # credentials are never sent: split again without them
            parts = urlsplit(strip_userinfo(text))
        scheme = parts.scheme.lower()
        hostname = parts.hostname
        port = parts.port
    except ValueError as exc:
        return None, str(exc)
    if scheme not in _DEFAULT_PORTS or not hostname:
        return None, _NOT_WEB
    host = canonical_host(hostname)
    if host is None:
        return None, f"bad host name {hostname!r}"
    if port == 0:
        return None, "port 0"
    default = _DEFAULT_PORTS[scheme]
    name = f"[{host}]" if ":" in host else host
    netloc = name if port is None or port == default else f"{name}:{port}"
    path = parts.path or "/"
    url = urlunsplit((scheme, netloc, path, parts.query, ""))
    return _Target(url, scheme, host, port or default, request_target(path, parts.query)), None


def _last_outcome(state: RetryCallState) -> _Outcome:
    assert state.outcome is not None
    result: _Outcome = state.outcome.result()
    return result


def _worth_reading(headers: Mapping[str, str], cap: int) -> bool:
    kind = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if not kind or kind.startswith(_HTML_TYPES):
        return True
    return _fits(headers, cap)  # small: reading it keeps the connection reusable


def _fits(headers: Mapping[str, str], cap: int) -> bool:
    length = headers.get("content-length", "")
    return length.isdigit() and int(length) <= cap


async def _read_capped(response: _Response, headers: Mapping[str, str], cap: int, parts: list[bytes]) -> None:
    """At most `cap` bytes off the wire and at most `cap` bytes of decoded page, whatever the encoding.

    A body whose Content-Length fits the cap is read to its end (so the connection can be reused); any
    other body is abandoned at the cap, or as soon as the title is in, and its connection closed. The
    decoded bytes are appended to `parts` as they come, so a caller that gives up keeps what arrived.
    """
    encoding = headers.get("content-encoding", "").strip().lower()
    decoder: Any = None
    if encoding in {"gzip", "x-gzip", "deflate"}:
        decoder = zlib.decompressobj(47 if encoding != "deflate" else 15)
    elif encoding not in {"", "identity"}:
        return  # not one we asked for: no title, and nothing to decode
    whole_fits = _fits(headers, cap)
    raw = 0
    size = 0
    tail = b""
    async for chunk in response.aiter_raw(_CHUNK):
        raw += len(chunk)
        if size < cap:
            if decoder is not None:
                try:
                    chunk = decoder.decompress(chunk, cap - size)
                except zlib.error:
                    if encoding == "deflate" and raw == len(chunk):
                        decoder = zlib.decompressobj(-15)  # raw deflate, as some servers send it
                        chunk = decoder.decompress(chunk, cap - size)
                    else:
                        decoder, chunk = None, b""
                        size = cap  # undecodable: keep what we have
            parts.append(chunk)
            size += len(chunk)
        if whole_fits:
            continue
        if size >= cap or raw >= cap:
            break
        window = tail + chunk.lower()
        if b"</title" in window:
            break  # the connection is lost to the rest of the body anyway, and the title is in
        tail = window[-8:]
