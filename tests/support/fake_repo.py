"""One repository the fake GitHub API hosts for writes, backed by a real bare git repository.

`curator pr` makes a rolling pull request through the Git Data API (blobs, trees, commits, refs), then opens
or updates the pull request, its labels and comments. To test that for real, the fake keeps the repository in
a bare git repository in a temp dir: every SHA is a real git SHA, and a test can read any commit back with
git. `FakeGithub.host_repo()` makes one and routes `/repos/{owner}/{name}/...` here.

Served (JSON shaped as GitHub's REST API v3, enough for PyGithub 2.x objects): the repository, git blobs,
trees, commits, refs (`/git/ref/` and `/git/refs/`), commits, branches, compare, contents, pulls, issues,
issue comments, labels and issue events. Lists are paginated as GitHub does (`per_page`, a `Link` header).
Anything else under the repository is a 404, so an unserved call fails loudly.

    with FakeGithub() as api:
        host = api.host_repo("octo/awesome-list")      # or the `hosted_repo` fixture
        host.seed({"catalog/a.yaml": b"a: 1\n"})
        repo = Github(auth=Auth.Token(GOOD_TOKEN), base_url=api.url, ...).get_repo("octo/awesome-list")
        ...                                            # blobs, trees, commits, refs, a pull, as curator does
        assert host.files_at("curator/updates") == {...} and host.write_requests() == [...]

Test-side controls are plain methods (`seed`, `commit_as_person`, `advance_base`, `merge_pull`,
`close_pull`, `remove_label`, `files_at`, `write_requests`...); faults are attributes (`deny_writes`,
`deny_pull_creation`, `secondary_writes`, `missing`).

The git side (a scrubbed environment, tree building in a temp index, commit-tree with explicit identities)
is `fake_git.BareGit`, the issue side (issues, comments, labels, events) `fake_issues.IssueRoutes`; this class
extends both and adds the pull requests and the routing. Dates come from a fixed clock that advances a minute a step,
so a test run makes the same SHAs every time.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, unquote

import pytest

from tests.support.fake_git import BareGit, GitError, iso
from tests.support.fake_issues import (
    DOCS,
    Answer,
    IssueRoutes,
    Label,
    Thread,
    invalid,
    not_found,
    too_long,
    validation,
)

if TYPE_CHECKING:
    from tests.support.fake_github import FakeGithub, Logged

WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
START_EPOCH = 1_767_225_600  # 2026-01-01T00:00:00Z: the fake's clock starts here and advances a minute a step
BOT_LOGIN = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"
WEB_COMMITTER = ("GitHub", "noreply@github.com")  # who GitHub writes as committer of the commits it signs
ZERO_SHA = "0" * 40
NOT_INTEGRATION = "Resource not accessible by integration"
NO_ACTIONS_PULLS = "GitHub Actions is not permitted to create or approve pull requests."
SECONDARY_LIMIT = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
_SHA = re.compile(r"^[0-9a-f]{40}$")


class FakeRepoHost(BareGit, IssueRoutes):
    def __init__(
        self,
        api: FakeGithub,
        full_name: str = "octo/awesome-list",
        *,
        default_branch: str = "main",
        private: bool = False,
        bot_login: str = BOT_LOGIN,
        bot_email: str = BOT_EMAIL,
    ) -> None:
        super().__init__(default_branch)
        self.api = api
        self.full_name = full_name
        self.owner, self.name = full_name.split("/")
        self.default_branch = default_branch
        self.private = private
        self.bot_login = bot_login  # who the token is: author of API commits, pulls, comments
        self.bot_email = bot_email
        self.id = 424242
        # faults
        self.deny_writes = False  # 403 "Resource not accessible by integration" on every write
        self.deny_pull_creation = False  # 403 "GitHub Actions is not permitted..." on POST pulls
        self.secondary_writes = 0  # the next N writes get 403 + retry-after and the secondary-limit message
        self.secondary_retry_after = 1
        self.missing = False  # 404 for the repository and everything under it
        # called (method, path under the repository) before each write is served: a person's push can land
        # between curator's read of a ref and its update
        self.on_write: Callable[[str, str], None] | None = None
        # state
        self.labels: dict[str, Label] = {}  # lower name → label
        self.threads: dict[int, Thread] = {}
        self.verified: set[str] = set()  # SHAs of commits GitHub would have signed
        self.logins: dict[str, str] = {bot_email.lower(): bot_login}  # author email → login
        self._clock = START_EPOCH
        self._next_id = 5000

    def _person(self, login: str) -> tuple[str, str]:
        email = f"{login}@users.noreply.github.com"
        self.logins[email.lower()] = login
        return login, email

    def _files_commit(
        self, branch: str, files: dict[str, bytes | None], author: tuple[str, str], message: str, *, signed: bool
    ) -> str:
        parent = self.branch_sha(branch) or self.branch_sha(self.default_branch)
        base_tree = self.git("rev-parse", f"{parent}^{{tree}}").decode().strip() if parent else None
        entries: list[tuple[str, str, str, str | None]] = [
            (path, "100644", "blob", None if data is None else self.hash_blob(data)) for path, data in files.items()
        ]
        tree = self.build_tree(base_tree, entries)
        when = self._tick()
        committer = WEB_COMMITTER if signed else author
        sha = self.commit_tree(tree, [parent] if parent else [], message, (*author, when), (*committer, when))
        if signed:
            self.verified.add(sha)
        self.git("update-ref", f"refs/heads/{branch}", sha)
        return sha

    # --- test-side controls

    def seed(self, files: dict[str, bytes], branch: str | None = None, *, author: str | None = None) -> str:
        """The first commit of `branch` (the default branch unless given), by the owner unless `author` is
        given; its SHA."""
        branch = branch or self.default_branch
        with self._lock:
            assert self.branch_sha(branch) is None, f"{branch} already has commits"
            who = self._person(author or self.owner)
            entries: list[tuple[str, str, str, str | None]] = [
                (path, "100644", "blob", self.hash_blob(data)) for path, data in files.items()
            ]
            tree = self.build_tree(None, entries)
            when = self._tick()
            sha = self.commit_tree(tree, [], "Initial commit\n", (*who, when), (*who, when))
            self.git("update-ref", f"refs/heads/{branch}", sha, "")
            return sha

    def commit_as_person(
        self, branch: str, files: dict[str, bytes | None], author: str = "alice", message: str | None = None
    ) -> str:
        """A commit by a person (not the bot, not signed) on `branch` (made from the default branch if it does
        not exist yet); a None content deletes the file. Its SHA."""
        with self._lock:
            who = self._person(author)
            text = message or f"Edit {', '.join(sorted(files))} by hand\n"
            return self._files_commit(branch, files, who, text, signed=False)

    def advance_base(self, files: dict[str, bytes | None], author: str = "maintainer") -> str:
        """A person's commit on the default branch: the base moves on under an open pull request."""
        return self.commit_as_person(self.default_branch, files, author, f"Update {', '.join(sorted(files))}\n")

    def merge_pull(self, number: int, by: str = "maintainer") -> str:
        """Merge pull `number` as a person would on the web: a real merge commit on the base (signed by GitHub),
        the pull closed and merged. The merge commit's SHA; AssertionError on a conflict."""
        with self._lock:
            pr = self.threads[number]
            assert pr.is_pull and pr.state == "open", f"#{number} is not an open pull request"
            head = self._pull_head_sha(pr)
            base = self.branch_sha(pr.base)
            assert base is not None, pr.base
            tree = self.merge_tree(base, head)
            assert tree is not None, f"#{number} does not merge cleanly"
            who = self._person(by)
            when = self._tick()
            message = f"Merge pull request #{number} from {self.owner}/{pr.head}\n\n{pr.title}\n"
            sha = self.commit_tree(tree, [base, head], message, (*who, when), (*WEB_COMMITTER, when))
            self.verified.add(sha)
            pr.commits_at_close = self.commits_between(base, head)
            self.git("update-ref", f"refs/heads/{pr.base}", sha, base)
            pr.state, pr.merged, pr.merged_at, pr.merged_by = "closed", True, when, by
            pr.closed_at = pr.updated_at = when
            pr.merge_commit_sha = sha
            pr.base_sha = base
            self._event(pr, "merged", by, commit_id=sha)
            self._event(pr, "closed", by)
            return sha

    def delete_branch(self, branch: str, by: str = "maintainer") -> None:
        """A person deletes `branch`; as on GitHub, the open pulls it heads close."""
        with self._lock:
            old = self.branch_sha(branch)
            assert old is not None, f"no branch {branch}"
            self.git("update-ref", "-d", f"refs/heads/{branch}", old)
            self._close_pulls_of(branch, old, by)

    def close_pull(self, number: int, by: str = "maintainer") -> None:
        """Close pull (or issue) `number` unmerged, as a person."""
        with self._lock:
            self._close(self.threads[number], by)

    def remove_label(self, number: int, name: str, by: str = "alice") -> None:
        """A person takes label `name` off issue or pull `number`."""
        with self._lock:
            thread = self.threads[number]
            on = [n for n in thread.labels if n.lower() == name.lower()]
            assert on, f"#{number} has no label {name!r}"
            thread.labels.remove(on[0])
            self._event(thread, "unlabeled", by, label=on[0])

    def add_label(self, number: int, name: str, by: str = "alice") -> None:
        with self._lock:
            self._add_labels(self.threads[number], [name], by)

    def comment_as_person(self, number: int, body: str, author: str = "alice") -> int:
        with self._lock:
            return self._comment(self.threads[number], body, author).id

    def pull(self, number: int) -> Thread:
        return self.threads[number]

    def write_requests(self) -> list[Logged]:
        """Every logged request that writes (POST, PATCH, PUT, DELETE), but GraphQL queries."""
        return [r for r in self.api.calls() if r.method in WRITE_METHODS and (r.method, r.path) != ("POST", "/graphql")]

    # --- routing

    def answer(self, method: str, path: str, query: str, headers: dict[str, str], body: Any) -> Answer | None:
        """The answer to a request for this repository, or None when the path is not this repository's."""
        prefix = f"/repos/{self.full_name}".lower()
        if path.lower() != prefix and not path.lower().startswith(prefix + "/"):
            return None
        if self.missing:
            return 404, {}, {"message": "Not Found", "documentation_url": DOCS}
        rest = path[len(prefix) :]
        params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
        with self._lock:
            if method in WRITE_METHODS:
                refused = self._refuse_write(method, rest, headers)
                if refused is not None:
                    return refused
                if self.on_write is not None:
                    self.on_write(method, rest)
            for verb, pattern, handler in self._routes():
                if verb != method:
                    continue
                m = re.fullmatch(pattern, rest)
                if m is None:
                    continue
                args = {k: unquote(v) for k, v in m.groupdict().items() if v is not None}
                try:
                    return handler(params=params, body=body, path=path, **args)
                except (KeyError, TypeError, ValueError, AttributeError) as exc:
                    return invalid(f"Invalid request: {exc!r}")
                except GitError as exc:  # a request the fake did not foresee: say so rather than hang up
                    return 500, {}, {"message": f"the fake's git failed: {exc}"}
        return 404, {}, {"message": "Not Found", "documentation_url": DOCS}

    def _refuse_write(self, method: str, rest: str, headers: dict[str, str]) -> Answer | None:
        if not headers.get("authorization"):
            return 401, {}, {"message": "Requires authentication", "documentation_url": DOCS}
        if self.secondary_writes > 0:
            self.secondary_writes -= 1
            return 403, {"retry-after": str(self.secondary_retry_after)}, {"message": SECONDARY_LIMIT}
        if self.deny_writes:
            return 403, {}, {"message": NOT_INTEGRATION, "documentation_url": DOCS}
        if self.deny_pull_creation and method == "POST" and rest == "/pulls":
            return 403, {}, {"message": NO_ACTIONS_PULLS, "documentation_url": DOCS}
        return None

    def _routes(self) -> list[tuple[str, str, Callable[..., Answer]]]:
        n = r"(?P<number>\d+)"
        return [
            ("GET", r"", self._get_repo),
            ("POST", r"/git/blobs", self._post_blob),
            ("GET", r"/git/blobs/(?P<sha>[^/]+)", self._get_blob),
            ("POST", r"/git/trees", self._post_tree),
            ("GET", r"/git/trees/(?P<sha>.+)", self._get_tree),
            ("POST", r"/git/commits", self._post_commit),
            ("GET", r"/git/commits/(?P<sha>[^/]+)", self._get_git_commit),
            ("GET", r"/commits", self._list_commits),
            ("GET", r"/commits/(?P<ref>.+)", self._get_commit),
            ("GET", r"/git/refs", self._list_refs),
            ("GET", r"/git/matching-refs/(?P<ref>.*)", self._matching_refs),
            ("GET", r"/git/refs?/(?P<ref>.+)", self._get_ref),
            ("POST", r"/git/refs", self._post_ref),
            ("PATCH", r"/git/refs/(?P<ref>.+)", self._patch_ref),
            ("DELETE", r"/git/refs/(?P<ref>.+)", self._delete_ref),
            ("GET", r"/branches/(?P<branch>.+)", self._get_branch),
            ("GET", r"/compare/(?P<basehead>.+)", self._compare),
            ("GET", r"/contents/?(?P<file>.*)", self._get_contents),
            ("GET", r"/pulls", self._list_pulls),
            ("POST", r"/pulls", self._post_pull),
            ("GET", rf"/pulls/{n}", self._get_pull),
            ("PATCH", rf"/pulls/{n}", self._patch_pull),
            ("GET", rf"/pulls/{n}/commits", self._pull_commits),
            ("GET", rf"/pulls/{n}/files", self._pull_files),
            ("GET", rf"/pulls/{n}/merge", self._pull_merged),
            ("GET", r"/issues", self._list_issues),
            ("POST", r"/issues", self._post_issue),
            ("GET", rf"/issues/{n}", self._get_issue),
            ("PATCH", rf"/issues/{n}", self._patch_issue),
            ("GET", rf"/issues/{n}/comments", self._list_comments),
            ("POST", rf"/issues/{n}/comments", self._post_comment),
            ("GET", rf"/issues/{n}/events", self._list_events),
            ("GET", rf"/issues/{n}/labels", self._issue_labels),
            ("POST", rf"/issues/{n}/labels", self._post_issue_labels),
            ("PUT", rf"/issues/{n}/labels", self._put_issue_labels),
            ("DELETE", rf"/issues/{n}/labels", self._delete_issue_labels),
            ("DELETE", rf"/issues/{n}/labels/(?P<name>.+)", self._delete_issue_label),
            ("GET", r"/labels", self._list_labels),
            ("POST", r"/labels", self._post_label),
            ("GET", r"/labels/(?P<name>.+)", self._get_label),
            ("DELETE", r"/labels/(?P<name>.+)", self._delete_label),
        ]

    # --- JSON shapes

    @property
    def api_url(self) -> str:
        return self.api.url

    @property
    def base(self) -> str:
        return f"{self.api.url}/repos/{self.full_name}"

    @property
    def html(self) -> str:
        return f"https://github.com/{self.full_name}"

    def repo_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "node_id": f"R_{self.id}",
            "name": self.name,
            "full_name": self.full_name,
            "owner": self._user(self.owner),
            "private": self.private,
            "visibility": "private" if self.private else "public",
            "fork": False,
            "archived": False,
            "disabled": False,
            "url": self.base,
            "html_url": self.html,
            "default_branch": self.default_branch,
            "permissions": {"admin": False, "maintain": False, "push": True, "triage": True, "pull": True},
            "allow_merge_commit": True,
            "delete_branch_on_merge": False,
        }

    def _ref_json(self, ref: str, sha: str) -> dict[str, Any]:
        return {
            "ref": ref,
            "node_id": f"REF_{ref}",
            "url": f"{self.base}/git/{ref}",
            "object": {"sha": sha, "type": "commit", "url": f"{self.base}/git/commits/{sha}"},
        }

    def _verification(self, sha: str) -> dict[str, Any]:
        signed = sha in self.verified
        return {
            "verified": signed,
            "reason": "valid" if signed else "unsigned",
            "signature": "-----BEGIN PGP SIGNATURE-----\nfake\n-----END PGP SIGNATURE-----" if signed else None,
            "payload": None,
            "verified_at": None,
        }

    def _git_commit_json(self, sha: str) -> dict[str, Any]:
        c = self.read_commit(sha)
        return {
            "sha": sha,
            "node_id": f"C_{sha}",
            "url": f"{self.base}/git/commits/{sha}",
            "html_url": f"{self.html}/commit/{sha}",
            "author": c["author"],
            "committer": c["committer"],
            "message": c["message"].removesuffix("\n"),
            "tree": {"sha": c["tree"], "url": f"{self.base}/git/trees/{c['tree']}"},
            "parents": [
                {"sha": p, "url": f"{self.base}/git/commits/{p}", "html_url": f"{self.html}/commit/{p}"}
                for p in c["parents"]
            ],
            "verification": self._verification(sha),
        }

    def _commit_json(self, sha: str, *, files: bool = False) -> dict[str, Any]:
        git_commit = self._git_commit_json(sha)
        detail = {k: git_commit[k] for k in ("url", "author", "committer", "message", "tree", "verification")}
        out: dict[str, Any] = {
            "sha": sha,
            "node_id": f"C_{sha}",
            "commit": {**detail, "comment_count": 0},
            "url": f"{self.base}/commits/{sha}",
            "html_url": f"{self.html}/commit/{sha}",
            "comments_url": f"{self.base}/commits/{sha}/comments",
            "author": self._user(self.logins.get(git_commit["author"]["email"].lower())),
            "committer": self._user(self.logins.get(git_commit["committer"]["email"].lower())),
            "parents": [
                {"sha": p["sha"], "url": f"{self.base}/commits/{p['sha']}", "html_url": p["html_url"]}
                for p in git_commit["parents"]
            ],
        }
        if files:
            parents = git_commit["parents"]
            changed = self._diff(parents[0]["sha"] if parents else None, sha)
            out["files"] = changed
            additions = sum(f["additions"] for f in changed)
            deletions = sum(f["deletions"] for f in changed)
            out["stats"] = {"additions": additions, "deletions": deletions, "total": additions + deletions}
        return out

    def _diff(self, old: str | None, new: str) -> list[dict[str, Any]]:
        """The files that differ between two commits (`old` None: the root commit's files), as GitHub lists."""
        args = ["diff-tree", "-r", "-z", "--no-commit-id", "--numstat", "--no-renames"]
        args += [old, new] if old else ["--root", new]
        numstat = self.git(*args).split(b"\0")
        args[args.index("--numstat")] = "--name-status"
        status_words = {"A": "added", "M": "modified", "D": "removed", "T": "changed"}
        names = [x.decode() for x in self.git(*args).split(b"\0") if x]
        statuses = dict(zip(names[1::2], names[0::2], strict=True))
        out: list[dict[str, Any]] = []
        for item in numstat:
            text = item.decode()
            if not text or "\t" not in text:
                continue
            added, removed, filename = text.split("\t", 2)
            plus = 0 if added == "-" else int(added)
            minus = 0 if removed == "-" else int(removed)
            blob = ZERO_SHA if statuses.get(filename) == "D" else self.blob_at(new, filename)
            out.append(
                {
                    "sha": blob,
                    "filename": filename,
                    "status": status_words.get(statuses.get(filename, "M"), "modified"),
                    "additions": plus,
                    "deletions": minus,
                    "changes": plus + minus,
                    "blob_url": f"{self.html}/blob/{new}/{quote(filename)}",
                    "raw_url": f"{self.html}/raw/{new}/{quote(filename)}",
                    "contents_url": f"{self.base}/contents/{quote(filename)}?ref={new}",
                }
            )
        return out

    # --- repository and git data

    def _get_repo(self, **_: Any) -> Answer:
        return 200, {}, self.repo_json()

    def _post_blob(self, body: Any, **_: Any) -> Answer:
        encoding = body.get("encoding", "utf-8")
        content = body["content"]
        if not isinstance(content, str) or encoding not in ("utf-8", "base64"):
            return invalid("content must be a string and encoding utf-8 or base64")
        data = base64.b64decode(content, validate=False) if encoding == "base64" else content.encode()
        sha = self.hash_blob(data)
        return 201, {}, {"sha": sha, "url": f"{self.base}/git/blobs/{sha}"}

    def _get_blob(self, sha: str, **_: Any) -> Answer:
        if self.object_type(sha) != "blob":
            return not_found()
        data = self.git("cat-file", "blob", sha)
        return (
            200,
            {},
            {
                "sha": sha,
                "node_id": f"B_{sha}",
                "size": len(data),
                "url": f"{self.base}/git/blobs/{sha}",
                "content": _b64_lines(data),
                "encoding": "base64",
            },
        )

    def _post_tree(self, body: Any, **_: Any) -> Answer:
        base_tree = body.get("base_tree")
        if base_tree is not None and self.object_type(base_tree) != "tree":
            return invalid("base_tree is not a valid tree oid")
        entries: list[tuple[str, str, str, str | None]] = []
        for entry in body["tree"]:
            path, mode, kind = entry.get("path"), entry.get("mode"), entry.get("type", "blob")
            parts = path.split("/") if isinstance(path, str) else [""]
            if any(p in ("", ".", "..", ".git") for p in parts):
                return invalid(f"tree.path contains a malformed path component: {path!r}")
            if mode not in ("100644", "100755", "040000", "160000", "120000") or kind not in ("blob", "tree", "commit"):
                return invalid(f"tree.mode {mode!r} or tree.type {kind!r} is not valid")
            if "content" in entry:
                entries.append((path, mode, "blob", self.hash_blob(str(entry["content"]).encode())))
                continue
            if "sha" not in entry:
                return invalid(f"tree entry {path!r} needs a sha (null deletes it) or content")
            sha = entry["sha"]
            if sha is not None and kind != "commit" and self.object_type(sha) != kind:
                return invalid(f"tree.sha {sha} is not a valid {kind}")
            entries.append((path, mode, kind, sha))
        return 201, {}, self._tree_json(self.build_tree(base_tree, entries), recursive=False)

    def _tree_json(self, sha: str, *, recursive: bool) -> dict[str, Any]:
        args = ["ls-tree", "-z", "-l", *(["-r", "-t"] if recursive else []), sha]
        items: list[dict[str, Any]] = []
        for line in self.git(*args).split(b"\0"):
            if not line:
                continue
            meta, _, path = line.partition(b"\t")
            mode, kind, object_sha, size = meta.decode().split()
            item: dict[str, Any] = {"path": path.decode(), "mode": mode, "type": kind, "sha": object_sha}
            if kind == "blob":
                item["size"] = int(size)
                item["url"] = f"{self.base}/git/blobs/{object_sha}"
            elif kind == "tree":
                item["url"] = f"{self.base}/git/trees/{object_sha}"
            items.append(item)
        return {"sha": sha, "url": f"{self.base}/git/trees/{sha}", "tree": items, "truncated": False}

    def _get_tree(self, sha: str, params: dict[str, str], **_: Any) -> Answer:
        tree = ""
        specs = [] if sha.startswith("-") else [f"{sha}^{{tree}}", f"refs/heads/{sha}^{{tree}}"]  # or a branch name
        for spec in specs:
            try:
                tree = self.git("rev-parse", "--verify", "--quiet", spec).decode().strip()
                break
            except GitError:
                continue
        if not tree:
            return not_found()
        return 200, {}, self._tree_json(tree, recursive=params.get("recursive") not in (None, "", "0", "false"))

    def _identity(self, given: Any, fallback: tuple[str, str]) -> tuple[str, str, int]:
        if not given:
            return (*fallback, self._clock)
        when = self._clock
        if given.get("date"):
            when = int(datetime.fromisoformat(str(given["date"]).replace("Z", "+00:00")).timestamp())
        return str(given["name"]), str(given["email"]), when

    def _post_commit(self, body: Any, **_: Any) -> Answer:
        tree, parents = body["tree"], body.get("parents") or []
        if not _SHA.match(str(tree)) or self.object_type(tree) != "tree":
            return invalid("Tree SHA does not exist")
        if not isinstance(parents, list) or any(
            not _SHA.match(str(p)) or self.object_type(p) != "commit" for p in parents
        ):
            return invalid("Parent SHA does not exist or is not a commit object")
        self._tick()
        # No author: GitHub writes the token's identity and signs the commit (it shows "Verified").
        signed = not body.get("author") and not body.get("committer")
        author = self._identity(body.get("author"), (self.bot_login, self.bot_email))
        committer = self._identity(body.get("committer"), WEB_COMMITTER if signed else author[:2])
        sha = self.commit_tree(tree, parents, str(body["message"]), author, committer)
        if signed:
            self.verified.add(sha)
        return 201, {}, self._git_commit_json(sha)

    def _get_git_commit(self, sha: str, **_: Any) -> Answer:
        if not _SHA.match(sha) or self.object_type(sha) != "commit":
            return not_found()
        return 200, {}, self._git_commit_json(sha)

    def _list_commits(self, params: dict[str, str], path: str, **_: Any) -> Answer:
        sha = self.sha(params.get("sha") or self.default_branch)
        if sha is None:
            return 404, {}, {"message": "Not Found", "documentation_url": DOCS}
        file = params.get("path")
        found = self.git("rev-list", sha, *(["--", file] if file else [])).decode().split()
        return self._page([self._commit_json(c) for c in found], params, path)

    def _get_commit(self, ref: str, **_: Any) -> Answer:
        sha = self.sha(ref)
        if sha is None:
            return 422, {}, {"message": f"No commit found for SHA: {ref}", "documentation_url": DOCS}
        return 200, {}, self._commit_json(sha, files=True)

    def _list_refs(self, params: dict[str, str], path: str, **_: Any) -> Answer:
        return self._page([self._ref_json(r, s) for r, s in self.all_refs().items()], params, path)

    def _matching_refs(self, ref: str, params: dict[str, str], path: str, **_: Any) -> Answer:
        found = [self._ref_json(r, s) for r, s in self.all_refs().items() if r.startswith(f"refs/{ref}")]
        return self._page(found, params, path)

    def _get_ref(self, ref: str, path: str, **_: Any) -> Answer:
        full = f"refs/{ref}"
        refs = self.all_refs()
        if full in refs:
            return 200, {}, self._ref_json(full, refs[full])
        if "/git/refs/" in path:  # the old plural form answers a prefix with every matching ref
            found = [self._ref_json(r, s) for r, s in refs.items() if r.startswith(full + "/")]
            if found:
                return 200, {}, found
        return not_found()

    def _post_ref(self, body: Any, **_: Any) -> Answer:
        ref, sha = body["ref"], body["sha"]
        if not isinstance(ref, str) or not ref.startswith("refs/") or ref.count("/") < 2:
            return invalid("Reference name is not valid")
        if not self.ok("check-ref-format", ref):
            return invalid("Reference name is not valid")
        if not _SHA.match(str(sha)) or self.object_type(sha) != "commit":
            return invalid("Object does not exist")
        if ref in self.all_refs():
            return invalid("Reference already exists")
        try:
            self.git("update-ref", ref, sha, "")
        except GitError:  # refs/heads/a where refs/heads/a/b exists, or the other way round
            return invalid(f"Reference cannot be created: {ref} clashes with an existing ref")
        return 201, {}, self._ref_json(ref, sha)

    def _patch_ref(self, ref: str, body: Any, **_: Any) -> Answer:
        full = f"refs/{ref}"
        old = self.all_refs().get(full)
        if old is None:
            return invalid("Reference does not exist")
        sha = body["sha"]
        if not _SHA.match(str(sha)) or self.object_type(sha) != "commit":
            return invalid("Object does not exist")
        if not body.get("force") and not self.ok("merge-base", "--is-ancestor", old, sha):
            return invalid("Update is not a fast forward")
        self.git("update-ref", full, sha, old)
        return 200, {}, self._ref_json(full, sha)

    def _delete_ref(self, ref: str, **_: Any) -> Answer:
        full = f"refs/{ref}"
        old = self.all_refs().get(full)
        if old is None:
            return invalid("Reference does not exist")
        self.git("update-ref", "-d", full, old)
        if full.startswith("refs/heads/"):
            self._close_pulls_of(full.removeprefix("refs/heads/"), old, self.bot_login)
        return 204, {}, None

    def _close_pulls_of(self, branch: str, last_sha: str, by: str) -> None:
        """GitHub closes the open pulls whose head branch is deleted."""
        for pr in self.threads.values():
            if pr.is_pull and pr.state == "open" and pr.head == branch:
                pr.head_sha = last_sha
                self._close(pr, by)

    def _get_branch(self, branch: str, **_: Any) -> Answer:
        sha = self.branch_sha(branch)
        if sha is None:
            return 404, {}, {"message": "Branch not found", "documentation_url": DOCS}
        return (
            200,
            {},
            {
                "name": branch,
                "commit": self._commit_json(sha),
                "protected": False,
                "_links": {"self": f"{self.base}/branches/{quote(branch)}", "html": f"{self.html}/tree/{branch}"},
                "protection_url": f"{self.base}/branches/{quote(branch)}/protection",
            },
        )

    def _compare(self, basehead: str, **_: Any) -> Answer:
        if "..." not in basehead:
            return not_found()
        base_name, head_name = basehead.split("...", 1)
        base, head = (self.sha(n.split(":", 1)[-1]) for n in (base_name, head_name))
        if base is None or head is None:
            return not_found()
        merge_base = self.merge_base(base, head)
        if merge_base is None:
            return 404, {}, {"message": f"No common ancestor between {base_name} and {head_name}."}
        ahead, behind = self.commits_between(base, head), self.commits_between(head, base)
        status = {(False, False): "identical", (True, False): "ahead", (False, True): "behind"}.get(
            (bool(ahead), bool(behind)), "diverged"
        )
        return (
            200,
            {},
            {
                "url": f"{self.base}/compare/{basehead}",
                "html_url": f"{self.html}/compare/{basehead}",
                "permalink_url": f"{self.html}/compare/{base}...{head}",
                "diff_url": f"{self.html}/compare/{basehead}.diff",
                "patch_url": f"{self.html}/compare/{basehead}.patch",
                "base_commit": self._commit_json(base),
                "merge_base_commit": self._commit_json(merge_base),
                "status": status,
                "ahead_by": len(ahead),
                "behind_by": len(behind),
                "total_commits": len(ahead),
                "commits": [self._commit_json(sha) for sha in ahead],
                "files": self._diff(merge_base, head),
            },
        )

    def _get_contents(self, file: str, params: dict[str, str], **_: Any) -> Answer:
        ref = params.get("ref") or self.default_branch
        commit = self.sha(ref)
        if commit is None:
            return 404, {}, {"message": f"No commit found for the ref {ref}", "documentation_url": DOCS}
        file = file.strip("/")
        spec = f"{commit}:{file}" if file else f"{commit}^{{tree}}"
        try:
            sha = self.git("rev-parse", "--verify", "--quiet", spec).decode().strip()
        except GitError:
            return not_found()
        kind = self.object_type(sha)
        if kind == "tree":
            listing = self._tree_json(sha, recursive=False)["tree"]
            prefix = f"{file}/" if file else ""
            return 200, {}, [self._content_json(prefix + e["path"], e["sha"], e["type"], ref) for e in listing]
        data = self.git("cat-file", "blob", sha)
        answer = self._content_json(file, sha, "blob", ref, size=len(data))
        return 200, {}, {**answer, "content": _b64_lines(data), "encoding": "base64"}

    def _content_json(self, path: str, sha: str, kind: str, ref: str, size: int = 0) -> dict[str, Any]:
        url = f"{self.base}/contents/{quote(path)}?ref={quote(ref)}"
        git_url = f"{self.base}/git/{'blobs' if kind == 'blob' else 'trees'}/{sha}"
        html_url = f"{self.html}/{'blob' if kind == 'blob' else 'tree'}/{ref}/{quote(path)}"
        return {
            "type": "file" if kind == "blob" else "dir",
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "sha": sha,
            "size": size,
            "url": url,
            "git_url": git_url,
            "html_url": html_url,
            "download_url": f"https://raw.githubusercontent.com/{self.full_name}/{ref}/{quote(path)}"
            if kind == "blob"
            else None,
            "_links": {"self": url, "git": git_url, "html": html_url},
        }

    # --- issues and pulls

    def _close(self, thread: Thread, by: str) -> None:
        if thread.state == "closed":
            return
        if thread.is_pull:
            base = self.branch_sha(thread.base)
            head = self._pull_head_sha(thread)
            thread.commits_at_close = self.commits_between(base, head) if base else []
        thread.state, thread.closed_at = "closed", self._tick()
        thread.state_reason = None if thread.is_pull else "completed"
        self._event(thread, "closed", by)

    def _pull_head_sha(self, pr: Thread) -> str:
        if pr.state == "open":
            pr.head_sha = self.branch_sha(pr.head) or pr.head_sha
        return pr.head_sha

    def _pull_commits_list(self, pr: Thread) -> list[str]:
        if pr.commits_at_close is not None:
            return pr.commits_at_close
        base = self.branch_sha(pr.base)
        return self.commits_between(base, self._pull_head_sha(pr)) if base else []

    def _pull_changes(self, pr: Thread) -> list[dict[str, Any]]:
        """The files the pull changes: from where its head left the base to its head."""
        head = self._pull_head_sha(pr)
        fork_point = self.merge_base(pr.base_sha, head) if pr.base_sha else None
        return self._diff(fork_point, head) if fork_point and fork_point != head else []

    def _part(self, branch: str, sha: str) -> dict[str, Any]:
        return {
            "label": f"{self.owner}:{branch}",
            "ref": branch,
            "sha": sha,
            "user": self._user(self.owner),
            "repo": self.repo_json(),
        }

    def _pull_json(self, pr: Thread, *, detail: bool = False) -> dict[str, Any]:
        issue = self._issue_json(pr)
        head = self._pull_head_sha(pr)
        if pr.state == "open":
            pr.base_sha = self.branch_sha(pr.base) or pr.base_sha
        out: dict[str, Any] = {
            **{k: issue[k] for k in ("number", "title", "body", "user", "labels", "state", "locked", "assignees")},
            **{k: issue[k] for k in ("created_at", "updated_at", "closed_at")},
            "id": pr.number + 80000,
            "node_id": f"PR_{pr.number}",
            "url": f"{self.base}/pulls/{pr.number}",
            "html_url": f"{self.html}/pull/{pr.number}",
            "diff_url": f"{self.html}/pull/{pr.number}.diff",
            "patch_url": f"{self.html}/pull/{pr.number}.patch",
            "issue_url": f"{self.base}/issues/{pr.number}",
            "commits_url": f"{self.base}/pulls/{pr.number}/commits",
            "review_comments_url": f"{self.base}/pulls/{pr.number}/comments",
            "comments_url": f"{self.base}/issues/{pr.number}/comments",
            "statuses_url": f"{self.base}/statuses/{head}",
            "merged_at": iso(pr.merged_at),
            "merge_commit_sha": pr.merge_commit_sha,
            "draft": pr.draft,
            "head": self._part(pr.head, head),
            "base": self._part(pr.base, pr.base_sha),
            "author_association": "NONE",
        }
        if detail:
            commits = self._pull_commits_list(pr)
            changed = self._pull_changes(pr)
            mergeable: bool | None = None
            if pr.state == "open" and pr.base_sha:
                mergeable = self.merge_tree(pr.base_sha, head) is not None
            out |= {
                "merged": pr.merged,
                "mergeable": mergeable,
                "mergeable_state": "unknown" if mergeable is None else "clean" if mergeable else "dirty",
                "merged_by": self._user(pr.merged_by),
                "comments": len(pr.comments),
                "review_comments": 0,
                "maintainer_can_modify": pr.maintainer_can_modify,
                "commits": len(commits),
                "additions": sum(f["additions"] for f in changed),
                "deletions": sum(f["deletions"] for f in changed),
                "changed_files": len(changed),
            }
        return out

    def _list_pulls(self, params: dict[str, str], path: str, **_: Any) -> Answer:
        state = params.get("state", "open")
        head = params.get("head")
        base = params.get("base")
        found = []
        for pr in sorted(self.threads.values(), key=lambda t: -t.number):
            if not pr.is_pull or (state != "all" and pr.state != state):
                continue
            # GitHub filters by head only in the `owner:branch` form; a bare branch name is ignored.
            if head and ":" in head:
                owner, _colon, branch = head.partition(":")
                if owner.lower() != self.owner.lower() or branch != pr.head:
                    continue
            if base and pr.base != base:
                continue
            found.append(self._pull_json(pr))
        return self._page(found, params, path)

    def _post_pull(self, body: Any, **_: Any) -> Answer:
        if refused := too_long(body, "PullRequest"):
            return refused
        head, base = str(body.get("head") or ""), str(body.get("base") or "")
        if ":" in head:
            owner, _colon, head = head.partition(":")
            if owner.lower() != self.owner.lower():
                return validation({"resource": "PullRequest", "field": "head", "code": "invalid"})
        if self.branch_sha(base) is None:
            return validation({"resource": "PullRequest", "field": "base", "code": "invalid"})
        head_sha = self.branch_sha(head)
        if head_sha is None:
            return validation({"resource": "PullRequest", "field": "head", "code": "invalid"})
        if not body.get("title"):
            return validation({"resource": "PullRequest", "field": "title", "code": "missing_field"})
        for pr in self.threads.values():
            if pr.is_pull and pr.state == "open" and pr.head == head and pr.base == base:
                message = f"A pull request already exists for {self.owner}:{head}."
                return validation({"resource": "PullRequest", "code": "custom", "message": message})
        if not self.commits_between(self.branch_sha(base) or "", head_sha):
            message = f"No commits between {base} and {head}"
            return validation({"resource": "PullRequest", "code": "custom", "message": message})
        pr = self._new_thread(
            body["title"],
            body.get("body"),
            is_pull=True,
            head=head,
            base=base,
            head_sha=head_sha,
            base_sha=self.branch_sha(base) or "",
            maintainer_can_modify=bool(body.get("maintainer_can_modify")),
            draft=bool(body.get("draft")),
        )
        return 201, {}, self._pull_json(pr, detail=True)

    def _get_pull(self, number: str, **_: Any) -> Answer:
        pr = self._thread(number, pull=True)
        return not_found() if pr is None else (200, {}, self._pull_json(pr, detail=True))

    def _edit_thread(self, thread: Thread, body: Any) -> Answer | None:
        if refused := too_long(body, "PullRequest" if thread.is_pull else "Issue"):
            return refused
        if "title" in body:
            thread.title = str(body["title"])
        if "body" in body:
            thread.body = body["body"]
        if thread.is_pull and body.get("base"):
            if self.branch_sha(body["base"]) is None:
                return validation({"resource": "PullRequest", "field": "base", "code": "invalid"})
            thread.base = body["base"]
        if "labels" in body and not thread.is_pull:
            thread.labels = []
            self._add_labels(thread, list(body["labels"]), self.bot_login)
        state = body.get("state")
        if state == "closed":
            self._close(thread, self.bot_login)
            if body.get("state_reason") and not thread.is_pull:
                thread.state_reason = body["state_reason"]
        elif state == "open" and thread.state == "closed":
            if thread.merged or (thread.is_pull and self.branch_sha(thread.head) is None):
                return validation({"resource": "PullRequest", "field": "state", "code": "invalid"})
            thread.state, thread.closed_at, thread.state_reason = "open", None, "reopened"
            thread.commits_at_close = None
            self._event(thread, "reopened", self.bot_login)
        elif state not in (None, "open", "closed"):
            return validation({"resource": "Issue", "field": "state", "code": "invalid"})
        thread.updated_at = self._tick()
        return None

    def _patch_pull(self, number: str, body: Any, **_: Any) -> Answer:
        pr = self._thread(number, pull=True)
        if pr is None:
            return not_found()
        return self._edit_thread(pr, body) or (200, {}, self._pull_json(pr, detail=True))

    def _pull_commits(self, number: str, params: dict[str, str], path: str, **_: Any) -> Answer:
        pr = self._thread(number, pull=True)
        if pr is None:
            return not_found()
        return self._page([self._commit_json(sha) for sha in self._pull_commits_list(pr)], params, path)

    def _pull_files(self, number: str, params: dict[str, str], path: str, **_: Any) -> Answer:
        pr = self._thread(number, pull=True)
        return not_found() if pr is None else self._page(self._pull_changes(pr), params, path)

    def _pull_merged(self, number: str, **_: Any) -> Answer:
        pr = self._thread(number, pull=True)
        return (204, {}, None) if pr is not None and pr.merged else not_found()

def _b64_lines(data: bytes) -> str:
    """Base64 in lines of 60 characters, each ending in a newline, as GitHub sends file contents."""
    text = base64.b64encode(data).decode()
    return "".join(text[i : i + 60] + "\n" for i in range(0, len(text), 60))


@pytest.fixture
def hosted_repo() -> Iterator[FakeRepoHost]:
    """A started FakeGithub serving `octo/awesome-list` from git; the server is `hosted_repo.api`."""
    from tests.support.fake_github import FakeGithub

    with FakeGithub() as api:
        yield api.host_repo()
