"""The pipeline itself (`curator.pipeline`), called the way `check`, `fix`, `pr` and `serve` call it: plain
values in, one frozen Facts out. End-to-end runs through `curator check` are in tests/commands/."""

from __future__ import annotations

import dataclasses
import socket
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from curator.catalog.load import load_catalog
from curator.config import Config
from curator.errors import ConfigError
from curator.facts import FailureKind, LinkResult, LinkState, RepoMeta
from curator.findings import Severity
from curator.pipeline import build_report, gather, judge, link_urls, load_project, plan
from tests.support.catalogs import tools_file, write_catalog
from tests.support.linkfarm import LinkFarm, Reply

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def _closed_port(host: str) -> int:
    """A port on `host` that nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _catalog(tmp_path: Path, entries: str) -> Path:
    return write_catalog(tmp_path, {"tools": tools_file(entries)})


def test_plan_groups_repository_urls_and_leaves_malformed_ones_out(tmp_path: Path) -> None:
    catalog = load_catalog(
        _catalog(
            tmp_path,
            "  - {id: a, name: A, url: 'https://github.com/acme/alpha'}\n"
            "  - {id: b, name: B, url: 'https://github.com/acme/alpha/tree/main/docs'}\n"
            "  - {id: c, name: C, url: 'hhttps://example.org/typo'}\n"
            "  - {id: d, name: D, url: 'https://example.org/page'}\n",
        )
    )
    work = plan(catalog, None)
    assert work.urls == sorted(
        ["https://github.com/acme/alpha", "https://github.com/acme/alpha/tree/main/docs", "https://example.org/page"]
    )
    assert work.repos == {
        "acme/alpha": ["https://github.com/acme/alpha", "https://github.com/acme/alpha/tree/main/docs"]
    }
    assert plan(catalog, {"tools/d"}).urls == ["https://example.org/page"]


def test_fresh_metadata_answers_for_front_pages_only() -> None:
    from curator.pipeline import Plan

    work = Plan(
        urls=["https://github.com/acme/alpha", "https://github.com/acme/alpha/blob/main/x.md", "https://github.com/o/b"],
        repos={},
    )
    fresh = {"acme/alpha": RepoMeta(requested="acme/alpha"), "o/b": RepoMeta(requested="o/b", from_cache=True)}
    # The sub-path still needs a request; a repository known only from the cache is checked as a page.
    assert link_urls(work, fresh) == ["https://github.com/acme/alpha/blob/main/x.md", "https://github.com/o/b"]


def test_offline_gathers_no_network_fact_and_creates_no_state(tmp_path: Path) -> None:
    catalog = load_catalog(_catalog(tmp_path, "  - {id: a, name: A, url: 'https://example.org/a'}\n"))
    state = tmp_path / "state.db"
    facts = gather(catalog, Config(), state_path=state, now=NOW, offline=True)
    assert facts.network == "off" and facts.links == {} and facts.now == NOW
    assert not state.exists()
    with pytest.raises(dataclasses.FrozenInstanceError):
        facts.network = "ok"  # type: ignore[misc]


def test_unreachable_network_gives_facts_that_say_so_and_records_nothing(tmp_path: Path) -> None:
    urls = [f"http://127.0.0.{i}:{_closed_port(f'127.0.0.{i}')}/x" for i in (21, 22)]
    entries = "".join(f"  - {{id: e{i}, name: E{i}, url: '{url}'}}\n" for i, url in enumerate(urls))
    entries += "  - {id: twin, name: Twin, url: '" + urls[0] + "'}\n"
    catalog = load_catalog(_catalog(tmp_path, entries))
    state = tmp_path / "state.db"
    facts = gather(catalog, Config(), state_path=state, now=NOW, allow_private_hosts=True)
    assert facts.network == "unreachable"
    assert facts.links == {} and "no host could be reached (2 links tried)" in facts.notes[0]
    with sqlite3.connect(state) as db:
        assert db.execute("select count(*) from runs where finished_at is not null").fetchone() == (0,)
    # Judging such facts runs the offline rules only: the duplicate is found, no link rule speaks.
    findings = judge(catalog, Config(), facts)
    assert {f.rule for f in findings} == {"duplicate-url"}
    report = build_report(catalog, findings, facts)
    assert not report.checked_links and report.link_rows == []


def test_report_rows_come_from_the_facts_in_url_order(tmp_path: Path) -> None:
    catalog = load_catalog(
        _catalog(
            tmp_path,
            "  - {id: b, name: B, url: 'https://b.example/'}\n  - {id: a, name: A, url: 'https://a.example/'}\n",
        )
    )
    links = {
        "https://b.example/": LinkResult(url="https://b.example/", state=LinkState.DEAD, status=404),
        "https://a.example/": LinkResult(url="https://a.example/", state=LinkState.OK, status=200),
    }
    facts = dataclasses.replace(gather(catalog, Config(), state_path=tmp_path / "s.db", now=NOW, offline=True))
    facts = dataclasses.replace(facts, links=links, network="ok")
    findings = judge(catalog, Config(), facts)
    assert [(f.rule, f.severity) for f in findings] == [("dead-link", Severity.WARNING)]
    report = build_report(catalog, findings, facts)
    assert [(row.url, row.entries) for row in report.link_rows] == [
        ("https://a.example/", ("tools/a",)),
        ("https://b.example/", ("tools/b",)),
    ]


def test_load_project_checks_rule_ids_against_the_registry(tmp_path: Path) -> None:
    config = tmp_path / "curator.yaml"
    config.write_text("rules:\n  dead-link: {severity: error}\n  no-such-rule: {severity: info}\n")
    with pytest.raises(ConfigError, match=r"curator.yaml:3:3: rules.no-such-rule: unknown rule 'no-such-rule'"):
        load_project(config)
    config.write_text("rules:\n  dead-link: {severity: error}\n")
    loaded, paths = load_project(config, state=tmp_path / "elsewhere.db")
    assert loaded.rules["dead-link"].severity == "error"
    assert paths.state == tmp_path / "elsewhere.db" and paths.catalog == tmp_path / "catalog"


def test_links_a_budget_stopped_are_reported_but_not_recorded(tmp_path: Path, linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    urls = [host.route(f"/slow/{i}", Reply(status=200, title="slow", delay=0.6)) for i in range(4)]
    entries = "".join(f"  - {{id: e{i}, name: E{i}, url: '{url}'}}\n" for i, url in enumerate(urls))
    catalog = load_catalog(_catalog(tmp_path, entries))
    config = Config.model_validate({"links": {"host_concurrency": 1, "host_budget": 0.5, "retries": 0}})
    state = tmp_path / "state.db"
    facts = gather(catalog, config, state_path=state, now=NOW, allow_private_hosts=True)
    kinds = sorted(str(r.kind) for r in facts.links.values())
    assert "budget" in kinds and len(facts.links) == 4
    with sqlite3.connect(state) as db:
        recorded = {row[0] for row in db.execute("select url from link_results")}
    assert recorded == {u for u, r in facts.links.items() if r.kind is not FailureKind.BUDGET}
    assert {f.rule for f in judge(catalog, config, facts)} >= {"link-not-checked"}


def test_a_missing_history_is_said_once(tmp_path: Path, linkfarm: LinkFarm) -> None:
    url = linkfarm.host("127.0.0.2").route("/ok/page", Reply(status=200, title="page"))
    catalog = load_catalog(_catalog(tmp_path, f"  - {{id: a, name: A, url: '{url}'}}\n"))
    state = tmp_path / "state.db"
    first = gather(catalog, Config(), state_path=state, now=NOW, allow_private_hosts=True, use_cache=False)
    assert first.history_missing and any("no link history yet" in note for note in first.notes)
    second = gather(catalog, Config(), state_path=state, now=NOW, allow_private_hosts=True, use_cache=False)
    assert not second.history_missing and not any("no link history" in note for note in second.notes)
