"""The pull request body: the reviewer's report, in markdown (pure; no I/O).

Sections, in order: a summary line; the table of fixes; what needs a person, grouped by rule, with links to
each entry's line on the base commit; notes. Everything from outside (catalog values, page titles,
messages) is escaped (`report.textsafe`). The body is built from blocks — a heading, a whole table, one
list item — so that a body over GitHub's limit is cut between blocks, never inside a table or a link.

Some parts describe the run rather than the change (whether the history was empty): they are *volatile*,
left out of the digest that decides whether the body must be written again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from curator.bot.marker import BotState, digest
from curator.config import CONFIG_FILE
from curator.findings import Finding, Severity
from curator.report.textsafe import escape_controls, md_escape, md_escape_url

MAX_BODY = 60_000
TITLE = "curator: catalog maintenance"
SUMMARY_PLACE = "the job summary of this run"
# What needs a person, in the order shown: the rule, its heading, and which of its findings count.
PERSON_RULES: tuple[tuple[str, str], ...] = (
    ("wrong-link", "Wrong links"),
    ("duplicate-url", "Duplicate URLs"),
    ("duplicate-name", "Duplicate names"),
    ("dead-link", "Dead links (confirmed)"),
    ("repo-missing", "Missing repositories"),
    ("repo-archived", "Archived repositories"),
)
HISTORY_NOTE = (
    "The link history was missing or reset (the state database had no earlier finished run): failures "
    "are warnings until they repeat, so no link is reported dead yet."
)


@dataclass(frozen=True)
class Block:
    text: str
    volatile: bool = False


@dataclass(frozen=True)
class BodyInput:
    repo_url: str  # https://github.com/OWNER/NAME
    base_sha: str
    fixes: Sequence[Finding] = ()
    readme: str | None = None  # the README's repository path when it is regenerated
    findings: Sequence[Finding] = ()
    paths: dict[str, str] = field(default_factory=dict)  # a finding's file as shown → repository path
    degraded: Sequence[str] = ()
    history_missing: bool = False
    declined: int = 0
    declined_from: Sequence[int] = ()  # the closed pull requests whose changes were declined
    ignores: Sequence[Finding] = ()  # findings a person ticked "ignore this" for in the list-health issue
    issue_url: str | None = None  # that issue


def needs_person(findings: Sequence[Finding]) -> list[Finding]:
    wanted = {rule for rule, _ in PERSON_RULES}
    return [f for f in findings if f.rule in wanted and (f.rule != "dead-link" or f.severity >= Severity.ERROR)]


def _cell(text: str | None) -> str:
    return md_escape(text or "")


def summary(data: BodyInput) -> str:
    n = len(data.fixes)
    parts = [f"{n} fix{'' if n == 1 else 'es'}"]
    if data.readme is not None:
        parts.append("README regenerated")
    if data.ignores:
        k = len(data.ignores)
        parts.append(f"{k} ignore{'' if k == 1 else 's'} added")
    m = len(needs_person(data.findings))
    parts.append(f"{m} finding{'' if m == 1 else 's'} need{'s' if m == 1 else ''} a person")
    return ", ".join(parts)


def _fix_table(fixes: Sequence[Finding]) -> str:
    rows = ["| Entry | Field | Old → new | Evidence |", "|---|---|---|---|"]
    for f in fixes:
        fix = f.fix
        assert fix is not None
        reason = f"{fix.reason}: " if fix.reason else ""
        rows.append(
            f"| {_cell(f.entry)} | {_cell(fix.field)} | {md_escape_url(fix.old or '')} → {md_escape_url(fix.new)} "
            f"| {_cell(reason + fix.evidence)} |"
        )
    return "\n".join(rows)


def line_link(repo_url: str, base_sha: str, paths: Mapping[str, str], f: Finding) -> str:
    """A markdown link to the finding's line on the base commit."""
    path = paths.get(f.file or "", f.file or "")
    where = f"{path}:{f.line}" if f.line else path
    url = f"{repo_url}/blob/{base_sha}/{quote(path)}" + (f"#L{f.line}" if f.line else "")
    return f"[{md_escape(where)}]({escape_controls(url, keep='')})"


def person_groups(findings: Sequence[Finding]) -> list[tuple[str, str, list[Finding]]]:
    """What needs a person, grouped by rule in PERSON_RULES order: (rule, heading, findings); empty groups
    left out. The PR body and the list-health issue both show these groups."""
    person = needs_person(findings)
    out = []
    for rule, heading in PERSON_RULES:
        group = [f for f in person if f.rule == rule]
        if group:
            out.append((rule, heading, group))
    return out


