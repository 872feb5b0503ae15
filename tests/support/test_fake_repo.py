"""The fake's writable repository, driven by PyGithub exactly as `curator pr` drives it, checked with git."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import urllib.request
from pathlib import Path

import pytest
from github import Auth, Github, GithubException, InputGitAuthor, InputGitTreeElement, RateLimitExceededException
from github.GitCommit import GitCommit
from github.GithubException import UnknownObjectException
from github.Repository import Repository

from tests.support.fake_github import GOOD_TOKEN, FakeGithub
from tests.support.fake_issues import MAX_BODY
from tests.support.fake_repo import NO_ACTIONS_PULLS, NOT_INTEGRATION, FakeRepoHost, hosted_repo

__all__ = ["hosted_repo"]  # the fixture, imported to be used here

NAME = "octo/awesome-list"
SEED = {"README.md": b"# Awesome list\n", "catalog/models.yaml": b"- name: a\n"}


def client(api: FakeGithub) -> Github:
    return Github(
        auth=Auth.Token(GOOD_TOKEN),
        base_url=api.url,
        retry=None,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )


def repo_of(host: FakeRepoHost) -> Repository:
    return client(host.api).get_repo(NAME)


def git_sha1(kind: str, data: bytes) -> str:
    """What git names an object, computed here without git: the check that SHAs are git's."""
    return hashlib.sha1(f"{kind} {len(data)}\0".encode() + data).hexdigest()


def bot_commit(repo: Repository, branch: str, files: dict[str, str], message: str = "Update catalog") -> str:
    """A commit on top of `branch` made the way curator makes one: blobs, a tree on the base tree, a commit."""
    parent = repo.get_git_commit(repo.get_git_ref(f"heads/{branch}").object.sha)
    elements = [
        InputGitTreeElement(path, "100644", "blob", sha=repo.create_git_blob(text, "utf-8").sha)
        for path, text in files.items()
    ]
    tree = repo.create_git_tree(elements, base_tree=parent.tree)
    return repo.create_git_commit(message, tree, [parent]).sha


