"""`curator check`: load the catalog, gather facts (unless offline), run the rules, report."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from curator.catalog.load import Catalog, load_catalog
from curator.catalog.occurrences import catalog_urls
from curator.commands.render import readme_facts
from curator.config import load_config, resolve_paths
from curator.errors import CatalogError, CuratorError
from curator.facts import Facts
from curator.findings import Finding, Severity
from curator.report import Report, render_report
from curator.rules import RuleContext, run_rules


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
    config, config_path = load_config(opts.config)
    paths = resolve_paths(config, config_path, catalog=opts.catalog, readme=opts.readme, state=opts.state)
    try:
        catalog = load_catalog(paths.catalog)
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
    now = now or datetime.now(UTC)
    facts = Facts(now=now)
    notes: list[str] = []
    if not opts.offline:
        from curator.network import gather_facts

        facts, notes = gather_facts(catalog, config, opts, state_path=paths.state, now=now)
    facts.readme = readme_facts(catalog, config, paths.readme, paths.state, required=opts.readme is not None)
    ctx = RuleContext(catalog=catalog, config=config, facts=facts, offline=opts.offline)
    findings = run_rules(ctx)
    report = _report(catalog, findings, facts, checked=not opts.offline, notes=notes)
    _emit(opts, report)
    return 1 if report.errors else 0


def _report(catalog: Catalog, findings: list[Finding], facts: Facts, *, checked: bool, notes: list[str]) -> Report:
    from curator.report import LinkRow

    urls = catalog_urls(catalog)
    rows = [
        LinkRow(
            url=url,
            state=str(result.state),
            status=result.status,
            final_url=result.final_url,
            title=result.title,
            attempts=result.attempts,
            elapsed_ms=result.elapsed_ms,
            entries=tuple(sorted(urls.get(url, ()))),
            from_cache=result.from_cache,
        )
        for url, result in sorted(facts.links.items())
    ]
    return Report(
        findings=findings,
        entries=catalog.entry_count,
        links=len(urls),
        link_rows=rows,
        checked_links=checked,
        notes=notes,
    )


def _emit(opts: CheckOptions, report: Report) -> None:
    if opts.output is not None:
        text = render_report(opts.format, report, color=False)
        try:
            opts.output.parent.mkdir(parents=True, exist_ok=True)
            opts.output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CuratorError(f"{opts.output}: cannot write the report: {exc.strerror}") from None
        if opts.format != "text":
            print(report.summary_line(), file=sys.stderr)
        return
    color = opts.format == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    sys.stdout.write(render_report(opts.format, report, color=color))
    sys.stdout.flush()
