"""`curator pr` benchmark: write requests and wall time of a first run, an update run (the base moved on)
and an unchanged run, against the test suite's fake GitHub API backed by a real bare git repository.

    python benchmarks/pr.py [--entries 40] [--latency 0.0] [--write-interval 0]

All on loopback: the fake GitHub API on 127.0.0.3 (tests/support/fake_github.py + fake_repo.py), the links
of the catalog on the link farm (tests/support/linkfarm.py, 127.0.0.2). The catalog has ENTRIES entries, one
with a scheme typo, and a README whose table is out of date. Write requests are counted at the server (the
fake's log: POST, PATCH, PUT, DELETE but GraphQL queries) and compared with curator's own count. Targets
(the issue): a typical update makes at most 12 write requests; an unchanged run makes none. Exit 0 when
they hold, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]  # benchmarks/github.py shadows PyGithub
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "src"))
for _name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
    os.environ.pop(_name, None)
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.0/8,localhost"

from tests.support.catalogs import GOOD_SECTION  # noqa: E402
from tests.support.fake_github import GOOD_TOKEN, FakeGithub  # noqa: E402
from tests.support.fake_repo import FakeRepoHost  # noqa: E402
from tests.support.linkfarm import link_farm  # noqa: E402

from curator.bot.run import PrOptions, Result, make_pr  # noqa: E402

NAME = "octo/awesome-list"
README = "# Tools\n\n<!-- curator:begin tools -->\n<!-- curator:end tools -->\n"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def bot_environment() -> None:
    """A token the fake accepts, and none of the Actions variables a run would write to."""
    os.environ["GITHUB_TOKEN"] = GOOD_TOKEN
    os.environ.pop("GITHUB_OUTPUT", None)
    os.environ.pop("GITHUB_STEP_SUMMARY", None)


def measured_run(api: FakeGithub, host: FakeRepoHost, day: int) -> tuple[Result, int, int, float]:
    """One `curator pr` run on day `day`: its result, the write requests and all requests the server saw
    (the log is cleared first), and the wall time."""
    with api._lock:
        api.log.clear()
    started = time.perf_counter()
    result = make_pr(PrOptions(repo=NAME), now=T0 + timedelta(days=day))
    elapsed = time.perf_counter() - started
    return result, len(host.write_requests()), len(api.calls()), elapsed



def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=40)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds the fake sleeps before every answer")
    parser.add_argument("--write-interval", type=float, default=0.0, help="github.write_interval")
    args = parser.parse_args()
    bot_environment()
    with tempfile.TemporaryDirectory() as tmp, link_farm() as farm, FakeGithub(host="127.0.0.3") as api:
        os.chdir(tmp)
        api.latency = args.latency
        links = farm.host("127.0.0.2")
        config = (
            f"github:\n  api_url: {api.url}\n  write_interval: {args.write_interval}\n"
            "links:\n  timeout: 5\n  retries: 0\n  allow_private_hosts: true\n"
        )
        Path("curator.yaml").write_text(config, encoding="utf-8")
        entries = "".join(
            f"  - id: e{n}\n    name: Entry {n}\n    url: {links.url(f'/ok/e{n}')}\n" for n in range(args.entries)
        )
        typo = "hhttp" + links.url("/ok/typo").removeprefix("http")
        catalog = GOOD_SECTION + "entries:\n" + entries + f"  - id: typo\n    name: Typo\n    url: {typo}\n"
        host = api.host_repo(NAME)
        host.seed(
            {"curator.yaml": config.encode(), "catalog/tools.yaml": catalog.encode(), "README.md": README.encode()}
        )
        rows = []
        ok = True
        for day, (label, before) in enumerate(
            [
                ("first run (opens the PR)", None),
                ("update run (the base moved on)", lambda: host.advance_base({"docs/notes.md": b"notes\n"})),
                ("unchanged run", None),
            ],
            start=1,
        ):
            if before is not None:
                before()
            result, counted, requests, elapsed = measured_run(api, host, day)
            ok &= counted == result.writes
            rows.append((label, str(result.action), counted, requests, elapsed))
        ok &= rows[1][2] <= 12 and rows[2][2] == 0
    print(f"catalog: {args.entries + 1} entries; fake latency {args.latency} s; write_interval {args.write_interval} s")
    print("| Run | Action | Write requests | All requests | Wall time |")
    print("|---|---|---:|---:|---:|")
    for label, action, writes, requests, elapsed in rows:
        print(f"| {label} | {action} | {writes} | {requests} | {elapsed:.2f} s |")
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
