"""`curator check`: load the catalog, gather facts (unless offline), run the rules, report."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from curator.atomicfile import write_atomic
from curator.errors import CatalogError, CuratorError
from curator.findings import Finding, Severity
from curator.pipeline import check_project, check_status
from curator.report import Report, TextStyle, render_report, text_style


@dataclass(frozen=True)
class CheckOptions:
    catalog: Path | None = None
    readme: Path | None = None
    config: Path | None = None
    offline: bool = False
    format: str = "text"
    output: Path | None = None
    no_cache: bool = False
    changed_since: str | None = None
    allow_private_hosts: bool = False
    state: Path | None = None


def run_check(opts: CheckOptions, *, now: datetime | None = None) -> int:
    """0: no error finding; 1: error findings; 2: the run could not complete (after reporting what it found)."""
    try:
        result = check_project(
            opts.config,
            catalog=opts.catalog,
            readme=opts.readme,
            state=opts.state,
            now=now,
            offline=opts.offline,
            use_cache=not opts.no_cache,
            allow_private_hosts=opts.allow_private_hosts,
            changed_since=opts.changed_since,
        )
    except CatalogError as exc:
        if opts.format == "text":
            raise
        # Machine-readable formats still get a well-formed report of the load problems.
        findings = [
            Finding(rule="schema", severity=Severity.ERROR, message=p.message, file=p.file, line=p.line)
            for p in exc.problems
        ]
        _emit(opts, Report(findings=findings, entries=0, links=0))
        print(f"curator: {exc}", file=sys.stderr)
        return exc.exit_code
    _emit(opts, result.report)
    return check_status(result)


def _emit(opts: CheckOptions, report: Report) -> None:
    if opts.output is not None:
        text = render_report(opts.format, report, color=False)
        try:
            opts.output.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CuratorError(f"{opts.output}: cannot write the report: {exc.strerror}") from None
        # Atomic and never through a symlink: a CI step may read the file while a later run writes it.
        write_atomic(opts.output, text.encode("utf-8"))
        if opts.format != "text":
            print(report.summary_line(), file=sys.stderr)
        return
    style = text_style(sys.stdout) if opts.format == "text" else TextStyle()
    sys.stdout.write(render_report(opts.format, report, color=style.color, width=style.width))
    sys.stdout.flush()
