"""Render a Report in one of the output formats."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import StringIO
from typing import Any

from rich.console import Console
from rich.markup import escape as rich_escape

from curator.findings import Finding, Severity
from curator.report.model import Report
from curator.report.textsafe import md_escape, md_escape_url

JSON_VERSION = 1

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def render_text(report: Report, *, color: bool = False, width: int = 100) -> str:
    """Grouped by file; colour only when asked (a terminal without NO_COLOR)."""
    out = StringIO()
    console = Console(
        file=out,
        force_terminal=color,
        no_color=not color,
        width=max(width, 60),
        highlight=False,
        soft_wrap=True,
        color_system="standard" if color else None,
    )
    current: str | None = object.__repr__(object())
    for finding in report.findings:
        if finding.file != current:
            current = finding.file
            console.print(f"[bold]{rich_escape(current or '(catalog)')}[/bold]")
        where = f"{finding.line}" if finding.line else "-"
        sev = finding.severity.label
        console.print(
            f"  {where:>4}  [{_STYLE[finding.severity]}]{sev:<7}[/]  {finding.rule:<18} "
            f"{rich_escape(finding.entry or '')}  {rich_escape(finding.message)}"
        )
        if finding.fix is not None:
            console.print(f"        fix: {rich_escape(finding.fix.field)} → {rich_escape(finding.fix.new)}")
    for note in report.notes:
        console.print(f"note: {rich_escape(note)}")
    console.print(report.summary_line())
    return out.getvalue()


def render_json(report: Report) -> str:
    doc: dict[str, Any] = {
        "version": JSON_VERSION,
        "summary": {
            "entries": report.entries,
            "links": report.links,
            "errors": report.errors,
            "warnings": report.warnings,
            "infos": report.infos,
        },
        "findings": [_finding_json(f) for f in report.findings],
    }
    if report.checked_links:
        doc["links"] = [
            {
                "url": row.url,
                "state": row.state,
                "status": row.status,
                "final_url": row.final_url,
                "title": row.title,
                "attempts": row.attempts,
                "elapsed_ms": round(row.elapsed_ms, 1),
                "entries": list(row.entries),
                "cached": row.from_cache,
            }
            for row in report.link_rows
        ]
    if report.notes:
        doc["notes"] = list(report.notes)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _finding_json(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "severity": f.severity.label,
        "entry": f.entry,
        "file": f.file,
        "line": f.line,
        "url": f.url,
        "message": f.message,
        "fix": None if f.fix is None else {"field": f.fix.field, "old": f.fix.old, "new": f.fix.new},
    }


def _gh_data(text: str) -> str:
    # Workflow commands: %, CR and LF must be encoded in the message ...
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    # ... and in property values also ':' and ','.
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: Report) -> str:
    """GitHub workflow-command annotations, one per finding, then a plain summary line."""
    lines = []
    command = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    for f in report.findings:
        props = []
        if f.file:
            props.append(f"file={_gh_prop(f.file)}")
        if f.line:
            props.append(f"line={f.line}")
        props.append(f"title={_gh_prop(f.rule + (' ' + f.entry if f.entry else ''))}")
        message = f.message + (f" (fix: {f.fix.field} → {f.fix.new})" if f.fix else "")
        lines.append(f"::{command[f.severity]} {','.join(props)}::{_gh_data(message)}")
    lines.append(report.summary_line())
    return "\n".join(lines) + "\n"


def render_markdown(report: Report) -> str:
    """For job summaries and pull-request bodies. Every value from the catalog or the web is escaped."""
    out = ["## curator report", "", f"**{md_escape(report.summary_line())}**", ""]
    for note in report.notes:
        out.append(f"> {md_escape(note)}")
    if report.notes:
        out.append("")
    for severity, heading in ((Severity.ERROR, "Errors"), (Severity.WARNING, "Warnings"), (Severity.INFO, "Info")):
        group = [f for f in report.findings if f.severity == severity]
        if not group:
            continue
        out += [
            f"### {heading} ({len(group)})",
            "",
            "| Rule | Entry | Where | Message | Fix |",
            "|---|---|---|---|---|",
        ]
        for f in group:
            where = md_escape(f"{f.file}:{f.line}" if f.file and f.line else (f.file or ""))
            fix = f"`{f.fix.field}` → {md_escape_url(f.fix.new)}" if f.fix else ""
            out.append(f"| `{f.rule}` | {md_escape(f.entry or '')} | {where} | {md_escape(f.message)} | {fix} |")
        out.append("")
    if not report.findings:
        out += ["No findings.", ""]
    return "\n".join(out)


FORMATS: dict[str, Callable[[Report], str]] = {
    "text": render_text,
    "json": render_json,
    "github": render_github,
    "markdown": render_markdown,
}


def render_report(fmt: str, report: Report, *, color: bool = False) -> str:
    if fmt == "text":
        return render_text(report, color=color)
    return FORMATS[fmt](report)
