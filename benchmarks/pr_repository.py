"""`curator pr` on this repository's own list: write requests and wall time of a first run, an update run
(a person's commit moved the base on) and an unchanged run, against the fake GitHub API.

    python benchmarks/pr_repository.py [--write-interval 1.0] [--latency 0.0]

The fake's git-backed repository (tests/support/fake_repo.py, real HTTP on 127.0.0.3) is seeded with every
file under catalog/, README.md and a curator.yaml that points `github.api_url` at the fake. Every GitHub
repository the catalog names is registered on the fake, so metadata answers. Links to other hosts cannot
be reached from a machine without network: the link check fails and the run is degraded, so the pull
request carries only what is certain offline (scheme typos, the regenerated README) and says why. That is
the honest case here; `links.allow_private_hosts: false` keeps the link checker off loopback, the other
link settings are the defaults.

Write requests are counted at the server (the fake's log: POST, PATCH, PUT, DELETE but GraphQL queries)
and compared with curator's own count. Targets (the issue): an update run makes at most 12 write requests;
an unchanged run makes none. Exit 0 when they hold, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

# First: benchmarks/pr.py, when imported, fixes sys.path (benchmarks/github.py would shadow PyGithub, the
# repository root holds tests/), drops proxy variables and keeps loopback off any proxy. Its repository name
# and run date are reused so that the two benchmarks run alike.
from pr import NAME, bot_environment, measured_run

# isort: split
from tests.support.fake_github import FakeGithub

from curator.bot.body import needs_person
from curator.catalog.load import load_catalog
from curator.urls import check_url, github_repo

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(r"(\d+) findings? needs? a person")
# A person's prose edit outside the generated tables: the base moves on, the catalog does not.
README_PROSE = "\nThanks to everyone who suggested a resource for this list.\n"


def repository_files(config: str) -> dict[str, bytes]:
    """Every file under catalog/ and README.md as committed here, and `config` as curator.yaml."""
    files = {
        p.relative_to(ROOT).as_posix(): p.read_bytes() for p in sorted((ROOT / "catalog").rglob("*")) if p.is_file()
    }
    files["README.md"] = (ROOT / "README.md").read_bytes()
    files["curator.yaml"] = config.encode()
    return files


def catalog_repositories() -> list[str]:
    """Every GitHub repository the catalog names (entry URLs and extra links), a mistyped scheme read as
    its certain correction: the fixed URL is what the pull request will carry."""
    names: dict[str, str] = {}
    for _source, _index, entry in load_catalog(ROOT / "catalog").entries():
        for url in [entry.url, *(link.url for link in entry.links)]:
            if url is None:
                continue
            problem = check_url(url)
            repo = github_repo(problem.fix if problem is not None and problem.fix else url)
            if repo is not None:
                names.setdefault(repo.key, repo.full_name)
    return sorted(names.values(), key=str.lower)


def readme_edit(text: bytes) -> bytes:
    """The README with a paragraph added at its end, below the last generated table."""
    return text.rstrip(b"\n") + b"\n" + README_PROSE.encode("utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds the fake sleeps before every answer")
    parser.add_argument("--write-interval", type=float, default=1.0, help="github.write_interval")
    args = parser.parse_args()
    bot_environment()
    repos = catalog_repositories()
    entries = load_catalog(ROOT / "catalog").entry_count
    with tempfile.TemporaryDirectory() as tmp, FakeGithub(host="127.0.0.3") as api:
        os.chdir(tmp)  # the state database (link history) is local to the machine that runs curator
        api.latency = args.latency
        for full_name in repos:
            api.add(full_name, stars=1000)
        config = (
            f"github:\n  api_url: {api.url}\n  write_interval: {args.write_interval}\n"
            "links:\n  allow_private_hosts: false\n"
        )
        Path("curator.yaml").write_text(config, encoding="utf-8")
        host = api.host_repo(NAME)
        files = repository_files(config)
        host.seed(files)
        rows = []
        ok = True
        person: list[int] = []
        reasons: list[str] = []
        notes: list[str] = []
        for day, (label, before) in enumerate(
            [
                ("first run (opens the PR)", None),
                (
                    "update run (the base moved on)",
                    lambda: host.advance_base({"README.md": readme_edit(files["README.md"])}),
                ),
                ("unchanged run", None),
            ],
            start=1,
        ):
            if before is not None:
                before()
            result, counted, requests, elapsed = measured_run(api, host, day)
            ok &= counted == result.writes
            rows.append((label, str(result.action), counted, requests, elapsed))
            reasons.append(
                f"{label}: {result.action}" + (f" ({result.decision.reason})" if result.decision.reason else "")
            )
            assert result.number is not None, "no pull request"
            body = host.pull(result.number).body or ""
            listed = SUMMARY.search(body)
            person.append(int(listed.group(1)) if listed else -1)
            ok &= person[-1] == len(needs_person(result.desired.findings))
            notes = [line for line in body.splitlines() if line.startswith("- Degraded run:")]
            fixes = [f"{f.entry} {f.fix.field}" for f, _ in result.desired.fixes if f.fix is not None]
            by_rule = Counter(f.rule for f in needs_person(result.desired.findings))
        ok &= rows[1][2] <= 12 and rows[2][2] == 0
        os.chdir(ROOT)  # out of the temporary directory before it goes
    print(
        f"this repository: {entries} entries, {len(repos)} GitHub repositories on the fake; "
        f"fake latency {args.latency} s; write_interval {args.write_interval} s"
    )
    print("| Run | Action | Write requests | All requests | Wall time |")
    print("|---|---|---:|---:|---:|")
    for label, action, writes, requests, elapsed in rows:
        print(f"| {label} | {action} | {writes} | {requests} | {elapsed:.2f} s |")
    print(f"fixes in the PR: {', '.join(fixes) or 'none'}; README regenerated: {result.desired.readme is not None}")
    for line in reasons:
        print(line)
    print(f"findings the body lists as needing a person (per run): {', '.join(map(str, person))}")
    print("  by rule (last run): " + ", ".join(f"{rule} {n}" for rule, n in sorted(by_rule.items())))
    for line in notes:
        print(line)
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
