"""The list-health issue: one issue (label `curator`) listing what needs a person — the same groups as the
pull request body's "Needs a person" — kept up to date by `curator pr` and by serve's check job.

Each finding has a checkbox "ignore this" with a hidden id (`ignores.ignore_id`: the rule, entry and URL's
fingerprint). A person ticks it; the next `curator pr` adds the matching ignore to `curator.yaml` in the
rolling pull request, and the finding is shown as pending until that pull request is merged, when the
ignore applies on the base and the finding is gone.

Writes only when needed: the body's digest is kept in a hidden marker, and an unchanged run makes no write.
The issue is found by its label and its marker, open or closed: when nothing needs a person it is closed
with a short comment, and the same issue is reopened when problems return, never a second one.
`issue: false` in curator.yaml turns all of it off: no issue request is made.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from curator.bot.body import finding_text, group_heading, person_groups
from curator.bot.ignores import ignore_id
from curator.bot.marker import digest, read_state
from curator.bot.remote import IssueInfo, PullInfo, Remote
from curator.config import Config
from curator.findings import Finding
from curator.report.textsafe import escape_controls

LABEL = "curator"
TITLE = "curator: what needs a person"
MAX_ISSUE = 60_000  # GitHub refuses a body over 65,536 characters; room is left for the marker
VERSION = 1
_MARKER = re.compile(r"<!-- curator:health (\{.*?\}) -->")
# A checkbox line: GitHub's task list toggles the `[ ]`; the id is in the comment at the line's end. A body
# saved from the web page has CRLF line ends.
_BOX = re.compile(r"^- \[([ xX])\] ignore this\b[^\n]*<!-- curator:finding ([0-9a-f]{16}) -->[ \t\r]*$", re.M)
INTRO = (
    "curator keeps this list up to date. Tick **ignore this** next to a finding to have the next `curator pr` "
    "add an `ignore:` item for it to `curator.yaml` in its pull request; the finding leaves this list once "
    "that pull request is merged. Configure with `issue:` in `curator.yaml` (`issue: false` turns this issue off)."
)
CLEAN = "**Nothing needs a person.** curator reopens this issue when something does."
CLOSING = "Nothing needs a person any more: closing. curator reopens this issue when something does."


class HealthAction(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    CLOSE = "close"
    REOPEN = "reopen"
    NOTHING = "nothing"
    OFF = "off"  # `issue: false`
    SKIPPED = "skipped"  # a degraded run: what it no longer sees is not taken off the list


@dataclass(frozen=True)
class HealthResult:
    action: HealthAction
    number: int | None = None
    url: str | None = None
    writes: int = 0
    body: str | None = None  # what the issue says (or would say, with dry_run)
    reason: str = ""


@dataclass(frozen=True)
class PullState:
    """What the rolling pull request carries, for the pending marks of ticked findings."""

    number: int | None = None
    url: str | None = None
    fingerprints: frozenset[str] = field(default_factory=frozenset)  # of the open pull request
    declined: frozenset[str] = field(default_factory=frozenset)  # of pull requests closed unmerged


def declined_fingerprints(pulls: Sequence[PullInfo]) -> tuple[set[str], tuple[int, ...]]:
    """Fingerprints of the bot's pull requests closed unmerged since its latest merged one, and their numbers."""
    merged = max((p.number for p in pulls if p.merged), default=0)
    out: set[str] = set()
    numbers: list[int] = []
    for p in sorted(pulls, key=lambda p: p.number):
        if p.number <= merged or p.state != "closed" or p.merged:
            continue
        state = read_state(p.body)
        if state is not None and state.fingerprints:
            out |= set(state.fingerprints)
            numbers.append(p.number)
    return out, tuple(numbers)


def read_pull_state(remote: Remote, branch: str) -> PullState:
    pulls = remote.pulls(branch)
    declined, _ = declined_fingerprints(pulls)
    pr = next((p for p in pulls if p.state == "open"), None)
    state = read_state(pr.body) if pr is not None else None
    return PullState(
        number=pr.number if pr else None,
        url=pr.url if pr else None,
        fingerprints=frozenset(state.fingerprints if state else ()),
        declined=frozenset(declined),
    )


def marker(body_digest: str) -> str:
    # A hex digest cannot hold "--": the comment cannot end early.
    return f"<!-- curator:health {json.dumps({'v': VERSION, 'digest': body_digest}, sort_keys=True)} -->"


def read_digest(body: str | None) -> str | None:
    """The digest in a list-health issue's marker; None when the body has none (not curator's issue)."""
    match = _MARKER.search(body or "")
    if match is None:
        return None
    try:
        doc = json.loads(match.group(1))
    except ValueError:
        return None
    if not isinstance(doc, dict) or doc.get("v") != VERSION or not isinstance(doc.get("digest"), str):
        return None
    return str(doc["digest"])


def ticked(body: str | None) -> set[str]:
    """The ids of the findings whose "ignore this" box is ticked in `body`."""
    return {m.group(2) for m in _BOX.finditer(body or "") if m.group(1) in "xX"}


def find_issue(remote: Remote) -> IssueInfo | None:
    """curator's list-health issue, open or closed: labelled `curator` with the marker; the oldest if several."""
    return next((i for i in remote.issues(LABEL) if read_digest(i.body) is not None), None)


