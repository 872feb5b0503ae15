"""`curator fix`: run the pipeline, apply the safe fixes to the catalog files, regenerate the README.

Only fixes with evidence are applied (`Fix.safe`; see `fix.select`), each as a minimal edit of its value
(`catalog.edit`). With `--dry-run` nothing is written: a unified diff of every file that would change is
printed. The result (the applied fixes, or the diff) goes to standard output; notes, refusals and the
summary to standard error. Exit 0 when the run completed, whatever it found; 2 when it could not.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from curator.atomicfile import write_atomic
from curator.catalog.load import load_catalog
from curator.errors import CuratorError, UsageError
from curator.findings import Finding
from curator.fix.apply import FileChange, FixOutcome, apply_fixes
from curator.fix.select import FIXING_RULES, degraded_reasons, select_fixes
from curator.pipeline import gather, judge, load_project
from curator.report.textsafe import escape_controls


@dataclass(frozen=True)
class FixOptions:
    catalog: Path | None = None
    readme: Path | None = None
    config: Path | None = None
    state: Path | None = None
    dry_run: bool = False
    offline: bool = False
    rules: Sequence[str] = ()
    allow_private_hosts: bool = False
    no_cache: bool = False


def run_fix(opts: FixOptions, *, now: datetime | None = None) -> int:
    unknown = sorted(set(opts.rules) - set(FIXING_RULES))
    if unknown:
        raise UsageError(
            f"--rule {', '.join(unknown)}: not a rule with fixes (these have them: {', '.join(FIXING_RULES)})"
        )
    config, paths = load_project(opts.config, catalog=opts.catalog, readme=opts.readme, state=opts.state)
    catalog = load_catalog(paths.catalog)
    facts = gather(
        catalog,
        config,
        state_path=paths.state,
        now=now or datetime.now(UTC),
        offline=opts.offline,
        use_cache=not opts.no_cache,
        allow_private_hosts=opts.allow_private_hosts,
        readme_path=paths.readme,
        readme_required=opts.readme is not None,
    )
    degraded = degraded_reasons(facts, config)
    selected = select_fixes(judge(catalog, config, facts), rules=set(opts.rules) or None, degraded=bool(degraded))
    outcome = apply_fixes(
        catalog,
        config,
        selected,
        readme=paths.readme,
        state_path=paths.state,
        readme_required=opts.readme is not None,
    )
    out = sys.stderr if opts.dry_run else sys.stdout
    for finding in outcome.applied:
        print(_describe(finding, dry_run=opts.dry_run), file=out)
    for finding, why in outcome.refused:
        print(f"refused: {_safe(why)} ({finding.rule})", file=sys.stderr)
    for note in [*facts.notes, *degraded]:
        print(f"note: {_safe(note)}", file=sys.stderr)
    if opts.dry_run:
        for change in outcome.changes:
            write_diff(change, sys.stdout)
    else:
        for change in outcome.changes:  # all checked before any is written
            _refuse_link(change.path)
        for change in outcome.changes:
            newline = change.newline
            text = change.after if newline is None else change.after.replace("\n", newline)
            write_atomic(change.path, text.encode("utf-8"))
    print(_summary(outcome, dry_run=opts.dry_run), file=sys.stderr)
    return 0


def _safe(text: str) -> str:
    return escape_controls(text, keep="")


def _describe(finding: Finding, *, dry_run: bool) -> str:
    fix = finding.fix
    assert fix is not None and fix.reason is not None
    where = f"{finding.file}:{finding.line}" if finding.line else f"{finding.file}"
    verb = "would fix" if dry_run else "fixed"
    return _safe(f"{where}: {verb} {finding.entry} {fix.field}: {fix.old} → {fix.new} ({fix.reason}: {fix.evidence})")


def _summary(outcome: FixOutcome, *, dry_run: bool) -> str:
    files = [c.shown for c in outcome.changes]
    count = len(outcome.applied)
    fixes = f"{count} fix{'' if count == 1 else 'es'}"
    refused = f", {len(outcome.refused)} refused" if outcome.refused else ""
    if not files:
        return f"nothing to fix{refused}" if not count else f"{fixes}, no file changed{refused}"
    verb = "would change" if dry_run else "changed"
    return f"{fixes}{refused}; {verb} {', '.join(files)}"


def _lines(text: str) -> list[str]:
    """Lines with their endings, split at "\\n" only (str.splitlines also splits at U+2028 and the like)."""
    parts = text.split("\n")
    return [*(part + "\n" for part in parts[:-1]), *([parts[-1]] if parts[-1] else [])]


def write_diff(change: FileChange, out: TextIO) -> None:
    diff = difflib.unified_diff(
        _lines(change.before), _lines(change.after), fromfile=f"a/{change.shown}", tofile=f"b/{change.shown}"
    )
    for line in diff:
        out.write(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")


def _refuse_link(path: Path) -> None:
    if path.is_symlink():
        raise CuratorError(f"{path}: is a symbolic link; curator does not write through links — edit it by hand")
