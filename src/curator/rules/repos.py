"""Rules about GitHub repositories: what GitHub says each linked repository is now.

They read `facts.repos` (by lower-case `owner/name`, as the catalog writes it) and `facts.repo_history`, for
every link that names a repository — an entry's `url` and each `links[].url`, with or without a sub-path
such as `/tree/main/docs`. They report nothing with `--offline`, and nothing for a repository curator has
never been able to read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from curator.catalog.occurrences import LinkOccurrence, link_occurrences
from curator.facts import IncompleteKind, IncompleteReason, LinkHistory, RepoMeta
from curator.findings import Finding, Fix, FixReason, Severity
from curator.rules.base import RULES, RuleContext, entry_finding, rule
from curator.rules.history import is_confirmed_failure
from curator.urls import GithubRepo, check_url, github_repo


@dataclass(frozen=True)
class RepoLink:
    """One catalog link that names a GitHub repository, with what is known of that repository."""

    occurrence: LinkOccurrence
    url: str  # as written, or its certain fix when it is malformed (see malformed-url)
    repo: GithubRepo
    meta: RepoMeta

    @property
    def shown(self) -> str:
        return f"github.com/{self.repo.full_name}"

    def finding(
        self, rule_id: str, message: str, *, fix: Fix | None = None, severity: Severity | None = None
    ) -> Finding:
        occ = self.occurrence
        return entry_finding(
            rule_id,
            occ.source,
            occ.index,
            occ.entry,
            f"{occ.described} of {occ.entry.name!r}: {message}",
            field_path=occ.field_path,
            url=occ.url,
            fix=fix,
            severity=severity,
        )


def repo_links(ctx: RuleContext) -> Iterator[RepoLink]:
    """Every catalog link naming a GitHub repository that the probes (or the last run) know about."""
    for occurrence in link_occurrences(ctx.catalog):
        usable = occurrence.usable_url
        repo = github_repo(usable) if usable else None
        if usable is None or repo is None:
            continue
        meta = ctx.facts.repos.get(repo.key)
        if meta is not None:
            yield RepoLink(occurrence, usable, repo, meta)


def canonical_url(written: str, repo: GithubRepo, name_with_owner: str) -> str:
    """`written` with its owner/name replaced by the canonical one; sub-path, query and fragment kept."""
    parts = urlsplit(written.strip())
    path = f"/{name_with_owner}{repo.subpath}"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))


def _present(meta: RepoMeta) -> bool:
    return not meta.missing and meta.name_with_owner is not None


@rule("repo-renamed", Severity.WARNING, network=True)
def repo_renamed(ctx: RuleContext) -> Iterator[Finding]:
    """A linked GitHub repository was renamed or moved to another owner.

    GitHub redirects the old address for now, but the redirect ends the day someone creates a repository
    under the old name — and then the link silently points at somebody else's project. Only a change of
    owner or name counts; a difference in letter case alone is not reported.

    Fix: the finding carries the canonical URL (sub-path, query and fragment kept), which `curator fix`
    applies to the entry when GitHub confirmed the new name in this run (not from last known values).
    """
    if ctx.offline:
        return
    for link in repo_links(ctx):
        meta = link.meta
        if not _present(meta) or meta.name_with_owner is None:
            continue
        if meta.name_with_owner.lower() == link.repo.key:
            continue
        new = canonical_url(link.url, link.repo, meta.name_with_owner)
        # Confirmed by the API in this run, not a last known value; and a well-formed URL (the name is the API's).
        confirmed = not meta.from_cache and check_url(new) is None and new.isprintable()
        evidence = f"renamed on GitHub to {meta.name_with_owner}"
        if not confirmed:
            evidence += " (last known; not confirmed in this run)"
        applies = " (`curator fix` applies it)" if confirmed else ""
        yield link.finding(
            "repo-renamed",
            f"{link.shown} moved to github.com/{meta.name_with_owner}; update the link to {new}{applies}",
            fix=Fix(link.occurrence.field, link.occurrence.url, new, FixReason.REPO_RENAMED, evidence, confirmed),
        )


@rule("repo-archived", Severity.WARNING, network=True)
def repo_archived(ctx: RuleContext) -> Iterator[Finding]:
    """A linked GitHub repository is archived: read-only, its owners no longer maintain it.

    Readers of a curated list expect living projects, or at least to be told which are not.

    Fix: replace the link with a maintained successor (the archived README often names one), note in the
    entry's description that the project is archived, show an archived column in the README
    (`render.metrics` in curator.yaml), or silence the finding with an `ignore` entry that says why the
    entry stays.
    """
    if ctx.offline:
        return
    for link in repo_links(ctx):
        if _present(link.meta) and link.meta.archived:
            yield link.finding(
                "repo-archived",
                f"{link.shown} is archived (read-only, no longer maintained); link a maintained successor, "
                "say so in the description, or add an 'ignore' entry with the reason it stays",
            )


@rule("repo-stale", Severity.INFO, network=True)
def repo_stale(ctx: RuleContext) -> Iterator[Finding]:
    """A linked GitHub repository has had no push for longer than `github.stale_days` (365 by default).

    Not an error: finished projects and the code of a paper are often stable. It is a prompt to look —
    does the project still work, has it moved elsewhere? Archived repositories are reported by
    `repo-archived` instead. Raise the threshold with `github.stale_days`, or the severity in `rules`.

    Fix: check the project; replace the link if it has a successor, or add an `ignore` entry saying why
    the entry stays.
    """
    now = ctx.facts.now
    if ctx.offline or now is None:
        return
    days = ctx.config.github.stale_days
    for link in repo_links(ctx):
        meta = link.meta
        last = meta.pushed_at or meta.last_commit_at
        if not _present(meta) or meta.archived or meta.disabled or last is None:
            continue
        idle = now - last
        if idle > timedelta(days=days):
            yield link.finding(
                "repo-stale",
                f"{link.shown} has had no push since {last:%Y-%m-%d} ({idle.days:,} days, more than "
                f"github.stale_days = {days}); check that it still works and whether it has a successor",
            )


@rule("repo-missing", Severity.ERROR, network=True)
def repo_missing(ctx: RuleContext) -> Iterator[Finding]:
    """A linked GitHub repository does not exist (any more): deleted, made private, or never there.

    One bad answer is not enough to call a link dead: like `dead-link`, this is an error only after
    `history.failure_runs` consecutive runs (3) over at least `history.failure_days` days (5); until then it
    is a warning that says since when the repository has been missing.

    Fix: find where the project lives now (a fork, the organisation's new account, the paper's page) and
    update the link, or remove the entry.
    """
    if ctx.offline:
        return
    settings = ctx.config.history
    now = ctx.facts.now
    for link in repo_links(ctx):
        if not link.meta.missing:
            continue
        history = _history(ctx.facts.repo_history.get(link.repo.key), link.meta, now)
        since = history.failing_since
        runs = history.consecutive_failures
        span = f"since {since:%Y-%m-%d}, {runs} run{'s' if runs != 1 else ''}" if since else f"{runs} runs"
        confirmed = now is not None and is_confirmed_failure(
            history, now=now, failure_runs=settings.failure_runs, failure_days=settings.failure_days
        )
        if confirmed:
            yield link.finding(
                "repo-missing",
                f"{link.shown} no longer exists on GitHub (missing {span}); update the link to where the "
                "project lives now, or remove the entry",
            )
        else:
            yield link.finding(
                "repo-missing",
                f"{link.shown} was not found on GitHub ({span}); it becomes an error after "
                f"{settings.failure_runs} consecutive runs over {settings.failure_days:g} days — check "
                "whether it moved or was deleted",
                severity=Severity.WARNING,
            )


def _history(history: LinkHistory | None, meta: RepoMeta, now: datetime | None) -> LinkHistory:
    """The state database's streak counts this run; with none recorded yet, this run is the first."""
    if history is not None and history.consecutive_failures > 0:
        return history
    return LinkHistory(consecutive_failures=1, failing_since=meta.fetched_at or now)


