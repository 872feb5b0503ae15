"""The network phase of `curator check`: repository metadata, then links, then the run's memory.

Order matters. GitHub metadata comes first so that repository pages it answered for are not fetched again
(github.com rate-limits scrapers). Links that were fine recently come from the cache. Nothing is recorded
when no host at all could be reached: an offline laptop must not turn every link red next week.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from curator.catalog.load import Catalog
from curator.catalog.occurrences import catalog_urls
from curator.config import Config
from curator.errors import CuratorError
from curator.facts import Facts, LinkResult, RepoMeta
from curator.probes.github import fetch_repos, token_from_env
from curator.probes.links import all_unreachable, check_links_sync
from curator.report.progress import LinkProgress, summary_line
from curator.state import StateDB
from curator.urls import check_url, github_repo

if TYPE_CHECKING:
    from curator.commands.check import CheckOptions


class NoNetworkError(CuratorError):
    """No host at all answered: say so once, exit 2, record nothing."""


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


def gather_facts(
    catalog: Catalog, config: Config, opts: CheckOptions, *, state_path: Path, now: datetime
) -> tuple[Facts, list[str]]:
    only: set[str] | None = None
    notes: list[str] = []
    if opts.changed_since:
        from curator.changes import changed_entries

        only = changed_entries(catalog, opts.changed_since, cwd=Path.cwd())
        notes.append(f"links checked only for the {len(only)} entries changed since {opts.changed_since}")
    started = time.monotonic()
    work = plan(catalog, only)
    with StateDB.open(state_path) as db:
        fetch = fetch_repos(
            [github_repo(urls[0]) or key for key, urls in work.repos.items()],
            settings=config.github,
            token=token_from_env(os.environ),
            last_known=db.last_repos(work.repos.keys()),
            now=now,
            ca_file=os.environ.get("SSL_CERT_FILE"),
        )
        to_check = link_urls(work, fetch.metas)
        cached: dict[str, LinkResult] = {}
        if not opts.no_cache:
            max_age = timedelta(hours=config.history.cache_max_age_hours)
            cached = db.cached_ok(to_check, now, max_age)
        fresh = [u for u in to_check if u not in cached]
        # The run's clock stamps its results: history spans are measured between runs, and tests inject it.
        results = {url: replace(r, checked_at=now) for url, r in _check(fresh, config, opts).items()}
        if fresh and all_unreachable(results):
            raise NoNetworkError(
                f"no host could be reached ({len(fresh)} links tried); is the network down? "
                "Nothing was recorded; run `curator check --offline` for the checks that need no network"
            )
        with db.begin_run(now, kind="check") as run:
            run.record_links(results.values())
            run.record_repos(fetch.metas.values())
            run.finish(now)
        links = {**cached, **results}
        facts = Facts(
            links=links,
            link_history=db.link_history(links, now=now),
            repos=fetch.metas,
            repo_history=db.repo_history(work.repos.keys(), now=now),
            incomplete=list(fetch.incomplete),
            now=now,
        )
    notes.append(summary_line(links.values(), elapsed=time.monotonic() - started))
    if fetch.api_calls:
        notes.append(f"GitHub metadata: {len(fetch.metas)} repositories in {fetch.api_calls} API calls")
    if cached:
        notes.append(
            f"{len(cached)} links were fine within {config.history.cache_max_age_hours:g} h and were not re-checked"
        )
    return facts, notes


def _check(urls: list[str], config: Config, opts: CheckOptions) -> dict[str, LinkResult]:
    if not urls:
        return {}
    # The bar goes to stderr, only on a terminal and never in CI; reports stay on stdout.
    with LinkProgress(len(urls)) as progress:
        return check_links_sync(
            urls,
            config.links,
            allow_private_hosts=opts.allow_private_hosts or config.links.allow_private_hosts,
            progress=progress,
        )
