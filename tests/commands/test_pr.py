"""`curator pr` end to end: the fake GitHub API backed by a real bare git repository, links on the loopback
link farm, a real local state database. Every SHA is git's; every write request is counted at the server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from curator.bot.marker import read_state
from curator.bot.run import PrOptions, Result, make_pr
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

    def run(self, *args: str) -> int:
        return main(["pr", *args])

    def pr(self, **kw: object) -> Result:
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
    assert result.action == "open"
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
    catalog = files["catalog/tools.yaml"]
    assert b"url: http://127.0.0.2" in catalog and b"# keep this comment" in catalog
    assert b"Typo" in files["README.md"] and b"hhttp" not in files["README.md"]
    pull = host.pull(1)
    assert pull.state == "open" and pull.head == BRANCH and pull.base == "main"
    body = pull.body or ""
    assert body.startswith("**1 fix, README regenerated, 0 findings need a person**")
    assert "### Fixes" in body and "scheme-typo" in body
    state = read_state(body)
    assert state is not None and len(state.fingerprints) == 2 and state.base == base
    assert not [c for c in project.api.calls() if c.path.startswith("/user")]  # GITHUB_TOKEN cannot read /user
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
    assert result.action == "nothing"
    assert project.host.write_requests() == []


def second_typo(project: Project) -> bytes:
    url = "hhttps" + project.links.url("/ok/second").removeprefix("http")
    return (project.entries(typo=False) + f"  - id: second\n    name: Second\n    url: {url}\n").encode()


def test_a_base_that_moved_is_built_on_again(project: Project) -> None:
    project.seed()
    project.pr()
    moved = project.host.advance_base({"docs/notes.md": b"notes\n"})
    project.reset_log()
    result = project.pr()
    assert (result.action, result.decision.commit) == ("update", True)
    head = project.host.branch_sha(BRANCH)
    assert project.host.git("rev-list", "--count", f"{head}..{moved}").decode().strip() == "0"
    assert project.host.files_at(BRANCH)["docs/notes.md"] == b"notes\n"
    writes = project.writes()
    assert writes[-1] == ("PATCH", f"/git/refs/heads/{BRANCH}") and len(writes) <= 12
    assert ("PATCH", "/pulls/1") in writes
    project.reset_log()
    assert project.pr().action == "nothing" and project.host.write_requests() == []


def test_dry_run_writes_nothing_and_prints_the_plan(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    project.seed()
    assert project.run("--dry-run") == 0
    out = capsys.readouterr().out
    assert out.startswith("action: open")
    assert "\ntitle: curator: catalog maintenance\n" in out and "\nbody:\n**1 fix" in out
    assert "\ndiff:\n--- a/catalog/tools.yaml" in out and "-    url: hhttp" in out and "+++ b/README.md" in out
    assert project.host.write_requests() == [] and project.host.branch_sha(BRANCH) is None


def test_after_a_merge_a_new_fix_gets_a_fresh_pr(project: Project) -> None:
    project.seed()
    project.pr()
    project.host.merge_pull(1)
    again = project.pr()
    assert again.action == "nothing", (again.decision, again.desired.files.keys(), project.host.files_at("main"))
    project.host.advance_base({"catalog/tools.yaml": second_typo(project)})
    result = project.pr()
    assert (result.action, result.number) == ("open", 2)
    body = project.host.pull(2).body or ""
    assert "tools/second" in body and "declined earlier" not in body
    assert [f.entry for f, _ in result.desired.fixes] == ["tools/second"]


def test_a_pr_made_moot_on_the_base_is_closed_and_its_branch_deleted(project: Project) -> None:
    project.seed()
    project.pr()
    fixed = project.host.files_at(BRANCH)
    project.host.advance_base({p: fixed[p] for p in ("catalog/tools.yaml", "README.md")})
    project.reset_log()
    result = project.pr()
    assert result.action == "close"
    pull = project.host.pull(1)
    assert pull.state == "closed" and not pull.merged
    assert [c.body for c in pull.comments][-1].startswith("Nothing is left to change")
    assert BRANCH not in project.host.branches()
    assert project.pr().action == "nothing"


def test_declined_changes_are_not_proposed_again(project: Project) -> None:
    project.seed()
    project.pr()
    project.host.close_pull(1)
    # The typo fix was declined; the README's tables are still stale (with the typo as it is): that is new.
    result = project.pr()
    assert (result.action, result.number) == ("open", 2)
    assert result.desired.fixes == [] and result.desired.readme is not None
    body = project.host.pull(2).body or ""
    assert body.startswith("**0 fixes, README regenerated")
    assert "1 change declined earlier (closed without merging: #1) is left out" in body
    assert "remove the `curator:state` comment" in body
    files = project.host.files_at(BRANCH)
    assert b"hhttp://" in files["catalog/tools.yaml"] and b"hhttp://" in files["README.md"]
    project.host.close_pull(2)
    project.reset_log()
    assert project.pr().action == "nothing" and project.host.write_requests() == []  # only declined ones left


def test_a_persons_commit_is_kept_said_once_and_labelled_until_the_label_goes(project: Project) -> None:
    project.seed()
    project.pr()
    person = project.host.commit_as_person(BRANCH, {"catalog/extra.yaml": None, "NOTES.md": b"mine\n"})
    project.reset_log()
    result = project.pr()
    assert result.action == "hand-off"
    assert project.host.branch_sha(BRANCH) == person  # never overwritten
    assert sorted(project.writes()) == sorted(
        [("POST", "/issues/1/comments"), ("POST", "/issues/1/labels"), ("PATCH", "/pulls/1")]
    )
    pull = project.host.pull(1)
    assert "curator: edited" in pull.labels and len(pull.comments) == 1
    assert "What curator would change now: 1 fix, README regenerated" in pull.comments[0].body
    assert "- tools/typo url: `hhttp://" in pull.comments[0].body
    state = read_state(pull.body)
    assert state is not None and state.handed_off
    project.reset_log()
    assert project.pr().action == "nothing" and project.host.write_requests() == []  # never repeated
    project.host.advance_base({"docs/more.md": b"x\n"})
    assert project.pr().action == "nothing" and project.host.write_requests() == []

    project.host.remove_label(1, "curator: edited")
    result = project.pr()
    assert result.action == "update"
    assert "NOTES.md" not in project.host.files_at(BRANCH)
    state = read_state(project.host.pull(1).body)
    assert state is not None and not state.handed_off
    assert len(project.host.pull(1).comments) == 1


def test_json_output_and_github_output(
    project: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    project.seed()
    output, summary = tmp_path / "out.txt", tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert project.run("--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["action"] == "open" and doc["pr"] == {"number": 1, "url": f"https://github.com/{NAME}/pull/1"}
    assert [f["entry"] for f in doc["fixes"]] == ["tools/typo"] and doc["needs_person"] == 0
    assert output.read_text().splitlines() == [
        "action=open",
        "pull-request-number=1",
        f"pull-request-url=https://github.com/{NAME}/pull/1",
    ]
    assert summary.read_text().startswith("## curator pull request\n\n**1 fix")


def test_a_secondary_rate_limit_is_waited_out(project: Project) -> None:
    project.seed()
    project.host.secondary_writes = 2
    waits: list[float] = []
    result = make_pr(PrOptions(), now=T0, sleep=waits.append)
    assert result.action == "open" and waits == [1.0, 1.0]
    assert project.host.pull(1).state == "open"


@pytest.mark.parametrize(
    ("fault", "args", "message"),
    [
        ("deny_writes", (), "the workflow needs `permissions: contents: write` and `pull-requests: write`"),
        ("deny_pull_creation", (), '"Allow GitHub Actions to create and approve pull requests" must be'),
        ("missing", (), f"repository {NAME} not found on GitHub"),
        ("bad_token", (), "GitHub rejected the token (401"),
        ("no_token", (), "no GitHub token: set GITHUB_TOKEN"),
        ("", ("--base", "nope"), "base branch 'nope' does not exist"),
    ],
)
def test_each_error_has_its_message_and_exit_2(
    project: Project,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fault: str,
    args: tuple[str, ...],
    message: str,
) -> None:
    project.seed()
    if fault == "bad_token":
        monkeypatch.setenv("GITHUB_TOKEN", "ghp_" + "x" * 36)
    elif fault == "no_token":
        monkeypatch.delenv("GITHUB_TOKEN")
    elif fault:
        setattr(project.host, fault, True)
    assert project.run(*args) == 2
    captured = capsys.readouterr()
    assert message in captured.err, captured.err
    assert GOOD_TOKEN not in captured.err + captured.out and "ghp_xxxx" not in captured.err


def test_a_degraded_run_carries_only_the_typo_and_says_why(project: Project) -> None:
    project.config += "fix:\n  max_failing_share: 0\n"
    (project.root / "curator.yaml").write_text(project.config)
    moved = project.links.url("/moved/page")
    dead = project.links.url("/status/404/gone")
    extra = f"  - id: moved\n    name: Moved\n    url: {moved}\n  - id: dead\n    name: Dead\n    url: {dead}\n"
    project.seed(extra=extra)
    result = project.pr()
    assert [f.entry for f, _ in result.desired.fixes] == ["tools/typo"]
    body = project.host.pull(1).body or ""
    assert "Degraded run:" in body and "fix.max\\_failing\\_share" in body
    assert moved.encode() in project.host.files_at(BRANCH)["catalog/tools.yaml"]


def test_a_degraded_run_never_shrinks_or_closes_an_open_pr(project: Project) -> None:
    moved = project.links.url("/moved/page")
    project.seed(extra=f"  - id: moved\n    name: Moved\n    url: {moved}\n")
    first = project.pr()
    assert sorted(f.entry or "" for f, _ in first.desired.fixes) == ["tools/moved", "tools/typo"]
    # The base's configuration now trusts nothing: one failing link is too many.
    # The base now has a dead link and trusts nothing when one link fails: the run is degraded.
    dead = f"  - id: dead\n    name: Dead\n    url: {project.links.url('/status/404/gone')}\n"
    project.host.advance_base(
        {
            "curator.yaml": (project.config + "fix:\n  max_failing_share: 0\n").encode(),
            "catalog/tools.yaml": project.entries(
                extra=f"  - id: moved\n    name: Moved\n    url: {moved}\n" + dead
            ).encode(),
        }
    )
    project.reset_log()
    result = project.pr()
    assert result.action == "nothing" and "degraded" in result.decision.reason
    assert project.host.write_requests() == []


def test_an_interrupted_update_leaves_the_branch_and_the_next_run_completes_it(project: Project) -> None:
    project.seed()
    project.pr()
    old_head = project.host.branch_sha(BRANCH)
    project.host.advance_base({"docs/notes.md": b"notes\n"})

    def before_write(method: str, rest: str) -> None:
        if (method, rest) == ("PATCH", "/pulls/1"):
            project.host.secondary_writes = 1  # the ref update that comes next is refused...

    def interrupt(seconds: float) -> None:
        raise KeyboardInterrupt  # ...and the run is interrupted while it waits

    project.host.on_write = before_write
    with pytest.raises(KeyboardInterrupt):
        make_pr(PrOptions(), now=T0 + timedelta(days=5), sleep=interrupt)
    assert project.host.branch_sha(BRANCH) == old_head  # the branch ref is written last: untouched
    project.host.on_write = None
    result = project.pr()
    assert result.action == "update" and project.host.branch_sha(BRANCH) != old_head
    assert project.host.files_at(BRANCH)["docs/notes.md"] == b"notes\n"


def test_an_unreachable_api_is_exit_2(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    (project.root / "curator.yaml").write_text("github:\n  api_url: http://127.0.0.9:9\n", encoding="utf-8")
    assert project.run() == 2
    err = capsys.readouterr().err
    assert "cannot reach the GitHub API" in err and GOOD_TOKEN not in err


def test_labels_people_added_stay(project: Project) -> None:
    project.seed()
    project.pr()
    project.host.add_label(1, "needs-review", by="alice")
    project.host.advance_base({"docs/notes.md": b"notes\n"})
    assert project.pr().action == "update"
    assert project.host.pull(1).labels == ["needs-review"]
    assert not [w for w in project.writes() if "/labels" in w[1] or "/assignees" in w[1]]


def test_the_repository_comes_from_the_option_the_environment_or_the_configuration(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project.seed()
    monkeypatch.delenv("GITHUB_REPOSITORY")
    assert project.run("--dry-run") == 2
    assert "which repository? Give --repo OWNER/NAME" in capsys.readouterr().err
    assert project.run("--dry-run", "--repo", NAME) == 0
    assert capsys.readouterr().out.startswith("action: open")
    config = project.config.replace("github:\n", f"github:\n  repository: {NAME}\n")
    (project.root / "curator.yaml").write_text(config, encoding="utf-8")
    assert project.run("--dry-run", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == {
        "action": "open",
        "pr": None,
        "fixes": [
            {
                "entry": "tools/typo",
                "field": "url",
                "old": "hhttp" + project.links.url("/ok/typo").removeprefix("http"),
                "new": project.links.url("/ok/typo"),
                "reason": "scheme-typo",
                "evidence": "hhttp → http, certain offline",
            }
        ],
        "needs_person": 0,
        "ignores": 0,
        "issue": {"action": "nothing", "number": None, "url": None},
    }
    assert project.host.write_requests() == []


def test_what_needs_a_person_links_to_the_line_on_the_base(project: Project) -> None:
    same = project.links.url("/ok/alpha")
    base = project.seed(extra=f"  - id: again\n    name: Again\n    url: {same}\n")
    project.pr()
    body = project.host.pull(1).body or ""
    assert "### Needs a person" in body and "#### Duplicate URLs (`duplicate-url`)" in body
    assert f"(https://github.com/{NAME}/blob/{base}/catalog/tools.yaml#L" in body


def test_a_huge_report_is_cut_and_the_job_summary_has_it_all(
    project: Project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    same = project.links.url("/ok/alpha")
    many = "".join(f"  - id: dup{n}\n    name: Duplicate {n}\n    url: {same}\n" for n in range(300))
    project.seed(extra=many)
    project.pr()
    body = project.host.pull(1).body or ""
    assert len(body) <= 60_000 and "the full report is in the job summary of this run" in body
    assert read_state(body) is not None and "| tools/typo | url |" in body  # the fixes table is whole
    full = summary.read_text(encoding="utf-8")
    assert len(full) > 60_000 and "tools/dup299" in full and "tools/dup299" not in body


def test_a_push_during_the_run_is_not_overwritten(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    project.seed()
    project.pr()
    project.host.advance_base({"docs/notes.md": b"notes\n"})
    pushed: list[str] = []

    def push(method: str, rest: str) -> None:
        if (method, rest) == ("PATCH", "/pulls/1") and not pushed:  # after curator read the branch
            pushed.append(project.host.commit_as_person(BRANCH, {"NOTES.md": b"mine\n"}))

    project.host.on_write = push
    assert project.run() == 2
    assert "someone pushed to curator/maintenance during this run" in capsys.readouterr().err
    assert project.host.branch_sha(BRANCH) == pushed[0]
    project.host.on_write = None
    assert project.pr().action == "hand-off"
    assert project.host.branch_sha(BRANCH) == pushed[0]
