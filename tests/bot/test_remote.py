"""The PyGithub adapter of `curator pr` (`curator.bot.remote`) against the fake GitHub API backed by a real
bare git repository: what it writes is checked with git, and GitHub's errors become messages that say what
to change."""

from __future__ import annotations

import hashlib
import subprocess

import pytest

from curator.bot.remote import Remote, blob_sha, is_bot_commit
from curator.errors import CuratorError
from tests.support.fake_github import GOOD_TOKEN
from tests.support.fake_repo import FakeRepoHost, hosted_repo  # noqa: F401  (the fixture)

NAME = "octo/awesome-list"


def _remote(host: FakeRepoHost, **kw: object) -> Remote:
    options: dict[str, object] = {"token": GOOD_TOKEN, "api_url": host.api.url, "write_interval": 0}
    options.update(kw)
    return Remote(NAME, **options)  # type: ignore[arg-type]


def test_blob_sha_is_git_s() -> None:
    data = "línea\n".encode()
    done = subprocess.run(["git", "hash-object", "--stdin"], input=data, capture_output=True, check=True)
    assert blob_sha(data) == done.stdout.decode().strip()
    assert blob_sha(b"") == hashlib.sha1(b"blob 0\0", usedforsecurity=False).hexdigest()


def test_bot_commits_are_known_by_their_trailer() -> None:
    assert is_bot_commit("catalog: 1 fix\n\n- a\n\nCurator-Run: 0123abcd")
    assert not is_bot_commit("catalog: fixed by hand")
    assert not is_bot_commit("Curator-Run: 0123abcd\n\nthen more text by a person")


def test_a_commit_is_built_on_its_parent_with_inline_content_and_no_author(hosted_repo: FakeRepoHost) -> None:  # noqa: F811
    base = hosted_repo.seed({"README.md": b"# List\n", "catalog/a.yaml": b"a: 1\n"})
    remote = _remote(hosted_repo)
    sha = remote.commit(base, {"catalog/a.yaml": "a: 2\n"}, "catalog: 1 fix\n\nCurator-Run: abc")
    assert remote.writes == 2  # one tree, one commit: no blob requests
    assert hosted_repo.git("rev-parse", f"{sha}^").decode().strip() == base
    assert sha in hosted_repo.verified  # made without an author: signed by GitHub
    remote.set_branch("curator/maintenance", sha, expected=None)
    files = hosted_repo.files_at("curator/maintenance")
    assert files == {"README.md": b"# List\n", "catalog/a.yaml": b"a: 2\n"}
    assert remote.tree_files(sha)["catalog/a.yaml"] == blob_sha(b"a: 2\n")
    info = remote.branch_info(base, sha)
    assert (info.ahead_by, info.behind_by, info.foreign) == (1, 0, ())


def test_a_branch_that_moved_during_the_run_is_not_overwritten(hosted_repo: FakeRepoHost) -> None:  # noqa: F811
    base = hosted_repo.seed({"README.md": b"# List\n"})
    remote = _remote(hosted_repo)
    first = remote.commit(base, {"README.md": "# List!\n"}, "readme\n\nCurator-Run: 1")
    remote.set_branch("curator/maintenance", first, expected=None)
    theirs = hosted_repo.commit_as_person("curator/maintenance", {"notes.md": b"mine\n"})
    second = remote.commit(base, {"README.md": "# List?\n"}, "readme\n\nCurator-Run: 2")
    with pytest.raises(CuratorError, match="someone pushed to curator/maintenance during this run"):
        remote.set_branch("curator/maintenance", second, expected=first)
    assert hosted_repo.branch_sha("curator/maintenance") == theirs
    assert remote.branch_info(base, theirs).foreign == (theirs,)


def test_a_token_that_cannot_write_says_which_permissions_the_workflow_needs(
    hosted_repo: FakeRepoHost,  # noqa: F811
) -> None:
    base = hosted_repo.seed({"README.md": b"# List\n"})
    hosted_repo.deny_writes = True
    with pytest.raises(CuratorError) as info:
        _remote(hosted_repo).commit(base, {"README.md": "x\n"}, "m")
    assert "`permissions: contents: write` and `pull-requests: write`" in str(info.value)
    assert GOOD_TOKEN not in str(info.value)


def test_actions_not_allowed_to_open_pull_requests_names_the_setting(hosted_repo: FakeRepoHost) -> None:  # noqa: F811
    base = hosted_repo.seed({"README.md": b"# List\n"})
    remote = _remote(hosted_repo)
    sha = remote.commit(base, {"README.md": "x\n"}, "m\n\nCurator-Run: 1")
    remote.set_branch("curator/maintenance", sha, expected=None)
    hosted_repo.deny_pull_creation = True
    with pytest.raises(CuratorError, match="Allow GitHub Actions to create and approve pull requests"):
        remote.open_pull(base="main", branch="curator/maintenance", title="t", body="b")


def test_a_missing_repository_is_said_plainly(hosted_repo: FakeRepoHost) -> None:  # noqa: F811
    hosted_repo.seed({"README.md": b"# List\n"})
    hosted_repo.missing = True
    with pytest.raises(CuratorError, match=r"repository octo/awesome-list not found on GitHub"):
        _remote(hosted_repo)


def test_a_secondary_rate_limit_is_waited_out_and_counted(hosted_repo: FakeRepoHost) -> None:  # noqa: F811
    base = hosted_repo.seed({"README.md": b"# List\n"})
    waits: list[float] = []
    remote = _remote(hosted_repo, sleep=waits.append)
    hosted_repo.secondary_writes = 1
    remote.commit(base, {"README.md": "x\n"}, "m\n\nCurator-Run: 1")
    assert waits == [1.0]  # the fake's retry-after
    assert remote.writes == 3  # the refused tree request, the tree again, the commit
