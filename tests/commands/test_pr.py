"""`curator pr` end to end: the fake GitHub API backed by a real bare git repository, links on the loopback
link farm, a real local state database. Every SHA is git's; every write request is counted at the server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from curator.bot.marker import read_state
from curator.commands.pr import PrOptions, make_pr, run_pr
from curator.main import main
from tests.support.catalogs import GOOD_SECTION
from tests.support.fake_github import GOOD_TOKEN, FakeGithub
from tests.support.fake_repo import FakeRepoHost
from tests.support.linkfarm import LinkFarm, link_farm

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NAME = "octo/awesome-list"
BRANCH = "curator/maintenance"
README = "# Tools\n\nProse.\n\n<!-- curator:begin tools -->\n<!-- curator:end tools -->\n\nMore.\n"


@pytest.fixture
def farm() -> Iterator[LinkFarm]:
    with link_farm() as farm:
        yield farm


@pytest.fixture
def api() -> Iterator[FakeGithub]:
    with FakeGithub(host="127.0.0.3") as api:
        yield api


class Project:
    def __init__(self, api: FakeGithub, farm: LinkFarm, root: Path) -> None:
        self.api = api
        self.host: FakeRepoHost = api.host_repo(NAME)
        self.links = farm.host("127.0.0.2")
        self.root = root
        self.config = (
            f"github:\n  api_url: {api.url}\n  write_interval: 0\n"
            "links:\n  timeout: 5\n  retries: 0\n  allow_private_hosts: true\n"
            "  exclude: ['^https://github\\.com/']\n"
        )
        (root / "curator.yaml").write_text(self.config, encoding="utf-8")
        self.days = 0.0

    def entries(self, *, typo: bool = True, extra: str = "") -> str:
        ok = self.links.url("/ok/alpha")
        typo_url = ("hhttp" if typo else "http") + self.links.url("/ok/typo").removeprefix("http")
        return (
            GOOD_SECTION
            + "entries:\n"
            + f"  - id: alpha\n    name: Alpha\n    url: {ok}\n"
            + f"  - id: typo\n    name: Typo\n    url: {typo_url}  # keep this comment\n"
            + extra
        )

    def seed(self, **kw: object) -> str:
        return self.host.seed(
            {
                "curator.yaml": self.config.encode(),
                "catalog/tools.yaml": self.entries(**kw).encode(),  # type: ignore[arg-type]
                "README.md": README.encode(),
            }
        )

    def run(self, *args: str, now: datetime | None = None) -> int:
        self.days += 1
        return main(["pr", *args]) if now is None else main(["pr", *args])

    def pr(self, **kw: object) -> object:
        self.days += 1
        return make_pr(PrOptions(**kw), now=T0 + timedelta(days=self.days))  # type: ignore[arg-type]

    def writes(self) -> list[tuple[str, str]]:
        return [(r.method, r.path.removeprefix(f"/repos/{NAME}")) for r in self.host.write_requests()]

    def reset_log(self) -> None:
        with self.api._lock:
            self.api.log.clear()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: FakeGithub, farm: LinkFarm) -> Project:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_TOKEN", GOOD_TOKEN)
    monkeypatch.setenv("GITHUB_REPOSITORY", NAME)
    monkeypatch.delenv("GITHUB_OUTPUT", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    return Project(api, farm, tmp_path)


def test_first_pr_has_two_signed_commits_a_report_and_a_marker(project: Project) -> None:
    base = project.seed()
    result = project.pr()
    assert str(result.action) == "open"  # type: ignore[attr-defined]
    host = project.host
    head = host.branch_sha(BRANCH)
    assert head is not None
    log = host.git("log", "--format=%H %P%n%B%n--", f"{base}..{head}").decode()
    commits = host.git("rev-list", "--reverse", f"{base}..{head}").decode().split()
    assert len(commits) == 2
    first = host.git("log", "-1", "--format=%B", commits[0]).decode()
    assert first.startswith("curator: 1 catalog fix\n") and "- tools/typo url: hhttp" in first
    assert "Curator-Run: " in first and "Curator-Run: " in log
    assert all(c in host.verified for c in commits)  # no author given: GitHub signed them
    files = host.files_at(BRANCH)
    assert b"url: http://127.0.0.2" in files["catalog/tools.yaml"] and b"# keep this comment" in files["catalog/tools.yaml"]
    assert b"| Typo |" in files["README.md"] or b"Typo" in files["README.md"]
    pull = host.pull(1)
    assert pull.state == "open" and pull.head == BRANCH and pull.base == "main"
    body = pull.body or ""
    assert body.startswith("**1 fix, README regenerated, 0 findings need a person**")
    assert "### Fixes" in body and "scheme-typo" in body
    state = read_state(body)
    assert state is not None and len(state.fingerprints) == 2 and state.base == base
    assert project.writes() == [
        ("POST", "/git/trees"),
        ("POST", "/git/commits"),
        ("POST", "/git/trees"),
        ("POST", "/git/commits"),
        ("POST", "/git/refs"),
        ("POST", "/pulls"),
    ]


def test_an_unchanged_run_makes_no_write_request(project: Project) -> None:
    project.seed()
    project.pr()
    project.reset_log()
    result = project.pr()
    assert str(result.action) == "nothing"  # type: ignore[attr-defined]
    assert project.host.write_requests() == []

