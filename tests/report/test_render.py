"""Report renderers on hand-built findings: escaping is where a hostile title or entry name would hurt."""

from __future__ import annotations

import fcntl
import io
import json
import os
import re
import struct
import termios

import pytest

from curator.findings import Finding, Fix, Severity
from curator.report import LinkRow, Report, render_report
from curator.report.render import TextStyle, text_style
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
        kind="blocked",
        detail="Cloudflare challenge page",
    )
    doc = json.loads(render_report("json", report(rows=[row])))
    assert doc["links"] == [
        {
            "url": "https://a.example/",
            "state": "ok",
            "kind": "blocked",
            "detail": "Cloudflare challenge page",
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


def test_json_link_rows_without_kind_or_detail_say_null() -> None:
    row = LinkRow(
        url="https://a.example/", state="ok", status=200, final_url=None, title=None, attempts=1,
        elapsed_ms=1.0, entries=(),
    )  # fmt: skip
    (link,) = json.loads(render_report("json", report(rows=[row])))["links"]
    assert (link["kind"], link["detail"]) == (None, None)
    assert json.loads(render_report("json", report()))["version"] == 1


def test_text_colour_only_when_asked() -> None:
    finding = Finding(rule="r", severity=Severity.ERROR, message="m [bold]x[/bold]", file="f.yaml", line=2)
    plain = render_report("text", report(finding), color=False)
    coloured = render_report("text", report(finding), color=True)
    assert "\x1b[" not in plain and "\x1b[" in coloured
    assert "m [bold]x[/bold]" in plain  # catalog text is not interpreted as markup
    assert coloured.splitlines()[0] == "\x1b[1mf.yaml:2\x1b[0m: \x1b[1;31merror\x1b[0m r: m [bold]x[/bold]"


def test_text_puts_path_and_line_first_on_every_finding() -> None:
    findings = [
        Finding(
            rule="dead-link",
            severity=Severity.ERROR,
            message="the url of 'Koala' is dead (HTTP 404)",
            entry="research-llms/koala",
            file="catalog/research-llms.yaml",
            line=12,
        ),
        Finding(rule="schema", severity=Severity.WARNING, message="m", file="catalog/a.yaml", line=3, column=7),
        Finding(rule="readme-markers", severity=Severity.INFO, message="no line", file="README.md"),
        Finding(
            rule="malformed-url",
            severity=Severity.ERROR,
            message="bad",
            entry="t/a",
            fix=Fix(field="url", old="hhttps://x.example/", new="https://x.example/"),
        ),
    ]
    out = render_report("text", report(*findings)).splitlines()
    assert out == [
        "catalog/research-llms.yaml:12: error dead-link research-llms/koala: the url of 'Koala' is dead (HTTP 404)",
        "catalog/a.yaml:3:7: warning schema: m",
        "README.md: info readme-markers: no line",
        "(catalog): error malformed-url t/a: bad",
        "    fix: url → https://x.example/",
        "2 errors, 1 warning, 1 info in 2 entries (3 links)",
    ]


LONG_URL = "https://example.org/a-very-long-path-with-hyphens/that-must-not-be-split/" + "x" * 70
LONG = Finding(
    rule="dead-link",
    severity=Severity.WARNING,
    message="the url of 'Koala' is dead (HTTP 404) and has been for a while now; "
    f"remove the entry or find the new address {LONG_URL} before it becomes an error",
    entry="research-llms/koala",
    file="catalog/research-llms.yaml",
    line=12,
)


def test_text_is_never_wrapped_without_a_width() -> None:
    out = render_report("text", report(LONG)).splitlines()
    assert out[0] == f"catalog/research-llms.yaml:12: warning dead-link research-llms/koala: {LONG.message}"


def test_text_wraps_to_the_width_with_indented_continuations_and_whole_urls() -> None:
    out = render_report("text", report(LONG), width=60).splitlines()
    lines = out[:-1]  # the summary line is last
    assert len(lines) > 2
    assert lines[0].startswith("catalog/research-llms.yaml:12: warning dead-link")
    assert all(line.startswith("    ") and not line.startswith("     ") for line in lines[1:])
    assert [line for line in lines if len(line) > 60] == [f"    {LONG_URL}"]  # too long, but not split
    assert " ".join(line.strip() for line in lines) == (
        f"catalog/research-llms.yaml:12: warning dead-link research-llms/koala: {LONG.message}"
    )


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_text_style_colour_and_width_only_on_a_terminal() -> None:
    assert text_style(io.StringIO(), {}) == TextStyle(color=False, width=None)
    assert text_style(Tty(), {"COLUMNS": "72"}) == TextStyle(color=True, width=72)
    assert text_style(Tty(), {"COLUMNS": "72", "NO_COLOR": "1"}) == TextStyle(color=False, width=72)
    assert text_style(Tty(), {"COLUMNS": "72", "NO_COLOR": ""}).color  # NO_COLOR set but empty: no effect
    assert text_style(Tty(), {}).width == 80  # a StringIO has no terminal size: the usual fallback


# A page title, a Location header or a catalog value that tries to recolour the terminal, overwrite the
# line and reverse the text after it.
NASTY = "A\x1b[31mred\rover\u202eesrever\x9b2J"
RAW = ("\x1b", "\r", "\u202e", "\x9b")


def nasty_report() -> Report:
    finding = Finding(
        rule="redirected",
        severity=Severity.WARNING,
        message=f"redirects to {NASTY}",
        entry=f"t/{NASTY}",
        file="catalog/t.yaml",
        line=4,
        url=f"https://x.example/{NASTY}",
        fix=Fix(field="url", old=None, new=f"https://y.example/{NASTY}"),
    )
    row = LinkRow(
        url=f"https://x.example/{NASTY}",
        state="redirect",
        status=301,
        final_url=f"https://y.example/{NASTY}",
        title=NASTY,
        attempts=1,
        elapsed_ms=1.0,
        entries=(f"t/{NASTY}",),
        detail=NASTY,
    )
    return Report(findings=[finding], entries=1, links=1, link_rows=[row], checked_links=True, notes=[NASTY])


@pytest.mark.parametrize("fmt", ["text", "github", "markdown"])
def test_control_characters_are_shown_escaped(fmt: str) -> None:
    out = render_report(fmt, nasty_report())
    assert not any(char in out for char in RAW), out
    assert "\\x1b" in out and "\\u202e" in out and "\\x9b" in out
    assert "\\r" in out
    if fmt != "markdown":  # one line per finding, fix, note and summary: no newline was let through
        assert len(out.splitlines()) == {"text": 4, "github": 2}[fmt]


def test_coloured_text_has_only_its_own_escapes() -> None:
    out = render_report("text", nasty_report(), color=True, width=80)
    assert "\x1b[31m" not in out  # the catalog's; ours are bold, yellow and reset only
    assert set(re.findall(r"\x1b\[[0-9;]*m", out)) == {"\x1b[1m", "\x1b[33m", "\x1b[0m"}
    assert "\r" not in out and "\u202e" not in out


def test_json_stays_valid_and_escapes_c1_and_bidi_controls() -> None:
    out = render_report("json", nasty_report())
    assert not any(char in out for char in RAW)
    assert "\\u202e" in out and "\\u009b" in out and "\\u001b" in out
    doc = json.loads(out)
    assert doc["findings"][0]["message"] == f"redirects to {NASTY}"  # the values themselves are unchanged
    assert doc["links"][0]["title"] == NASTY
    assert doc["links"][0]["detail"] == NASTY
    assert doc["notes"] == [NASTY]


def test_text_style_reads_the_width_of_a_real_terminal() -> None:
    leader, follower = os.openpty()
    try:
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 66, 0, 0))
        with open(follower, "w", closefd=False) as tty:
            assert text_style(tty, {}) == TextStyle(color=True, width=66)
            assert text_style(tty, {"COLUMNS": "90", "NO_COLOR": "yes"}) == TextStyle(color=False, width=90)
    finally:
        os.close(leader)
        os.close(follower)