def test_a_whole_rolling_pull_request_flow(hosted_repo: FakeRepoHost) -> None:
    host = hosted_repo
    seed = host.seed(SEED)
    repo = repo_of(host)
    assert (repo.full_name, repo.default_branch, repo.private, repo.permissions.push) == (NAME, "main", False, True)

    main = repo.get_git_ref("heads/main")
    assert main.object.sha == seed == host.git("rev-parse", "refs/heads/main").decode().strip()
    parent = repo.get_git_commit(seed)
    blob = repo.create_git_blob("- name: b\n", "utf-8")
    assert blob.sha == git_sha1("blob", b"- name: b\n")
    raw = repo.create_git_blob(base64.b64encode(b"\x00binary\n").decode(), "base64")
    assert host.git("cat-file", "blob", raw.sha) == b"\x00binary\n"
    tree = repo.create_git_tree(
        [
            InputGitTreeElement("catalog/tools/b.yaml", "100644", "blob", sha=blob.sha),
            InputGitTreeElement("catalog/models.yaml", "100644", "blob", content="- name: a2\n"),
        ],
        base_tree=parent.tree,
    )
    commit = repo.create_git_commit("catalog: add b", tree, [parent])
    assert commit.verification.verified is True  # no author given: GitHub signs it
    assert (commit.author.name, commit.committer.name) == ("github-actions[bot]", "GitHub")
    assert host.git("rev-parse", f"{commit.sha}^{{tree}}").decode().strip() == tree.sha
    assert host.git("rev-parse", f"{commit.sha}^").decode().strip() == seed

    branch = repo.create_git_ref("refs/heads/curator/updates", commit.sha)
    assert branch.ref == "refs/heads/curator/updates"
    pr = repo.create_pull(base="main", head="curator/updates", title="Catalog updates", body="Two changes",
                          maintainer_can_modify=True)
    assert (pr.number, pr.state, pr.merged, pr.user.login) == (1, "open", False, "github-actions[bot]")
    assert (pr.head.ref, pr.head.sha, pr.base.ref, pr.base.sha) == ("curator/updates", commit.sha, "main", seed)
    assert pr.head.label == "octo:curator/updates" and pr.head.repo.full_name == NAME
    pr.add_to_labels("curator")
    pr.create_issue_comment("Rolling update")
    again = repo.get_pull(1)
    assert [label.name for label in again.labels] == ["curator"]
    assert [c.body for c in again.get_issue_comments()] == ["Rolling update"]
    assert [label.name for label in repo.get_labels()] == ["curator"]  # made when first used

    person = host.commit_as_person("curator/updates", {"catalog/models.yaml": b"- name: a3\n"}, author="alice")
    compare = repo.compare("main", "curator/updates")
    assert (compare.ahead_by, compare.behind_by, compare.status) == (2, 0, "ahead")
    assert [c.sha for c in compare.commits] == [commit.sha, person]
    assert [c.author.login for c in compare.commits] == ["github-actions[bot]", "alice"]
    assert repo.get_commit(person).author.login == "alice"
    assert [(f.filename, f.status, f.additions) for f in repo.get_commit(person).files] == [
        ("catalog/models.yaml", "modified", 1)
    ]
    assert sorted((f.filename, f.status) for f in repo.get_commit(seed).files) == [
        ("README.md", "added"),
        ("catalog/models.yaml", "added"),
    ]
    assert repo.get_commit(seed).author.login == "octo"  # the seed is the owner's
    assert [c.sha for c in repo.get_commits(sha="curator/updates")] == [person, commit.sha, seed]
    assert [c.sha for c in repo.get_commits(sha="curator/updates", path="catalog/tools")] == [commit.sha]
    assert repo.get_git_commit(person).verification.verified is False
    assert [c.sha for c in repo.get_pull(1).get_commits()] == [commit.sha, person]
    assert repo.get_pull(1).head.sha == person

    assert [p.number for p in repo.get_pulls(state="open", head="octo:curator/updates", base="main")] == [1]
    moved = host.advance_base({"README.md": b"# Awesome list, edited\n"})  # the base moves on: not the pull's change
    assert sorted(f.filename for f in repo.get_pull(1).get_files()) == ["catalog/models.yaml", "catalog/tools/b.yaml"]
    assert (repo.get_pull(1).changed_files, repo.get_pull(1).mergeable) == (2, True)
    merge = host.merge_pull(1)
    merged = repo.get_pull(1)
    assert (merged.state, merged.merged, merged.merge_commit_sha, merged.is_merged()) == ("closed", True, merge, True)
    assert host.git("rev-list", "--parents", "-n1", "main").decode().split() == [merge, moved, person]
    repo.get_git_ref("heads/curator/updates").delete()
    assert "curator/updates" not in host.branches()
    assert list(repo.get_pulls(state="open", head="octo:curator/updates")) == []
    assert [p.number for p in repo.get_pulls(state="closed", head="octo:curator/updates")] == [1]
    assert [c.sha for c in repo.get_pull(1).get_commits()] == [commit.sha, person]  # kept after the merge
    assert host.files_at("main") == {
        "README.md": b"# Awesome list, edited\n",
        "catalog/models.yaml": b"- name: a3\n",
        "catalog/tools/b.yaml": b"- name: b\n",
    }
    writes = [(r.method, r.path.removeprefix(f"/repos/{NAME}")) for r in host.write_requests()]
    assert writes == [
        ("POST", "/git/blobs"),
        ("POST", "/git/blobs"),
        ("POST", "/git/trees"),
        ("POST", "/git/commits"),
        ("POST", "/git/refs"),
        ("POST", "/pulls"),
        ("POST", "/issues/1/labels"),
        ("POST", "/issues/1/comments"),
        ("DELETE", "/git/refs/heads/curator/updates"),
    ]
    assert host.write_requests()[0].body == {"content": "- name: b\n", "encoding": "utf-8"}
    assert host.write_requests()[0].headers["authorization"] == f"token {GOOD_TOKEN}"