def group_heading(rule: str, heading: str) -> str:
    return f"#### {heading} (`{rule}`)"


def finding_text(repo_url: str, base_sha: str, paths: Mapping[str, str], f: Finding) -> str:
    """One finding that needs a person, as a list item's text (without the `- `)."""
    url = f" {md_escape_url(f.url)}" if f.url else ""
    return f"{_cell(f.entry)}{url}: {_cell(f.message)} ({line_link(repo_url, base_sha, paths, f)})"


def blocks(data: BodyInput) -> list[Block]:
    out = [Block(f"**{summary(data)}**")]
    if data.fixes:
        out += [Block("### Fixes"), Block(_fix_table(data.fixes))]
    if data.readme is not None:
        out.append(Block(f"The tables of `{escape_controls(data.readme, keep='')}` are regenerated from the catalog."))
    if data.ignores:
        where = f" ticked in {escape_controls(data.issue_url, keep='')}" if data.issue_url else ""
        out.append(Block(f"### Ignores{where}"))
        out.append(Block(f"Added to `{CONFIG_FILE}`, one `ignore:` item each:"))
        for f in data.ignores:
            out.append(Block(f"- `{_cell(f.rule)}` {finding_text(data.repo_url, data.base_sha, data.paths, f)}"))
    groups = person_groups(data.findings)
    if groups:
        out.append(Block("### Needs a person"))
        for rule, heading, group in groups:
            out.append(Block(group_heading(rule, heading)))
            for f in group:
                out.append(Block(f"- {finding_text(data.repo_url, data.base_sha, data.paths, f)}"))
    notes: list[Block] = [Block(f"- Degraded run: {_cell(r)}") for r in data.degraded]
    if data.history_missing:
        notes.append(Block(f"- {HISTORY_NOTE}", volatile=True))
    if data.declined:
        where = ", ".join(f"#{n}" for n in data.declined_from)
        notes.append(
            Block(
                f"- {data.declined} change{'' if data.declined == 1 else 's'} declined earlier (closed without "
                f"merging: {where}) {'is' if data.declined == 1 else 'are'} left out. To have them proposed "
                "again, remove the `curator:state` comment from the description of the closed pull request."
            )
        )
    if notes:
        # A heading over volatile notes only is volatile too: its coming and going is no reason to write.
        out += [Block("### Notes", volatile=all(n.volatile for n in notes)), *notes]
    return out


def stable_digest(parts: Sequence[Block]) -> str:
    return digest("\n\n".join(b.text for b in parts if not b.volatile))


def render(parts: Sequence[Block], state: BotState, *, limit: int = MAX_BODY) -> tuple[str, bool]:
    """The body with its marker, cut between blocks to stay within `limit`; whether it was cut."""
    marker = state.render()
    cut_note = f"*This report is cut to fit a pull request description; the full report is in {SUMMARY_PLACE}.*"
    room = limit - len(marker) - len(cut_note) - 8
    kept: list[str] = []
    used = 0
    truncated = False
    for block in parts:
        size = len(block.text) + 2
        if used + size > room:
            truncated = True
            break
        kept.append(block.text)
        used += size
    if truncated:
        kept.append(cut_note)
    return "\n\n".join([*kept, marker]) + "\n", truncated


def full_report(parts: Sequence[Block]) -> str:
    """The whole report (for the job summary), never cut."""
    return "## curator pull request\n\n" + "\n\n".join(b.text for b in parts) + "\n"


def comment_hand_off(label: str, data: BodyInput, *, most: int = 20) -> str:
    """The one comment of a hand-off: why curator stopped, how to hand back, what it would change now."""
    lines = [
        "A person has committed to this branch, so curator will not update it any more. "
        f"Remove the label `{escape_controls(label, keep='')}` to hand it back: curator then rebuilds the branch "
        "on the base (dropping the commits on it).",
        "",
        f"What curator would change now: {summary(data)}.",
    ]
    for f in data.fixes[:most]:
        fix = f.fix
        assert fix is not None
        lines.append(
            f"- {_cell(f.entry)} {_cell(fix.field)}: {md_escape_url(fix.old or '')} → {md_escape_url(fix.new)}"
        )
    if len(data.fixes) > most:
        lines.append(f"- and {len(data.fixes) - most} more")
    return "\n".join(lines)


def comment_moot() -> str:
    return "Nothing is left to change (the base already has these changes, or no longer needs them): closing."
