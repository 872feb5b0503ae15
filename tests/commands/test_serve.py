"""`curator serve` end to end: schedules from curator.yaml, --dry-run, --once (check only without a
repository; check then pr with one, against the git-backed fake GitHub), the endpoints of a real
process, and SIGTERM: exit 0 within 10 s, one log line per event, nothing half recorded."""

from __future__ import annotations

import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from curator.commands.serve import ServeOptions, run_serve
from curator.facts import Facts
from curator.main import main
from curator.report import Report
from tests.support.catalogs import GOOD_SECTION, tools_file, write_catalog
from tests.support.fake_github import GOOD_TOKEN, FakeGithub
from tests.support.linkfarm import LinkFarm, Reply, link_farm

NOW = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)  # a Tuesday
LINKS_CONFIG = "links:\n  timeout: 5\n  retries: 0\n  allow_private_hosts: true\n"
NEVER = 'schedule:\n  check: "0 0 1 1 *"\n  pr: "0 0 1 1 *"\n'  # not within any test's lifetime


@pytest.fixture
def farm() -> Iterator[LinkFarm]:
    with link_farm() as farm:
        yield farm


@pytest.fixture
def local(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    return tmp_path


def _catalog(root: Path, farm: LinkFarm, *, delay: float = 0.0) -> None:
    host = farm.host("127.0.0.2")
    url = host.route("/ok", Reply(status=200, delay=delay))
    write_catalog(root, {"tools": tools_file(f"  - id: a\n    name: A\n    url: {url}\n")})


def test_help_lists_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["serve", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "exit codes:" in out and "stopped by SIGTERM or Ctrl-C" in out and "--log-format" in out


def test_an_invalid_schedule_is_a_configuration_error_at_its_line(
    local: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (local / "curator.yaml").write_text('history:\n  failure_runs: 3\nschedule:\n  pr: "17 6 * * 8"\n')
    assert main(["serve", "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "curator.yaml:4:7: schedule.pr: day of week '8': 8 is out of range (0-7)" in err


def test_dry_run_prints_three_iso_times_per_job(
    local: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (local / "curator.yaml").write_text('schedule:\n  check: "0 6 * * *"\n  pr: "17 6 * * 0"\n')
    assert run_serve(ServeOptions(dry_run=True), now=NOW) == 0
    assert (
        capsys.readouterr().out == "check (0 6 * * *): 2026-12-02T06:00:00Z 2026-12-03T06:00:00Z 2026-12-04T06:00:00Z\n"
    )
    monkeypatch.setenv("GITHUB_REPOSITORY", "octo/list")  # a repository: the pull request job too
    assert run_serve(ServeOptions(dry_run=True), now=NOW) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "pr (17 6 * * 0): 2026-12-06T06:17:00Z 2026-12-13T06:17:00Z 2026-12-20T06:17:00Z"


def test_dry_run_defaults_and_a_job_left_out(local: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_serve(ServeOptions(dry_run=True), now=NOW) == 0
    assert capsys.readouterr().out.startswith("check (0 6 * * *): 2026-12-02T06:00:00Z")
    (local / "curator.yaml").write_text("schedule:\n  check: null\n")
    assert run_serve(ServeOptions(dry_run=True), now=NOW) == 0
    assert capsys.readouterr().out == "check: not scheduled (null in curator.yaml)\n"


def test_once_without_a_repository_runs_only_the_check_and_calls_the_hook(
    local: Path, farm: LinkFarm, capsys: pytest.CaptureFixture[str]
) -> None:
    _catalog(local, farm)
    (local / "curator.yaml").write_text(LINKS_CONFIG)
    seen: list[tuple[Report, Facts]] = []
    assert run_serve(ServeOptions(once=True, log_format="json"), on_check_done=lambda r, f: seen.append((r, f))) == 0
    events = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [(e["event"], e["job"]) for e in events] == [("job.started", "check"), ("job.finished", "check")]
    assert events[1]["duration_seconds"] >= 0
    ((report, facts),) = seen
    assert facts.network == "ok" and len(facts.links) == 1 and report.entries == 1
    with sqlite3.connect(local / ".curator" / "state.db") as db:
        assert db.execute("select count(*) from runs where finished_at is not null").fetchone() == (1,)


def test_once_exits_2_when_the_check_could_not_complete(local: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--once"]) == 2  # no catalog here
    assert "check failed: catalog" in capsys.readouterr().err


def test_once_with_a_repository_runs_check_then_pr_on_the_base(
    local: Path, farm: LinkFarm, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    links = farm.host("127.0.0.2")
    ok = links.route("/ok", Reply(status=200))
    with FakeGithub(host="127.0.0.3") as api:
        host = api.host_repo("octo/list")
        config = (
            f"github:\n  api_url: {api.url}\n  write_interval: 0\n{LINKS_CONFIG}  exclude: ['^https://github\\.com/']\n"
        )
        entries = GOOD_SECTION + f"entries:\n  - id: a\n    name: A\n    url: h{ok}\n"  # a scheme typo: a safe fix
        host.seed({"curator.yaml": config.encode(), "catalog/tools.yaml": entries.encode()})
        (local / "curator.yaml").write_text(config)  # the local copy: no catalog here, the base's is read
        monkeypatch.setenv("GITHUB_TOKEN", GOOD_TOKEN)
        monkeypatch.setenv("GITHUB_REPOSITORY", "octo/list")
        monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
        seen: list[Report] = []
        assert run_serve(ServeOptions(once=True, log_format="json"), on_check_done=lambda r, f: seen.append(r)) == 0
        events = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
        assert [(e["event"], e["job"]) for e in events] == [
            ("job.started", "check"),
            ("job.finished", "check"),
            ("job.started", "pr"),
            ("job.finished", "pr"),
        ]
        assert [f.rule for f in seen[0].findings] == ["malformed-url"]  # the base's catalog, read through the API
        assert events[3]["message"].startswith("pr finished: open #")
        assert host.branch_sha("curator/maintenance") is not None


def test_once_with_a_repository_and_no_token_fails_both_jobs(
    local: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_REPOSITORY", "octo/list")
    assert main(["serve", "--once"]) == 2
    err = capsys.readouterr().err
    assert "check failed: no GitHub token" in err and "pr failed: no GitHub token" in err


def _start(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "curator", "serve", *args]
    clean = {k: v for k, v in os.environ.items() if k not in {"GITHUB_REPOSITORY", "GITHUB_TOKEN", "GH_TOKEN"}}
    return subprocess.Popen(
        cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**clean, **(env or {})}
    )


def _wait_for(proc: subprocess.Popen[str], event: str, lines: list[dict[str, object]]) -> dict[str, object]:
    assert proc.stderr is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        doc = json.loads(line)
        lines.append(doc)
        if doc["event"] == event:
            return doc
    raise AssertionError(f"no {event} event; saw {lines}")


def _get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        reply = conn.getresponse()
        return reply.status, reply.read()
    finally:
        conn.close()


def test_a_real_service_serves_its_endpoints_and_stops_on_sigterm(local: Path, farm: LinkFarm) -> None:
    _catalog(local, farm)
    (local / "curator.yaml").write_text(LINKS_CONFIG + NEVER)
    proc = _start(local, "--listen", "127.0.0.1:0", "--log-format", "json")
    lines: list[dict[str, object]] = []
    try:
        listening = _wait_for(proc, "listening", lines)
        _wait_for(proc, "schedule", lines)
        port = int(str(listening["port"]))
        status, body = _get(port, "/healthz")
        doc = json.loads(body)
        assert status == 200 and doc["status"] == "ok" and doc["last_run"] is None
        assert doc["next_runs"] == {"check": f"{datetime.now(UTC).year + 1}-01-01T00:00:00Z"}
        status, body = _get(port, "/metrics")
        assert status == 200 and b"curator_github_rate_limit_remaining NaN" in body
        signalled = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert time.monotonic() - signalled < 10
    assert proc.returncode == 0
    rest = [json.loads(line) for line in err.splitlines()]
    assert [e["event"] for e in lines + rest] == ["listening", "schedule", "shutdown", "stopped"]


def test_sigterm_during_a_job_exits_0_within_10_s_and_records_nothing(local: Path, farm: LinkFarm) -> None:
    _catalog(local, farm, delay=60)  # the one link answers in a minute: the check is under way when stopped
    (local / "curator.yaml").write_text(LINKS_CONFIG)
    proc = _start(local, "--once", "--log-format", "json")
    lines: list[dict[str, object]] = []
    try:
        _wait_for(proc, "job.started", lines)
        deadline = time.monotonic() + 20
        while not farm.hits and time.monotonic() < deadline:
            time.sleep(0.05)
        assert farm.hits, "the check never reached the link"
        signalled = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert time.monotonic() - signalled < 10
    assert proc.returncode == 0 and "Traceback" not in err
    rest = [json.loads(line) for line in err.splitlines()]
    assert [e["event"] for e in lines + rest] == ["job.started", "job.interrupted", "shutdown"]
    with sqlite3.connect(local / ".curator" / "state.db") as db:
        assert db.execute("pragma integrity_check").fetchone() == ("ok",)
        assert db.execute("select count(*) from link_results").fetchone() == (0,)
        assert db.execute("select count(*) from runs where finished_at is not null").fetchone() == (0,)


def test_once_leaves_out_a_job_whose_schedule_is_null(local: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (local / "curator.yaml").write_text("schedule:\n  check: null\n")  # no catalog: a check would fail
    assert main(["serve", "--once"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["serve"]) == 2
    assert "nothing to schedule" in capsys.readouterr().err


def test_listen_is_refused_with_once(local: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--once", "--listen", "9464"]) == 2
    assert "not with --once or --dry-run" in capsys.readouterr().err


def test_sigterm_during_the_pr_writes_leaves_the_branch_ref_untouched(local: Path, farm: LinkFarm) -> None:
    links = farm.host("127.0.0.2")
    ok = links.route("/ok", Reply(status=200))
    with FakeGithub(host="127.0.0.3") as api:
        host = api.host_repo("octo/list")
        config = (
            f"github:\n  api_url: {api.url}\n  write_interval: 0\n{LINKS_CONFIG}  exclude: ['^https://github\\.com/']\n"
        )
        entries = GOOD_SECTION + f"entries:\n  - id: a\n    name: A\n    url: h{ok}\n"
        host.seed({"curator.yaml": config.encode(), "catalog/tools.yaml": entries.encode()})
        (local / "curator.yaml").write_text(config + 'schedule:\n  check: null\n  pr: "0 6 * * *"\n')
        proc = _start(
            local, "--once", "--log-format", "json", env={"GITHUB_TOKEN": GOOD_TOKEN, "GITHUB_REPOSITORY": "octo/list"}
        )
        try:
            deadline = time.monotonic() + 30
            while not any("/git/trees" in p for p in api.arrived) and time.monotonic() < deadline:
                time.sleep(0.001)
            api.latency = 30  # the writes after the first tree hang: the stop comes between writes
            assert any("/git/trees" in p for p in api.arrived), "the pr job never began to write"
            signalled = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            _out, err = proc.communicate(timeout=15)
        finally:
            api.latency = 0
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        assert time.monotonic() - signalled < 10
        assert proc.returncode == 0 and "Traceback" not in err
        assert [json.loads(line)["event"] for line in err.splitlines()] == [
            "job.started",
            "job.interrupted",
            "shutdown",
        ]
        assert host.branch_sha("curator/maintenance") is None  # the ref, written last, never moved


def test_the_check_job_keeps_the_list_health_issue(
    local: Path, farm: LinkFarm, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    links = farm.host("127.0.0.2")
    ok = links.route("/ok", Reply(status=200))
    with FakeGithub(host="127.0.0.3") as api:
        host = api.host_repo("octo/list")
        config = (
            f"github:\n  api_url: {api.url}\n  write_interval: 0\n{LINKS_CONFIG}  exclude: ['^https://github\\.com/']\n"
            "schedule:\n  pr: null\n"  # the check job alone
        )
        twins = "".join(f"  - id: {n}\n    name: {n.upper()}\n    url: {ok}\n" for n in ("a", "b"))
        catalog = GOOD_SECTION + "entries:\n" + twins
        host.seed({"curator.yaml": config.encode(), "catalog/tools.yaml": catalog.encode()})
        (local / "curator.yaml").write_text(config)
        monkeypatch.setenv("GITHUB_TOKEN", GOOD_TOKEN)
        monkeypatch.setenv("GITHUB_REPOSITORY", "octo/list")
        assert run_serve(ServeOptions(once=True)) == 0
        issues = [r for r in host.write_requests() if r.method == "POST" and r.path.endswith("/issues")]
        assert len(issues) == 1  # the duplicate needs a person: one list-health issue, opened by the check job
        body = issues[0].body
        assert isinstance(body, dict) and "duplicate" in str(body.get("body", "")).lower()
        before = len(host.write_requests())
        assert run_serve(ServeOptions(once=True)) == 0
        assert len(host.write_requests()) == before  # unchanged: no write at all
