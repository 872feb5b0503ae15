"""Report renderers on hand-built findings: escaping is where a hostile title or entry name would hurt."""

from __future__ import annotations

import json

from curator.findings import Finding, Fix, Severity
from curator.report import LinkRow, Report, render_report
from curator.report.textsafe import md_escape

HOSTILE = "Evil | <img src=x onerror=alert(1)> [click](javascript:alert(1)) @maintainer\nsecond line 100%"


def report(*findings: Finding, rows: list[LinkRow] | None = None) -> Report:
    return Report(findings=list(findings), entries=2, links=3, link_rows=rows or [], checked_links=rows is not None)


def test_github_annotation_escapes_data_and_properties() -> None:
    finding = Finding(
        rule="dead-link", severity=Severity.WARNING, message=HOSTILE, entry="a/b", file="cat,a:b.yaml", line=3
    )
    out = render_report("github", report(finding)).splitlines()
    assert out[0].startswith("::warning file=cat%2Ca%3Ab.yaml,line=3,title=dead-link a/b::Evil |")
    assert "%0Asecond line 100%25" in out[0]
    assert len(out) == 2  # one annotation line, one summary line: the newline did not split it


def test_markdown_report_escapes_everything_from_outside() -> None:
    finding = Finding(
        rule="wrong-link",
        severity=Severity.ERROR,
        message=HOSTILE,
        entry="a/b",
        file="x.yaml",
        line=1,
        fix=Fix(field="url", old="u", new="https://example.org/`x`|y"),
    )
    out = render_report("markdown", report(finding))
    row = next(line for line in out.splitlines() if line.startswith("| `wrong-link`"))
    assert "<img" not in row and "](javascript" not in row
    assert row.count(" | ") == 4  # the message's pipe did not add a column
    assert "@\u200bmaintainer" in row  # no mention ping from a bot's PR
    assert "`https://example.org/%60x%60%7Cy`" in row


def test_md_escape_round_trips_visible_text() -> None:
    assert md_escape("a_b*c") == "a\\_b\\*c"
    assert md_escape("x\ny") == "x<br>y"
    assert md_escape("AT&T") == "AT&amp;T"


def test_json_includes_links_only_when_checked() -> None:
    row = LinkRow(
        url="https://a.example/",
        state="ok",
        status=200,
        final_url="https://a.example/",
        title="A",
        attempts=1,
        elapsed_ms=12.345,
        entries=("f/a",),
    )
    doc = json.loads(render_report("json", report(rows=[row])))
    assert doc["links"] == [
        {
            "url": "https://a.example/",
            "state": "ok",
            "status": 200,
            "final_url": "https://a.example/",
            "title": "A",
            "attempts": 1,
            "elapsed_ms": 12.3,
            "entries": ["f/a"],
            "cached": False,
        }
    ]
    assert "links" not in json.loads(render_report("json", report()))


def test_text_colour_only_when_asked() -> None:
    finding = Finding(rule="r", severity=Severity.ERROR, message="m [bold]x[/bold]", file="f.yaml", line=2)
    plain = render_report("text", report(finding), color=False)
    coloured = render_report("text", report(finding), color=True)
    assert "\x1b[" not in plain and "\x1b[" in coloured
    assert "m [bold]x[/bold]" in plain  # catalog text is not interpreted as rich markup
