"""The evidence and safety the fixing rules give their fixes, on real catalog files with hand-built facts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from curator.facts import Facts, LinkResult, LinkState, RepoMeta
from curator.findings import FixReason
from tests.rules.support import entry, load, run, section

NOW = datetime(2026, 3, 2, tzinfo=UTC)


def test_a_rename_known_only_from_the_last_run_is_not_safe(tmp_path: Path) -> None:
    catalog = load(tmp_path, {"tools": section(entry("g", "G", "https://github.com/acme/old"))})
    fresh = RepoMeta("acme/old", name_with_owner="acme/new", fetched_at=NOW)
    [finding] = run(catalog, "repo-renamed", facts=Facts(repos={"acme/old": fresh}, now=NOW), offline=False)
    assert finding.fix is not None and finding.fix.safe and finding.fix.reason is FixReason.REPO_RENAMED
    assert "(`curator fix` applies it)" in finding.message
    cached = RepoMeta("acme/old", name_with_owner="acme/new", fetched_at=NOW, from_cache=True)
    [finding] = run(catalog, "repo-renamed", facts=Facts(repos={"acme/old": cached}, now=NOW), offline=False)
    assert finding.fix is not None and not finding.fix.safe
    assert finding.fix.evidence == "renamed on GitHub to acme/new (last known; not confirmed in this run)"
    assert "curator fix" not in finding.message


def test_scheme_typo_evidence_online_and_a_missing_scheme(tmp_path: Path) -> None:
    text = section(
        entry("a", "A", "hhttps://a.example/x"),
        entry("b", "B", "htps://b.example/y"),
        entry("c", "C", "c.example/z"),
        entry("d", "D", "http//d.example/"),
    )
    catalog = load(tmp_path, {"tools": text})
    results = {
        "https://a.example/x": LinkResult("https://a.example/x", LinkState.OK, status=200),
        "https://b.example/y": LinkResult("https://b.example/y", LinkState.DEAD, status=404, detail="HTTP 404"),
    }
    findings = run(catalog, "malformed-url", facts=Facts(links=results, network="ok", now=NOW), offline=False)
    fixes = {f.entry: f.fix for f in findings}
    assert {key: (fix.safe, fix.evidence) for key, fix in fixes.items() if fix} == {
        "tools/a": (True, "hhttps → https, certain offline; https://a.example/x answers 200"),
        "tools/b": (False, "htps → https; but https://b.example/y fails (HTTP 404)"),
        "tools/c": (False, "no scheme → https://, a guess"),
        "tools/d": (True, "http// → http://, certain offline"),
    }
