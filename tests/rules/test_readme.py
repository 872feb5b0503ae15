"""curator.rules.readme: the `readme-outdated` rule words the README comparison `curator check` made."""

from __future__ import annotations

from pathlib import Path

import pytest

from curator.catalog.load import Catalog
from curator.errors import Problem
from curator.facts import Facts, ReadmeFacts
from curator.findings import Finding, Severity
from curator.rules import RULES, RuleContext
from tests.rules.support import entry, load, section


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    return load(tmp_path, {"tools": section(entry("a", "A", "https://a.example/"))})


def run(catalog: Catalog, readme: ReadmeFacts | None) -> list[Finding]:
    return list(RULES["readme-outdated"].func(RuleContext(catalog=catalog, facts=Facts(readme=readme))))


def test_registered_as_an_offline_warning() -> None:
    registered = RULES["readme-outdated"]
    assert (registered.severity, registered.network) == (Severity.WARNING, False)
    assert "curator render" in registered.doc


def test_no_readme_gives_nothing(catalog: Catalog) -> None:
    assert run(catalog, None) == []


def test_a_readme_in_step_gives_nothing(catalog: Catalog) -> None:
    assert run(catalog, ReadmeFacts(file="README.md")) == []


def test_stale_tables_are_warnings_at_their_begin_marker(catalog: Catalog) -> None:
    findings = run(catalog, ReadmeFacts(file="docs/README.md", stale=(("tools", 12), ("courses", 40))))
    assert findings == [
        Finding(
            rule="readme-outdated",
            severity=Severity.WARNING,
            message="the 'tools' table differs from catalog/tools.yaml; run `curator render` to regenerate it",
            file="docs/README.md",
            line=12,
        ),
        Finding(
            rule="readme-outdated",
            severity=Severity.WARNING,
            message="the 'courses' table differs from catalog/courses.yaml; run `curator render` to regenerate it",
            file="docs/README.md",
            line=40,
        ),
    ]


def test_marker_problems_are_errors_at_their_own_file_and_line(catalog: Catalog) -> None:
    problems = (
        Problem("README.md", "no end marker for 'tools'", line=30, column=1),
        Problem("README.md", "catalog/courses.yaml has no markers in the README"),
    )
    findings = run(catalog, ReadmeFacts(file="README.md", stale=(("tools", 3),), problems=problems))
    assert [(f.severity, f.file, f.line, f.message) for f in findings] == [
        (Severity.WARNING, "README.md", 3, findings[0].message),
        (Severity.ERROR, "README.md", 30, "no end marker for 'tools'"),
        (Severity.ERROR, "README.md", None, "catalog/courses.yaml has no markers in the README"),
    ]
    assert all(f.rule == "readme-outdated" and f.entry is None and f.url is None for f in findings)