def test_a_run_that_only_reads_makes_no_write_request(hosted_repo: FakeRepoHost) -> None:
    host = hosted_repo
    host.seed(SEED)
    repo = repo_of(host)
    sha = repo.get_branch("main").commit.sha
    repo.get_git_tree(sha, recursive=True)
    list(repo.get_pulls(state="open", head="octo:curator/updates"))
    repo.get_contents("README.md", ref="main")
    host.api.add("octo/other")
    query = 'query { a: repository(owner: "octo", name: "other") { stargazerCount } }'
    request = urllib.request.Request(
        f"{host.api.url}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"authorization": f"bearer {GOOD_TOKEN}", "content-type": "application/json"},
    )
    with urllib.request.urlopen(request) as answer:  # a GraphQL query is a POST, and no write
        assert json.load(answer)["data"] == {"a": {"stargazerCount": 0}}
    assert host.write_requests() == []
    assert host.api.calls()[0].path == f"/repos/{NAME}"
    assert len(host.api.calls()) == 6  # the repository, the branch, the tree, the pulls, the contents, GraphQL
    assert repo.requester.rate_limiting[0] == host.api.core_auth_budget.remaining == 5000 - 5  # from the headers


def test_the_same_steps_make_the_same_shas(tmp_path: Path) -> None:
    shas = []
    for _ in range(2):
        with FakeGithub() as api:
            host = api.host_repo(NAME)
            host.seed(SEED)
            shas.append((host.sha("main"), bot_commit(client(api).get_repo(NAME), "main", {"x.yaml": "x\n"})))
    assert shas[0] == shas[1]


