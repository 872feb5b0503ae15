"""The PyGithub adapter of `curator pr`: every read and write of the repository, and GitHub's errors turned
into `CuratorError`s that say what to change.

Writes go through the Git Data API (trees with inline content, commits, refs): no local push credentials,
and commits made without an explicit author are signed by GitHub. Every write is counted (`writes`), spaced
by `github.write_interval` (PyGithub's `seconds_between_writes`) and retried after a secondary rate limit's
`retry-after`. The token never appears in a message: GitHub's answers are scrubbed before they are shown.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from github import Auth, Github, GithubException, InputGitTreeElement
from github.GitCommit import GitCommit
from github.GitRef import GitRef
from github.GitTree import GitTree
from github.Issue import Issue
from github.PullRequest import PullRequest
from github.Repository import Repository
from requests import RequestException

from curator import PROJECT_URL, __version__
from curator.errors import CuratorError
from curator.probes.github import checked_api_url  # the one check of the API URL (http only to loopback)
from curator.probes.github_query import Scrubber

T = TypeVar("T")
TIMEOUT = 30
MAX_WRITE_RETRIES = 3
MAX_RETRY_AFTER = 120.0
TRAILER = "Curator-Run"
_TRAILER = re.compile(rf"(?:^|\n){TRAILER}: [0-9a-f]+\Z")  # the message's last line, as git trailers are

NOT_INTEGRATION = "Resource not accessible by integration"
NO_ACTIONS_PULLS = "not permitted to create or approve pull requests"
WRITE_PERMISSIONS = (
    "the token cannot write to {repo} (403 Resource not accessible by integration): the workflow needs "
    "`permissions: contents: write` and `pull-requests: write`"
)
ISSUE_PERMISSIONS = (
    "the token cannot write the list-health issue in {repo} (403 Resource not accessible by integration): the "
    "workflow needs `permissions: issues: write` (or set `issue: false` in curator.yaml)"
)
ISSUE_WORK = "the list-health issue"  # in the `what` of every issue request: their 403 names `issues: write`
ACTIONS_PULLS = (
    "GitHub refused to let GitHub Actions open the pull request in {repo} (403): the repository (or "
    'organisation) setting "Allow GitHub Actions to create and approve pull requests" must be turned on '
    "(Settings → Actions → General → Workflow permissions)"
)


def is_bot_commit(message: str) -> bool:
    """A commit curator wrote: its message ends with the `Curator-Run:` trailer (a person's message that
    merely quotes one, or amends it, does not)."""
    return _TRAILER.search(message.rstrip()) is not None


def blob_sha(data: bytes) -> str:
    """The SHA git (and GitHub) gives a file's content: compared with a tree without writing anything."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class PullInfo:
    number: int
    url: str
    state: str  # "open" or "closed"
    merged: bool
    body: str
    head_sha: str
    labels: tuple[str, ...]
    raw: PullRequest


@dataclass(frozen=True)
class IssueInfo:
    number: int
    url: str
    state: str  # "open" or "closed"
    body: str
    raw: Issue


@dataclass(frozen=True)
class BranchInfo:
    sha: str
    behind_by: int  # commits of the base it lacks
    foreign: tuple[str, ...]  # SHAs of commits between the base and it that are not curator's
    files: dict[str, str]  # path → blob SHA of its tree
    ahead_by: int


