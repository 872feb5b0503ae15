"""The one pipeline every front door runs: load → gather facts → judge → report.

`check` calls it today; `fix`, `pr` and `serve` call the same functions. A command parses its options and
passes plain values here; nothing in this module knows about argparse or another command.

Gathering facts is ordered. GitHub metadata comes first so that repository pages it answered for are not
fetched again (GitHub rate-limits scrapers). Links that were fine recently come from the cache. Nothing is
recorded when no host at all could be reached: an offline laptop must not turn every link red next week.
The state database is opened (and found writable) before any request is made, so a read-only or corrupt
file stops the run before minutes of link checking are spent; a failure while recording still leaves the
caller facts to report.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from curator.catalog.load import Catalog
from curator.catalog.occurrences import catalog_urls
from curator.config import Config, ProjectPaths, load_config, resolve_paths
from curator.errors import CuratorError
from curator.facts import Facts, FailureKind, LinkResult, RepoMeta
from curator.findings import Finding
from curator.markdown.readme import readme_facts
from curator.report import LinkRow, Report
from curator.report.progress import LinkProgress, RepoProgress, summary_line
from curator.rules import RULES, RuleContext, run_rules
from curator.state import Retention, StateDB
from curator.urls import check_url, github_repo

HISTORY_MISSING = (
    "no link history yet (a first run, or the state database was lost or reset): failures count from this "
    "run on, and none can be an error before it has repeated over several runs"
)
UNOBSERVED = frozenset({FailureKind.BUDGET, FailureKind.INTERNAL})
NO_NETWORK_MESSAGE = (
    "no host could be reached ({tried} links tried); is the network down? Nothing was recorded; "
    "the findings above are from the checks that need no network (`curator check --offline`)"
)


def load_project(
    config_path: Path | None,
    *,
    catalog: Path | None = None,
    readme: Path | None = None,
    state: Path | None = None,
) -> tuple[Config, ProjectPaths]:
    """The configuration (rule ids checked against the registry) and the paths it and the command line name."""
    config, found = load_config(config_path, known_rules=RULES)
    return config, resolve_paths(config, found, catalog=catalog, readme=readme, state=state)


@dataclass(frozen=True)
class Plan:
    """Which URLs this run probes, and how."""

    urls: list[str]  # every well-formed URL in scope, as written in the catalog
    repos: dict[str, list[str]]  # repository key → the URLs naming it


def plan(catalog: Catalog, only: set[str] | None) -> Plan:
    urls = [u for u in sorted(catalog_urls(catalog, only)) if check_url(u) is None]
    repos: dict[str, list[str]] = {}
    for url in urls:
        repo = github_repo(url)
        if repo is not None:
            repos.setdefault(repo.key, []).append(url)
    return Plan(urls=urls, repos=repos)


def link_urls(plan: Plan, metas: dict[str, RepoMeta]) -> list[str]:
    """URLs the link checker must fetch: all but repository front pages that fresh metadata answered for.
    A sub-path (/tree/..., /blob/...) is still checked: the repository existing says nothing about it."""
    out = []
    for url in plan.urls:
        repo = github_repo(url)
        meta = metas.get(repo.key) if repo is not None else None
        if repo is not None and not repo.subpath and meta is not None and not meta.from_cache:
            continue
        out.append(url)
    return out


def gather(
    catalog: Catalog,
    config: Config,
    *,
    state_path: Path,
    now: datetime,
    offline: bool = False,
    use_cache: bool = True,
    allow_private_hosts: bool = False,
    changed_since: str | None = None,
    readme_path: Path | None = None,
    readme_required: bool = False,
    cwd: Path | None = None,
) -> Facts:
    """Every fact of one run, built once. Offline: only the README comparison (no I/O beyond files)."""
    readme = readme_facts(catalog, config, readme_path, state_path, required=readme_required) if readme_path else None
    if offline:
        return Facts(now=now, readme=readme, network="off")
    only: set[str] | None = None
    notes: list[str] = []
    if changed_since:
        from curator.changes import changed_entries  # git runs only when asked

        only = changed_entries(catalog, changed_since, cwd=cwd or Path.cwd())
        notes.append(f"links checked only for the {len(only)} entries changed since {changed_since}")
    # The probes load asyncio, the HTTP clients and PyGithub: only a run that uses the network pays for them.
    from curator.probes.github import fetch_repos, token_from_env
    from curator.probes.links import all_unreachable

    started = time.monotonic()
    work = plan(catalog, only)
    with StateDB.open(state_path, retention=Retention.of(config.history)) as db:
        db.check_writable()  # now, not after minutes of requests
        history_missing = db.finished_runs() == 0
        if history_missing:
            notes.append(HISTORY_MISSING)
        repos = [github_repo(urls[0]) or key for key, urls in work.repos.items()]
        with RepoProgress(len(repos)) as repo_progress:
            fetch = fetch_repos(
                repos,
                settings=config.github,
                token=token_from_env(os.environ),
                last_known=db.last_repos(work.repos.keys()),
                now=now,
                ca_file=os.environ.get("SSL_CERT_FILE"),
                progress=repo_progress.advance,
            )
        to_check = link_urls(work, fetch.metas)
        cached: dict[str, LinkResult] = {}
        if use_cache:
            cached = db.cached_ok(to_check, now, timedelta(hours=config.history.cache_max_age_hours))
        fresh = [u for u in to_check if u not in cached]
        # The run's clock stamps its results: history spans are measured between runs, and tests inject it.
        checked = _check_links(fresh, config, allow_private_hosts=allow_private_hosts)
        results = {url: replace(r, checked_at=now) for url, r in checked.items()}
        if fresh and all_unreachable(results):
            # Nothing is known and nothing is recorded; the caller reports the offline findings and exits 2.
            return Facts(
                now=now,
                readme=readme,
                network="unreachable",
                history_missing=history_missing,
                notes=(NO_NETWORK_MESSAGE.format(tried=len(fresh)),),
            )
        record_error: str | None = None
        try:
            with db.begin_run(now, kind="check") as run:
                # A link a budget stopped, or that curator failed on, was not observed: recording it would
                # break (or start) its failure streak on no evidence.
                run.record_links(r for r in results.values() if r.kind not in UNOBSERVED)
                run.record_repos(fetch.metas.values())
                run.finish(now)
        except CuratorError as exc:
            record_error = str(exc)
        links = {**cached, **results}
        try:
            link_history = db.link_history(links, now=now)
            repo_history = db.repo_history(work.repos.keys(), now=now)
        except CuratorError as exc:
            link_history, repo_history = {}, {}
            record_error = record_error or str(exc)
    notes.append(summary_line(links.values(), elapsed=time.monotonic() - started))
    if fetch.api_calls:
        notes.append(f"GitHub metadata: {len(fetch.metas)} repositories in {fetch.api_calls} API calls")
    if cached:
        notes.append(
            f"{len(cached)} links were fine within {config.history.cache_max_age_hours:g} h and were not re-checked"
        )
    if record_error:
        notes.append(f"this run was not recorded: {record_error}")
    return Facts(
        links=links,
        link_history=link_history,
        repos=fetch.metas,
        repo_history=repo_history,
        incomplete=list(fetch.incomplete),
        readme=readme,
        now=now,
        network="ok",
        history_missing=history_missing,
        notes=tuple(notes),
        record_error=record_error,
        github_rate_remaining=fetch.rate_remaining,
    )


def _check_links(urls: list[str], config: Config, *, allow_private_hosts: bool) -> dict[str, LinkResult]:
    if not urls:
        return {}
    from curator.probes.links import check_links_sync

    # The bar goes to stderr, only on a terminal and never in CI; reports stay on stdout.
    with LinkProgress(len(urls)) as progress:
        return check_links_sync(
            urls,
            config.links,
            allow_private_hosts=allow_private_hosts or config.links.allow_private_hosts,
            progress=progress,
        )


def judge(catalog: Catalog, config: Config, facts: Facts) -> list[Finding]:
    """The rules over the catalog and the facts; only the offline rules when the network phase told nothing."""
    ctx = RuleContext(catalog=catalog, config=config, facts=facts, offline=facts.network != "ok")
    return run_rules(ctx)


def build_report(catalog: Catalog, findings: list[Finding], facts: Facts) -> Report:
    urls = catalog_urls(catalog)
    return Report(
        findings=findings,
        entries=catalog.entry_count,
        links=len(urls),
        link_rows=_link_rows(facts.links.values(), urls),
        checked_links=facts.network == "ok",
        notes=list(facts.notes),
    )


def _link_rows(results: Iterable[LinkResult], urls: dict[str, set[str]]) -> list[LinkRow]:
    return [
        LinkRow(
            url=result.url,
            state=str(result.state),
            status=result.status,
            final_url=result.final_url,
            title=result.title,
            attempts=result.attempts,
            elapsed_ms=result.elapsed_ms,
            entries=tuple(sorted(urls.get(result.url, ()))),
            from_cache=result.from_cache,
            kind=str(result.kind) if result.kind is not None else None,
            detail=result.detail,
        )
        for result in sorted(results, key=lambda r: r.url)
    ]


@dataclass(frozen=True)
class CheckResult:
    """One completed check: what `curator check` reports, and the facts it was judged on."""

    report: Report
    facts: Facts


def check_project(
    config_path: Path | None,
    *,
    catalog: Path | None = None,
    readme: Path | None = None,
    state: Path | None = None,
    now: datetime | None = None,
    offline: bool = False,
    use_cache: bool = True,
    allow_private_hosts: bool = False,
    changed_since: str | None = None,
) -> CheckResult:
    """The whole check, without output: load, gather, judge, report (`curator check`, `curator serve`)."""
    from curator.catalog.load import load_catalog

    config, paths = load_project(config_path, catalog=catalog, readme=readme, state=state)
    loaded = load_catalog(paths.catalog)
    facts = gather(
        loaded,
        config,
        state_path=paths.state,
        now=now or datetime.now(UTC),
        offline=offline,
        use_cache=use_cache,
        allow_private_hosts=allow_private_hosts,
        changed_since=changed_since,
        readme_path=paths.readme,
        readme_required=readme is not None,
    )
    return CheckResult(build_report(loaded, judge(loaded, config, facts), facts), facts)


def check_status(result: CheckResult) -> int:
    """The exit code of a check: CuratorError (2) when it could not complete, else 1 for error findings."""
    # A run that could not complete says so after its report, and fails whatever it found.
    if result.facts.network == "unreachable":
        raise CuratorError(result.facts.notes[0])
    if result.facts.record_error is not None:
        raise CuratorError(f"the report is complete, but this run was not recorded: {result.facts.record_error}")
    return 1 if result.report.errors else 0
