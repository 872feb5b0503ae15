"""`curator fix` end to end: real catalog files in a temporary project, links on the loopback link farm,
the fake GitHub API, a real state database; the files on disk are compared byte for byte."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from curator.commands.fix import FixOptions, run_fix
from curator.main import main
from tests.conftest import REPO
from tests.support.catalogs import GOOD_SECTION
from tests.support.fake_github import GOOD_TOKEN, FakeGithub
from tests.support.linkfarm import LinkFarm, Reply, link_farm

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
README = "# Tools\n\nSome prose.\n\n<!-- curator:begin tools -->\n<!-- curator:end tools -->\n\nMore prose.\n"


@pytest.fixture
def farm() -> Iterator[LinkFarm]:
    with link_farm() as farm:
        yield farm


@pytest.fixture
def api() -> Iterator[FakeGithub]:
    with FakeGithub(host="127.0.0.3") as api:
        api.add("acme/alpha", stars=10)
        api.add("acme/gamma", stars=5).old_names.append("acme/gamma-legacy")
        yield api


class Project:
    def __init__(self, root: Path, farm: LinkFarm) -> None:
        self.root = root
        self.host = farm.host("127.0.0.2")
        self.other = farm.host("127.0.0.4")

    @property
    def catalog(self) -> Path:
        return self.root / "catalog" / "tools.yaml"

    @property
    def readme(self) -> Path:
        return self.root / "README.md"

    def write(self, entries: str) -> str:
        text = GOOD_SECTION + "# entries are kept in order of release\nentries:\n" + entries
        self.catalog.write_text(text, encoding="utf-8")
        self.readme.write_text(README, encoding="utf-8")
        assert main(["render"]) == 0
        return text

    def fix(self, *, days: float = 0, **options: object) -> int:
        options.setdefault("allow_private_hosts", True)
        return run_fix(FixOptions(**options), now=T0 + timedelta(days=days))  # type: ignore[arg-type]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, farm: LinkFarm, api: FakeGithub) -> Project:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_TOKEN", GOOD_TOKEN)
    (tmp_path / "catalog").mkdir()
    # The link farm cannot answer for github.com: repository sub-pages are not requested here.
    (tmp_path / "curator.yaml").write_text(
        f"github:\n  api_url: {api.url}\nlinks:\n  timeout: 5\n  retries: 0\n  exclude: ['^https://github\\.com/']\n"
    )
    return Project(tmp_path, farm)


def changed_lines(before: str, after: str) -> list[str]:
    """The -/+ lines of a unified diff, without headers or context."""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("---", "+++"))]


def test_a_permanent_redirect_a_rename_and_a_typo_are_fixed_with_a_minimal_diff(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    moved = project.host.url("/moved/there")
    before = project.write(
        f"""\
  - id: moved  # moved in 2025
    name: Moved
    url: '{moved}'
    description: "A page, that moved"

  - id: gamma
    name: Gamma
    url: https://github.com/acme/gamma-legacy/tree/main/docs   # the docs folder
    links:
      - {{label: Alpha, url: "https://github.com/acme/alpha"}}

  - id: typo
    name: Typo
    url: hhttp://127.0.0.2:{project.host.port}/ok/typo
