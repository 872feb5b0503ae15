"""A bare git repository run with a scrubbed environment: the store behind the fake GitHub repository.

git runs with HOME and XDG_CONFIG_HOME in the temp dir, GIT_CONFIG_NOSYSTEM and GIT_CONFIG_GLOBAL set to nothing,
identities given with `-c` and GIT_AUTHOR_*/GIT_COMMITTER_* (with explicit dates): the machine's git configuration
and the caller's environment never reach a commit, and the same steps make the same SHAs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_IDENTITY = re.compile(r"^(?P<name>.*) <(?P<email>[^>]*)> (?P<epoch>\d+) (?P<tz>[+-]\d{4})$")


class GitError(Exception):
    """git refused: the text is git's own words."""


def iso(epoch: int | None) -> str | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class BareGit:
    def __init__(self, default_branch: str = "main") -> None:
        self._lock = threading.RLock()
        self.root = Path(tempfile.mkdtemp(prefix="fake-repo-"))
        self.path = self.root / "repo.git"
        (self.root / "no-work-tree").mkdir()
        self._env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.root),
            "XDG_CONFIG_HOME": str(self.root),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_TERMINAL_PROMPT": "0",
            "LC_ALL": "C",
        }
        subprocess.run(
            ["git", "init", "--quiet", "--bare", str(self.path)], env=self._env, check=True, capture_output=True
        )
        self.git("symbolic-ref", "HEAD", f"refs/heads/{default_branch}")

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def git(self, *args: str, input: bytes | None = None, env: dict[str, str] | None = None) -> bytes:
        """Run git on the bare repository and return its output; `GitError` with git's words on failure."""
        command = ["git", "-c", "user.name=Fake", "-c", "user.email=fake@example.invalid", "-c", "gc.auto=0"]
        command += ["--git-dir", str(self.path), *args]
        done = subprocess.run(command, input=input, env={**self._env, **(env or {})}, capture_output=True)
        if done.returncode != 0:
            raise GitError(done.stderr.decode(errors="replace").strip() or f"git {args[0]} failed")
        return done.stdout

    def ok(self, *args: str) -> bool:
        try:
            self.git(*args)
        except GitError:
            return False
        return True

    def object_type(self, sha: str) -> str | None:
        if sha.startswith("-"):  # a request's words are never taken for git options
            return None
        try:
            return self.git("cat-file", "-t", sha).decode().strip()
        except GitError:
            return None

    def sha(self, ref: str) -> str | None:
        """The commit `ref` (a branch, `refs/...` or a SHA) names, or None."""
        if ref.startswith("-"):
            return None
        for candidate in (f"refs/heads/{ref}", ref):
            try:
                return self.git("rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}").decode().strip()
            except GitError:
                continue
        return None

    def branch_sha(self, branch: str) -> str | None:
        try:
            return self.git("rev-parse", "--verify", "--quiet", f"refs/heads/{branch}").decode().strip()
        except GitError:
            return None

    def branches(self) -> list[str]:
        out = self.git("for-each-ref", "--format=%(refname)", "refs/heads/").decode().split()
        return [r.removeprefix("refs/heads/") for r in out]

    def hash_blob(self, data: bytes) -> str:
        return self.git("hash-object", "-w", "--stdin", input=data).decode().strip()

    def build_tree(self, base_tree: str | None, entries: list[tuple[str, str, str, str | None]]) -> str:
        """A tree: `base_tree` (or nothing) with `entries` (path, mode, type, sha; sha None deletes the path and
        everything under it) applied in order, built in a temp index so nested paths just work."""
        index = self.root / f"index-{uuid.uuid4().hex}"
        # ls-files wants a work tree: an empty one, never read, as update-index --force-remove ignores it
        env = {"GIT_INDEX_FILE": str(index), "GIT_WORK_TREE": str(self.root / "no-work-tree")}
        try:
            self.git("read-tree", *([base_tree] if base_tree else ["--empty"]), env=env)
            for path, mode, kind, sha in entries:
                under = self.git("ls-files", "-z", "--", path, env=env)
                if under and (sha is None or kind == "tree"):
                    self.git("update-index", "--force-remove", "-z", "--stdin", input=under, env=env)
                if sha is None:
                    continue
                if kind == "tree":
                    self.git("read-tree", f"--prefix={path}/", sha, env=env)
                else:
                    self.git("update-index", "--index-info", input=f"{mode} {sha}\t{path}\n".encode(), env=env)
            return self.git("write-tree", env=env).decode().strip()
        finally:
            index.unlink(missing_ok=True)

    def commit_tree(
        self, tree: str, parents: list[str], message: str, author: tuple[str, str, int], committer: tuple[str, str, int]
    ) -> str:
        env = {
            "GIT_AUTHOR_NAME": author[0],
            "GIT_AUTHOR_EMAIL": author[1],
            "GIT_AUTHOR_DATE": f"@{author[2]} +0000",
            "GIT_COMMITTER_NAME": committer[0],
            "GIT_COMMITTER_EMAIL": committer[1],
            "GIT_COMMITTER_DATE": f"@{committer[2]} +0000",
        }
        args = ["commit-tree", tree]
        for parent in parents:
            args += ["-p", parent]
        return self.git(*args, "-F", "-", input=message.encode(), env=env).decode().strip()

    def read_commit(self, sha: str) -> dict[str, Any]:
        raw = self.git("cat-file", "commit", sha).decode(errors="replace")
        header, _, message = raw.partition("\n\n")
        out: dict[str, Any] = {"parents": [], "message": message}
        for line in header.split("\n"):
            key, _, value = line.partition(" ")
            if key == "tree":
                out["tree"] = value
            elif key == "parent":
                out["parents"].append(value)
            elif key in ("author", "committer"):
                m = _IDENTITY.match(value)
                assert m is not None, value
                out[key] = {"name": m["name"], "email": m["email"], "date": iso(int(m["epoch"]))}
        return out

    def files_at(self, ref: str) -> dict[str, bytes]:
        """Every file of the tree at `ref` (branch, tag, SHA), read back with git."""
        with self._lock:
            commit = self.sha(ref)
            assert commit is not None, f"no commit at {ref}"
            out: dict[str, bytes] = {}
            for line in self.git("ls-tree", "-r", "-z", commit).split(b"\0"):
                if not line:
                    continue
                meta, _, path = line.partition(b"\t")
                _mode, kind, sha = meta.decode().split()
                if kind == "blob":
                    out[path.decode()] = self.git("cat-file", "blob", sha)
            return out

    def blob_at(self, commit: str, path: str) -> str:
        return self.git("rev-parse", f"{commit}:{path}").decode().strip()

    def commits_between(self, base: str, head: str) -> list[str]:
        """Commits in head but not base, oldest first, as GitHub lists a comparison's or a pull's commits."""
        return self.git("rev-list", "--reverse", "--topo-order", f"{base}..{head}").decode().split()

    def merge_tree(self, base: str, head: str) -> str | None:
        """The tree of merging `head` into `base` (git merge-tree --write-tree), or None on a conflict."""
        try:
            return self.git("merge-tree", "--write-tree", base, head).decode().split()[0]
        except GitError:
            return None

    def merge_base(self, a: str, b: str) -> str | None:
        try:
            return self.git("merge-base", a, b).decode().strip()
        except GitError:  # unrelated histories
            return None

    def all_refs(self) -> dict[str, str]:
        """Every ref, full name → SHA."""
        out = self.git("for-each-ref", "--format=%(refname) %(objectname)", "refs/").decode().splitlines()
        return dict(line.split(" ", 1) for line in out if line)
