"""curator.rules.base: the rule registry, a rule's documentation, and findings placed at an entry's field."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from curator.config import Config
from curator.facts import Facts
from curator.findings import Finding, Fix, FixReason, Severity
from curator.rules import RULES, Rule, RuleContext, entry_finding, rule
from tests.rules.support import entry, line_with, load, section

PROBE = "test-only-probe-rule"


@pytest.fixture
def registered() -> Iterator[None]:
    """Whatever a test registers under PROBE is gone afterwards: the registry is global."""
    yield
    RULES.pop(PROBE, None)


def test_every_rule_is_registered_under_its_own_id_with_a_summary() -> None:
    assert {"schema", "readme-outdated", "malformed-url", "dead-link", "duplicate-url"} <= set(RULES)
    for rule_id, registered_rule in RULES.items():
        assert registered_rule.id == rule_id
        assert isinstance(registered_rule.severity, Severity)
        assert registered_rule.summary and "\n" not in registered_rule.summary, rule_id


def test_rule_registers_the_function_unchanged(registered: None) -> None:
    def probe(ctx: RuleContext) -> Iterable[Finding]:
        """Reports nothing."""
        del ctx
        return ()

    assert rule(PROBE, Severity.INFO, network=True)(probe) is probe
    assert RULES[PROBE] == Rule(PROBE, Severity.INFO, probe, network=True)
    assert rule("test-only-offline", Severity.ERROR)(probe) is probe
    try:
        assert RULES["test-only-offline"].network is False
    finally:
        del RULES["test-only-offline"]


def test_a_rule_registered_twice_is_a_bug(registered: None) -> None:
    def first(ctx: RuleContext) -> Iterable[Finding]:
        return ()

    def second(ctx: RuleContext) -> Iterable[Finding]:
        return ()

    rule(PROBE, Severity.INFO)(first)
    with pytest.raises(RuntimeError, match=f"rule '{PROBE}' registered twice"):
        rule(PROBE, Severity.ERROR)(second)
    assert RULES[PROBE].func is first  # the first registration stands
    with pytest.raises(RuntimeError, match="rule 'schema' registered twice"):
        rule("schema", Severity.INFO)(second)


def test_doc_is_the_cleaned_docstring_and_summary_its_first_paragraph() -> None:
    def documented(ctx: RuleContext) -> Iterable[Finding]:
        """The first paragraph
        runs over two lines.

        The second paragraph says how to fix it.
        """
        return ()

    def undocumented(ctx: RuleContext) -> Iterable[Finding]:
        return ()

    with_doc = Rule("x", Severity.INFO, documented, network=False)
    assert with_doc.doc == ("The first paragraph\nruns over two lines.\n\nThe second paragraph says how to fix it.")
    assert with_doc.summary == "The first paragraph runs over two lines."
    without = Rule("y", Severity.INFO, undocumented, network=False)
    assert (without.doc, without.summary) == ("", "")


def test_a_context_defaults_to_an_offline_run_with_the_default_config(tmp_path: Path) -> None:
    catalog = load(tmp_path, {"tools": section(entry("a", "A", "https://a.example/"))})
    ctx = RuleContext(catalog=catalog)
    assert (ctx.config, ctx.facts, ctx.offline) == (Config(), Facts(), True)


def test_entry_finding_is_placed_at_the_field(tmp_path: Path) -> None:
    text = section(
        entry("first", "First", "https://a.example/"),
        entry("second", "Second", "https://b.example/", [("Code", "https://c.example/")]),
    )
    catalog = load(tmp_path, {"tools": text})
    source = catalog.sources[0]
    second = source.model.entries[1]
    fix = Fix("links[0].url", "https://c.example/", "https://d.example/", FixReason.PERMANENT_REDIRECT)

    finding = entry_finding("dead-link", source, 1, second, "gone", url="https://b.example/")
    assert finding == Finding(
        rule="dead-link",
        severity=RULES["dead-link"].severity,  # the rule's default severity
        message="gone",
        entry="tools/second",
        file=source.display,
        line=line_with(text, "https://b.example/"),
        url="https://b.example/",
    )
    at_link = entry_finding(
        "redirected", source, 1, second, "moved", field_path=("links", 0, "url"), fix=fix, severity=Severity.INFO
    )
    assert (at_link.line, at_link.fix, at_link.severity, at_link.url) == (
        line_with(text, "https://c.example/"),
        fix,
        Severity.INFO,
        None,
    )
    at_name = entry_finding("duplicate-name", source, 0, source.model.entries[0], "m", field_path=("name",))
    assert at_name.line == line_with(text, '"First"')


def test_entry_finding_for_an_unregistered_rule_needs_a_severity(tmp_path: Path) -> None:
    catalog = load(tmp_path, {"tools": section(entry("a", "A", "https://a.example/"))})
    source = catalog.sources[0]
    with pytest.raises(KeyError):
        entry_finding("no-such-rule", source, 0, source.model.entries[0], "m")
    given = entry_finding("no-such-rule", source, 0, source.model.entries[0], "m", severity=Severity.WARNING)
    assert given.severity is Severity.WARNING
