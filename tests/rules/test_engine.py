"""curator.rules.engine: every registered rule runs (network ones only online), then the configuration's
severity overrides and ignores apply, and the findings come out sorted by place."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from curator.config import Config, Ignore, RuleSettings
from curator.facts import Facts, LinkResult, LinkState
from curator.findings import Finding, Severity
from curator.rules import RULES, RuleContext, apply_config, rule, run_rules
from tests.rules.support import entry, load, section

NOW = datetime(2025, 6, 1, tzinfo=UTC)
GONE = "https://gone.example/page"
PROBE = "test-only-network-probe"


def finding(rule_id: str, entry_key: str | None, url: str | None = None, *, line: int = 1) -> Finding:
    return Finding(rule_id, Severity.WARNING, "m", entry=entry_key, file="catalog/tools.yaml", line=line, url=url)


FINDINGS = [
    finding("dead-link", "tools/a", "https://a.example/", line=3),
    finding("dead-link", "tools/b", "https://b.example/", line=7),
    finding("duplicate-url", "tools/a", "https://a.example/", line=3),
    finding("duplicate-url", "other/c", "https://a.example/", line=2),
    finding("readme-outdated", None, line=12),
]


def kept(config: Config) -> list[tuple[str, str | None]]:
    return [(f.rule, f.entry) for f in apply_config(FINDINGS, config)]


def ignore(rule_id: str, entry_key: str | None = None, url: str | None = None) -> Config:
    return Config(ignore=[Ignore(rule=rule_id, entry=entry_key, url=url, reason="reviewed by hand")])


def test_without_configuration_everything_is_kept_sorted_by_place() -> None:
    assert kept(Config()) == [
        ("duplicate-url", "other/c"),  # line 2
        ("dead-link", "tools/a"),  # line 3, then by rule
        ("duplicate-url", "tools/a"),
        ("dead-link", "tools/b"),  # line 7
        ("readme-outdated", None),  # line 12
    ]


def test_severity_overrides() -> None:
    config = Config(rules={"dead-link": RuleSettings(severity="error"), "duplicate-url": RuleSettings(severity="info")})
    severities = {(f.rule, f.entry): f.severity for f in apply_config(FINDINGS, config)}
    assert severities[("dead-link", "tools/a")] is Severity.ERROR
    assert severities[("duplicate-url", "other/c")] is Severity.INFO
    assert severities[("readme-outdated", None)] is Severity.WARNING  # not named: unchanged


def test_off_drops_a_rule_and_no_severity_changes_nothing() -> None:
    config = Config(rules={"dead-link": RuleSettings(severity="off"), "duplicate-url": RuleSettings()})
    assert {r for r, _ in kept(config)} == {"duplicate-url", "readme-outdated"}
    assert {f.severity for f in apply_config(FINDINGS, config)} == {Severity.WARNING}


def test_ignore_a_rule_for_every_entry() -> None:
    assert {r for r, _ in kept(ignore("dead-link"))} == {"duplicate-url", "readme-outdated"}
    assert kept(ignore("dead-link", "*")) == kept(ignore("dead-link"))


def test_ignore_one_entry() -> None:
    assert ("duplicate-url", "tools/a") not in kept(ignore("duplicate-url", "tools/a"))
    assert ("duplicate-url", "other/c") in kept(ignore("duplicate-url", "tools/a"))
    assert ("dead-link", "tools/a") in kept(ignore("duplicate-url", "tools/a"))  # other rules stay


def test_ignore_entries_by_pattern() -> None:
    assert set(kept(ignore("*", "tools/*"))) == {("duplicate-url", "other/c"), ("readme-outdated", None)}
    # A pattern never matches a finding about no entry, and matching is case-sensitive.
    assert ("readme-outdated", None) in kept(ignore("readme-outdated", "*/*"))
    assert ("dead-link", "tools/a") in kept(ignore("dead-link", "Tools/A"))


def test_ignore_one_url() -> None:
    assert set(kept(ignore("dead-link", url="https://b.example/"))) == {
        ("dead-link", "tools/a"),
        ("duplicate-url", "tools/a"),
        ("duplicate-url", "other/c"),
        ("readme-outdated", None),
    }
    assert set(kept(ignore("*", url="https://a.example/"))) == {("dead-link", "tools/b"), ("readme-outdated", None)}
    assert len(kept(ignore("dead-link", "tools/b", "https://a.example/"))) == len(FINDINGS)  # both must match


def test_ignore_every_rule() -> None:
    assert kept(ignore("*")) == []


def test_an_ignore_needs_a_reason() -> None:
    with pytest.raises(ValidationError):
        Ignore(rule="dead-link")  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        Ignore(rule="dead-link", reason="no")


@pytest.fixture
def probe_rule() -> Iterator[None]:
    """A network rule that always reports, registered for one test."""

    def probe(ctx: RuleContext) -> Iterable[Finding]:
        """Always reports."""
        yield Finding(PROBE, Severity.INFO, "probed", file="zzz", line=1)

    rule(PROBE, Severity.INFO, network=True)(probe)
    yield
    del RULES[PROBE]


def test_offline_runs_skip_network_rules(tmp_path: Path, probe_rule: None) -> None:
    catalog = load(tmp_path, {"tools": section(entry("a", "A", GONE), entry("b", "B", "hhttps://b.example/"))})
    facts = Facts(links={GONE: LinkResult(GONE, LinkState.DEAD, status=404, checked_at=NOW)}, now=NOW)
    offline = run_rules(RuleContext(catalog=catalog, facts=facts, offline=True))
    online = run_rules(RuleContext(catalog=catalog, facts=facts, offline=False))
    assert {f.rule for f in offline} == {"malformed-url"}
    assert {f.rule for f in online} == {"malformed-url", "dead-link", PROBE}
    assert online == sorted(online, key=Finding.sort_key)


def test_run_rules_applies_the_configuration(tmp_path: Path) -> None:
    catalog = load(
        tmp_path, {"tools": section(entry("a", "A", "hhttps://a.example/"), entry("b", "B", "htps://b.example/"))}
    )
    config = Config(
        rules={"malformed-url": RuleSettings(severity="info")},
        ignore=[Ignore(rule="malformed-url", entry="tools/b", reason="kept as printed")],
    )
    findings = run_rules(RuleContext(catalog=catalog, config=config))
    assert [(f.rule, f.entry, f.severity) for f in findings] == [("malformed-url", "tools/a", Severity.INFO)]