@rule("repo-disabled", Severity.ERROR, network=True)
def repo_disabled(ctx: RuleContext) -> Iterator[Finding]:
    """GitHub has disabled a linked repository (a terms-of-service or DMCA takedown, an unpaid account):
    nobody can open it.

    Fix: link another source of the project, or remove the entry.
    """
    if ctx.offline:
        return
    for link in repo_links(ctx):
        if _present(link.meta) and link.meta.disabled:
            yield link.finding(
                "repo-disabled",
                f"{link.shown} has been disabled by GitHub and cannot be opened; link another source of the "
                "project or remove the entry",
            )


@rule("metadata-incomplete", Severity.WARNING, network=True)
def metadata_incomplete(ctx: RuleContext) -> Iterator[Finding]:
    """This run could not read every repository from GitHub: the rate limit ran out and its reset was
    further away than `github.max_rate_limit_wait`, there was no token and the unauthenticated budget
    (60 requests an hour) did not cover the list, or the API failed.

    Nothing is lost: those repositories keep their last known stars, dates and states, in the README and
    in the other rules, until a later run reads them. One finding per reason.

    Fix: set `GITHUB_TOKEN` (or `GH_TOKEN`) so one GraphQL call reads 100 repositories, or run again
    after the rate limit resets.
    """
    if ctx.offline:
        return
    for reason in ctx.facts.incomplete:
        yield Finding(
            rule="metadata-incomplete",
            severity=RULES["metadata-incomplete"].severity,
            message=f"repository metadata is incomplete: {describe_incomplete(reason)}",
        )


