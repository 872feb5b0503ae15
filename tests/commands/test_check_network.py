"""`curator check` with the network phase, end to end: real link servers on loopback, the fake GitHub API,
a real state database, several runs with an injected clock."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from curator.commands.check import CheckOptions, run_check
from curator.errors import CuratorError
from curator.main import main
from tests.support.catalogs import tools_file, write_catalog
from tests.support.fake_github import GOOD_TOKEN, FakeGithub
from tests.support.linkfarm import LinkFarm, Reply, link_farm

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def farm() -> Iterator[LinkFarm]:
    with link_farm() as farm:
        yield farm


@pytest.fixture
def api() -> Iterator[FakeGithub]:
    with FakeGithub(host="127.0.0.3") as api:
        api.add("acme/alpha", stars=12_400, description="Alpha trains models")
        api.add("acme/old-beta", stars=10, archived=True)
        api.add("acme/gamma", stars=5).old_names.append("acme/gamma-legacy")
        yield api


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, farm: LinkFarm, api: FakeGithub) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_TOKEN", GOOD_TOKEN)
    host = farm.host("127.0.0.2")
    entries = f"""\
  - id: alpha
    name: Alpha
    url: https://github.com/acme/alpha
  - id: beta
    name: Old Beta
    url: https://github.com/acme/old-beta
  - id: gamma
    name: Gamma
    url: https://github.com/acme/gamma-legacy
  - id: page
    name: Page
    url: {host.url("/ok/page")}
  - id: moved
    name: Moved
    url: {host.url("/moved/there")}
  - id: gone
    name: Gone
    url: {host.url("/status/404/gone")}