class Remote:
    """One repository on GitHub, read and written through PyGithub."""

    def __init__(
        self,
        full_name: str,
        *,
        token: str,
        api_url: str,
        write_interval: float,
        ca_file: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.full_name = full_name
        self.writes = 0
        self._sleep = sleep
        self._scrub = Scrubber(token)
        self._gh = Github(
            auth=Auth.Token(token),
            base_url=checked_api_url(api_url, has_token=True),
            timeout=TIMEOUT,
            user_agent=f"curator/{__version__} (+{PROJECT_URL})",
            verify=ca_file or True,
            retry=None,  # secondary limits are waited out here, where the wait is bounded and counted
            seconds_between_requests=None,
            seconds_between_writes=write_interval or None,
        )
        self._commits: dict[str, GitCommit] = {}
        with self._errors(reading=True, what="repository"):
            self.repo: Repository = self._gh.get_repo(full_name)
            self.default_branch: str = self.repo.default_branch
            self.html_url: str = self.repo.html_url

    def __repr__(self) -> str:  # never show the token
        return f"<Remote {self.full_name}>"

    # --- errors

    @contextmanager
    def _errors(self, *, reading: bool = False, what: str = "") -> Iterator[None]:
        try:
            yield
        except GithubException as exc:
            raise self._translate(exc, reading=reading, what=what) from None
        except RequestException as exc:
            raise self._unreachable(exc, what) from None

    def _unreachable(self, exc: RequestException, what: str) -> CuratorError:
        doing = f" while {what}" if what else ""
        return CuratorError(f"cannot reach the GitHub API{doing}: {self._scrub(str(exc))[:300]}")

    def _message(self, exc: GithubException) -> str:
        data = exc.data
        message = data.get("message") if isinstance(data, dict) else None
        return self._scrub(str(message or exc))[:300]

    def _translate(self, exc: GithubException, *, reading: bool, what: str) -> CuratorError:
        message = self._message(exc)
        repo = self.full_name
        if exc.status == 401:
            return CuratorError(f"GitHub rejected the token (401 {message}): check GITHUB_TOKEN or GH_TOKEN")
        if exc.status == 403 and NOT_INTEGRATION.lower() in message.lower() and ISSUE_WORK in what:
            return CuratorError(ISSUE_PERMISSIONS.format(repo=repo))
        if exc.status == 403 and NOT_INTEGRATION.lower() in message.lower():
            return CuratorError(WRITE_PERMISSIONS.format(repo=repo))
        if exc.status == 403 and NO_ACTIONS_PULLS in message.lower():
            return CuratorError(ACTIONS_PULLS.format(repo=repo))
        if exc.status == 404 and what == "repository":
            return CuratorError(f"repository {repo} not found on GitHub (or the token cannot see it)")
        doing = f" while {what}" if what else ""
        return CuratorError(f"GitHub answered HTTP {exc.status}{doing} in {repo}: {message}")

    def _write(self, what: str, call: Callable[[], T]) -> T:
        """One write request, counted; a secondary rate limit's `retry-after` is waited out a few times."""
        for attempt in range(MAX_WRITE_RETRIES + 1):
            self.writes += 1
            try:
                return call()
            except RequestException as exc:
                raise self._unreachable(exc, what) from None
            except GithubException as exc:
                wait = self._retry_after(exc)
                if wait is None or attempt == MAX_WRITE_RETRIES:
                    raise self._translate(exc, reading=False, what=what) from None
                self._sleep(wait)
        raise AssertionError("unreachable")

    def _retry_after(self, exc: GithubException) -> float | None:
        if exc.status not in (403, 429):
            return None
        headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
        message = self._message(exc).lower()
        if "secondary rate limit" not in message and "retry-after" not in headers:
            return None
        try:
            return min(max(float(headers.get("retry-after", "60")), 0.0), MAX_RETRY_AFTER)
        except ValueError:
            return 60.0

    # --- reads

    def branch_head(self, branch: str) -> str | None:
        """The commit `branch` points at; None when there is no such branch."""
        try:
            return self.repo.get_git_ref(f"heads/{branch}").object.sha
        except GithubException as exc:
            if exc.status == 404:
                return None
            raise self._translate(exc, reading=True, what=f"reading branch {branch}") from None
        except RequestException as exc:
            raise self._unreachable(exc, f"reading branch {branch}") from None

    def tree_files(self, sha: str) -> dict[str, str]:
        """path → blob SHA of every file in the tree of commit `sha`."""
        with self._errors(reading=True, what="reading a tree"):
            tree = self.repo.get_git_tree(sha, recursive=True)
            return {e.path: e.sha for e in tree.tree if e.type == "blob"}

    def read_blob(self, sha: str) -> bytes:
        with self._errors(reading=True, what="reading a file"):
            blob = self.repo.get_git_blob(sha)
            return base64.b64decode(blob.content) if blob.encoding == "base64" else blob.content.encode()

    def branch_info(self, base_sha: str, branch_sha: str) -> BranchInfo:
        with self._errors(reading=True, what="comparing the branch with the base"):
            cmp = self.repo.compare(base_sha, branch_sha)
            foreign = tuple(c.sha for c in cmp.commits if not is_bot_commit(c.commit.message))
            return BranchInfo(
                sha=branch_sha,
                behind_by=cmp.behind_by,
                ahead_by=cmp.ahead_by,
                foreign=foreign,
                files=self.tree_files(branch_sha),
            )

    def pulls(self, branch: str) -> list[PullInfo]:
        """The pull requests from `branch` (open and closed), newest first; the owner:branch form is required."""
        with self._errors(reading=True, what="listing pull requests"):
            found = self.repo.get_pulls(state="all", head=f"{self.repo.owner.login}:{branch}")
            return [
                PullInfo(
                    number=p.number,
                    url=p.html_url,
                    state=p.state,
                    merged=p.merged_at is not None,
                    body=p.body or "",
                    head_sha=p.head.sha,
                    labels=tuple(label.name for label in p.labels),
                    raw=p,
                )
                for p in found
            ]

    # --- writes

    def commit(self, parent_sha: str, files: dict[str, str], message: str) -> str:
        """A commit of `files` (path → text) on top of `parent_sha`: one tree request (inline content) and
        one commit request, no author given (GitHub signs it). Its SHA."""
        with self._errors(what="building a commit"):
            parent = self._commit_object(parent_sha)
        elements = [InputGitTreeElement(path, "100644", "blob", content=text) for path, text in sorted(files.items())]
        base_tree: GitTree = parent.tree
        tree = self._write("creating a tree", lambda: self.repo.create_git_tree(elements, base_tree=base_tree))
        made = self._write("creating a commit", lambda: self.repo.create_git_commit(message, tree, [parent]))
        self._commits[made.sha] = made
        return made.sha

    def _commit_object(self, sha: str) -> GitCommit:
        if sha not in self._commits:
            self._commits[sha] = self.repo.get_git_commit(sha)
        return self._commits[sha]

    def set_branch(self, branch: str, sha: str, *, expected: str | None) -> None:
        """Point `branch` at `sha`; `expected` is where it pointed when this run looked (None: no branch).

        The update is forced (the new commits are built on the base, not on the old branch), so the branch
        is read again just before: a person who pushed meanwhile is not overwritten (the next run hands off).
        """
        if expected is None:
            self._write("creating the branch", lambda: self.repo.create_git_ref(f"refs/heads/{branch}", sha))
            return
        with self._errors(reading=True, what="reading the branch"):
            ref: GitRef = self.repo.get_git_ref(f"heads/{branch}")
        if ref.object.sha != expected:
            raise CuratorError(
                f"someone pushed to {branch} during this run: nothing of theirs was overwritten; the next run "
                "leaves the branch to them"
            )
        self._write("updating the branch", lambda: ref.edit(sha, force=True))

    def delete_branch(self, branch: str) -> None:
        with self._errors(what="deleting the branch"):
            ref = self.repo.get_git_ref(f"heads/{branch}")
        self._write("deleting the branch", ref.delete)

    def open_pull(self, *, base: str, branch: str, title: str, body: str) -> tuple[int, str]:
        pull = self._write(
            "opening the pull request",
            lambda: self.repo.create_pull(base=base, head=branch, title=title, body=body, maintainer_can_modify=True),
        )
        return pull.number, pull.html_url

    def edit_body(self, pull: PullInfo, body: str) -> None:
        self._write("editing the pull request", lambda: pull.raw.edit(body=body))

    def comment(self, pull: PullInfo, text: str) -> None:
        self._write("commenting", lambda: pull.raw.create_issue_comment(text))

    def add_label(self, pull: PullInfo, label: str) -> None:
        self._write("labelling", lambda: pull.raw.add_to_labels(label))

    def close_with_body(self, pull: PullInfo, body: str) -> None:
        self._write("closing the pull request", lambda: pull.raw.edit(state="closed", body=body))

    # --- the list-health issue

    def issues(self, label: str) -> list[IssueInfo]:
        """The issues (not pull requests) labelled `label`, open and closed, oldest first."""
        with self._errors(reading=True, what=f"listing issues for {ISSUE_WORK}"):
            found = self.repo.get_issues(state="all", labels=[label], sort="created", direction="asc")
            return [
                IssueInfo(number=i.number, url=i.html_url, state=i.state, body=i.body or "", raw=i)
                for i in found
                if i.pull_request is None
            ]

    def open_issue(self, *, title: str, body: str, label: str) -> tuple[int, str]:
        made = self._write(f"opening {ISSUE_WORK}", lambda: self.repo.create_issue(title, body=body, labels=[label]))
        return made.number, made.html_url

    def edit_issue(self, issue: IssueInfo, *, body: str, state: str | None = None) -> None:
        """The issue's body (and its state when given) in one request."""
        if state is None:
            self._write(f"editing {ISSUE_WORK}", lambda: issue.raw.edit(body=body))
        else:
            self._write(f"editing {ISSUE_WORK}", lambda: issue.raw.edit(body=body, state=state))

    def comment_issue(self, issue: IssueInfo, text: str) -> None:
        self._write(f"commenting on {ISSUE_WORK}", lambda: issue.raw.create_comment(text))
