"""Which catalog entries changed since a git ref (`curator check --changed-since REF`).

A contributor's pull request adds or edits a few entries; checking only their links keeps the PR's check
fast and about the PR. The whole catalog is still loaded and the offline rules still run on all of it; this
module only answers "which entries are new or different from REF".
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from pydantic import ValidationError

from curator.catalog.load import Catalog, CatalogSource
from curator.catalog.models import CatalogFile, Entry
from curator.errors import CuratorError
from curator.yamlpos import YamlLoadError, load_yaml

__all__ = ["changed_entries"]

GIT_TIMEOUT = 60.0


def changed_entries(catalog: Catalog, ref: str, *, cwd: Path) -> set[str]:
    """The `<file-stem>/<entry-id>` keys of the entries added or changed since git ref `ref`.

    Each catalog file is compared with its content at `ref` (the working tree is what was loaded, so
    uncommitted edits count): an entry is changed when its id is new in the file or any of its fields
    differ. A file absent at `ref`, or one that no longer parses or validates there (an older schema), makes
    all its entries count as changed. Removed entries are not reported: there is nothing left to check.

    Raises CuratorError when git is missing, `cwd` is not in a git repository, `ref` names no commit, or
    a catalog file lies outside the repository.
    """
    if not ref or ref.startswith("-") or any(c in ref for c in "\0\n\r"):
        raise CuratorError(f"--changed-since: {ref!r} is not a git ref")
    if not cwd.is_dir():
        raise CuratorError(f"--changed-since: {cwd} is not a directory")
    top = Path(_git_text(["rev-parse", "--show-toplevel"], cwd=cwd, what="find the git repository").strip())
    commit = _resolve(ref, cwd=cwd)
    top = top.resolve()

    relative: list[tuple[CatalogSource, str]] = []
    for source in catalog.sources:
        try:
            relative.append((source, source.path.resolve().relative_to(top).as_posix()))
        except ValueError:
            raise CuratorError(f"--changed-since: {source.display} is outside the git repository at {top}") from None

    present = _paths_at(commit, [rel for _, rel in relative], cwd=top)
    changed: set[str] = set()
    for source, rel in relative:
        old = _old_entries(commit, rel, cwd=top) if rel in present else None
        for entry in source.model.entries:
            previous = None if old is None else old.get(entry.id)
            if previous is None or previous.model_dump() != entry.model_dump():
                changed.add(source.entry_key(entry))
    return changed


def _resolve(ref: str, *, cwd: Path) -> str:
    try:
        out = _git_text(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd=cwd, what="resolve")
    except CuratorError:
        raise CuratorError(f"--changed-since: unknown git ref {ref!r} (no such commit, branch or tag)") from None
    return out.strip()


def _paths_at(commit: str, paths: list[str], *, cwd: Path) -> set[str]:
    """Which of `paths` (relative to the repository top) exist as files at `commit`."""
    if not paths:
        return set()
    out = _git_text(["ls-tree", "-z", "--full-tree", "--name-only", commit, "--", *paths], cwd=cwd, what="list")
    return {name for name in out.split("\0") if name}


def _old_entries(commit: str, rel: str, *, cwd: Path) -> dict[str, Entry] | None:
    """The file's entries at `commit` by id, or None when they cannot be read as a catalog file."""
    raw = _git(["show", f"{commit}:{rel}"], cwd=cwd, what="read")
    try:
        data, _ = load_yaml(raw.decode("utf-8"))
        model = CatalogFile.model_validate(data)
    except (UnicodeDecodeError, YamlLoadError, ValidationError):
        return None
    entries: dict[str, Entry] = {}
    for entry in model.entries:
        entries.setdefault(entry.id, entry)
    return entries


def _git_text(args: list[str], *, cwd: Path, what: str) -> str:
    return _git(args, cwd=cwd, what=what).decode("utf-8", "replace")


def _git(args: list[str], *, cwd: Path, what: str) -> bytes:
    """Run git without a shell; its output, or CuratorError with git's own last line of complaint."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, env=env, timeout=GIT_TIMEOUT, check=False)
    except FileNotFoundError:
        raise CuratorError("--changed-since needs git, and no 'git' command was found on PATH") from None
    except subprocess.TimeoutExpired:
        raise CuratorError(f"--changed-since: git did not answer within {GIT_TIMEOUT:.0f} s") from None
    except OSError as exc:
        raise CuratorError(f"--changed-since: cannot run git: {exc}") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = message[-1] if message else f"exit status {proc.returncode}"
        if "not a git repository" in detail:
            raise CuratorError(f"--changed-since: {cwd} is not in a git repository")
        raise CuratorError(f"--changed-since: git could not {what}: {detail}")
    return proc.stdout
