"""Atomic, symlink-safe writes with curator.atomicfile (render and import: commands/test_write_safety.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from curator.atomicfile import write_atomic
from curator.errors import CuratorError


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A private file elsewhere that a planted link points at."""
    path = tmp_path / "elsewhere" / "secret"
    path.parent.mkdir()
    path.write_text("private\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".curator-tmp"))


def test_writes_a_new_file_with_the_default_mode(tmp_path: Path) -> None:
    target = tmp_path / "new.txt"
    previous = os.umask(0o027)
    try:
        write_atomic(target, b"hello\n")
    finally:
        os.umask(previous)
    assert target.read_bytes() == b"hello\n"
    assert target.stat().st_mode & 0o7777 == 0o640  # 0o644 minus the umask
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755])
def test_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path, mode: int) -> None:
    target = tmp_path / "README.md"
    target.write_bytes(b"old\n")
    target.chmod(mode)
    write_atomic(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert target.stat().st_mode & 0o7777 == mode


def test_a_symlink_at_the_target_is_refused(tmp_path: Path, victim: Path) -> None:
    target = tmp_path / "README.md"
    target.symlink_to(victim)
    with pytest.raises(CuratorError, match=r"README\.md: is a symbolic link; refusing to write through it"):
        write_atomic(target, b"overwritten\n")
    assert victim.read_text(encoding="utf-8") == "private\n"
    assert victim.stat().st_mode & 0o7777 == 0o600
    assert target.is_symlink()
    assert leftovers(tmp_path) == []


def test_a_symlink_at_the_old_temporary_name_is_not_followed(tmp_path: Path, victim: Path) -> None:
    target = tmp_path / "README.md"
    target.write_bytes(b"old\n")
    (tmp_path / ".README.md.curator-tmp").symlink_to(victim)
    write_atomic(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert victim.read_text(encoding="utf-8") == "private\n"
    assert victim.stat().st_mode & 0o7777 == 0o600


def test_a_failure_names_the_path_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "README.md"
    target.mkdir()  # a rename cannot replace a directory, even for root
    with pytest.raises(CuratorError, match=r"README\.md: cannot write: Is a directory"):
        write_atomic(target, b"new\n")
    assert target.is_dir()
    assert leftovers(tmp_path) == []


def test_a_missing_directory_is_an_error_naming_the_path(tmp_path: Path) -> None:
    with pytest.raises(CuratorError, match=r"missing/README\.md: cannot write: No such file or directory"):
        write_atomic(tmp_path / "missing" / "README.md", b"x")
