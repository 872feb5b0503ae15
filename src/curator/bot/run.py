"""The rolling pull request's run: one pull request with the safe fixes and the regenerated README.

Reads the remote state (`bot.remote`), computes the wanted change on the base as it is now
(`bot.content`), decides (`bot.plan`), then writes in the order that leaves the pull request as it was if
the run is interrupted: objects (trees, commits) first, then the body, comments and labels, the branch ref
last. A dry run makes no write request and returns the plan as text. `curator pr` (commands/pr.py) and
`curator serve`'s weekly job call `make_pr`; errors are `CuratorError`s.
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from curator.bot import body as bodies
from curator.bot import health
from curator.bot.content import Desired, desired_changes
from curator.bot.marker import BotState, digest, read_state, replace_state
from curator.bot.plan import Action, Decision, Observed, Wanted, decide
from curator.bot.remote import TRAILER, PullInfo, Remote, blob_sha
from curator.config import Config
from curator.errors import CuratorError, UsageError
from curator.pipeline import load_project
from curator.probes.github import token_from_env
from curator.report.textsafe import escape_controls

REPO_ENV = "GITHUB_REPOSITORY"


@dataclass(frozen=True)
class PrOptions:
    repo: str | None = None
    base: str | None = None
    dry_run: bool = False
    format: str = "text"
    config: Path | None = None
    state: Path | None = None


@dataclass(frozen=True)
class Result:
    action: Action
    number: int | None
    url: str | None
    desired: Desired
    decision: Decision
    writes: int
    health: health.HealthResult | None = None
    plan: str | None = None  # a dry run's plan: the action, the title, the body, the diff, the issue


def make_pr(opts: PrOptions, *, now: datetime | None = None, sleep: Callable[[float], None] | None = None) -> Result:
    config, paths = load_project(opts.config, state=opts.state)
    name = opts.repo or os.environ.get(REPO_ENV, "").strip() or config.github.repository
    if not name:
        raise UsageError(
            f"which repository? Give --repo OWNER/NAME, or set {REPO_ENV}, or github.repository in curator.yaml"
        )
    if name.count("/") != 1 or not all(name.split("/")):
        raise UsageError(f"--repo {escape_controls(name, keep='')!r}: expected OWNER/NAME")
    token = token_from_env(os.environ)
    if token is None:
        raise CuratorError("no GitHub token: set GITHUB_TOKEN (or GH_TOKEN) to a token that can write to " + name)
    extra: dict[str, Any] = {"sleep": sleep} if sleep is not None else {}
    remote = Remote(
        name,
        token=token,
        api_url=config.github.api_url,
        write_interval=config.github.write_interval,
        ca_file=os.environ.get("SSL_CERT_FILE"),
        **extra,
    )
    base = opts.base or remote.default_branch
    base_sha = remote.branch_head(base)
    if base_sha is None:
        raise CuratorError(f"base branch {escape_controls(base, keep='')!r} does not exist in {name}")
    branch, label = config.bot.branch, config.bot.label
    pulls = remote.pulls(branch)
    open_pr = next((p for p in pulls if p.state == "open"), None)
    declined, declined_from = health.declined_fingerprints(pulls)
    # The boxes a person ticked in the list-health issue: their ignores go into curator.yaml in this PR.
    issue = health.find_issue(remote) if config.issue else None
    desired = desired_changes(
        remote,
        base_sha,
        state=paths.state,
        now=now or datetime.now(UTC),
        declined=declined,
        ticked=health.ticked(issue.body) if issue else (),
        issue_url=issue.url if issue else None,
    )
    branch_sha = remote.branch_head(branch)
    info = remote.branch_info(base_sha, branch_sha) if branch_sha else None
    base_files = desired.base_files
    data = bodies.BodyInput(
        repo_url=remote.html_url,
        base_sha=base_sha,
        fixes=[f for f, _ in desired.fixes],
        readme=desired.readme[0] if desired.readme else None,
        findings=desired.findings,
        paths=desired.paths,
        degraded=desired.degraded,
        history_missing=desired.history_missing,
        declined=desired.declined_left_out,
        declined_from=declined_from if desired.declined_left_out else (),
        ignores=[f for f, _ in desired.ignores] if desired.config else (),
        issue_url=issue.url if issue else None,
    )
    for why in desired.refused:
        print(escape_controls(f"curator pr: {why}", keep=""), file=sys.stderr)
    blocks = bodies.blocks(data)
    stable = bodies.stable_digest(blocks)
    old_state = read_state(open_pr.body) if open_pr else None
    seen = Observed(
        base_sha=base_sha,
        base_files=base_files,
        open_pr=open_pr is not None,
        state=old_state,
        labelled=open_pr is not None and any(x.lower() == label.lower() for x in open_pr.labels),
        branch_sha=branch_sha,
        branch_files=info.files if info else None,
        behind_by=info.behind_by if info else 0,
        foreign=info.foreign if info else (),
        degraded=bool(desired.degraded),
    )
    wanted = Wanted(files={p: blob_sha(t.encode("utf-8")) for p, t in desired.files.items()}, digest=stable)
    decision = decide(seen, wanted)
    _job_summary(blocks)
    if opts.dry_run:
        number, url = (open_pr.number, open_pr.url) if open_pr else (None, None)
        pull = _pull_after(decision, desired, old_state, declined, number, url)
        issue_result = _sync_issue(remote, config, desired, pull, dry_run=True)
        plan = _plan_text(decision, blocks, desired, open_pr)
        if issue_result.body is not None:
            plan += health.describe(issue_result) + "\n"
        return Result(decision.action, number, url, desired, decision, 0, issue_result, plan)
    number, url = _execute(
        remote, decision, desired, blocks, stable, tuple(declined), base, branch, label, open_pr, branch_sha
    )
    pull = _pull_after(decision, desired, old_state, declined, number, url)
    issue_result = _sync_issue(remote, config, desired, pull, dry_run=False)
    return Result(decision.action, number, url, desired, decision, remote.writes, issue_result)


def _pull_after(
    decision: Decision,
    desired: Desired,
    old: BotState | None,
    declined: set[str],
    number: int | None,
    url: str | None,
) -> health.PullState:
    """What the rolling pull request carries once this run's writes are done (for the issue's pending marks)."""
    if decision.action in (Action.OPEN, Action.UPDATE):
        carried = frozenset(desired.fingerprints)
    elif decision.action is Action.CLOSE or old is None:
        carried = frozenset()
    else:
        carried = frozenset(old.fingerprints)
    open_number = None if decision.action is Action.CLOSE else number
    return health.PullState(number=open_number, url=url, fingerprints=carried, declined=frozenset(declined))


def _sync_issue(
    remote: Remote, config: Config, desired: Desired, pull: health.PullState, *, dry_run: bool
) -> health.HealthResult:
    return health.sync_health_issue(
        remote,
        desired.findings,
        config,
        desired.paths,
        desired.base,
        dry_run,
        pull=pull,
        degraded=bool(desired.degraded),
    )


def _messages(desired: Desired) -> tuple[str, str]:
    run = f"{TRAILER}: {digest(','.join(desired.fingerprints))}"
    lines = []
    for finding, _ in desired.fixes:
        fix = finding.fix
        assert fix is not None
        lines.append(f"- {finding.entry} {fix.field}: {fix.old} → {fix.new} ({fix.reason})")
    n = len(desired.fixes)
    catalog = f"curator: {n} catalog fix{'' if n == 1 else 'es'}\n\n" + "\n".join(lines) + f"\n\n{run}\n"
    readme = f"curator: regenerate the README tables\n\n{run}\n"
    return escape_controls(catalog, keep="\n"), readme


def _ignore_message(desired: Desired) -> str:
    run = f"{TRAILER}: {digest(','.join(desired.fingerprints))}"
    n = len(desired.ignores)
    lines = [f"- {f.rule} {f.entry or '*'}" + (f" {f.url}" if f.url else "") for f, _ in desired.ignores]
    text = f"curator: {n} ignore{'' if n == 1 else 's'} ticked in the list-health issue\n\n" + "\n".join(lines)
    return escape_controls(text + f"\n\n{run}\n", keep="\n")


def _execute(
    remote: Remote,
    decision: Decision,
    desired: Desired,
    blocks: list[bodies.Block],
    stable: str,
    declined: tuple[str, ...],
    base: str,
    branch: str,
    label: str,
    open_pr: PullInfo | None,
    branch_sha: str | None,
) -> tuple[int | None, str | None]:
    number, url = (open_pr.number, open_pr.url) if open_pr else (None, None)
    head: str | None = None
    commits: list[str] = []
    if decision.commit:
        catalog_message, readme_message = _messages(desired)
        head = desired.base
        if desired.catalog:
            head = remote.commit(head, desired.catalog, catalog_message)
            commits.append(head)
        if desired.readme is not None:
            head = remote.commit(head, {desired.readme[0]: desired.readme[1]}, readme_message)
            commits.append(head)
        if desired.config is not None:
            head = remote.commit(head, {desired.config[0]: desired.config[1]}, _ignore_message(desired))
            commits.append(head)
    state = BotState(
        fingerprints=tuple(desired.fingerprints),
        commits=tuple(commits),
        base=desired.base,
        digest=stable,
        handed_off=False,
        declined=declined,
    )
    text, _cut = bodies.render(blocks, state)
    action = decision.action
    if action is Action.OPEN:
        assert head is not None
        remote.set_branch(branch, head, expected=branch_sha)
        number, url = remote.open_pull(base=base, branch=branch, title=bodies.TITLE, body=text)
    elif action is Action.UPDATE:
        assert open_pr is not None
        if not decision.commit:  # the branch stays: so do the commits it holds
            old = read_state(open_pr.body) or BotState()
            text, _cut = bodies.render(blocks, replace(state, commits=old.commits))
        remote.edit_body(open_pr, text)
        if head is not None:
            remote.set_branch(branch, head, expected=branch_sha)
    elif action is Action.HAND_OFF:
        assert open_pr is not None
        old = read_state(open_pr.body) or BotState()
        remote.comment(open_pr, bodies.comment_hand_off(label, _summary_input(remote, desired)))
        remote.add_label(open_pr, label)
        remote.edit_body(open_pr, replace_state(open_pr.body, replace(old, handed_off=True)))
    elif action is Action.CLOSE:
        assert open_pr is not None
        remote.comment(open_pr, bodies.comment_moot())
        # Its changes are not declined: the base has them. Clear them so a later PR may carry them again.
        old = read_state(open_pr.body) or BotState()
        closed = replace_state(open_pr.body, replace(old, fingerprints=()))
        remote.close_with_body(open_pr, closed)
        if decision.delete_branch and branch_sha is not None:
            remote.delete_branch(branch)
    return number, url


def _summary_input(remote: Remote, desired: Desired) -> bodies.BodyInput:
    return bodies.BodyInput(
        repo_url=remote.html_url,
        base_sha=desired.base,
        fixes=[f for f, _ in desired.fixes],
        readme=desired.readme[0] if desired.readme else None,
        findings=desired.findings,
    )


def _job_summary(blocks: list[bodies.Block]) -> None:
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        with Path(path).open("a", encoding="utf-8") as out:
            out.write(bodies.full_report(blocks))


def _diff(desired: Desired) -> str:
    out: list[str] = []
    for path, after in desired.files.items():
        before = desired.before.get(path, "")
        out += difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path}", f"b/{path}"
        )
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)


def _plan_text(decision: Decision, blocks: list[bodies.Block], desired: Desired, open_pr: PullInfo | None) -> str:
    text, _cut = bodies.render(blocks, BotState(fingerprints=tuple(desired.fingerprints), base=desired.base))
    where = f" (#{open_pr.number})" if open_pr else ""
    lines = [
        f"action: {decision.action}{where}" + (f" — {decision.reason}" if decision.reason else ""),
        f"title: {bodies.TITLE}",
        "body:",
        escape_controls(text, keep="\t\n"),
        "diff:",
    ]
    return "\n".join(lines) + "\n" + escape_controls(_diff(desired), keep="\t\n")
