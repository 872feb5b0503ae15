"""The repository rules on real catalog files with hand-built facts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from curator.catalog.load import Catalog
from curator.config import Config, GithubSettings, HistorySettings
from curator.facts import Facts, IncompleteKind, IncompleteReason, LinkHistory, RepoMeta
from curator.findings import Finding, Fix, FixReason, Severity
from curator.rules import RULES, RuleContext
from curator.rules.repos import TOKEN_HINT, describe_incomplete
from tests.rules.support import entry, line_with, load, section

NOW = datetime(2025, 10, 1, 12, tzinfo=UTC)
REPO_RULES = ("repo-renamed", "repo-archived", "repo-stale", "repo-missing", "repo-disabled", "metadata-incomplete")


def meta(requested: str, **fields: object) -> RepoMeta:
    values: dict[str, object] = {
        "name_with_owner": requested,
        "stars": 10,
        "pushed_at": NOW - timedelta(days=3),
        "fetched_at": NOW,
    }
    values.update(fields)
    return RepoMeta(requested=requested, **values)  # type: ignore[arg-type]


def facts(
    *metas: RepoMeta,
    history: dict[str, LinkHistory] | None = None,
    incomplete: list[IncompleteReason] | None = None,
) -> Facts:
    return Facts(
        repos={m.requested.lower(): m for m in metas},
        repo_history=history or {},
        incomplete=incomplete or [],
        now=NOW,
    )


def run(
    catalog: Catalog, rule_id: str, the_facts: Facts, *, config: Config | None = None, offline: bool = False
) -> list[Finding]:
    ctx = RuleContext(catalog=catalog, config=config or Config(), facts=the_facts, offline=offline)
    return sorted(RULES[rule_id].func(ctx), key=Finding.sort_key)


def test_the_rules_are_registered_as_network_rules() -> None:
    for rule_id in REPO_RULES:
        assert RULES[rule_id].network, rule_id
        assert "Fix" in RULES[rule_id].doc or rule_id == "metadata-incomplete", rule_id
    assert RULES["repo-missing"].severity is Severity.ERROR
    assert RULES["repo-disabled"].severity is Severity.ERROR
    assert RULES["repo-stale"].severity is Severity.INFO


def test_renamed_main_url_and_extra_link_keep_their_sub_paths(tmp_path: Path) -> None:
    text = section(
        entry(
            "fastchat",
            "Vicuna",
            "https://github.com/lm-sys/FastChat/tree/main/docs#serving",
            links=[("code", "https://github.com/LM-SYS/fastchat.git")],
        )
    )
    catalog = load(tmp_path, {"tools": text})
    the_facts = facts(meta("lm-sys/FastChat", name_with_owner="lmsys-org/fastchat"))

    findings = run(catalog, "repo-renamed", the_facts)

    evidence = "renamed on GitHub to lmsys-org/fastchat"
    assert [f.fix for f in findings] == [
        Fix(
            "url",
            "https://github.com/lm-sys/FastChat/tree/main/docs#serving",
            "https://github.com/lmsys-org/fastchat/tree/main/docs#serving",
            FixReason.REPO_RENAMED,
            evidence,
            True,
        ),
        Fix(
            "links[0].url",
            "https://github.com/LM-SYS/fastchat.git",
            "https://github.com/lmsys-org/fastchat",
            FixReason.REPO_RENAMED,
            evidence,
            True,
        ),
    ]
    first = findings[0]
    assert first.severity is Severity.WARNING and first.entry == "tools/fastchat"
    assert first.line == line_with(text, "url: ")
    assert findings[1].line == line_with(text, "label: ")
    assert first.url == "https://github.com/lm-sys/FastChat/tree/main/docs#serving"
    assert first.message == (
        "the url of 'Vicuna': github.com/lm-sys/FastChat moved to github.com/lmsys-org/fastchat; update the "
        "link to https://github.com/lmsys-org/fastchat/tree/main/docs#serving (`curator fix` applies it)"
    )
    assert findings[1].message.startswith("link 'code' (links[0].url) of 'Vicuna': ")


def test_a_difference_in_letter_case_alone_is_not_a_rename(tmp_path: Path) -> None:
    catalog = load(tmp_path, {"tools": section(entry("w", "Whisper", "https://github.com/OpenAI/Whisper"))})
    assert run(catalog, "repo-renamed", facts(meta("OpenAI/Whisper", name_with_owner="openai/whisper"))) == []


def test_archived(tmp_path: Path) -> None:
    catalog = load(
        tmp_path,
        {
            "tools": section(
                entry("a", "Old", "https://github.com/old/tool"),
                entry("b", "New", "https://github.com/new/tool"),
                entry(
                    "c", "Docs", "https://example.org", links=[("code", "https://github.com/old/tool/blob/main/x.py")]
                ),
            )
        },
    )
    the_facts = facts(meta("old/tool", archived=True), meta("new/tool"))
    findings = run(catalog, "repo-archived", the_facts)
    assert [(f.entry, f.severity) for f in findings] == [
        ("tools/a", Severity.WARNING),
        ("tools/c", Severity.WARNING),
    ]
    assert "github.com/old/tool is archived (read-only, no longer maintained)" in findings[0].message


def test_stale_after_the_configured_days(tmp_path: Path) -> None:
    catalog = load(
        tmp_path,
        {
            "tools": section(
                entry("old", "Old", "https://github.com/a/old"),
                entry("fresh", "Fresh", "https://github.com/a/fresh"),
                entry("archived", "Archived", "https://github.com/a/archived"),
            )
        },
    )
    the_facts = facts(
        meta("a/old", pushed_at=NOW - timedelta(days=400)),
        meta("a/fresh", pushed_at=NOW - timedelta(days=200)),
        meta("a/archived", pushed_at=NOW - timedelta(days=900), archived=True),
    )
    findings = run(catalog, "repo-stale", the_facts)
    assert [(f.entry, f.severity) for f in findings] == [("tools/old", Severity.INFO)]
    assert findings[0].message == (
        "the url of 'Old': github.com/a/old has had no push since 2024-08-27 (400 days, more than "
        "github.stale_days = 365); check that it still works and whether it has a successor"
    )
    strict = Config(github=GithubSettings(stale_days=180))
    stale = run(catalog, "repo-stale", the_facts, config=strict)
    assert [f.entry for f in stale] == ["tools/old", "tools/fresh"]


def test_missing_is_a_warning_until_the_failure_policy_confirms_it(tmp_path: Path) -> None:
    catalog = load(
        tmp_path,
        {
            "tools": section(
                entry("new", "Just gone", "https://github.com/a/just-gone"),
                entry("quick", "Three quick runs", "https://github.com/a/quick"),
                entry("long", "Long gone", "https://github.com/a/long-gone"),
            )
        },
    )
    gone = {"missing": True, "name_with_owner": None, "stars": None, "pushed_at": None}
    the_facts = facts(
        meta("a/just-gone", **gone),
        meta("a/quick", **gone),
        meta("a/long-gone", **gone),
        history={
            "a/quick": LinkHistory(3, NOW - timedelta(days=1)),
            "a/long-gone": LinkHistory(4, NOW - timedelta(days=6)),
        },
    )
    findings = {f.entry: f for f in run(catalog, "repo-missing", the_facts)}
    assert {k: f.severity for k, f in findings.items()} == {
        "tools/new": Severity.WARNING,
        "tools/quick": Severity.WARNING,
        "tools/long": Severity.ERROR,
    }
    assert findings["tools/new"].message == (
        "the url of 'Just gone': github.com/a/just-gone was not found on GitHub (since 2025-10-01, 1 run); "
        "it becomes an error after 3 consecutive runs over 5 days — check whether it moved or was deleted"
    )
    assert findings["tools/long"].message == (
        "the url of 'Long gone': github.com/a/long-gone no longer exists on GitHub "
        "(missing since 2025-09-25, 4 runs); update the link to where the project lives now, or remove the entry"
    )
    lenient = Config(history=HistorySettings(failure_runs=2, failure_days=0))
    severities = {f.entry: f.severity for f in run(catalog, "repo-missing", the_facts, config=lenient)}
    assert severities["tools/quick"] is Severity.ERROR and severities["tools/new"] is Severity.WARNING


def test_disabled(tmp_path: Path) -> None:
    catalog = load(tmp_path, {"tools": section(entry("d", "Taken down", "https://github.com/a/dmca"))})
    findings = run(catalog, "repo-disabled", facts(meta("a/dmca", disabled=True)))
    assert [(f.entry, f.severity) for f in findings] == [("tools/d", Severity.ERROR)]
    assert "disabled by GitHub" in findings[0].message


def test_metadata_incomplete_one_finding_per_reason(tmp_path: Path) -> None:
    catalog = load(tmp_path, {"tools": section(entry("x", "X", "https://example.org"))})
    reasons = [
        IncompleteReason(IncompleteKind.RATE_LIMITED, repos=3, detail="GitHub's rate limit is used up"),
        IncompleteReason(IncompleteKind.API_ERROR, repos=1, never_known=1, failures=(("a/b", "blocked"),)),
    ]
    findings = run(catalog, "metadata-incomplete", facts(incomplete=reasons))
    assert [(f.message, f.severity, f.entry, f.file) for f in findings] == [
        (
            "repository metadata is incomplete: GitHub's rate limit is used up; 3 repositories not fetched, they "
            "keep their last known values",
            Severity.WARNING,
            None,
            None,
        ),
        (
            "repository metadata is incomplete: GitHub could not return 1 repository (a/b: blocked); it keeps its "
            "last known values (1 has none yet)",
            Severity.WARNING,
            None,
            None,
        ),
    ]


def test_metadata_incomplete_words_every_kind() -> None:
    failures = tuple((f"o/r{i}", f"error {i}") for i in range(7))
    assert describe_incomplete(IncompleteReason(IncompleteKind.API_ERROR, repos=7, failures=failures)) == (
        "GitHub could not return 7 repositories (o/r0: error 0; o/r1: error 1; o/r2: error 2; o/r3: error 3; "
        "o/r4: error 4; and 2 more); they keep their last known values"
    )
    budget = IncompleteReason(
        IncompleteKind.NO_TOKEN_BUDGET,
        repos=1_500,
        never_known=2,
        with_token=False,
        fetched=60,
        wanted=1_560,
        hourly_limit=60,
        reset_at=datetime(2025, 10, 1, 14, 5, tzinfo=timezone(timedelta(hours=2))),
    )
    assert describe_incomplete(budget) == (
        "no GitHub token: the unauthenticated rate limit (60 requests an hour) allowed 60 of 1560 repositories, "
        "next reset 2025-10-01 12:05 UTC; 1,500 skipped, they keep their last known values (2 have none yet) — "
        f"{TOKEN_HINT}"
    )
    failed = IncompleteReason(IncompleteKind.BATCH_FAILED, repos=1, with_token=False, fetched=2, wanted=3)
    assert describe_incomplete(failed) == (
        "the run ended early; without a GitHub token 2 of 3 repositories were fetched, 1 skipped, it keeps its "
        f"last known values — {TOKEN_HINT}"
    )


@pytest.mark.parametrize("rule_id", REPO_RULES)
def test_nothing_offline(tmp_path: Path, rule_id: str) -> None:
    catalog = load(tmp_path, {"tools": section(entry("a", "A", "https://github.com/a/b"))})
    the_facts = facts(
        meta(
            "a/b",
            name_with_owner="c/d",
            archived=True,
            disabled=True,
            missing=True,
            pushed_at=NOW - timedelta(days=999),
        ),
        incomplete=[IncompleteReason(IncompleteKind.BATCH_FAILED, repos=1)],
    )
    assert run(catalog, rule_id, the_facts, offline=True) == []


def test_links_that_are_not_repositories_or_are_unknown_are_ignored(tmp_path: Path) -> None:
    catalog = load(
        tmp_path,
        {
            "tools": section(
                entry("a", "Site", "https://example.org/a/b"),
                entry("b", "Topic", "https://github.com/topics/llm"),
                entry("c", "Unknown", "https://github.com/never/fetched"),
            )
        },
    )
    the_facts = facts(meta("a/b", archived=True), meta("topics/llm", archived=True))
    for rule_id in REPO_RULES[:-1]:
        assert run(catalog, rule_id, the_facts) == [], rule_id


def test_last_known_values_still_count(tmp_path: Path) -> None:
    catalog = load(tmp_path, {"tools": section(entry("a", "A", "https://github.com/a/b"))})
    the_facts = facts(meta("a/b", archived=True, from_cache=True))
    assert len(run(catalog, "repo-archived", the_facts)) == 1
