"""The pure parts of reading the base: paths the base's configuration names, and whether history exists."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import pytest

from curator.bot.content import had_history, readme_fingerprint, repo_path
from curator.errors import CuratorError
from curator.state import StateDB


def test_paths_stay_inside_the_repository() -> None:
    assert repo_path("catalog", "catalog") == PurePosixPath("catalog")
    assert repo_path("./docs/README.md", "readme") == PurePosixPath("docs/README.md")
    for bad in ("../elsewhere", "/etc", "a/../../b"):
        with pytest.raises(CuratorError, match="outside the repository"):
            repo_path(bad, "catalog")


def test_history_is_a_finished_run(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    assert not had_history(state)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with StateDB.open(state) as db:
        db.begin_run(now)  # never finished
    assert not had_history(state)
    with StateDB.open(state) as db, db.begin_run(now) as run:
        run.finish(now)
    assert had_history(state)


def test_the_readme_fingerprint_is_of_its_text() -> None:
    assert readme_fingerprint("a") == readme_fingerprint("a") != readme_fingerprint("b")
