"""GitHub metadata benchmark (issue 4, section 6): curator's batched GraphQL fetch against a per-repository
REST loop, on the fake GitHub API with 250 ms added to every call.

    python benchmarks/github.py [--repos 1000] [--latency 0.25] [--sample 100] [--full] [--rounds 3]
                                [--json figures.json]

What it does, all on 127.0.0.1 and nothing else:
- starts the test suite's fake GitHub API (tests/support/fake_github.py: real HTTP on loopback, one thread
  per connection, REST and GraphQL, `latency` slept before every answer, every request logged) and fills it
  with REPOS repositories (owners org000…, varied stars, forks, licenses, ~5% archived; none renamed or
  deleted, so neither side pays for a redirect or a 404);
- curator: `curator.probes.github.fetch_repos` for all of them with a token (GraphQL, 100 per query),
  `--rounds` times; the median wall time is reported;
- the loop "most tools" run: PyGithub `Github(auth=Auth.Token(...), base_url=fake).get_repo(full_name)` for
  each repository, reading full_name, stargazers_count, forks_count, pushed_at, archived, disabled, fork,
  license.spdx_id, description and homepage (all in the one `GET /repos/{owner}/{repo}` answer, so one call
  per repository — the loop does NOT fetch last-commit or latest-release dates, which curator's query also
  returns and which would cost the loop two more calls per repository). It runs twice:
    * PyGithub as constructed by default: `seconds_between_requests=0.25` (Consts.DEFAULT_SECONDS_BETWEEN_
      REQUESTS), i.e. at least 0.25 s between the end of one request and the start of the next;
    * `seconds_between_requests=None`, no spacing: the fairest comparison (curator's own PyGithub client has
      no spacing either).
  With 1,000 repositories × 250 ms that is ≥ 250 s per loop (≥ 500 s with the spacing), so by default each
  loop runs on an evenly spaced SAMPLE of repositories (default 100) and its calls and wall time are
  extrapolated linearly to all REPOS (every repository costs the same in this setup: one GET, same latency).
  `--full` runs both loops on every repository instead (≈ 12.5 minutes for 1,000).

API calls are counted at the server (the fake's request log, sliced per phase) and compared with curator's
own `RepoFetch.api_calls`; the run fails if they disagree, if curator did not return fresh data for every
repository, or if the loop's values differ from curator's on the repositories both read.

Target (issue 4): curator makes at most 11 API calls, and its wall time is at most 3% of the loop's. The
percentage is judged against the loop without spacing (the stricter comparison); the one with PyGithub's
default spacing is reported beside it. Exit status 0 when every check and target passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# This file is named github.py: as a script its folder is sys.path[0] and would shadow PyGithub's `github`.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "src"))

# Loopback only: requests (under PyGithub) would send 127.0.0.1 through a proxy named in the environment.
for _name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
    os.environ.pop(_name, None)
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

# PyGithub in a block of its own: with this file present ruff's isort takes `github` for first-party.
# isort: split
from github import Auth, Consts, Github  # noqa: E402

# isort: split
from tests.support.fake_github import GOOD_TOKEN, FakeGithub  # noqa: E402

from curator.config import GithubSettings  # noqa: E402
from curator.probes.github import fetch_repos  # noqa: E402

TARGET_CALLS = 11
TARGET_RATIO = 0.03
LICENSES = ["MIT", "Apache-2.0", "BSD-3-Clause", "GPL-3.0", None]


@dataclass
class Phase:
    name: str
    repos: int  # repositories this phase actually fetched
    wall: float  # seconds
    server_calls: int
    statuses: dict[int, int] = field(default_factory=dict)
    paths: dict[str, int] = field(default_factory=dict)
    client_calls: int | None = None  # curator's own count
    walls: list[float] = field(default_factory=list)  # every round (curator)
    sizes: list[int] = field(default_factory=list)  # repositories per GraphQL query (curator)

    def per_repo(self) -> tuple[float, float]:
        return self.wall / self.repos, self.server_calls / self.repos


def populate(api: FakeGithub, count: int, seed: int = 4) -> list[str]:
    rng = random.Random(seed)
    names = []
    for i in range(count):
        full = f"org{i // 25:03d}/project-{i:04d}"
        api.add(
            full,
            stars=int(rng.paretovariate(1.2) * 40),
            forks=rng.randrange(0, 3000),
            pushed_at=f"20{rng.randrange(18, 26)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}T12:00:00Z",
            archived=rng.random() < 0.05,
            fork=rng.random() < 0.03,
            license=rng.choice(LICENSES),
            description=f"Project {i}: a tool for task {rng.randrange(1000)}",
            homepage=f"https://project-{i}.example.org" if rng.random() < 0.4 else None,
            latest_release_at="2025-06-01T00:00:00Z" if rng.random() < 0.5 else None,
        )
        names.append(full)
    return names


def server_slice(api: FakeGithub, start: int) -> tuple[int, dict[int, int], dict[str, int]]:
    log = api.calls()[start:]
    statuses: dict[int, int] = {}
    kinds: dict[str, int] = {}
    for entry in log:
        statuses[entry.status] = statuses.get(entry.status, 0) + 1
        kind = "/graphql" if entry.path == "/graphql" else "/" + entry.path.strip("/").split("/")[0]
        kinds[f"{entry.method} {kind}"] = kinds.get(f"{entry.method} {kind}", 0) + 1
    return len(log), statuses, kinds


def run_curator(api: FakeGithub, names: list[str], rounds: int) -> tuple[Phase, dict[str, Any], list[str]]:
    settings = GithubSettings(api_url=api.url)
    problems: list[str] = []
    walls: list[float] = []
    calls: list[int] = []
    client: list[int] = []
    result = None
    statuses: dict[int, int] = {}
    kinds: dict[str, int] = {}
    for _ in range(rounds):
        mark = len(api.calls())
        t0 = time.perf_counter()
        result = fetch_repos(names, settings=settings, token=GOOD_TOKEN, last_known={})
        walls.append(time.perf_counter() - t0)
        n, statuses, kinds = server_slice(api, mark)
        calls.append(n)
        client.append(result.api_calls)
        if n != result.api_calls:
            problems.append(f"curator counted {result.api_calls} API calls, the server logged {n}")
        fresh = [m for m in result.metas.values() if not m.from_cache and not m.missing]
        if len(fresh) != len(names) or result.incomplete or result.skipped:
            problems.append(
                f"curator returned {len(fresh)} fresh of {len(names)} repositories "
                f"(incomplete={result.incomplete!r}, skipped={len(result.skipped)})"
            )
    if len(set(calls)) != 1:
        problems.append(f"curator's API calls varied between rounds: {calls}")
    assert result is not None
    sizes = api.graphql_sizes()[-calls[-1] :] if calls[-1] else []
    phase = Phase(
        "curator (GraphQL, token)",
        len(names),
        statistics.median(walls),
        calls[-1],
        statuses,
        kinds,
        client_calls=client[-1],
        walls=walls,
        sizes=sizes,
    )
    return phase, result.metas, problems


def run_loop(
    api: FakeGithub, names: list[str], *, spacing: float | None, label: str
) -> tuple[Phase, dict[str, dict[str, Any]]]:
    gh = Github(auth=Auth.Token(GOOD_TOKEN), base_url=api.url, seconds_between_requests=spacing)
    seen: dict[str, dict[str, Any]] = {}
    mark = len(api.calls())
    t0 = time.perf_counter()
    for full in names:
        repo = gh.get_repo(full)
        seen[full.lower()] = {
            "full_name": repo.full_name,
            "stars": repo.stargazers_count,
            "forks": repo.forks_count,
            "pushed_at": repo.pushed_at,
            "archived": repo.archived,
            "disabled": repo.disabled,
            "fork": repo.fork,
            "license": repo.license.spdx_id if repo.license else None,
            "description": repo.description,
            "homepage": repo.homepage,
        }
    wall = time.perf_counter() - t0
    gh.close()
    n, statuses, kinds = server_slice(api, mark)
    return Phase(label, len(names), wall, n, statuses, kinds), seen


def compare(curator: dict[str, Any], loop: dict[str, dict[str, Any]]) -> list[str]:
    problems = []
    for key, rest in loop.items():
        meta = curator.get(key)
        if meta is None:
            problems.append(f"{key}: read by the loop, not by curator")
            continue
        mine = {
            "full_name": meta.name_with_owner,
            "stars": meta.stars,
            "forks": meta.forks,
            "pushed_at": meta.pushed_at,
            "archived": meta.archived,
            "disabled": meta.disabled,
            "fork": meta.is_fork,
            "license": meta.license,
            "description": meta.description,
            "homepage": meta.homepage,
        }
        for name, value in rest.items():
            if value != mine[name]:
                problems.append(f"{key}.{name}: loop {value!r}, curator {mine[name]!r}")
    return problems[:10]


def fmt_s(seconds: float) -> str:
    return f"{seconds:,.2f} s"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repos", type=int, default=1000)
    ap.add_argument("--latency", type=float, default=0.25, help="seconds added to every API call")
    ap.add_argument("--sample", type=int, default=100, help="repositories the REST loops fetch (extrapolated)")
    ap.add_argument("--full", action="store_true", help="run the REST loops on every repository")
    ap.add_argument("--rounds", type=int, default=3, help="curator runs (median wall time)")
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args(argv)
    logging.getLogger("github").setLevel(logging.WARNING)

    command = "python benchmarks/github.py " + " ".join(argv if argv is not None else sys.argv[1:])
    print(f"$ {command.strip()}")
    print(
        f"Python {platform.python_version()}, PyGithub {version('PyGithub')}"
        f", {platform.machine()} {platform.system()}, {os.cpu_count()} CPUs"
    )
    problems: list[str] = []
    with FakeGithub(latency=args.latency) as api:
        names = populate(api, args.repos)
        if args.full or args.sample >= len(names):
            sample = names
        else:
            step = len(names) / args.sample
            sample = [names[int(i * step)] for i in range(args.sample)]
        print(
            f"fake GitHub at {api.url}: {len(names):,} repositories, {args.latency * 1000:.0f} ms per call; "
            f"REST loops on {len(sample):,} of them{'' if len(sample) == len(names) else ' (extrapolated)'}"
        )

        cur, metas, cur_problems = run_curator(api, names, args.rounds)
        problems += cur_problems
        print(
            f"  curator: {fmt_s(cur.wall)} (rounds {', '.join(f'{w:.2f}' for w in cur.walls)}), "
            f"{cur.server_calls} calls at the server, {cur.client_calls} counted by curator"
        )

        default_spacing = Consts.DEFAULT_SECONDS_BETWEEN_REQUESTS
        spaced, seen_a = run_loop(
            api,
            sample,
            spacing=default_spacing,
            label=f"PyGithub get_repo loop, default spacing ({default_spacing} s)",
        )
        print(f"  loop, spacing {default_spacing} s: {fmt_s(spaced.wall)}, {spaced.server_calls} calls")
        bare, seen_b = run_loop(api, sample, spacing=None, label="PyGithub get_repo loop, no spacing")
        print(f"  loop, no spacing: {fmt_s(bare.wall)}, {bare.server_calls} calls")
        problems += compare(metas, seen_a) + compare(metas, seen_b)
        for loop in (spaced, bare):
            if loop.server_calls != loop.repos:
                problems.append(f"{loop.name}: {loop.server_calls} calls for {loop.repos} repositories")
            if set(loop.statuses) != {200}:
                problems.append(f"{loop.name}: statuses {loop.statuses}")
        if set(cur.statuses) != {200}:
            problems.append(f"curator: statuses {cur.statuses}")

    n = len(names)
    rows = []
    figures: dict[str, Any] = {
        "command": command.strip(),
        "repos": n,
        "latency_s": args.latency,
        "loop_sample": len(sample),
        "extrapolated": len(sample) != n,
        "pygithub_default_seconds_between_requests": default_spacing,
    }
    for phase in (cur, spaced, bare):
        wall_per, calls_per = phase.per_repo()
        wall_all = wall_per * n
        calls_all = round(calls_per * n)
        rows.append((phase, wall_all, calls_all))
        figures[phase.name] = {
            "measured_repos": phase.repos,
            "measured_wall_s": round(phase.wall, 3),
            "measured_server_calls": phase.server_calls,
            "wall_s_for_all": round(wall_all, 2),
            "api_calls_for_all": calls_all,
            "client_calls": phase.client_calls,
            "statuses": phase.statuses,
            "requests": phase.paths,
            "rounds_wall_s": [round(w, 3) for w in phase.walls] or None,
            "graphql_query_sizes": phase.sizes or None,
        }
    cur_wall = cur.wall
    ratio_bare = cur_wall / rows[2][1]
    ratio_spaced = cur_wall / rows[1][1]
    figures["ratio_wall_vs_loop_no_spacing"] = round(ratio_bare, 5)
    figures["ratio_wall_vs_loop_default_spacing"] = round(ratio_spaced, 5)
    calls_ok = cur.server_calls <= TARGET_CALLS
    ratio_ok = ratio_bare <= TARGET_RATIO

    print()
    extrap = " (extrapolated from the sample)" if len(sample) != n else ""
    print(f"{'':48} {'API calls':>10} {'wall time':>12}   for {n:,} repositories")
    for phase, wall_all, calls_all in rows:
        mark = "" if phase is cur else extrap
        print(f"{phase.name:48} {calls_all:>10,} {fmt_s(wall_all):>12}{mark}")
    floor = cur.server_calls * args.latency
    print()
    print(
        f"curator: {cur.server_calls} API calls (server log) = {cur.client_calls} (curator's count); "
        f"GraphQL query sizes {cur.sizes}; "
        f"latency floor {fmt_s(floor)}, overhead {fmt_s(cur_wall - floor)}"
    )
    print(
        f"wall time, curator / loop without spacing: {ratio_bare:.2%} "
        f"({rows[2][1] / cur_wall:,.0f}x faster); / loop with PyGithub's default spacing: {ratio_spaced:.2%} "
        f"({rows[1][1] / cur_wall:,.0f}x faster)"
    )
    print(f"API calls, loop / curator: {rows[2][2] / cur.server_calls:,.0f}x")
    print(
        f"target: ≤ {TARGET_CALLS} API calls — {'PASS' if calls_ok else 'MISS'} ({cur.server_calls}); "
        f"wall ≤ {TARGET_RATIO:.0%} of the loop's — {'PASS' if ratio_ok else 'MISS'} ({ratio_bare:.2%})"
    )
    figures["targets"] = {"calls": calls_ok, "ratio": ratio_ok}
    figures["problems"] = problems
    if problems:
        print("PROBLEMS:")
        for p in problems:
            print(f"  - {p}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str) + "\n", encoding="utf-8")
    return 0 if calls_ok and ratio_ok and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
