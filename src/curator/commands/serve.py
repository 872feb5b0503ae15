"""`curator serve`: the check and the rolling pull request on their schedules, in one long-running process.

Wiring only: the jobs are `pipeline.check_project` and `bot.run.make_pr`, called as they are
(the brief of serve: call them, do not copy them); the scheduling, the runner, the endpoints and the log
are `curator.serve`. With a repository (`GITHUB_REPOSITORY`, else `github.repository`) the check reads the
base branch through the API as `curator pr` does and the pull request job runs too; without one, only the
check runs, on the working directory. History stays in the local state database either way.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import TextIO

from curator.bot.run import REPO_ENV, PrOptions, make_pr
from curator.config import Config, ProjectPaths
from curator.crontab import Crontab, parse_crontab
from curator.errors import CuratorError, UsageError
from curator.facts import Facts
from curator.pipeline import CheckResult, check_project, check_status, load_project
from curator.report import Report
from curator.report.textsafe import escape_controls
from curator.serve.events import EventLog
from curator.serve.metrics import Metrics
from curator.serve.schedule import iso, next_runs, trigger
from curator.serve.service import Job, RunRecord, Service, Stopping

# The hook for what the check found: called after every completed check job with its report (findings)
# and facts, before the run's status is judged (so it also sees a run with no network). The list-health
# issue updater is to be wired here (`run_serve(..., on_check_done=...)`, from `main._serve`).
CheckHook = Callable[[Report, Facts], None]

STOP_SECONDS = 10  # the promise of docs/serve.md: a stop ends the process within this


@dataclass(frozen=True)
class ServeOptions:
    config: Path | None = None
    state: Path | None = None
    dry_run: bool = False
    once: bool = False
    listen: str | None = None
    log_format: str = "text"


def run_serve(
    opts: ServeOptions,
    *,
    on_check_done: CheckHook | None = None,
    now: datetime | None = None,
    stderr: TextIO | None = None,
) -> int:
    if opts.listen is not None and (opts.once or opts.dry_run):
        raise UsageError("--listen serves the endpoints of a running service: not with --once or --dry-run")
    config, paths = load_project(opts.config, state=opts.state)
    repo = os.environ.get(REPO_ENV, "").strip() or config.github.repository
    metrics = Metrics()
    jobs = _jobs(opts, config, paths, repo, metrics, on_check_done)
    if opts.dry_run:
        _print_schedule(jobs, now or datetime.now(UTC))
        return 0
    log = EventLog(stderr or sys.stderr, fmt=opts.log_format)
    # A job whose schedule is null is left out of --once too: null means "not this job", not "not now".
    service = Service([job for job in jobs if job.cron is not None], log=log)
    service.on_run.append(lambda r: metrics.observe_run(r.job, ended=r.ended, duration=r.duration, ok=r.ok))
    with _stop_signals():
        try:
            if opts.once:
                return service.run_once()
            return _serve(opts, service, jobs, metrics, log)
        except Stopping:
            log.emit("shutdown", "stopped by a signal")
            return 0


def _serve(opts: ServeOptions, service: Service, jobs: list[Job], metrics: Metrics, log: EventLog) -> int:
    if not any(job.cron for job in jobs):
        raise CuratorError("nothing to schedule: schedule.check and schedule.pr are both null in curator.yaml")
    endpoints = None
    try:
        if opts.listen is not None:
            from curator.serve.endpoints import Endpoints, parse_listen

            host, port = parse_listen(opts.listen)
            endpoints = Endpoints(host, port, health=service.health, metrics=metrics.text)
            endpoints.start()
            bound = endpoints.address
            log.emit(
                "listening", f"serving /healthz and /metrics on {bound[0]}:{bound[1]}", host=bound[0], port=bound[1]
            )
        return service.run_forever()
    finally:
        if endpoints is not None:
            endpoints.stop()
        log.emit("stopped", "stopped")


def _jobs(
    opts: ServeOptions,
    config: Config,
    paths: ProjectPaths,
    repo: str | None,
    metrics: Metrics,
    on_check_done: CheckHook | None,
) -> list[Job]:
    def check() -> str:
        result = _check_base(repo, config, paths) if repo else check_project(opts.config, state=opts.state)
        metrics.observe_check(result.report, result.facts)
        if on_check_done is not None:
            on_check_done(result.report, result.facts)
        status = check_status(result)  # CuratorError: the run could not complete
        return result.report.summary_line() + (" (error findings)" if status == 1 else "")

    def pr() -> str:
        result = make_pr(PrOptions(repo=repo, config=opts.config, state=opts.state))
        where = f" #{result.number}" if result.number is not None else ""
        return escape_controls(f"{result.action}{where}, {result.writes} write requests", keep="")

    jobs = [Job("check", _cron(config.schedule.check), check)]
    if repo:
        jobs.append(Job("pr", _cron(config.schedule.pr), pr))
    return jobs


def _cron(text: str | None) -> Crontab | None:
    return parse_crontab(text) if text is not None else None


def _check_base(repo: str, config: Config, paths: ProjectPaths) -> CheckResult:
    """The check on the repository's default branch as it is now, read through the API (no checkout)."""
    from curator.bot.content import base_copy, health_after_check
    from curator.bot.remote import Remote
    from curator.probes.github import token_from_env

    token = token_from_env(os.environ)
    if token is None:
        raise CuratorError(f"no GitHub token: set GITHUB_TOKEN (or GH_TOKEN) to a token that can read {repo}")
    remote = Remote(
        repo,
        token=token,
        api_url=config.github.api_url,
        write_interval=config.github.write_interval,
        ca_file=os.environ.get("SSL_CERT_FILE"),
    )
    base = remote.default_branch
    sha = remote.branch_head(base)
    if sha is None:
        raise CuratorError(f"the default branch {escape_controls(base, keep='')!r} of {repo} has no head")
    with base_copy(remote, sha, state=paths.state) as copy:
        result = check_project(copy.config_path, state=paths.state)
        # The daily job keeps the list-health issue too (`issue: false` in the base's curator.yaml: not).
        health_after_check(remote, copy, result.report.findings, result.facts, sha)
        return result


def _print_schedule(jobs: list[Job], now: datetime) -> None:
    for job in jobs:
        if job.cron is None:
            print(f"{job.name}: not scheduled (null in curator.yaml)")
            continue
        times = next_runs(trigger(job.cron), now, 3)
        print(f"{job.name} ({job.cron.text}): " + " ".join(iso(t) for t in times))


@contextmanager
def _stop_signals() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    fired = False

    def handler(signum: int, frame: FrameType | None) -> None:
        nonlocal fired
        if fired:  # the first stop is under way; a second must not break its cleanup
            return
        fired = True
        raise Stopping

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


__all__ = ["CheckHook", "RunRecord", "ServeOptions", "run_serve"]
