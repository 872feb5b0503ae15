"""Render a Report in one of the output formats.

Every piece of outside text (catalog values, messages that quote pages or headers, URLs, titles) passes
through `textsafe` on its way out: `escape_controls` for terminal control characters in every format, and
the markdown escapes for the markdown report.
"""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TextIO

from curator.findings import Finding, Severity
from curator.report.model import LinkRow, Report
from curator.report.textsafe import escape_controls, md_escape, md_escape_url

JSON_VERSION = 1

# SGR parameters of each severity's word in the text report.
_SGR = {Severity.ERROR: "1;31", Severity.WARNING: "33", Severity.INFO: "36"}
_INDENT = "    "  # continuation lines and the fix line of the text report
_MIN_WIDTH = 40  # narrower terminals get lines of this width rather than one word a line


@dataclass(frozen=True)
class TextStyle:
    """How the text report is laid out for one stream: coloured or not, wrapped to a width or not."""

    color: bool = False
    width: int | None = None  # None: never wrap (a file, a pipe)


def text_style(stream: TextIO, env: Mapping[str, str] | None = None) -> TextStyle:
    """Colour and wrapping only on a terminal; no colour when NO_COLOR is set (and not empty)."""
    env = os.environ if env is None else env
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):  # closed or odd streams
        tty = False
    if not tty:
        return TextStyle()
    return TextStyle(color=not env.get("NO_COLOR", ""), width=_terminal_width(stream, env))


def _terminal_width(stream: TextIO, env: Mapping[str, str]) -> int:
    columns = env.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


def _where(f: Finding) -> str:
    """`path:line:column`, as far as known; "(catalog)" for a finding about no one file."""
    where = f.file or "(catalog)"
    if f.line:
        where += f":{f.line}"
        if f.column:
            where += f":{f.column}"
    return where


def _safe(text: str) -> str:
    # One finding is one line in the text and github formats: newlines are escaped like any control.
    return escape_controls(text)


def _wrap(text: str, width: int | None, *, indent: str = "", continuation: str = _INDENT) -> list[str]:
    if width is None:
        return [indent + text]
    # Only at spaces: a URL (or a path) is never split, even when longer than the line.
    wrapper = textwrap.TextWrapper(
        width=max(width, _MIN_WIDTH),
        initial_indent=indent,
        subsequent_indent=continuation,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return wrapper.wrap(text) or [indent]


def _sgr(text: str, params: str, color: bool) -> str:
    return f"\x1b[{params}m{text}\x1b[0m" if color else text


def render_text(report: Report, *, color: bool = False, width: int | None = None) -> str:
    """One line per finding, `path:line: severity rule entry: message`, like a compiler's, so an editor or
    a terminal can jump to it; the fix on the next line when there is one; then the notes and a summary.
    Colour only when asked (a terminal without NO_COLOR); wrapped only when given a width (a terminal):
    continuation lines are indented."""
    out: list[str] = []
    for f in report.findings:
        where, sev = _safe(_where(f)), f.severity.label
        entry = f" {_safe(f.entry)}" if f.entry else ""
        lines = _wrap(f"{where}: {sev} {f.rule}{entry}: {_safe(f.message)}", width)
        head = f"{where}: {sev}"
        if color and lines[0].startswith(head):
            lines[0] = f"{_sgr(where, '1', True)}: {_sgr(sev, _SGR[f.severity], True)}{lines[0][len(head) :]}"
        out += lines
        if f.fix is not None:
            fix = f"fix: {_safe(f.fix.field)} → {_safe(f.fix.new)}"
            out += _wrap(fix, width, indent=_INDENT, continuation=_INDENT * 2)
    for note in report.notes:
        out += _wrap(f"note: {_safe(note)}", width)
    out.append(_sgr(report.summary_line(), "1", color))
    return "\n".join(out) + "\n"


def _link_json(row: LinkRow) -> dict[str, Any]:
    return {
        "url": row.url,
        "state": row.state,
        "kind": row.kind,
        "detail": row.detail,
        "status": row.status,
        "final_url": row.final_url,
        "title": row.title,
        "attempts": row.attempts,
        "elapsed_ms": round(row.elapsed_ms, 1),
        "entries": list(row.entries),
        "cached": row.from_cache,
    }


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
        doc["links"] = [_link_json(row) for row in report.link_rows]
    if report.notes:
        doc["notes"] = list(report.notes)
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    # json.dumps escapes C0 inside strings but lets DEL, C1 and bidi controls through raw; escape those too
    # (the decoded values stay the same). The only raw newlines left are the document's own layout.
    return escape_controls(text, keep="\n", json=True) + "\n"


def _finding_json(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "severity": f.severity.label,
        "entry": f.entry,
        "file": f.file,
        "line": f.line,
        "column": f.column,
        "url": f.url,
        "message": f.message,
        "fix": None if f.fix is None else {"field": f.fix.field, "old": f.fix.old, "new": f.fix.new},
    }


def _gh_data(text: str) -> str:
    # Control characters shown escaped (a newline stays: GitHub shows it as one in the annotation) ...
    text = escape_controls(text, keep="\t\n")
    # ... then the workflow-command encoding: %, CR and LF must be encoded in the message ...
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    # ... and in property values also ':' and ','; a property is one line.
    return _gh_data(escape_controls(text, keep="")).replace(":", "%3A").replace(",", "%2C")


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
            if f.column:
                props.append(f"col={f.column}")
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
            where = md_escape(_where(f) if f.file else "")
            fix = f"{md_escape_url(f.fix.field)} → {md_escape_url(f.fix.new)}" if f.fix else ""
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


def render_report(fmt: str, report: Report, *, color: bool = False, width: int | None = None) -> str:
    """`color` and `width` apply to the text format only; `text_style(stream)` gives them for a stream."""
    if fmt == "text":
        return render_text(report, color=color, width=width)
    return FORMATS[fmt](report)
