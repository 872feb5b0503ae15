"""List-health issue benchmark: the write requests of `curator pr` runs that keep the list-health issue,
against the test suite's fake GitHub API backed by a real bare git repository.

    python benchmarks/health.py [--entries 40] [--duplicates 5] [--latency 0.0]

All on loopback: the fake GitHub API on 127.0.0.3, the links on the link farm (127.0.0.2). The catalog has
ENTRIES entries plus DUPLICATES entries that share one URL (each a finding that needs a person). Runs: the
first (opens the PR and the issue), an unchanged scheduled run, a run after the base moved on (the PR is
rebuilt, the issue is not edited), an issue update (the base gains one more
duplicate: the README changes too, so the PR is rebuilt), a person's tick (the PR gains the ignore, the issue
marks it pending), and the unchanged run after it. Write requests are counted at the server, those to
/issues apart. Targets: an unchanged run makes 0 write requests; the base moving on, 0 issue writes; an issue
update, 1 issue write.
Exit 0 when they hold, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

# First: benchmarks/pr.py, when imported, fixes sys.path (benchmarks/github.py would shadow PyGithub, the
# repository root holds tests/), drops proxy variables and keeps loopback off any proxy; its repository,
# README and run date are reused so that the two benchmarks run alike.
from pr import NAME, README, bot_environment, measured_run

# isort: split
from tests.support.catalogs import GOOD_SECTION
from tests.support.fake_github import FakeGithub
from tests.support.linkfarm import link_farm

from curator.bot.health import LABEL


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=40)
    parser.add_argument("--duplicates", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds the fake sleeps before every answer")
    args = parser.parse_args()
    bot_environment()
    with tempfile.TemporaryDirectory() as tmp, link_farm() as farm, FakeGithub(host="127.0.0.3") as api:
        os.chdir(tmp)
        api.latency = args.latency
        links = farm.host("127.0.0.2")
        config = (
            f"github:\n  api_url: {api.url}\n  write_interval: 0\n"
            "links:\n  timeout: 5\n  retries: 0\n  allow_private_hosts: true\n"
        )
        Path("curator.yaml").write_text(config, encoding="utf-8")
        shared = links.url("/ok/shared")

        def catalog(duplicates: int) -> bytes:
            own = "".join(
                f"  - id: e{n}\n    name: Entry {n}\n    url: {links.url(f'/ok/e{n}')}\n" for n in range(args.entries)
            )
            dups = "".join(f"  - id: d{n}\n    name: Dup {n}\n    url: {shared}\n" for n in range(duplicates))
            return (GOOD_SECTION + "entries:\n" + own + dups).encode()

        host = api.host_repo(NAME)
        host.seed(
            {
                "curator.yaml": config.encode(),
                "catalog/tools.yaml": catalog(args.duplicates),
                "README.md": README.encode(),
            }
        )

        def issue() -> int:
            return next(t.number for t in host.threads.values() if not t.is_pull and LABEL in t.labels)

        def tick() -> None:
            with host._lock:
                thread = host.threads[issue()]
                thread.body = (thread.body or "").replace("- [ ] ignore this", "- [x] ignore this", 1)

        steps: list[tuple[str, Callable[[], object] | None]] = [
            ("first run (opens the PR and the issue)", None),
            ("unchanged scheduled run", None),
            ("the base moved on (a person's commit)", lambda: host.advance_base({"docs/notes.md": b"notes\n"})),
            (
                "issue update (one more duplicate on the base)",
                lambda: host.advance_base({"catalog/tools.yaml": catalog(args.duplicates + 1)}),
            ),
            ("a person ticked one box (PR gains the ignore)", tick),
            ("unchanged run after it", None),
        ]
        rows = []
        for day, (label, before) in enumerate(steps, start=1):
            if before is not None:
                before()
            result, counted, requests, elapsed = measured_run(api, host, day)
            writes = host.write_requests()
            to_issues = len([r for r in writes if "/issues" in r.path and "/pulls" not in r.path])
            health = result.health.action if result.health else "-"
            rows.append((label, f"{result.action} / {health}", counted, to_issues, requests, elapsed))
    ok = rows[1][2] == 0 and rows[5][2] == 0 and rows[2][3] == 0 and rows[3][3] == 1
    total = args.entries + args.duplicates
    print(f"catalog: {total} entries, {args.duplicates} sharing a URL; fake latency {args.latency} s")
    print("| Run | PR / issue action | Write requests | of them to /issues | All requests | Wall time |")
    print("|---|---|---:|---:|---:|---:|")
    for label, action, writes, issues, requests, elapsed in rows:
        print(f"| {label} | {action} | {writes} | {issues} | {requests} | {elapsed:.2f} s |")
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
