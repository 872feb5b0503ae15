"""The link checker: every URL → one LinkResult. The only code that requests link hosts.

A default request goes through the checker's own keep-alive HTTP/1.1 client (`_http11`: idle connections
per origin, every new connection behind the address guard of `_netguard`). Only requests through a proxy,
and to host names that need IDNA encoding, go through httpx's transport with a pool per origin behind the
same guard (`_proxy`, imported only then).
Requests are limited globally (`links.concurrency`) and per host
(`links.host_concurrency`, `links.host_interval`, overridable per host under `links.hosts`). A URL is asked
with GET, which reads at most `links.max_bytes` of the page and stops once its `<title>` is in: one request
per URL and hop, no answer to HEAD to second-guess, and every page's title as evidence. Redirects are
followed by hand, so every hop passes the address guard (`netguard`) and is recorded. Transient failures
are retried with exponential backoff and jitter (tenacity); a `Retry-After` pauses every request to that
host. A check never raises: whatever happens becomes a state. Probes do not judge: the rules in
`curator.rules.links` turn results into findings.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
import ssl
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

from curator import PROJECT_URL, __version__
from curator.config import HostSettings, LinkSettings
from curator.facts import Hop, LinkResult, LinkState
from curator.probes.links._classify import (
    LOCAL_NETWORK_PREFIXES,
    PERMANENT_REDIRECTS,
    REDIRECT_STATUSES,
    RETRY_STATUSES,
    Failure,
    bot_wall,
    classify_exception,
    decode_page,
    extract_title,
    is_connect_level,
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

if TYPE_CHECKING:  # httpx is imported only for proxies, IDNA host names and cookies: it costs start-up time
    import httpx
    from tenacity import RetryCallState

    from curator.probes.links._proxy import OriginRouter

ProgressCallback = Callable[[LinkResult], None]
Sleep = Callable[[float], Awaitable[None]]

DEFAULT_BACKOFF = 1.0  # first retry after about this many seconds, then doubling, plus up to as much jitter
DEFAULT_BACKOFF_MAX = 30.0
_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_CHUNK = 16 * 1024
_BAD_HOST = re.compile(r"[\s<>\"{}|\\^`/?#@]|\.\.")


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

            await asyncio.gather(*(one(u) for u in unique))
    return {u: results[u] for u in unique}


def check_links_sync(
    urls: Iterable[str], settings: LinkSettings | None = None, **options: Any
) -> dict[str, LinkResult]:
    """`check_links` for synchronous callers: runs its own event loop."""
    return asyncio.run(check_links(urls, settings, **options))


def all_unreachable(results: Mapping[str, LinkResult]) -> bool:
    """True when no host at all could be reached: every URL checked in this run failed before any server
    answered (DNS, refused or timed-out connections), across at least two hosts or with an error that says
    the network itself is down. The caller then says "no host could be reached", exits 2 and records
    nothing. Cached and invalid URLs are not evidence either way; no evidence → False."""
    checked = [r for r in results.values() if not r.from_cache and not (r.detail or "").startswith("invalid URL")]
    if not checked or not all(is_connect_level(r) for r in checked):
        return False
    hosts = {urlsplit(r.url).hostname for r in checked}
    return len(hosts) >= 2 or any((r.detail or "").startswith(LOCAL_NETWORK_PREFIXES) for r in checked)


# ---------------------------------------------------------------------------------------------- internals


class _HostGate:
    """Per-host politeness: at most `concurrency` requests at once, `interval` seconds between starts, and
    no request at all before `paused_until` (a Retry-After)."""

    __slots__ = ("accept", "concurrency", "headers", "interval", "next_start", "paused_until", "sem")

    def __init__(self, concurrency: int, interval: float, headers: dict[str, str], accept: frozenset[int]):
        self.concurrency = concurrency
        self.sem = asyncio.Semaphore(concurrency)
        self.interval = interval
        self.next_start = 0.0
        self.paused_until = 0.0
        self.headers = list(headers.items())  # built once
        self.accept = accept

    async def enter(self, clock: Callable[[], float], sleep: Sleep) -> None:
        await self.sem.acquire()
        try:
            while True:
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

    def pause(self, until: float) -> None:
        self.paused_until = max(self.paused_until, until)


class _HostDownError(Exception):
    """An earlier request found this origin unreachable in this run: fail fast with the same reason."""

    def __init__(self, failure: Failure) -> None:
        self.failure = failure
        super().__init__(failure.detail)


@dataclass(slots=True)
class _Answer:
    status: int
    headers: dict[str, str]  # lower-case names
    method: str
    title: str | None = None
    body: str = ""
    retry_after: float | None = None


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


@dataclass(slots=True)
class _Check:
    url: str
    attempts: int = 0
    elapsed: float = 0.0


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
            if override is not None:
                concurrency = override.concurrency or concurrency
                interval = override.interval if override.interval is not None else interval
                headers.update((name.lower(), value) for name, value in override.headers.items())
                accept = frozenset(override.accept)
            gate = self.gates[host] = _HostGate(concurrency, interval, headers, accept)
        return gate

    def _host_settings(self, host: str) -> HostSettings | None:
        hosts = self.settings.hosts
        if not hosts:
            return None
        exact = hosts.get(host)
        if exact is not None:
            return exact
        for key, value in hosts.items():  # "*.example.com" covers every subdomain
            if key.startswith("*.") and host.endswith(key[1:].lower()):
                return value
        return None

    # -- one URL

    async def check(self, url: str) -> LinkResult:
        check = _Check(url)
        try:
            outcome = await self._check(check)
        except Exception as exc:  # a bug of ours must not sink the other 4,999 checks
            outcome = _Outcome(LinkState.ERROR, detail=f"internal error: {type(exc).__name__}: {exc}")
        return LinkResult(
            url=url,
            state=outcome.state,
            status=outcome.status,
            final_url=outcome.final_url,
            redirects=outcome.hops,
            title=outcome.title,
            attempts=check.attempts,
            elapsed_ms=round(check.elapsed * 1000, 1),
            detail=outcome.detail,
            checked_at=self.now(),
        )

    async def _check(self, check: _Check) -> _Outcome:
        try:
            target = strip_userinfo(check.url.strip())
            parts = urlsplit(target)
            valid = parts.scheme.lower() in {"http", "https"} and bool(parts.hostname)
        except ValueError:
            valid = False
        if not valid:
            return _Outcome(LinkState.ERROR, detail="invalid URL: not an absolute http(s) URL")
        if _BAD_HOST.search(parts.hostname or ""):
            return _Outcome(LinkState.ERROR, detail=f"invalid URL: bad host name {parts.hostname!r}")
        target = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))
        outcome = await self._attempt(check, target)
        if not outcome.retryable or self.max_attempts == 1:
            return outcome  # the common case, kept off the retry machinery
        await self.sleep(self._delay(outcome, 1))
        from tenacity import AsyncRetrying, retry_if_result, stop_after_attempt  # only ever needed here

        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.max_attempts - 1),
            wait=lambda state: self._delay(state.outcome.result() if state.outcome else None, state.attempt_number + 1),
            retry=retry_if_result(_retryable),
            sleep=self.sleep,
            retry_error_callback=_last_outcome,
        )
        outcome = await retrying(self._attempt, check, target)
        return outcome

    def _delay(self, outcome: _Outcome | None, attempts: int) -> float:
        """The wait after `attempts` tries: exponential with jitter, or none when the host is paused by a
        Retry-After (its gate then holds every request, the retry included, until the pause ends)."""
        if outcome is not None and outcome.retry_after is not None:
            return 0.0
        return min(self.backoff * 2.0 ** (attempts - 1), self.backoff_max) + random.uniform(0, self.backoff)

    async def _attempt(self, check: _Check, start_url: str) -> _Outcome:
        """One try: the request chain from `start_url` to a final answer or failure."""
        check.attempts += 1
        last_attempt = check.attempts >= self.max_attempts
        hops: list[Hop] = []
        visited: set[tuple[str, int]] = set()
        cookies: Any = None  # httpx.Cookies of this chain, once a hop sets one
        current = start_url
        # GET, not HEAD then GET: measured on the benchmark's farm it sends fewer requests (HEAD answers
        # of 404, 403, 405 or 5xx had to be confirmed by a GET) for less CPU, and every page gives its title
        method = "GET"
        while True:
            parts = urlsplit(current)
            host = (parts.hostname or "").lower()
            origin = (parts.scheme.lower(), host, parts.port)
            gate = self.gate(host)
            visited.add((current, len(cookies.jar) if cookies is not None else 0))
            try:
                answer, cookies = await self._request(check, gate, origin, method, current, parts, cookies)
            except Exception as exc:
                if isinstance(exc, _HostDownError):
                    failure = exc.failure
                    check.attempts -= 1  # nothing was sent: an earlier check of this origin answered for it
                else:
                    failure = classify_exception(exc, timeout=self.settings.timeout)
                if (failure.connect_level and (last_attempt or not failure.retryable)) or (
                    failure.state is LinkState.TLS_ERROR
                ):
                    self.down.setdefault(origin, failure)
                detail = failure.detail
                if hops and failure.state is LinkState.REFUSED:
                    detail = f"redirected to {current}: {detail}"
                return _Outcome(
                    failure.state,
                    detail=detail,
                    final_url=current if hops else None,
                    hops=tuple(hops),
                    retryable=failure.retryable and not isinstance(exc, _HostDownError),
                )
            status = answer.status
            location = answer.headers.get("location") if status in REDIRECT_STATUSES else None
            if location:
                hops.append(Hop(status, current))
                try:
                    following = urljoin(current, location.strip())
                    nparts = urlsplit(following)
                    ok_scheme = nparts.scheme.lower() in {"http", "https"} and bool(nparts.hostname)
                except ValueError:
                    ok_scheme = False
                if not ok_scheme:
                    return _Outcome(
                        LinkState.ERROR,
                        status,
                        f"redirect to a non-web address: {location[:200]}",
                        current,
                        tuple(hops),
                    )
                following = strip_userinfo(
                    urlunsplit((nparts.scheme, nparts.netloc, nparts.path or "/", nparts.query, ""))
                )
                if len(hops) > self.settings.max_redirects:
                    return _Outcome(
                        LinkState.ERROR,
                        status,
                        f"too many redirects (more than {self.settings.max_redirects})",
                        following,
                        tuple(hops),
                    )
                if (following, len(cookies.jar) if cookies is not None else 0) in visited:
                    return _Outcome(LinkState.ERROR, status, "redirect loop", following, tuple(hops))
                current = following
                continue
            return self._final(answer, current, hops, gate)

    def _final(self, answer: _Answer, url: str, hops: list[Hop], gate: _HostGate) -> _Outcome:
        status = answer.status
        wall = bot_wall(status, answer.headers, answer.title, answer.body)
        chain = tuple(hops)
        if wall is not None:
            return _Outcome(LinkState.BLOCKED, status, wall, url, chain, answer.title)
        state, detail = state_for_status(status, gate.accept)
        retryable = status in RETRY_STATUSES
        if answer.retry_after is not None and answer.retry_after > self.settings.retry_after_cap:
            retryable = False
            detail = (
                f"{detail}; Retry-After {answer.retry_after:g} s is over the {self.settings.retry_after_cap:g} s cap"
            )
        if state is LinkState.OK and chain and chain[0].status in PERMANENT_REDIRECTS:
            state = LinkState.REDIRECT
            detail = f"moved permanently ({chain[0].status})"
        return _Outcome(state, status, detail, url, chain, answer.title, retryable, answer.retry_after)

    async def _request(
        self,
        check: _Check,
        gate: _HostGate,
        origin: tuple[str, str, int | None],
        method: str,
        url: str,
        parts: SplitResult,
        cookies: httpx.Cookies | None,
    ) -> tuple[_Answer, httpx.Cookies | None]:
        failure = self.down.get(origin)
        if failure is not None:
            raise _HostDownError(failure)
        await gate.enter(self.clock, self.sleep)
        try:
            async with self.global_sem:
                failure = self.down.get(origin)  # found out while this request waited its turn
                if failure is not None:
                    raise _HostDownError(failure)
                started = self.clock()
                try:
                    return await self._exchange(gate, method, url, parts, cookies)
                finally:
                    check.elapsed += self.clock() - started
        finally:
            gate.leave()

    async def _send(
        self, gate: _HostGate, method: str, url: str, parts: SplitResult, cookies: httpx.Cookies | None
    ) -> _Response:
        """The request on its way: through the checker's own client, or through httpx for proxies and host
        names that need IDNA encoding."""
        headers = gate.headers
        if cookies is not None:
            header = _cookie_header(cookies, method, url)
            if header:
                headers = [*headers, ("cookie", header)]
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if scheme == "https" else 80)
        if host.isascii() and (not self.proxies or not proxy_for(self.proxies, scheme, host, port)):
            return await self.http.request(method, scheme, host, port, request_target(parts.path, parts.query), headers)
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
        self, gate: _HostGate, method: str, url: str, parts: SplitResult, cookies: httpx.Cookies | None
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
                response = await self._send(gate, method, url, parts, cookies)
                status = response.status
                headers = response.headers
                answer = _Answer(status, headers, method)
                if status in RETRY_STATUSES:
                    answer.retry_after = parse_retry_after(headers.get("retry-after"), self.now())
                    if answer.retry_after is not None:
                        # before this request leaves the host's gate: nothing else starts meanwhile
                        gate.pause(self.clock() + min(answer.retry_after, self.settings.retry_after_cap))
                if "set-cookie" in headers:
                    cookies = _keep_cookies(cookies, method, url, status, response.raw_headers)
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
    raw_headers: list[tuple[bytes, bytes]]

    @property
    def charset(self) -> str | None: ...

    def aiter_raw(self, chunk_size: int | None = None) -> AsyncIterator[bytes]: ...

    async def aclose(self) -> None: ...


def _keep_cookies(
    cookies: httpx.Cookies | None, method: str, url: str, status: int, raw_headers: list[tuple[bytes, bytes]]
) -> httpx.Cookies:
    """The chain's cookies with those this answer sets (a redirect chain may need them; nothing else does)."""
    import httpx

    jar = cookies if cookies is not None else httpx.Cookies()
    jar.extract_cookies(httpx.Response(status, headers=raw_headers, request=httpx.Request(method, url)))
    return jar


def _cookie_header(cookies: httpx.Cookies, method: str, url: str) -> str | None:
    import httpx

    request = httpx.Request(method, url)
    cookies.set_cookie_header(request)
    header: str | None = request.headers.get("cookie")
    return header


def _retryable(outcome: _Outcome) -> bool:
    return outcome.retryable


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
