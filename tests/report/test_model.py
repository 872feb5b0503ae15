"""curator.report.model: counts by severity and the one-line summary."""

from __future__ import annotations

import pytest

from curator.findings import Finding, Severity
from curator.report.model import Report


def findings(errors: int, warnings: int, infos: int) -> list[Finding]:
    out = [Finding("r", Severity.ERROR, "e") for _ in range(errors)]
    out += [Finding("r", Severity.WARNING, "w") for _ in range(warnings)]
    return out + [Finding("r", Severity.INFO, "i") for _ in range(infos)]


def test_counts_by_severity() -> None:
    report = Report(findings(3, 1, 2), entries=10, links=12)
    assert (report.errors, report.warnings, report.infos) == (3, 1, 2)
    assert [report.count(s) for s in Severity] == [2, 1, 3]


def test_no_findings_counts_nothing() -> None:
    report = Report([], entries=0, links=0)
    assert (report.errors, report.warnings, report.infos) == (0, 0, 0)


@pytest.mark.parametrize(
    ("counts", "entries", "links", "line"),
    [
        ((0, 0, 0), 0, 0, "0 errors, 0 warnings, 0 infos in 0 entries (0 links)"),
        ((1, 1, 1), 1, 1, "1 error, 1 warning, 1 info in 1 entry (1 link)"),
        ((2, 3, 4), 5, 6, "2 errors, 3 warnings, 4 infos in 5 entries (6 links)"),
        ((0, 1, 0), 120, 1, "0 errors, 1 warning, 0 infos in 120 entries (1 link)"),
    ],
)
def test_summary_line(counts: tuple[int, int, int], entries: int, links: int, line: str) -> None:
    assert Report(findings(*counts), entries=entries, links=links).summary_line() == line


def test_report_defaults_are_an_offline_report() -> None:
    report = Report([], entries=1, links=1)
    assert (report.link_rows, report.checked_links, report.notes) == ([], False, [])
