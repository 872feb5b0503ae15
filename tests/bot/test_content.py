"""The pure parts of reading the base: paths the base's configuration names, and whether history exists."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from curator.bot.content import readme_fingerprint, repo_path
from curator.errors import CuratorError


def test_paths_stay_inside_the_repository() -> None:
    assert repo_path("catalog", "catalog") == PurePosixPath("catalog")
    assert repo_path("./docs/README.md", "readme") == PurePosixPath("docs/README.md")
    for bad in ("../elsewhere", "/etc", "a/../../b"):
        with pytest.raises(CuratorError, match="outside the repository"):
            repo_path(bad, "catalog")


def test_the_readme_fingerprint_is_of_its_text() -> None:
    assert readme_fingerprint("a") == readme_fingerprint("a") != readme_fingerprint("b")
