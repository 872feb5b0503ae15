"""The link rules on real catalog files with hand-built facts, the history policy with an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from curator.catalog.load import Catalog
from curator.config import Config, HistorySettings
from curator.facts import Facts, FailureKind, Hop, LinkHistory, LinkResult, LinkState
from curator.findings import Finding, Fix, FixReason, Severity
from curator.rules import RULES, RuleContext
from curator.rules.links import permanent_target
from tests.rules.support import entry, line_with, load, section

NOW = datetime(2025, 10, 1, 12, tzinfo=UTC)
LINK_RULES = (
    "dead-link",
    "redirected",
    "link-blocked",
    "link-error",
    "link-unreachable",
    "tls-error",
    "link-refused",
    "link-not-checked",
)
DEAD = "https://gone.example/page"
EXTRA = "https://code.example/repo"


def result(url: str, state: LinkState, **fields: object) -> LinkResult:
    values: dict[str, object] = {"checked_at": NOW}
    values.update(fields)
    return LinkResult(url=url, state=state, **values)  # type: ignore[arg-type]


def facts(*results: LinkResult, history: dict[str, LinkHistory] | None = None, now: datetime = NOW) -> Facts:
    return Facts(links={r.url: r for r in results}, link_history=history or {}, now=now)


def streak(runs: int, days: float) -> LinkHistory:
    return LinkHistory(consecutive_failures=runs, failing_since=NOW - timedelta(days=days))


def run(
    catalog: Catalog, rule_id: str, the_facts: Facts, *, config: Config | None = None, offline: bool = False
) -> list[Finding]:
    ctx = RuleContext(catalog=catalog, config=config or Config(), facts=the_facts, offline=offline)
    return sorted(RULES[rule_id].func(ctx), key=Finding.sort_key)


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    text = section(
        entry("tool", "Tool", DEAD, links=[("Code", EXTRA)]),
        entry("other", "Other", "https://fine.example/"),
    )
    return load(tmp_path, {"tools": text})


def test_the_rules_are_registered_as_network_rules_with_docs() -> None:
    for rule_id in LINK_RULES:
        rule = RULES[rule_id]
        assert rule.network, rule_id
        assert "Fix" in rule.doc, rule_id
    assert RULES["link-blocked"].severity is Severity.INFO
    assert RULES["redirected"].severity is Severity.WARNING
    for rule_id in ("dead-link", "link-error", "link-unreachable", "tls-error", "link-refused"):
        assert RULES[rule_id].severity is Severity.ERROR


def test_nothing_offline_and_nothing_without_results(catalog: Catalog) -> None:
    dead = facts(result(DEAD, LinkState.DEAD, status=404, detail="HTTP 404"))
    assert run(catalog, "dead-link", dead, offline=True) == []
    assert run(catalog, "dead-link", facts()) == []


def test_a_first_failure_is_a_warning_that_says_when_it_becomes_an_error(catalog: Catalog, tmp_path: Path) -> None:
    dead = facts(result(DEAD, LinkState.DEAD, status=404, detail="HTTP 404"))
    [finding] = run(catalog, "dead-link", dead)
    assert finding.severity is Severity.WARNING
    assert finding.entry == catalog.sources[0].entry_key(catalog.sources[0].model.entries[0])
    assert finding.url == DEAD
    assert finding.line == line_with((tmp_path / "catalog" / "tools.yaml").read_text(), DEAD)
    assert finding.message == (
        "the url of 'Tool' is dead (HTTP 404) — failing since 2025-10-01 (1 run); becomes an error after "
        "3 failing runs over 5 days; remove the entry or find the new address"
    )


@pytest.mark.parametrize(
    ("runs", "days", "severity"),
    [
        (1, 0, Severity.WARNING),
        (2, 10, Severity.WARNING),  # long, but not enough runs
        (3, 2, Severity.WARNING),  # enough runs, too short a span
        (5, 4.9, Severity.WARNING),
        (3, 5, Severity.ERROR),
        (7, 30, Severity.ERROR),
    ],
)
def test_the_history_policy(catalog: Catalog, runs: int, days: float, severity: Severity) -> None:
    dead = facts(result(DEAD, LinkState.DEAD, status=410, detail="HTTP 410"), history={DEAD: streak(runs, days)})
    [finding] = run(catalog, "dead-link", dead)
    assert finding.severity is severity
    since = (NOW - timedelta(days=days)).strftime("%Y-%m-%d")
    assert f"failing since {since} ({runs} run{'s' if runs > 1 else ''})" in finding.message
    assert ("becomes an error after" in finding.message) == (severity is Severity.WARNING)


def test_the_clock_is_the_facts_clock(catalog: Catalog) -> None:
    history = {DEAD: LinkHistory(consecutive_failures=3, failing_since=NOW)}
    young = facts(result(DEAD, LinkState.DEAD, detail="HTTP 404"), history=history, now=NOW + timedelta(days=1))
    old = facts(result(DEAD, LinkState.DEAD, detail="HTTP 404"), history=history, now=NOW + timedelta(days=6))
    assert run(catalog, "dead-link", young)[0].severity is Severity.WARNING
    assert run(catalog, "dead-link", old)[0].severity is Severity.ERROR


def test_the_policy_is_configurable(catalog: Catalog) -> None:
    config = Config(history=HistorySettings(failure_runs=1, failure_days=0))
    [finding] = run(catalog, "dead-link", facts(result(DEAD, LinkState.DEAD, detail="HTTP 404")), config=config)
    assert finding.severity is Severity.ERROR
    config = Config(history=HistorySettings(failure_runs=2, failure_days=1))
    [finding] = run(catalog, "dead-link", facts(result(DEAD, LinkState.DEAD, detail="HTTP 404")), config=config)
    assert "becomes an error after 2 failing runs over 1 days" in finding.message


@pytest.mark.parametrize(
    ("rule_id", "state", "detail", "words"),
    [
        ("link-error", LinkState.ERROR, "HTTP 503", "fails (HTTP 503, 4 attempts)"),
        ("link-unreachable", LinkState.UNREACHABLE, "connection timed out", "is unreachable (connection timed out"),
        (
            "tls-error",
            LinkState.TLS_ERROR,
            "certificate not accepted: certificate has expired",
            "has a TLS problem (certificate not accepted: certificate has expired",
        ),
    ],
)
def test_the_other_failures_follow_the_same_policy(
    catalog: Catalog, rule_id: str, state: LinkState, detail: str, words: str
) -> None:
    failing = result(EXTRA, state, detail=detail, attempts=4)
    [young] = run(catalog, rule_id, facts(failing))
    assert young.severity is Severity.WARNING
    assert young.message.startswith(f"link 'Code' (links[0].url) of 'Tool' {words}")
    [old] = run(catalog, rule_id, facts(failing, history={EXTRA: streak(4, 8)}))
    assert old.severity is Severity.ERROR
    assert "failing since 2025-09-23 (4 runs)" in old.message
    # each rule reports only its own state
    others = [r for r in LINK_RULES if r != rule_id]
    assert all(run(catalog, other, facts(failing)) == [] for other in others)


def test_dead_after_a_redirect_names_where_it_ended(catalog: Catalog) -> None:
    dead = result(
        DEAD, LinkState.DEAD, detail="HTTP 404", final_url="https://gone.example/404", redirects=(Hop(302, DEAD),)
    )
    [finding] = run(catalog, "dead-link", facts(dead))
    assert "(after redirecting to https://gone.example/404)" in finding.message


def test_a_permanent_redirect_is_a_fix(catalog: Catalog) -> None:
    moved = result(
        DEAD, LinkState.REDIRECT, status=200, final_url="https://new.example/page", redirects=(Hop(301, DEAD),)
    )
    moved_extra = result(
        EXTRA, LinkState.REDIRECT, status=200, final_url="https://code.example/repo/", redirects=(Hop(308, EXTRA),)
    )
    findings = run(catalog, "redirected", facts(moved, moved_extra))
    assert [f.fix for f in findings] == [
        Fix("url", DEAD, "https://new.example/page", FixReason.PERMANENT_REDIRECT, "301 → 200", True),
        Fix("links[0].url", EXTRA, "https://code.example/repo/", FixReason.PERMANENT_REDIRECT, "308 → 200", True),
    ]
    assert findings[0].severity is Severity.WARNING
    assert findings[0].message == (
        "the url of 'Tool' moved permanently (301) to https://new.example/page; update the link "
        "(`curator fix` applies it)"
    )


def test_the_fix_stops_where_the_permanent_part_of_the_chain_ends() -> None:
    chain = result(
        "http://a.example/x#intro",
        LinkState.REDIRECT,
        final_url="https://login.example/?next=x",
        redirects=(Hop(301, "http://a.example/x"), Hop(301, "https://a.example/x"), Hop(302, "https://a.example/x/")),
    )
    assert permanent_target(chain) == "https://a.example/x/#intro"  # the fragment is kept
    temporary_first = result(
        "http://a.example/",
        LinkState.REDIRECT,
        final_url="https://b.example/",
        redirects=(Hop(302, "http://a.example/"), Hop(301, "http://b.example/")),
    )
    assert permanent_target(temporary_first) is None
    assert permanent_target(result("http://a.example/", LinkState.OK, final_url="http://a.example/")) is None


def test_blocked_is_information_only(catalog: Catalog) -> None:
    blocked = result(DEAD, LinkState.BLOCKED, status=403, detail="Cloudflare challenge page")
    [finding] = run(catalog, "link-blocked", facts(blocked, history={DEAD: streak(9, 90)}))
    assert finding.severity is Severity.INFO
    assert "Cloudflare challenge page" in finding.message
    assert "not a dead link" in finding.message
    assert run(catalog, "dead-link", facts(blocked)) == []


def test_refused_is_an_error_at_once(catalog: Catalog) -> None:
    refused = result(DEAD, LinkState.REFUSED, detail="gone.example resolves to 10.0.0.1, a private address")
    [finding] = run(catalog, "link-refused", facts(refused))
    assert finding.severity is Severity.ERROR
    assert "gone.example resolves to 10.0.0.1, a private address" in finding.message
    assert "allow_private_hosts" in finding.message


def test_a_url_used_by_two_entries_is_reported_for_each(tmp_path: Path) -> None:
    text = section(entry("a", "A", DEAD), entry("b", "B", "https://b.example/", links=[("Mirror", DEAD)]))
    catalog = load(tmp_path, {"tools": text})
    findings = run(catalog, "dead-link", facts(result(DEAD, LinkState.DEAD, detail="HTTP 404")))
    assert [((f.entry or "").rsplit("/", 1)[-1], f.message.split(" of ")[0]) for f in findings] == [
        ("a", "the url"),
        ("b", "link 'Mirror' (links[0].url)"),
    ]


def test_an_invalid_url_is_left_to_malformed_url(tmp_path: Path) -> None:
    bad = "https://exa mple.org/"
    catalog = load(tmp_path, {"tools": section(entry("bad", "Bad", bad))})
    invalid = result(bad, LinkState.ERROR, detail="invalid URL: bad host name", kind=FailureKind.INVALID_URL)
    for rule_id in LINK_RULES:
        assert run(catalog, rule_id, facts(invalid)) == [], rule_id
    assert [f.rule for f in run(catalog, "malformed-url", facts(invalid))] == ["malformed-url"]


@pytest.mark.parametrize(
    ("state", "kind", "detail", "says"),
    [
        (
            LinkState.BLOCKED,
            FailureKind.BUDGET,
            "gone.example took its whole time budget (links.host_budget, 120 s)",
            "raise the budget",
        ),
        (
            LinkState.BLOCKED,
            FailureKind.BUDGET,
            "gone.example asked to wait longer than curator waits (Retry-After 999999999 s is over the 60 s cap)",
            "run again later",
        ),
        (LinkState.ERROR, FailureKind.INVALID_URL, "invalid URL: bad host name 'a..b'", "correct the address"),
        (LinkState.ERROR, FailureKind.INTERNAL, "internal error: ValueError: boom", "bug in curator"),
    ],
)
def test_a_link_that_was_not_checked_says_why(
    catalog: Catalog, state: LinkState, kind: FailureKind, detail: str, says: str
) -> None:
    """Once such links vanished from the report (an "invalid URL" detail was taken for malformed-url's)."""
    unchecked = result(DEAD, state, detail=detail, kind=kind, attempts=0)
    [finding] = run(catalog, "link-not-checked", facts(unchecked, history={DEAD: streak(9, 90)}))
    assert finding.severity is Severity.WARNING
    assert f"was not checked: {detail}" in finding.message
    assert says in finding.message
    others = [f for rule_id in LINK_RULES[:-1] for f in run(catalog, rule_id, facts(unchecked))]
    assert others == []  # not a blocked site, nor a failing one


_FAILING = [
    (state, kind)
    for state in LinkState
    if state not in {LinkState.OK, LinkState.REDIRECT}
    for kind in [None, *FailureKind]
]


@pytest.mark.parametrize(("state", "kind"), _FAILING)
def test_every_failing_result_gets_a_finding(catalog: Catalog, state: LinkState, kind: FailureKind | None) -> None:
    failing = result(DEAD, state, detail="why", kind=kind)
    findings = [f for rule_id in LINK_RULES for f in run(catalog, rule_id, facts(failing))]
    assert len(findings) == 1, findings