"""
    write_catalog(tmp_path, {"tools": tools_file(entries)})
    (tmp_path / "curator.yaml").write_text(f"github:\n  api_url: {api.url}\nlinks:\n  timeout: 5\n  retries: 0\n")
    return tmp_path


def check(project: Path, now: datetime, **options: Any) -> tuple[int, dict[str, Any]]:
    out = project / "report.json"
    options.setdefault("allow_private_hosts", True)
    opts = CheckOptions(format="json", output=out, **options)
    code = run_check(opts, now=now)
    return code, json.loads(out.read_text())


def by_rule(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(f["rule"], f["entry"]): f for f in doc["findings"]}


def test_first_run_findings_and_links(project: Path, farm: LinkFarm, api: FakeGithub) -> None:
    code, doc = check(project, T0)
    found = by_rule(doc)
    assert found[("dead-link", "tools/gone")]["severity"] == "warning"  # one failing run is not yet an error
    assert "failing since" in found[("dead-link", "tools/gone")]["message"]
    assert found[("redirected", "tools/moved")]["fix"]["new"].endswith("/ok/there")
    assert found[("repo-archived", "tools/beta")]["severity"] == "warning"
    assert found[("repo-renamed", "tools/gamma")]["fix"] == {
        "field": "url",
        "old": "https://github.com/acme/gamma-legacy",
        "new": "https://github.com/acme/gamma",
    }
    assert code == 0  # nothing is an error yet
    states = {row["url"].rsplit("/", 2)[-2]: row["state"] for row in doc["links"]}
    assert states == {"ok": "ok", "moved": "redirect", "404": "dead"}
    # Repository front pages answered by metadata were not fetched as links (no request left loopback).
    assert all("github.com" not in row["url"] for row in doc["links"])
    assert len(api.calls("/graphql")) == 1


def test_failure_becomes_error_after_three_runs_over_five_days(project: Path) -> None:
    for day, expected in ((0, "warning"), (3, "warning"), (6, "error")):
        code, doc = check(project, T0 + timedelta(days=day))
        assert by_rule(doc)[("dead-link", "tools/gone")]["severity"] == expected, day
    assert code == 1


def test_recent_ok_links_come_from_the_cache(project: Path, farm: LinkFarm) -> None:
    check(project, T0)
    before = len(farm.hits)
    _code, doc = check(project, T0 + timedelta(hours=1))
    new_paths = sorted(h.path for h in farm.hits[before:])
    assert "/ok/page" not in new_paths  # ok within max_age: not requested again
    assert "/status/404/gone" in new_paths  # failures are always re-checked
    assert any(row["cached"] for row in doc["links"])
    _code, _doc = check(project, T0 + timedelta(hours=2), no_cache=True)
    assert any(h.path == "/ok/page" for h in farm.hits[before:][len(new_paths) :])


@pytest.mark.parametrize("fmt", ["text", "json", "github", "markdown"])
def test_no_network_reports_the_offline_findings_then_exits_2_recording_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    monkeypatch.chdir(tmp_path)
    # Nothing listens on port 9 of these addresses: every connection is refused, on two hosts. Two entries
    # share a URL and one has a scheme typo, so the offline rules have findings to show.
    entries = "".join(f"  - id: e{i}\n    name: Site {i}\n    url: http://127.0.0.{i + 10}:9/page\n" for i in range(3))
    entries += "  - id: twin\n    name: Twin\n    url: http://127.0.0.10:9/page\n"
    entries += "  - id: typo\n    name: Typo\n    url: hhttp://127.0.0.11:9/other\n"
    write_catalog(tmp_path, {"tools": tools_file(entries)})
    code = main(["check", "--allow-private-hosts", "--state", "state.db", "--format", fmt])
    out, err = capsys.readouterr()
    assert code == 2
    assert "no host could be reached" in err
    assert "duplicate-url" in out and "malformed-url" in out  # the offline findings are all there
    if fmt == "json":
        doc = json.loads(out)
        assert {f["rule"] for f in doc["findings"]} >= {"duplicate-url", "malformed-url"}
        assert not doc.get("links")  # no link fact is reported from a run that reached nothing
    with sqlite3.connect(tmp_path / "state.db") as db:
        assert db.execute("select count(*) from link_results").fetchone() == (0,)
        assert db.execute("select count(*) from runs where finished_at is not null").fetchone() == (0,)


def test_a_state_database_that_cannot_be_written_stops_the_run_before_any_request(
    project: Path, farm: LinkFarm, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = project / "state.db"
    check(project, T0, state=state)  # a first run creates the database
    before = len(farm.hits)
    holder = sqlite3.connect(state, timeout=0)  # another process holds the write lock throughout
    holder.execute("begin exclusive")
    try:
        monkeypatch.setattr("curator.state.DEFAULT_TIMEOUT", 0.2)  # the wait for the lock, not the code under test
        with pytest.raises(CuratorError, match=r"state\.db"):
            check(project, T0 + timedelta(days=1), state=state)
    finally:
        holder.rollback()
        holder.close()
    assert len(farm.hits) == before  # not one link was requested


def test_a_run_that_cannot_be_recorded_still_writes_its_report(
    project: Path, farm: LinkFarm, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    state = project / "state.db"
    check(project, T0, state=state)  # a first run creates the database
    # Another process takes the write lock while the links are being checked (after the up-front
    # writability check) and keeps it: recording at the end fails.
    slow = farm.host("127.0.0.2").route("/ok/slow", Reply(status=200, title="slow", delay=0.5))
    entries = (project / "catalog" / "tools.yaml").read_text() + f"  - id: slow\n    name: Slow\n    url: {slow}\n"
    (project / "catalog" / "tools.yaml").write_text(entries)
    holder = sqlite3.connect(state, timeout=5, check_same_thread=False)
    locked = threading.Event()

    def take_the_lock() -> None:
        while not any(h.path == "/ok/slow" for h in farm.hits):
            time.sleep(0.01)
        holder.execute("begin exclusive")
        locked.set()

    thread = threading.Thread(target=take_the_lock, daemon=True)
    thread.start()
    try:
        out = project / "report.json"
        opts = CheckOptions(format="json", output=out, allow_private_hosts=True, state=state)
        monkeypatch.setattr("curator.state.DEFAULT_TIMEOUT", 0.2)  # the wait for the lock, not the code under test
        with pytest.raises(CuratorError, match="not recorded"):
            run_check(opts, now=T0 + timedelta(days=1))
        assert locked.is_set()
        doc = json.loads(out.read_text())
        assert ("dead-link", "tools/gone") in by_rule(doc)
        assert any("not recorded" in note for note in doc["notes"])
    finally:
        thread.join(5)
        holder.rollback()
        holder.close()


def test_private_hosts_are_refused_without_permission(project: Path) -> None:
    code, doc = check(project, T0, allow_private_hosts=False)
    refused = [f for f in doc["findings"] if f["rule"] == "link-refused"]
    assert {f["entry"] for f in refused} == {"tools/page", "tools/moved", "tools/gone"}
    assert code == 1


def test_changed_since_checks_only_changed_entries(project: Path, farm: LinkFarm) -> None:
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=project, check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.email=t@example.org", "-c", "user.name=t", "add", "catalog")
    git("-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-qm", "base")
    catalog = project / "catalog" / "tools.yaml"
    catalog.write_text(catalog.read_text().replace("/ok/page", "/ok/page2"))
    _code, doc = check(project, T0, changed_since="HEAD")
    assert [row["url"].rsplit("/", 1)[-1] for row in doc["links"]] == ["page2"]
    assert doc["summary"]["entries"] == 6  # the whole catalog still loads and the offline rules run on it
    assert any("changed since HEAD" in note for note in doc["notes"])


def test_bad_token_exits_2_without_showing_it(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_wrongwrongwrongwrong")
    code = main(["check", "--allow-private-hosts"])
    err = capsys.readouterr().err
    assert code == 2
    assert "401" in err
    assert "ghp_wrong" not in err


def test_every_check_option_reaches_check_options() -> None:
    # A new flag of `curator check` must have a CheckOptions field, or it would be silently dropped.
    from dataclasses import fields

    from curator.main import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    check_parser = sub.choices["check"]  # type: ignore[index]
    dests = {a.dest for a in check_parser._actions if a.dest != "help"}
    assert dests == {f.name for f in fields(CheckOptions)}
