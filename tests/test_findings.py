"""curator.findings: severities ordered worst-last, findings sorted by place, fixes unsafe by default."""

from __future__ import annotations

import pytest

from curator.findings import Finding, Fix, FixReason, Severity


def test_severities_are_ordered_so_max_is_the_worst() -> None:
    assert Severity.INFO < Severity.WARNING < Severity.ERROR
    assert max([Severity.WARNING, Severity.ERROR, Severity.INFO]) is Severity.ERROR
    assert sorted(Severity) == [Severity.INFO, Severity.WARNING, Severity.ERROR]


@pytest.mark.parametrize("severity", list(Severity))
def test_label_and_parse_are_inverse(severity: Severity) -> None:
    assert severity.label == severity.name.lower()
    assert Severity.parse(severity.label) is severity
    assert Severity.parse(severity.label.upper()) is severity


def test_labels_are_the_configuration_words() -> None:
    assert [s.label for s in Severity] == ["info", "warning", "error"]


def test_parse_rejects_other_words() -> None:
    with pytest.raises(KeyError):
        Severity.parse("off")


def test_findings_sort_by_file_line_rule_entry_url() -> None:
    def f(rule: str, file: str | None, line: int | None, entry: str | None = None, url: str | None = None) -> Finding:
        return Finding(rule, Severity.INFO, "m", entry=entry, file=file, line=line, url=url)

    findings = [
        f("b-rule", "catalog/b.yaml", 1),
        f("a-rule", "catalog/a.yaml", 10),
        f("b-rule", "catalog/a.yaml", 2),
        f("a-rule", "catalog/a.yaml", 2, "a/y"),
        f("a-rule", "catalog/a.yaml", 2, "a/x", "https://z.example/"),
        f("a-rule", "catalog/a.yaml", 2, "a/x", "https://a.example/"),
        f("run-rule", None, None),
    ]
    ordered = sorted(findings, key=Finding.sort_key)
    assert [(x.file, x.line, x.rule, x.entry, x.url) for x in ordered] == [
        (None, None, "run-rule", None, None),  # no place sorts first: "" and line 0
        ("catalog/a.yaml", 2, "a-rule", "a/x", "https://a.example/"),
        ("catalog/a.yaml", 2, "a-rule", "a/x", "https://z.example/"),
        ("catalog/a.yaml", 2, "a-rule", "a/y", None),
        ("catalog/a.yaml", 2, "b-rule", None, None),
        ("catalog/a.yaml", 10, "a-rule", None, None),
        ("catalog/b.yaml", 1, "b-rule", None, None),
    ]


def test_lines_sort_as_numbers_not_text() -> None:
    nine = Finding("r", Severity.INFO, "m", file="f", line=9)
    ten = Finding("r", Severity.INFO, "m", file="f", line=10)
    assert sorted([ten, nine], key=Finding.sort_key) == [nine, ten]


def test_a_fix_is_unsafe_without_reason_or_evidence_by_default() -> None:
    fix = Fix("url", "hhttps://a.example/", "https://a.example/")
    assert (fix.reason, fix.evidence, fix.safe) == (None, "", False)
    full = Fix("url", None, "https://a.example/", FixReason.SCHEME_TYPO, "hhttps → https", True)
    assert (full.field, full.old, full.new, full.reason, full.safe) == (
        "url",
        None,
        "https://a.example/",
        FixReason.SCHEME_TYPO,
        True,
    )


def test_finding_defaults_and_immutability() -> None:
    finding = Finding("schema", Severity.ERROR, "bad")
    assert (finding.entry, finding.file, finding.line, finding.url, finding.fix, finding.column) == (None,) * 6
    with pytest.raises(AttributeError):
        finding.line = 3  # type: ignore[misc]
