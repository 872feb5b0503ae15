"""`changed_entries`: entries added or changed since a git ref, on a real temporary git repository."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from curator.catalog.load import load_catalog
from curator.changes import changed_entries
from curator.errors import CuratorError
from tests.support.catalogs import GOOD_SECTION, tools_file


def entry(eid: str, description: str = "Does things", url: str | None = None) -> str:
    url = url or f"https://{eid}.example/"
    return f"  - id: {eid}\n    name: {eid.upper()}\n    url: {url}\n    description: {description}\n"


@pytest.fixture(autouse=True)
def _hermetic_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """No user or system git configuration (signing, hooks, identity) leaks into the tests."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{name}_NAME", "Test")
        monkeypatch.setenv(f"GIT_{name}_EMAIL", "test@example.org")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "catalog").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (root / "catalog" / "tools.yaml").write_text(tools_file(entry("a") + entry("b") + entry("c")))
    (root / "catalog" / "models.yaml").write_text(tools_file(entry("m1") + entry("m2")))
    commit_all(root, "first")
    return root


def test_nothing_changed(repo: Path) -> None:
    assert changed_entries(load_catalog(repo / "catalog"), "HEAD", cwd=repo) == set()


def test_added_modified_removed_and_new_file_in_the_working_tree(repo: Path) -> None:
    # uncommitted edits: b modified, c removed, d added, a moved to the end (unchanged), a new untracked file
    (repo / "catalog" / "tools.yaml").write_text(tools_file(entry("b", "Does other things") + entry("d") + entry("a")))
    (repo / "catalog" / "papers.yaml").write_text(tools_file(entry("p1")))
    changed = changed_entries(load_catalog(repo / "catalog"), "HEAD", cwd=repo)
    assert changed == {"tools/b", "tools/d", "papers/p1"}


def test_changes_in_later_commits_and_in_any_field(repo: Path) -> None:
    first = git(repo, "rev-parse", "HEAD").strip()
    (repo / "catalog" / "tools.yaml").write_text(
        tools_file(entry("a", url="https://a.example/moved") + entry("b") + entry("c"))
    )
    (repo / "catalog" / "models.yaml").write_text(
        tools_file(entry("m1") + entry("m2") + "    fields: {released: 2024/05}\n")
    )
    commit_all(repo, "second")
    catalog = load_catalog(repo / "catalog")
    assert changed_entries(catalog, first, cwd=repo) == {"tools/a", "models/m2"}
    assert changed_entries(catalog, "HEAD~1", cwd=repo) == {"tools/a", "models/m2"}
    assert changed_entries(catalog, "main", cwd=repo) == set()


def test_formatting_only_changes_are_not_changes(repo: Path) -> None:
    text = (repo / "catalog" / "tools.yaml").read_text()
    (repo / "catalog" / "tools.yaml").write_text("# a comment\n" + text.replace("    name: B", "    name: 'B'"))
    assert changed_entries(load_catalog(repo / "catalog"), "HEAD", cwd=repo) == set()


def test_an_old_file_that_no_longer_validates_counts_as_all_changed(repo: Path) -> None:
    old = GOOD_SECTION + "  retired_key: true\nentries:\n" + entry("a") + entry("b")
    (repo / "catalog" / "tools.yaml").write_text(old)
    (repo / "catalog" / "broken.yaml").write_text("section: [unclosed\n")
    base = commit_all(repo, "an older schema")
    (repo / "catalog" / "tools.yaml").write_text(tools_file(entry("a") + entry("b")))
    (repo / "catalog" / "broken.yaml").write_text(tools_file(entry("x")))
    changed = changed_entries(load_catalog(repo / "catalog"), base, cwd=repo)
    assert changed == {"tools/a", "tools/b", "broken/x"}


def test_works_from_a_subdirectory_with_the_catalog_elsewhere_in_the_repository(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    catalog_dir = root / "lists" / "catalog"
    catalog_dir.mkdir(parents=True)
    (root / "docs").mkdir()
    git(root, "init", "-q", "-b", "main")
    (catalog_dir / "tools.yaml").write_text(tools_file(entry("a")))
    (root / "docs" / "x.md").write_text("x\n")
    commit_all(root, "first")
    (catalog_dir / "tools.yaml").write_text(tools_file(entry("a", "Changed") + entry("b")))
    assert changed_entries(load_catalog(catalog_dir), "HEAD", cwd=root / "docs") == {"tools/a", "tools/b"}


@pytest.mark.parametrize("ref", ["no-such-branch", "HEAD~5", "0" * 40, "--output=/tmp/x", ""])
def test_a_bad_ref_is_a_curator_error(repo: Path, ref: str) -> None:
    with pytest.raises(CuratorError, match="git ref") as info:
        changed_entries(load_catalog(repo / "catalog"), ref, cwd=repo)
    assert info.value.exit_code == 2
    assert repr(ref) in str(info.value)


def test_outside_a_git_repository(repo: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "plain"
    elsewhere.mkdir()
    with pytest.raises(CuratorError, match="not in a git repository"):
        changed_entries(load_catalog(repo / "catalog"), "HEAD", cwd=elsewhere)


def test_a_catalog_outside_the_repository(repo: Path, tmp_path: Path) -> None:
    other = tmp_path / "other" / "catalog"
    other.mkdir(parents=True)
    (other / "tools.yaml").write_text(tools_file(entry("a")))
    with pytest.raises(CuratorError, match="outside the git repository"):
        changed_entries(load_catalog(other), "HEAD", cwd=repo)


def test_git_not_installed(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = load_catalog(repo / "catalog")
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(CuratorError, match="needs git"):
        changed_entries(catalog, "HEAD", cwd=repo)


def test_a_repository_without_commits(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "catalog").mkdir(parents=True)
    git(root, "init", "-q")
    (root / "catalog" / "tools.yaml").write_text(tools_file(entry("a")))
    with pytest.raises(CuratorError, match="unknown git ref 'HEAD'"):
        changed_entries(load_catalog(root / "catalog"), "HEAD", cwd=root)
