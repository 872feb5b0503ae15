"""Ctrl-C and SIGTERM in the middle of a network check: exit 130/143, no traceback, and the state database
is left consistent with nothing of the interrupted run recorded."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.catalogs import tools_file, write_catalog
from tests.support.linkfarm import LinkFarm, Reply, link_farm


@pytest.fixture
def farm() -> Iterator[LinkFarm]:
    with link_farm() as farm:
        yield farm


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupted_check_records_nothing(tmp_path: Path, farm: LinkFarm, sig: int, code: int) -> None:
    host = farm.host("127.0.0.2")
    fast = host.route("/fast", Reply(status=200))
    slow = host.route("/slow", Reply(status=200, delay=30))
    entries = f"  - id: a\n    name: A\n    url: {fast}\n  - id: b\n    name: B\n    url: {slow}\n"
    write_catalog(tmp_path, {"tools": tools_file(entries)})
    cmd = [sys.executable, "-m", "curator", "check", "--allow-private-hosts", "--state", "state.db"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while not host.hits("/slow") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert host.hits("/slow"), "the check never reached the slow link"
    signalled = time.monotonic()
    proc.send_signal(sig)
    _out, err = proc.communicate(timeout=20)
    assert time.monotonic() - signalled < 1.0, "the check took a second or more to stop"
    assert proc.returncode == code
    assert "Traceback" not in err
    assert "this run was not recorded" in err
    with sqlite3.connect(tmp_path / "state.db") as db:
        assert db.execute("pragma integrity_check").fetchone() == ("ok",)
        assert db.execute("select count(*) from link_results").fetchone() == (0,)
        assert db.execute("select count(*) from runs where finished_at is not null").fetchone() == (0,)


def test_ctrl_c_in_the_github_step_stops_within_a_second(tmp_path: Path) -> None:
    from tests.support.fake_github import GOOD_TOKEN, FakeGithub

    with FakeGithub(host="127.0.0.4", latency=30) as api:  # every answer takes 30 s
        api.add("acme/alpha", stars=1)
        entries = "  - id: a\n    name: A\n    url: https://github.com/acme/alpha\n"
        write_catalog(tmp_path, {"tools": tools_file(entries)})
        (tmp_path / "curator.yaml").write_text(f"github:\n  api_url: {api.url}\n")
        cmd = [sys.executable, "-m", "curator", "check", "--allow-private-hosts", "--state", "state.db"]
        env = {**os.environ, "GITHUB_TOKEN": GOOD_TOKEN}
        proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        deadline = time.monotonic() + 20
        while not api.arrived and time.monotonic() < deadline:
            time.sleep(0.05)
        assert api.arrived, "the check never asked the API"
        signalled = time.monotonic()
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=20)
    assert time.monotonic() - signalled < 1.0
    assert proc.returncode == 130 and "Traceback" not in err
