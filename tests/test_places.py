"""curator.places: paths shown relative to the working directory where they can be, YAML paths dotted."""

from __future__ import annotations

from pathlib import Path

import pytest

from curator.places import display_path, dotted


def test_a_path_under_the_working_directory_is_shown_relative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "catalog").mkdir()
    monkeypatch.chdir(tmp_path)
    assert display_path(tmp_path / "catalog" / "tools.yaml") == str(Path("catalog") / "tools.yaml")
    # A relative path is resolved against the working directory first.
    assert display_path(Path("catalog/../README.md")) == "README.md"


def test_a_path_outside_the_working_directory_is_shown_as_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    elsewhere = tmp_path / "elsewhere" / "curator.yaml"
    assert display_path(elsewhere) == str(elsewhere)


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ((), "(document)"),
        (("links",), "links"),
        (("links", "concurrency"), "links.concurrency"),
        (("entries", 0, "url"), "entries[0].url"),
        (("entries", 3, "links", 1, "url"), "entries[3].links[1].url"),
        ((0,), "[0]"),
        ((0, "id"), "[0].id"),
        (("matrix", 1, 2), "matrix[1][2]"),
    ],
)
def test_dotted(path: tuple[str | int, ...], shown: str) -> None:
    assert dotted(path) == shown
