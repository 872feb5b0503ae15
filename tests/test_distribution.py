"""The distribution's name: `curator` on the package index is an unrelated project, so curator is published
as DISTRIBUTION, and the installed metadata is found under that name with the package's own version."""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

from curator import DISTRIBUTION, __version__

REPO = Path(__file__).resolve().parent.parent


def test_pyproject_names_the_distribution() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == DISTRIBUTION != "curator"
    assert project["scripts"] == {"curator": "curator.main:main"}  # the command keeps its name


def test_installed_metadata_is_found_by_the_distribution_name() -> None:
    assert importlib.metadata.version(DISTRIBUTION) == __version__
    entry_points = importlib.metadata.distribution(DISTRIBUTION).entry_points
    assert [(e.name, e.value) for e in entry_points if e.group == "console_scripts"] == [
        ("curator", "curator.main:main")
    ]