def _mark(fp: str, ticks: Collection[str], pull: PullState) -> str:
    if fp not in ticks:
        return "- [ ] ignore this"
    if fp in pull.fingerprints and pull.number is not None:
        return f"- [x] ignore this (pending: proposed in #{pull.number}, applies once merged)"
    if fp in pull.declined:
        return "- [x] ignore this (declined: its pull request was closed unmerged)"
    return "- [x] ignore this (the next `curator pr` proposes it)"


def render_blocks(
    findings: Sequence[Finding],
    *,
    repo_url: str,
    base_sha: str,
    paths: Mapping[str, str],
    ticks: Collection[str] = (),
    pull: PullState | None = None,
) -> list[str]:
    """The issue's body without its marker, in blocks (a heading, one finding), so a cut falls between them."""
    pull = pull or PullState()
    groups = person_groups(findings)
    n = sum(len(g) for _, _, g in groups)
    if not n:
        return [CLEAN]
    out = [f"**{n} finding{'' if n == 1 else 's'} need{'s' if n == 1 else ''} a person**", INTRO]
    for rule, heading, group in groups:
        out.append(group_heading(rule, heading))
        seen: set[str] = set()
        for f in group:
            fp = ignore_id(f)
            box = _mark(fp, ticks, pull) if fp not in seen else "-"  # one checkbox per ignore
            seen.add(fp)
            hidden = f" <!-- curator:finding {fp} -->" if box != "-" else ""
            out.append(f"{box} — {finding_text(repo_url, base_sha, paths, f)}{hidden}")
    return out


def render_body(blocks: Sequence[str], *, base_sha: str | None = None, limit: int = MAX_ISSUE) -> tuple[str, str]:
    """The body with its marker, cut between blocks to fit; and its digest (of the blocks, not the marker).

    The base commit in the line links is left out of the digest: the base moving on (any merge) is no reason
    to edit the issue, and its links stay permalinks to the lines as they were when last written. A finding
    whose line moved changes the text anyway."""
    kept: list[str] = []
    used = 0
    for i, block in enumerate(blocks):
        if used + len(block) + 2 > limit:
            kept.append(f"*{len(blocks) - i} more lines are not shown: an issue's description has a size limit.*")
            break
        kept.append(block)
        used += len(block) + 2
    text = "\n\n".join(kept)
    body_digest = digest(text.replace(base_sha, "{base}") if base_sha else text)
    return f"{text}\n\n{marker(body_digest)}\n", body_digest


def sync_health_issue(
    remote: Remote,
    findings: Sequence[Finding],
    config: Config,
    repo_paths: Mapping[str, str],
    base_sha: str,
    dry_run: bool = False,
    *,
    pull: PullState | None = None,
    degraded: bool = False,
) -> HealthResult:
    """Bring the list-health issue in line with `findings` (judged on `base_sha`; `repo_paths` maps a finding's
    file as shown to its repository path). `pull` is what the rolling pull request carries (read from GitHub
    when not given). At most two write requests (closing: a comment and the edit), none when unchanged."""
    if not config.issue:
        return HealthResult(HealthAction.OFF, reason="`issue: false` in the configuration")
    start = remote.writes
    issue = find_issue(remote)
    number, url = (issue.number, issue.url) if issue else (None, None)
    if degraded:
        why = "degraded run: the list-health issue is left as it is"
        return HealthResult(HealthAction.SKIPPED, number, url, reason=why)
    if pull is None:
        pull = read_pull_state(remote, config.bot.branch)
    ticks = ticked(issue.body) if issue else set()
    blocks = render_blocks(
        findings, repo_url=remote.html_url, base_sha=base_sha, paths=repo_paths, ticks=ticks, pull=pull
    )
    body, body_digest = render_body(blocks, base_sha=base_sha)
    clean = blocks == [CLEAN]
    if clean:
        if issue is None or issue.state != "open":
            return HealthResult(HealthAction.NOTHING, number, url, body=body, reason="nothing needs a person")
        if not dry_run:
            remote.comment_issue(issue, CLOSING)
            remote.edit_issue(issue, body=body, state="closed")
        return HealthResult(HealthAction.CLOSE, number, url, writes=remote.writes - start, body=body)
    if issue is None:
        if dry_run:
            return HealthResult(HealthAction.CREATE, body=body)
        number, url = remote.open_issue(title=TITLE, body=body, label=LABEL)
        return HealthResult(HealthAction.CREATE, number, url, writes=remote.writes - start, body=body)
    if issue.state != "open":
        if not dry_run:
            remote.edit_issue(issue, body=body, state="open")
        return HealthResult(HealthAction.REOPEN, number, url, writes=remote.writes - start, body=body)
    if read_digest(issue.body) == body_digest:
        return HealthResult(HealthAction.NOTHING, number, url, body=body, reason="the issue is up to date")
    if not dry_run:
        remote.edit_issue(issue, body=body)
    return HealthResult(HealthAction.UPDATE, number, url, writes=remote.writes - start, body=body)


def describe(result: HealthResult) -> str:
    """One line for the command's output."""
    where = f" #{result.number} {result.url}" if result.number is not None else ""
    reason = f" ({result.reason})" if result.reason else ""
    return escape_controls(f"list-health issue: {result.action}{where}{reason}", keep="")
