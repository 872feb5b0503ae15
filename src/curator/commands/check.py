"""`curator check`: load the catalog, gather facts (unless offline), run the rules, report."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from curator.atomicfile import write_atomic
from curator.catalog.load import load_catalog
from curator.errors import CatalogError, CuratorError
from curator.facts import Facts
from curator.findings import Finding, Severity
from curator.pipeline import build_report, gather, judge, load_project
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


@dataclass(frozen=True)
class CheckResult:
    """One completed check: what `curator check` reports, and the facts it was judged on."""

    report: Report
    facts: Facts


def run_check(opts: CheckOptions, *, now: datetime | None = None) -> int:
    """0: no error finding; 1: error findings; 2: the run could not complete (after reporting what it found)."""
    try:
        result = check_project(opts, now=now)
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


def check_project(opts: CheckOptions, *, now: datetime | None = None) -> CheckResult:
    """The check of `run_check` without its output (`curator serve` logs and hands it on instead)."""
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
        changed_since=opts.changed_since,
        readme_path=paths.readme,
        readme_required=opts.readme is not None,
    )
    return CheckResult(build_report(catalog, judge(catalog, config, facts), facts), facts)


def check_status(result: CheckResult) -> int:
    """The exit code of a check: CuratorError (2) when it could not complete, else 1 for error findings."""
    # A run that could not complete says so after its report, and fails whatever it found.
    if result.facts.network == "unreachable":
        raise CuratorError(result.facts.notes[0])
    if result.facts.record_error is not None:
        raise CuratorError(f"the report is complete, but this run was not recorded: {result.facts.record_error}")
    return 1 if result.report.errors else 0


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