TOKEN_HINT = "set GITHUB_TOKEN (or GH_TOKEN) to fetch all repositories in a few GraphQL calls"  # noqa: S105
SHOWN_FAILURES = 5  # repositories named in an api-error reason; the rest are counted


def describe_incomplete(reason: IncompleteReason) -> str:
    """One reason in words: what happened, how many repositories it touched, and what they show instead."""
    keep = _keep(reason.repos, reason.never_known)
    if reason.kind is IncompleteKind.API_ERROR:
        shown = reason.failures[:SHOWN_FAILURES]
        details = "; ".join(f"{repo}: {message}" for repo, message in shown)
        more = f"; and {len(reason.failures) - len(shown)} more" if len(reason.failures) > len(shown) else ""
        what = _count(reason.repos, "repository", "repositories")
        return f"GitHub could not return {what} ({details}{more}); {keep}"
    why = reason.detail or "the run ended early"
    if reason.with_token:
        return f"{why}; {_count(reason.repos, 'repository', 'repositories')} not fetched, {keep}"
    if reason.kind is IncompleteKind.NO_TOKEN_BUDGET:
        limit = f" ({reason.hourly_limit} requests an hour)" if reason.hourly_limit else ""
        reset_at = reason.reset_at.astimezone(UTC) if reason.reset_at else None
        reset = f", next reset {reset_at:%Y-%m-%d %H:%M} UTC" if reset_at else ""
        return (
            f"no GitHub token: the unauthenticated rate limit{limit} allowed {reason.fetched} of {reason.wanted} "
            f"repositories{reset}; {reason.repos:,} skipped, {keep} — {TOKEN_HINT}"
        )
    return (
        f"{why}; without a GitHub token {reason.fetched} of {reason.wanted} repositories were fetched, "
        f"{reason.repos:,} skipped, {keep} — {TOKEN_HINT}"
    )


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _keep(n: int, none_yet: int) -> str:
    text = f"{'it keeps its' if n == 1 else 'they keep their'} last known values"
    if none_yet:
        text += f" ({none_yet:,} {'has' if none_yet == 1 else 'have'} none yet)"
    return text
