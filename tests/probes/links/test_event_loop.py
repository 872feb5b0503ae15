"""`check_links_sync` runs on uvloop's event loop where uvloop is installed, on the standard loop otherwise,
with the same results, against real servers on loopback (tests/support/linkfarm.py)."""

from __future__ import annotations

import asyncio
import sys

import pytest

from curator.config import LinkSettings
from curator.facts import LinkResult, LinkState
from curator.probes.links import check_links_sync
from curator.probes.links._netguard import NetGuard
from tests.support.linkfarm import LinkFarm, Reply

LOOPBACK = NetGuard(allowed_networks=["127.0.0.0/8"])


def _check_recording_loops(linkfarm: LinkFarm) -> tuple[dict[str, LinkResult], set[type], dict[str, LinkState]]:
    """A small mixed run (ok, dead, moved, two hosts, keep-alive reuse); the loop each result came from."""
    expected: dict[str, LinkState] = {}
    for address in ("127.0.0.2", "127.0.0.3"):
        host = linkfarm.host(address)
        for i in range(6):
            expected[host.route(f"/page{i}", Reply(title=f"Page {i}"))] = LinkState.OK
        expected[host.route("/gone", Reply(404, title="Not here"))] = LinkState.DEAD
        expected[host.url("/moved/page0")] = LinkState.REDIRECT
    loops: set[type] = set()

    def progress(_result: LinkResult) -> None:
        loops.add(type(asyncio.get_running_loop()))  # progress is called on the checker's loop

    settings = LinkSettings(timeout=2.0, connect_timeout=1.0, retries=0, max_bytes=4096, host_concurrency=2)
    results = check_links_sync(list(expected), settings, guard=LOOPBACK, progress=progress)
    return results, loops, expected


def test_check_links_sync_runs_on_uvloop_where_installed(linkfarm: LinkFarm) -> None:
    uvloop = pytest.importorskip("uvloop")
    results, loops, expected = _check_recording_loops(linkfarm)
    assert loops == {uvloop.Loop}
    assert {url: r.state for url, r in results.items()} == expected


def test_check_links_sync_falls_back_to_the_standard_loop(
    linkfarm: LinkFarm, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # as if uvloop were not installed: its import fails
    results, loops, expected = _check_recording_loops(linkfarm)
    assert len(loops) == 1
    (loop,) = loops
    assert loop.__module__.startswith("asyncio.")
    assert {url: r.state for url, r in results.items()} == expected
