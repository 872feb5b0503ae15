"""Rules about links: what the link checker found at each URL of the catalog.

They read `facts.links` (one LinkResult per URL, as the catalog writes it) and `facts.link_history` (how
many consecutive runs, this one included, the URL has failed, and since when), for every entry's `url` and
each `links[].url`. They report nothing with `--offline`.

A red link must mean a dead link. One failing run proves little — servers restart, networks hiccup — so a
failing link (dead, error, unreachable, TLS error) is an error only after `history.failure_runs`
consecutive failing runs (3) spanning at least `history.failure_days` days (5). Until then it is a warning
that says since when it fails. A single success ends the streak.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

from curator.catalog.occurrences import LinkOccurrence, link_occurrences
from curator.facts import FailureKind, LinkHistory, LinkResult, LinkState
from curator.findings import Finding, Fix, FixReason, Severity
from curator.rules.base import RuleContext, entry_finding, rule
from curator.rules.history import is_confirmed_failure
from curator.rules.redirects import judge_redirect

PERMANENT_REDIRECTS = frozenset({301, 308})
# Results that say nothing of the link itself: `link-not-checked` reports them, no other rule does.
NOT_CHECKED = frozenset({FailureKind.BUDGET, FailureKind.INVALID_URL, FailureKind.INTERNAL})


def permanent_target(result: LinkResult) -> str | None:
    """Where a permanently redirected link now lives: the end of the leading run of 301/308 hops.

    `A -301-> B -302-> C` gives B (C is only where B sends visitors today); a chain that starts with a
    temporary hop gives None. The original fragment is kept when the target has none.
    """
    hops = result.redirects
    if result.state is not LinkState.REDIRECT or not hops or hops[0].status not in PERMANENT_REDIRECTS:
        return None
    index = 0
    while index < len(hops) and hops[index].status in PERMANENT_REDIRECTS:
        index += 1
    target = hops[index].url if index < len(hops) else result.final_url
    if not target:
        return None
    original = urlsplit(result.url)
    parts = urlsplit(target)
    if original.fragment and not parts.fragment:
        target = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, original.fragment))
    if target == result.url:
        return None
    return target


def _results(ctx: RuleContext) -> Iterator[tuple[LinkOccurrence, LinkResult]]:
    """Every catalog link whose result this run (or the cache) has."""
    links = ctx.facts.links
    if ctx.offline or not links:
        return
    for occurrence in link_occurrences(ctx.catalog):
        result = links.get(occurrence.url)
        if result is None and occurrence.usable_url is not None:
            result = links.get(occurrence.usable_url)
        if result is not None:
            yield occurrence, result


def _checked(ctx: RuleContext, state: LinkState) -> Iterator[tuple[LinkOccurrence, LinkResult]]:
    """Every catalog link that was checked and ended in `state` (the links that were not checked are
    `link-not-checked`'s)."""
    for occurrence, result in _results(ctx):
        if result.state is state and result.kind not in NOT_CHECKED:
            yield occurrence, result


def _finding(
    rule_id: str,
    occurrence: LinkOccurrence,
    message: str,
    *,
    fix: Fix | None = None,
    severity: Severity | None = None,
) -> Finding:
    return entry_finding(
        rule_id,
        occurrence.source,
        occurrence.index,
        occurrence.entry,
        f"{occurrence.described} of {occurrence.entry.name!r} {message}",
        field_path=occurrence.field_path,
        url=occurrence.url,
        fix=fix,
        severity=severity,
    )


def _now(ctx: RuleContext) -> datetime:
    return ctx.facts.now or datetime.now(UTC)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _failing(ctx: RuleContext, rule_id: str, state: LinkState, describe: str, advice: str) -> Iterator[Finding]:
    """The history policy shared by the failing-link rules. `describe` may use {detail} and {where}."""
    settings = ctx.config.history
    now = _now(ctx)
    for occurrence, result in _checked(ctx, state):
        history = ctx.facts.link_history.get(result.url)
        if history is None or history.consecutive_failures < 1:
            history = LinkHistory(consecutive_failures=1, failing_since=result.checked_at or now)
        since = history.failing_since or result.checked_at or now
        runs = history.consecutive_failures
        what = describe.format(detail=_detail(result), where=_where(result))
        streak = f"failing since {since:%Y-%m-%d} ({_plural(runs, 'run')})"
        if is_confirmed_failure(
            history, now=now, failure_runs=settings.failure_runs, failure_days=settings.failure_days
        ):
            yield _finding(rule_id, occurrence, f"{what} — {streak}; {advice}")
        else:
            yield _finding(
                rule_id,
                occurrence,
                f"{what} — {streak}; becomes an error after {_plural(settings.failure_runs, 'failing run')} "
                f"over {settings.failure_days:g} days; {advice}",
                severity=Severity.WARNING,
            )


def _detail(result: LinkResult) -> str:
    detail = result.detail or (f"HTTP {result.status}" if result.status else result.state.value)
    if result.attempts > 1:
        detail += f", {result.attempts} attempts"
    return detail


def _where(result: LinkResult) -> str:
    if result.redirects and result.final_url and result.final_url != result.url:
        return f" (after redirecting to {result.final_url})"
    return ""


@rule("dead-link", Severity.ERROR, network=True)
def dead_link(ctx: RuleContext) -> Iterator[Finding]:
    """A link is dead: the server answers 404 Not Found or 410 Gone to a GET, or the host name no longer
    exists in DNS.

    An error only after `history.failure_runs` consecutive failing runs (3) over at least
    `history.failure_days` days (5); until then a warning saying since when the link fails.

    Fix: find the page's new address (the site's search, the Wayback Machine, the project's new home) and
    update the entry, or remove the entry.
    """
    yield from _failing(
        ctx, "dead-link", LinkState.DEAD, "is dead ({detail}){where}", "remove the entry or find the new address"
    )


@rule("redirected", Severity.WARNING, network=True)
def redirected(ctx: RuleContext) -> Iterator[Finding]:
    """A link redirects permanently (301 or 308): the page has a new address.

    Old addresses keep working only as long as the site keeps its redirect. Only a chain that starts with
    a permanent redirect counts, and the new address is where the permanent part of the chain ends (a
    temporary 302/303/307 after it is not followed into the fix: it is where the site sends visitors
    today, not the page's address). Temporary redirects alone are not reported.

    Fix: the finding carries the new address. `curator fix` writes it into the entry only when every hop
    is 301 or 308 and the chain ends in a 2xx page that is not a login page, not the site's home page
    (when the link named a deeper page) and not a parked domain on another host; otherwise a person
    decides.
    """
    for occurrence, result in _checked(ctx, LinkState.REDIRECT):
        target = permanent_target(result)
        if target is None or target == occurrence.url:
            continue
        status = result.redirects[0].status if result.redirects else 301
        verdict = judge_redirect(result, target)
        advice = (
            "update the link (`curator fix` applies it)"
            if verdict.safe
            else f"check the new page and update the link by hand ({verdict.evidence})"
        )
        yield _finding(
            "redirected",
            occurrence,
            f"moved permanently ({status}) to {target}; {advice}",
            fix=Fix(
                occurrence.field, occurrence.url, target, FixReason.PERMANENT_REDIRECT, verdict.evidence, verdict.safe
            ),
        )


@rule("link-blocked", Severity.INFO, network=True)
def link_blocked(ctx: RuleContext) -> Iterator[Finding]:
    """A site answered but refused the automated check: 401/403, 429 after retries, 999, or a bot wall
    such as a Cloudflare challenge page.

    The site is up; this is not a dead link, and it is never counted as a failure. Information only.

    Fix: nothing, usually. Open the link in a browser if in doubt; add an `ignore` entry (rule
    `link-blocked`, the URL, a reason) to silence a site that always blocks robots, or give the host its
    own headers or accepted status codes under `links.hosts` in curator.yaml.
    """
    for occurrence, result in _checked(ctx, LinkState.BLOCKED):
        yield _finding(
            "link-blocked",
            occurrence,
            f"could not be verified: the site refuses automated checks ({_detail(result)}); not a dead link — "
            "check it in a browser if in doubt",
        )


@rule("link-error", Severity.ERROR, network=True)
def link_error(ctx: RuleContext) -> Iterator[Finding]:
    """A link's server fails: a 5xx status after every retry, a redirect loop, too many redirects, or an
    answer that is not valid HTTP.

    An error only after `history.failure_runs` consecutive failing runs (3) over at least
    `history.failure_days` days (5); until then a warning.

    Fix: if the site stays broken, link another source of the resource or remove the entry; for a redirect
    loop, try the address in a browser — the page may have moved.
    """
    yield from _failing(
        ctx,
        "link-error",
        LinkState.ERROR,
        "fails ({detail}){where}",
        "if the site stays broken, link another source or remove the entry",
    )


@rule("link-unreachable", Severity.ERROR, network=True)
def link_unreachable(ctx: RuleContext) -> Iterator[Finding]:
    """A link's host could not be reached: the connection was refused or reset, or timed out, after every
    retry.

    An error only after `history.failure_runs` consecutive failing runs (3) over at least
    `history.failure_days` days (5); until then a warning. When no host at all can be reached (no
    network), `curator check` stops with exit code 2 and records nothing instead.

    Fix: check whether the site still exists; find its new address or remove the entry.
    """
    yield from _failing(
        ctx,
        "link-unreachable",
        LinkState.UNREACHABLE,
        "is unreachable ({detail}){where}",
        "if the host is gone for good, find the new address or remove the entry",
    )


@rule("tls-error", Severity.ERROR, network=True)
def tls_error(ctx: RuleContext) -> Iterator[Finding]:
    """A link's HTTPS certificate is not accepted (expired, self-signed, issued for another name) or the
    TLS handshake fails. Browsers show readers a warning page, or nothing.

    An error only after `history.failure_runs` consecutive failing runs (3) over at least
    `history.failure_days` days (5); until then a warning. Certificates come from `SSL_CERT_FILE` /
    `SSL_CERT_DIR` when set (a corporate proxy's CA), else the certifi bundle.

    Fix: find a working https address for the resource, or remove the entry.
    """
    yield from _failing(
        ctx,
        "tls-error",
        LinkState.TLS_ERROR,
        "has a TLS problem ({detail}){where}",
        "find a working https address or remove the entry",
    )


@rule("link-refused", Severity.ERROR, network=True)
def link_refused(ctx: RuleContext) -> Iterator[Finding]:
    """A link points at an address curator will not connect to: loopback, private (10/8, 172.16/12,
    192.168/16, fc00::/7), site-local (fec0::/10), shared (100.64/10), link-local (169.254/16, where cloud
    metadata services live), multicast or reserved (240/4, 192.0.0/24) — directly, through its DNS name,
    or through a redirect.

    A public list should not link such addresses, and a checker that followed them could be turned
    against the network it runs in.

    Fix: link a public address. For a list of intranet resources, set `links.allow_private_hosts: true` in
    curator.yaml (or pass `--allow-private-hosts`).
    """
    for occurrence, result in _checked(ctx, LinkState.REFUSED):
        yield _finding(
            "link-refused",
            occurrence,
            f"was not checked: {result.detail or 'a private or reserved address'}; curator does not connect "
            "to private, loopback or link-local addresses — link a public address, or set "
            "links.allow_private_hosts for an intranet list",
        )


@rule("link-not-checked", Severity.WARNING, network=True)
def link_not_checked(ctx: RuleContext) -> Iterator[Finding]:
    """A link was not checked in this run, and the finding says why:

    - a time budget ran out before its turn: its host took all of `links.host_budget` (120 s: slow
      answers, timeouts), the host asked (`Retry-After`) to wait longer than `links.retry_after_cap` or
      than its budget had left, or the whole check took all of `links.run_budget` (900 s);
    - curator cannot request the address although it looks well-formed (a host name that is invalid
      once normalised, for instance);
    - curator itself failed (an internal error: please report it).

    Nothing was learnt of the link: it is not counted as a failure, and the next run checks it again.
    A URL that `malformed-url` reports is left to that rule.

    Fix: for a budget, run again later, or give the host more time (`links.hosts.<host>.budget`,
    `links.host_budget`, `links.run_budget` in curator.yaml); for an address, correct it.
    """
    for occurrence, result in _results(ctx):
        kind = result.kind
        if kind not in NOT_CHECKED:
            continue
        if kind is FailureKind.INVALID_URL and occurrence.problem is not None:
            continue  # malformed-url says it better
        if kind is FailureKind.BUDGET:
            advice = "run again later, or raise the budget in curator.yaml"
        elif kind is FailureKind.INVALID_URL:
            advice = "correct the address"
        else:
            advice = "this is a bug in curator; please report it"
        yield _finding(
            "link-not-checked",
            occurrence,
            f"was not checked: {_detail(result)}; {advice}",
        )