def test_the_machines_git_identity_never_reaches_a_commit(
    hosted_repo: FakeRepoHost, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Intruder\n\temail = intruder@example.com\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Intruder")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "intruder@example.com")
    hosted_repo.seed(SEED)
    sha = bot_commit(repo_of(hosted_repo), "main", {"a.yaml": "a\n"})
    assert b"Intruder" not in hosted_repo.git("log", "--format=%an %ae %cn %ce", sha)
    assert b"intruder" not in hosted_repo.git("log", "--format=%an %ae %cn %ce", sha)


def test_trees_delete_replace_and_list_nested_paths(hosted_repo: FakeRepoHost) -> None:
    host = hosted_repo
    host.seed({**SEED, "catalog/old/x.yaml": b"x\n", "catalog/old/y.yaml": b"y\n"})
    repo = repo_of(host)
    parent = repo.get_git_commit(host.sha("main") or "")
    tree = repo.create_git_tree(
        [
            InputGitTreeElement("catalog/old", "040000", "tree", sha=None),  # a whole directory goes
            InputGitTreeElement("README.md", "100644", "blob", sha=None),
            InputGitTreeElement("a/b/c/d.txt", "100644", "blob", content="deep\n"),
        ],
        base_tree=parent.tree,
    )
    listed = repo.get_git_tree(tree.sha, recursive=True).tree
    assert sorted((e.path, e.type) for e in listed) == [
        ("a", "tree"),
        ("a/b", "tree"),
        ("a/b/c", "tree"),
        ("a/b/c/d.txt", "blob"),
        ("catalog", "tree"),
        ("catalog/models.yaml", "blob"),
    ]
    top = repo.get_git_tree(tree.sha).tree
    assert sorted(e.path for e in top) == ["a", "catalog"]
    alone = repo.create_git_tree([InputGitTreeElement("only.txt", "100644", "blob", content="1\n")])
    assert [e.path for e in repo.get_git_tree(alone.sha).tree] == ["only.txt"]  # no base tree: nothing else
    for bad in ("../x", "/abs", "a//b", ".git/config"):
        with pytest.raises(GithubException) as caught:
            repo.create_git_tree([InputGitTreeElement(bad, "100644", "blob", content="1\n")])
        assert caught.value.status == 422
    with pytest.raises(GithubException) as caught:
        repo.create_git_tree([InputGitTreeElement("a", "100644", "blob", sha="1" * 40)])
    assert caught.value.status == 422


def test_blobs_and_contents_read_back_in_base64(hosted_repo: FakeRepoHost) -> None:
    host = hosted_repo
    host.seed(SEED)
    repo = repo_of(host)
    content = repo.get_contents("catalog/models.yaml", ref="main")
    assert not isinstance(content, list)
    assert content.decoded_content == b"- name: a\n"
    assert content.sha == git_sha1("blob", b"- name: a\n")
    assert repo.get_git_blob(content.sha).content.replace("\n", "") == base64.b64encode(b"- name: a\n").decode()
    listing = repo.get_contents("catalog")
    assert isinstance(listing, list) and [c.path for c in listing] == ["catalog/models.yaml"]
    with pytest.raises(UnknownObjectException):
        repo.get_contents("nope.yaml", ref="main")
    with pytest.raises(UnknownObjectException):
        repo.get_git_blob("2" * 40)


def test_an_author_given_is_written_and_not_signed(hosted_repo: FakeRepoHost) -> None:
    host = hosted_repo
    seed = host.seed(SEED)
    repo = repo_of(host)
    parent = repo.get_git_commit(seed)
    author = InputGitAuthor("Curator", "curator@example.com", "2026-02-03T04:05:06Z")
    commit = repo.create_git_commit("by hand", parent.tree, [parent], author=author)
    assert commit.verification.verified is False
    assert host.git("log", "-1", "--format=%an <%ae> %aI", commit.sha).decode().strip() == (
        "Curator <curator@example.com> 2026-02-03T04:05:06+00:00"
    )
    with pytest.raises(GithubException) as caught:
        repo.create_git_commit("no parent", parent.tree, [_no_commit(repo)])
    assert caught.value.status == 422


def _no_commit(repo: Repository) -> GitCommit:
    """A GitCommit naming a SHA that is no commit, as a stale one would."""
    return GitCommit(repo._requester, {}, {"sha": "3" * 40, "url": ""}, completed=True)


def test_refs_move_fast_forward_only_unless_forced(hosted_repo: FakeRepoHost) -> None:
    host = hosted_repo
    seed = host.seed(SEED)
    repo = repo_of(host)
    first = bot_commit(repo, "main", {"a.yaml": "a\n"})
    ref = repo.create_git_ref("refs/heads/curator/updates", first)
    with pytest.raises(GithubException) as caught:
        repo.create_git_ref("refs/heads/curator/updates", first)
    assert (caught.value.status, caught.value.data["message"]) == (422, "Reference already exists")
    parent = repo.get_git_commit(seed)
    rewritten = repo.create_git_commit("again", repo.get_git_commit(first).tree, [parent]).sha
    with pytest.raises(GithubException) as caught:
        ref.edit(rewritten)
    assert (caught.value.status, caught.value.data["message"]) == (422, "Update is not a fast forward")
    ref.edit(rewritten, force=True)
    assert host.branch_sha("curator/updates") == rewritten == repo.get_git_ref("heads/curator/updates").object.sha
    later = host.commit_as_person("curator/updates", {"b.yaml": b"b\n"})
    assert repo.get_branch("curator/updates").commit.sha == later
    with pytest.raises(UnknownObjectException):
        repo.get_git_ref("heads/nope")
    with pytest.raises(UnknownObjectException):
        repo.get_branch("nope")
    for name, sha in [("refs/heads/bad..name", first), ("refs/heads/curator", first), ("refs/heads/x", "main")]:
        with pytest.raises(GithubException) as caught:
            repo.create_git_ref(name, sha)  # a bad name, a clash with curator/updates, a name for a SHA
        assert caught.value.status == 422, name


def test_a_pull_cannot_be_opened_without_a_base_twice_or_empty(hosted_repo: FakeRepoHost) -> None:
    host = hosted_repo
    host.seed(SEED)
    repo = repo_of(host)
    repo.create_git_ref("refs/heads/same", host.sha("main") or "")
    repo.create_git_ref("refs/heads/work", bot_commit(repo, "main", {"a.yaml": "a\n"}))
    for base, head, what in [("gone", "work", "base"), ("main", "nope", "head")]:
        with pytest.raises(GithubException) as caught:
            repo.create_pull(base=base, head=head, title="t")
        assert caught.value.status == 422 and caught.value.data["errors"][0]["field"] == what
    with pytest.raises(GithubException) as caught:
        repo.create_pull(base="main", head="same", title="t")
    assert caught.value.data["errors"][0]["message"] == "No commits between main and same"
    repo.create_pull(base="main", head="octo:work", title="t")
    with pytest.raises(GithubException) as caught:
        repo.create_pull(base="main", head="work", title="t")
    assert caught.value.data["errors"][0]["message"] == "A pull request already exists for octo:work."


def test_pulls_are_listed_by_state_head_and_base_like_github(hosted_repo: FakeRepoHost) -> None:
    host = hosted_repo
    host.seed(SEED)
    repo = repo_of(host)
    for branch in ("one", "two"):
        repo.create_git_ref(f"refs/heads/{branch}", bot_commit(repo, "main", {f"{branch}.yaml": "x\n"}))
        repo.create_pull(base="main", head=branch, title=branch)
    host.close_pull(1)
    assert [p.number for p in repo.get_pulls()] == [2]
    assert [p.number for p in repo.get_pulls(state="all")] == [2, 1]
    assert [p.number for p in repo.get_pulls(state="closed", head="octo:one")] == [1]
    assert [p.number for p in repo.get_pulls(state="all", head="octo:one", base="other")] == []
    assert [p.number for p in repo.get_pulls(state="all", head="someone:one")] == []
    # as on GitHub, a head without its owner filters nothing
    assert [p.number for p in repo.get_pulls(state="all", head="one")] == [2, 1]
    closed = repo.get_pull(1)
    assert (closed.state, closed.merged) == ("closed", False)
    assert not closed.is_merged()


def test_editing_a_pull_and_deleting_its_branch(hosted_repo: FakeRepoHost) -> None:
    host = hosted_repo
    host.seed(SEED)
    repo = repo_of(host)
    repo.create_git_ref("refs/heads/work", bot_commit(repo, "main", {"a.yaml": "a\n"}))
    pr = repo.create_pull(base="main", head="work", title="first", body="one")
    pr.edit(title="second", body="two")
    again = repo.get_pull(pr.number)
    assert (again.title, again.body) == ("second", "two")
    assert repo.get_issue(pr.number).pull_request is not None
    repo.get_git_ref("heads/work").delete()  # GitHub closes a pull whose head branch goes
    assert repo.get_pull(pr.number).state == "closed"
    repo.create_git_ref("refs/heads/work2", bot_commit(repo, "main", {"b.yaml": "b\n"}))
    second = repo.create_pull(base="main", head="work2", title="t")
    second.edit(state="closed")
    assert repo.get_pull(second.number).state == "closed"
    second.edit(state="open")
    assert repo.get_pull(second.number).state == "open"
    host.delete_branch("work2", by="maintainer")
    assert repo.get_pull(second.number).state == "closed"
    assert [e.actor.login for e in repo.get_issue(second.number).get_events() if e.event == "closed"][-1] == (
        "maintainer"
    )
    with pytest.raises(GithubException) as caught:
        second.edit(state="open")  # no head branch: it cannot reopen
    assert caught.value.status == 422
    with pytest.raises(UnknownObjectException):
        repo.get_pull(99)


def test_labels_comments_and_a_persons_removal_show_in_events(hosted_repo: FakeRepoHost) -> None:
    host = hosted_repo
    host.seed(SEED)
    repo = repo_of(host)
    repo.create_label("keep", "00ff00", "do not touch")
    with pytest.raises(GithubException) as caught:
        repo.create_label("Keep", "ffffff")
    assert caught.value.status == 422
    issue = repo.create_issue("Broken links", body="see below", labels=["links"])
    issue.add_to_labels("keep", "new one")
    assert [label.name for label in repo.get_issue(issue.number).get_labels()] == ["links", "keep", "new one"]
    assert repo.get_label("keep").description == "do not touch"
    issue.remove_from_labels("new one")
    with pytest.raises(GithubException) as caught:
        issue.remove_from_labels("new one")
    assert (caught.value.status, caught.value.data["message"]) == (404, "Label does not exist")
    host.remove_label(issue.number, "keep", by="alice")
    assert [label.name for label in issue.get_labels()] == ["links"]
    events = [(e.event, e.actor.login, e.label.name) for e in issue.get_events()]
    assert events[-1] == ("unlabeled", "alice", "keep")
    assert ("labeled", "github-actions[bot]", "new one") in events
    issue.create_comment("first")
    host.comment_as_person(issue.number, "second", author="bob")
    comments = list(issue.get_comments())
    assert [(c.body, c.user.login) for c in comments] == [("first", "github-actions[bot]"), ("second", "bob")]


def test_issues_are_listed_by_state_and_labels_and_edited(hosted_repo: FakeRepoHost) -> None:
    host = hosted_repo
    host.seed(SEED)
    repo = repo_of(host)
    a = repo.create_issue("a", labels=["curator", "links"])
    b = repo.create_issue("b", labels=["curator"])
    assert [i.number for i in repo.get_issues(state="open", labels=["curator"])] == [b.number, a.number]
    assert [i.number for i in repo.get_issues(state="open", labels=["curator", "links"])] == [a.number]
    a.edit(title="a2", body="new", state="closed")
    again = repo.get_issue(a.number)
    assert (again.title, again.body, again.state) == ("a2", "new", "closed")
    assert [i.number for i in repo.get_issues(state="closed")] == [a.number]
    assert [i.number for i in repo.get_issues(state="all")] == [b.number, a.number]
    a.edit(state="open")
    assert repo.get_issue(a.number).state == "open"


def test_lists_are_paginated_like_github(hosted_repo: FakeRepoHost) -> None:
    host = hosted_repo
    host.seed(SEED)
    repo = repo_of(host)
    for i in range(35):
        repo.create_issue(f"issue {i}")
    before = len(host.api.calls())
    assert len(list(repo.get_issues(state="all"))) == 35
    assert len(host.api.calls()) - before == 2  # 30, then 5 after following the Link header


def test_faults_refuse_writes_as_github_does(hosted_repo: FakeRepoHost) -> None:
    host = hosted_repo
    host.seed(SEED)
    repo = repo_of(host)
    host.deny_writes = True
    with pytest.raises(GithubException) as caught:
        repo.create_git_blob("x", "utf-8")
    assert (caught.value.status, caught.value.data["message"]) == (403, NOT_INTEGRATION)
    assert repo.get_branch("main").commit.sha == host.sha("main")  # reads still work
    host.deny_writes = False
    repo.create_git_ref("refs/heads/work", bot_commit(repo, "main", {"a.yaml": "a\n"}))
    host.deny_pull_creation = True
    with pytest.raises(GithubException) as caught:
        repo.create_pull(base="main", head="work", title="t")
    assert (caught.value.status, caught.value.data["message"]) == (403, NO_ACTIONS_PULLS)
    host.deny_pull_creation = False
    host.secondary_writes = 1
    with pytest.raises(RateLimitExceededException) as limited:
        repo.create_pull(base="main", head="work", title="t")
    assert limited.value.status == 403 and (limited.value.headers or {})["retry-after"] == "1"
    assert repo.create_pull(base="main", head="work", title="t").number == 1  # the next write goes through
    host.missing = True
    with pytest.raises(UnknownObjectException):
        client(host.api).get_repo(NAME)
    with pytest.raises(UnknownObjectException):
        client(host.api).get_repo("octo/other")


def test_writes_need_a_token_and_unserved_routes_are_404(hosted_repo: FakeRepoHost) -> None:
    host = hosted_repo
    host.seed(SEED)
    anonymous = Github(base_url=host.api.url, retry=None, seconds_between_requests=None, seconds_between_writes=None)
    repo = anonymous.get_repo(NAME)
    with pytest.raises(GithubException) as caught:
        repo.create_git_blob("x", "utf-8")
    assert caught.value.status == 401
    with pytest.raises(UnknownObjectException):
        repo_of(host).get_releases()[0]


def test_the_bare_repository_is_a_real_git_repository(hosted_repo: FakeRepoHost) -> None:
    host = hosted_repo
    seed = host.seed(SEED)
    assert host.path.is_dir()
    fsck = subprocess.run(["git", "--git-dir", str(host.path), "fsck", "--strict"], capture_output=True)
    assert fsck.returncode == 0, fsck.stderr
    out = subprocess.run(
        ["git", "--git-dir", str(host.path), "cat-file", "-p", f"{seed}:catalog/models.yaml"],
        capture_output=True,
        check=True,
    )
    assert out.stdout == b"- name: a\n"
    host.api.stop()
    assert not host.path.exists()  # stopping the fake removes its temp dir


def test_a_body_over_githubs_limit_is_refused(hosted_repo: FakeRepoHost) -> None:
    host = hosted_repo
    host.seed(SEED)
    repo = repo_of(host)
    repo.create_git_ref("refs/heads/work", bot_commit(repo, "main", {"a.yaml": "a\n"}))
    long = "x" * (MAX_BODY + 1)
    with pytest.raises(GithubException) as caught:
        repo.create_pull(base="main", head="work", title="t", body=long)
    assert caught.value.status == 422
    assert caught.value.data["errors"][0]["message"] == "body is too long (maximum is 65536 characters)"
    pr = repo.create_pull(base="main", head="work", title="t", body="x" * MAX_BODY)
    with pytest.raises(GithubException) as caught:
        pr.edit(body=long)
    assert caught.value.status == 422
    with pytest.raises(GithubException) as caught:
        pr.create_issue_comment(long)
    assert caught.value.status == 422
    with pytest.raises(GithubException) as caught:
        repo.create_issue("t", body=long)
    assert caught.value.status == 422


def test_a_persons_push_can_land_just_before_a_write(hosted_repo: FakeRepoHost) -> None:
    host = hosted_repo
    host.seed(SEED)
    repo = repo_of(host)
    first = bot_commit(repo, "main", {"a.yaml": "a\n"})
    ref = repo.create_git_ref("refs/heads/work", first)
    second = bot_commit(repo, "work", {"b.yaml": "b\n"})
    pushed: list[str] = []

    def push(method: str, path: str) -> None:
        if (method, path) == ("PATCH", "/git/refs/heads/work") and not pushed:
            pushed.append(host.commit_as_person("work", {"c.yaml": b"c\n"}, author="alice"))

    host.on_write = push
    with pytest.raises(GithubException) as caught:
        ref.edit(second)  # curator's commit no longer descends from the branch: not a fast forward
    assert caught.value.data["message"] == "Update is not a fast forward"
    assert host.branch_sha("work") == pushed[0]
