"""Which fixes `curator fix` applies: safe ones, by rule, one per value; degraded runs."""

from __future__ import annotations

from curator.config import Config, FixSettings
from curator.facts import Facts, IncompleteKind, IncompleteReason, LinkResult, LinkState
from curator.findings import Finding, Fix, FixReason, Severity
from curator.fix.apply import field_path
from curator.fix.select import FIXING_RULES, degraded_reasons, select_fixes
from curator.rules import RULES


def finding(rule: str, reason: FixReason | None, *, safe: bool = True, field: str = "url", new: str = "n") -> Finding:
    fix = Fix(field, "o", new, reason, "evidence", safe)
    return Finding(rule, Severity.WARNING, "m", entry="tools/a", file="catalog/tools.yaml", line=3, fix=fix)


TYPO = finding("malformed-url", FixReason.SCHEME_TYPO, new="typo")
REDIRECT = finding("redirected", FixReason.PERMANENT_REDIRECT, new="redirect")
RENAME = finding("repo-renamed", FixReason.REPO_RENAMED, new="rename")


def test_only_safe_fixes_with_a_reason() -> None:
    unsafe = finding("redirected", FixReason.PERMANENT_REDIRECT, safe=False, field="links[0].url")
    no_reason = finding("redirected", None, field="links[1].url")
    no_fix = Finding("dead-link", Severity.ERROR, "dead", entry="tools/b")
    assert select_fixes([unsafe, no_reason, no_fix, TYPO]) == [TYPO]


def test_one_fix_per_value_the_strongest_evidence_wins() -> None:
    assert select_fixes([TYPO, REDIRECT, RENAME]) == [RENAME]
    assert select_fixes([TYPO, REDIRECT]) == [REDIRECT]
    other = finding("malformed-url", FixReason.SCHEME_TYPO, field="links[0].url")
    assert select_fixes([TYPO, other]) == [TYPO, other]


def test_by_rule_and_degraded() -> None:
    assert select_fixes([TYPO, RENAME], rules={"malformed-url"}) == [TYPO]
    assert select_fixes([REDIRECT, RENAME, TYPO], degraded=True) == [TYPO]


def test_the_fixing_rules_are_rules() -> None:
    assert set(FIXING_RULES) <= set(RULES)


_COUNT = iter(range(1_000_000))


def link(state: LinkState) -> LinkResult:
    return LinkResult(f"https://x.example/{next(_COUNT)}", state)


def test_degraded_reasons() -> None:
    config = Config()
    assert degraded_reasons(Facts(network="ok"), config) == []
    assert degraded_reasons(Facts(network="off"), config)[0].startswith("offline")
    assert degraded_reasons(Facts(network="unreachable"), config)[0].startswith("no host could be reached")
    incomplete = Facts(network="ok", incomplete=[IncompleteReason(IncompleteKind.RATE_LIMITED, repos=3)])
    assert "GitHub metadata is incomplete" in degraded_reasons(incomplete, config)[0]
    links = [link(LinkState.DEAD), *(link(LinkState.OK) for _ in range(4))]
    facts = Facts(network="ok", links={r.url: r for r in links})
    assert degraded_reasons(facts, config) == []  # 20% is not more than 20%
    facts = Facts(network="ok", links={r.url: r for r in [*links, link(LinkState.UNREACHABLE)]})
    assert degraded_reasons(facts, config) == [
        "2 of 6 links (33%) fail at once, more than fix.max_failing_share (20%): only fixes certain offline "
        "are applied"
    ]
    assert degraded_reasons(facts, Config(fix=FixSettings(max_failing_share=0.5))) == []


def test_field_path() -> None:
    assert field_path("url") == ("url",)
    assert field_path("links[0].url") == ("links", 0, "url")