"""
    )
    project.catalog.chmod(0o640)
    assert project.fix() == 0
    after = project.catalog.read_text(encoding="utf-8")
    port = project.host.port
    assert changed_lines(before, after) == [
        f"-    url: '{moved}'",
        f"+    url: 'http://127.0.0.2:{port}/ok/there'",
        "-    url: https://github.com/acme/gamma-legacy/tree/main/docs   # the docs folder",
        "+    url: https://github.com/acme/gamma/tree/main/docs   # the docs folder",
        f"-    url: hhttp://127.0.0.2:{port}/ok/typo",
        f"+    url: http://127.0.0.2:{port}/ok/typo",
    ]
    out, err = capsys.readouterr()
    assert "(permanent-redirect: 301 → 200 " in out  # with the page title as evidence: GET reads it
    assert "(repo-renamed: renamed on GitHub to acme/gamma)" in out
    assert "(scheme-typo: hhttp → http, certain offline)" in out
    assert "3 fixes; changed catalog/tools.yaml, README.md" in err
    readme = project.readme.read_text(encoding="utf-8")
    assert f"(http://127.0.0.2:{port}/ok/there)" in readme and "gamma-legacy" not in readme
    assert readme.startswith("# Tools\n\nSome prose.\n") and readme.endswith("More prose.\n")

    assert project.catalog.stat().st_mode & 0o777 == 0o640  # the file keeps its permissions

    # Idempotent: a second run finds nothing to do and writes nothing.
    stamp = (project.catalog.stat().st_mtime_ns, project.readme.stat().st_mtime_ns)
    assert project.fix(days=1) == 0
    out, err = capsys.readouterr()
    assert out == "" and "nothing to fix" in err
    assert (project.catalog.stat().st_mtime_ns, project.readme.stat().st_mtime_ns) == stamp


@pytest.mark.parametrize(
    ("why", "routes"),
    [
        ("temporary", {"/old": Reply(302, location="/ok/new")}),
        ("301 then 302", {"/old": Reply(301, location="/later"), "/later": Reply(302, location="/ok/new")}),
        ("login page", {"/old": Reply(301, location="/login?next=/old"), "/login": Reply(title="Sign in")}),
        ("home page", {"/old": Reply(301, location="/"), "/": Reply(title="Welcome")}),
        ("not a page", {"/old": Reply(301, location="/status/404/x")}),
    ],
)
def test_redirects_without_evidence_are_not_fixed(
    project: Project, capsys: pytest.CaptureFixture[str], why: str, routes: dict[str, Reply]
) -> None:
    for path, reply in routes.items():
        project.host.route(path, reply)
    before = project.write(f"  - id: old\n    name: Old\n    url: {project.host.url('/old')}\n")
    assert project.fix() == 0, why
    assert project.catalog.read_text(encoding="utf-8") == before, why
    assert "nothing to fix" in capsys.readouterr().err


def test_a_redirect_to_a_parked_domain_elsewhere_is_not_fixed(project: Project) -> None:
    parked = project.other.route("/", Reply(title="example.org - This domain is for sale!"))
    project.host.route("/old", Reply(301, location=parked))
    before = project.write(f"  - id: old\n    name: Old\n    url: {project.host.url('/old')}\n")
    assert project.fix() == 0
    assert project.catalog.read_text(encoding="utf-8") == before


def test_a_typo_whose_corrected_url_fails_online_is_not_fixed(project: Project) -> None:
    dead = project.host.url("/status/404/t")
    # The second entry links the corrected URL as written, so this run checks it.
    before = project.write(
        f"  - id: typo\n    name: Typo\n    url: h{dead}\n  - id: same\n    name: Same\n    url: {dead}\n"
    )
    assert project.fix() == 0
    assert project.catalog.read_text(encoding="utf-8") == before
    assert project.fix(offline=True) == 0  # offline the typo is certain: nothing says otherwise
    assert project.catalog.read_text(encoding="utf-8") == before.replace(f"h{dead}", dead)


def test_unreachable_network_applies_only_the_typo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, farm: LinkFarm, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "catalog").mkdir()
    project = Project(tmp_path, farm)
    # Nothing listens on port 9 of these addresses: every connection is refused, on two hosts.
    before = project.write(
        "  - id: a\n    name: A\n    url: http://127.0.0.10:9/page\n"
        "  - id: b\n    name: B\n    url: http://127.0.0.11:9/page\n"
        "  - id: typo\n    name: Typo\n    url: hhttps://127.0.0.12:9/x\n"
    )
    assert project.fix(state=tmp_path / "state.db") == 0
    assert changed_lines(before, project.catalog.read_text(encoding="utf-8")) == [
        "-    url: hhttps://127.0.0.12:9/x",
        "+    url: https://127.0.0.12:9/x",
    ]
    assert "note: no host could be reached" in capsys.readouterr().err


def test_many_failing_links_degrade_the_run_to_offline_certain_fixes(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    before = project.write(
        f"  - id: moved\n    name: Moved\n    url: {project.host.url('/moved/m')}\n"
        + "".join(f"  - id: d{i}\n    name: D{i}\n    url: {project.host.url(f'/status/404/{i}')}\n" for i in range(2))
    )
    assert project.fix() == 0
    assert project.catalog.read_text(encoding="utf-8") == before
    assert "2 of 3 links (67%) fail at once, more than fix.max_failing_share (20%)" in capsys.readouterr().err
    (project.root / "curator.yaml").write_text(
        (project.root / "curator.yaml").read_text() + "fix:\n  max_failing_share: 0.9\n"
    )
    assert project.fix(days=1) == 0
    assert "/ok/m" in project.catalog.read_text(encoding="utf-8")


def test_rule_option_dry_run_and_a_readme_diff(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    port = project.host.port
    before = project.write(
        f"  - id: moved\n    name: Moved\n    url: {project.host.url('/moved/m')}\n"
        f"  - id: typo\n    name: Typo\n    url: hhttp://127.0.0.2:{port}/ok/t\n"
    )
    readme = project.readme.read_text(encoding="utf-8")
    assert project.fix(dry_run=True, rules=("malformed-url",)) == 0
    out, err = capsys.readouterr()
    assert project.catalog.read_text(encoding="utf-8") == before  # nothing written
    assert project.readme.read_text(encoding="utf-8") == readme
    assert [line for line in out.splitlines() if line[:1] in "+-" and line[:3] not in ("---", "+++")] == [
        f"-    url: hhttp://127.0.0.2:{port}/ok/t",
        f"+    url: http://127.0.0.2:{port}/ok/t",
        f"-| Typo |  | [🔗](hhttp://127.0.0.2:{port}/ok/t) |  |",
        f"+| Typo |  | [🔗](http://127.0.0.2:{port}/ok/t) |  |",
    ]
    assert "--- a/catalog/tools.yaml" in out and "+++ b/README.md" in out
    assert "would fix tools/typo url" in err and "moved" not in err.split("note:")[0]
    assert "1 fix; would change catalog/tools.yaml, README.md" in err
    assert main(["fix", "--rule", "redirected", "--allow-private-hosts"]) == 0
    after = project.catalog.read_text(encoding="utf-8")
    assert "/ok/m" in after and "hhttp://" in after


def test_a_catalog_file_that_is_a_symbolic_link_is_not_written_through(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    before = project.write(f"  - id: typo\n    name: Typo\n    url: hhttp://127.0.0.2:{project.host.port}/ok/t\n")
    real = project.root / "elsewhere.yaml"
    project.catalog.rename(real)
    project.catalog.symlink_to(real)
    assert main(["fix", "--offline"]) == 2
    assert "is a symbolic link" in capsys.readouterr().err
    assert real.read_text(encoding="utf-8") == before and project.catalog.is_symlink()


def test_an_unknown_rule_is_a_usage_error(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    project.write("  - id: a\n    name: A\n    url: https://example.org/\n")
    assert main(["fix", "--offline", "--rule", "dead-link"]) == 2
    assert "not a rule with fixes" in capsys.readouterr().err


def test_the_repository_list_offline_dry_run_fixes_exactly_the_colossal_ai_typo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["--catalog", str(REPO / "catalog"), "--readme", str(REPO / "README.md"), "--state", "state.db"]
    assert main(["fix", "--offline", "--dry-run", *args]) == 0
    out, err = capsys.readouterr()
    changed = [line for line in out.splitlines() if line[:1] in "+-" and line[:3] not in ("---", "+++")]
    assert changed == [
        "-    url: hhttps://github.com/hpcaitech/ColossalAI",
        "+    url: https://github.com/hpcaitech/ColossalAI",
        "-| Colossal-AI | Making large AI models cheaper, faster, and more accessible. | "
        "[🔗](hhttps://github.com/hpcaitech/ColossalAI) |",
        "+| Colossal-AI | Making large AI models cheaper, faster, and more accessible. | "
        "[🔗](https://github.com/hpcaitech/ColossalAI) |",
    ]
    assert "training-frameworks.yaml" in out and "README.md" in out
    assert "scheme-typo: hhttps → https, certain offline" in err
    assert not (tmp_path / "state.db").exists()
