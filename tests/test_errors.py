"""curator.errors: how a problem is placed in words, and the exit code every user-facing error carries."""

from __future__ import annotations

import pytest

from curator.errors import CatalogError, ConfigError, CuratorError, Problem, UsageError


def test_a_problem_without_a_line_names_only_its_file() -> None:
    assert str(Problem("catalog/tools.yaml", "not valid UTF-8")) == "catalog/tools.yaml: not valid UTF-8"


def test_a_problem_with_a_line_and_column_is_file_line_column() -> None:
    problem = Problem("catalog/tools.yaml", "entries[0].id: not a slug", line=7, column=9)
    assert str(problem) == "catalog/tools.yaml:7:9: entries[0].id: not a slug"


def test_a_column_without_a_line_is_not_shown() -> None:
    # A column alone places nothing: the file is all the reader can go to.
    assert str(Problem("README.md", "no end marker", column=4)) == "README.md: no end marker"
    assert str(Problem("README.md", "no end marker", line=12)) == "README.md:12: no end marker"


def test_problems_are_values() -> None:
    assert Problem("a", "m", 1, 2) == Problem("a", "m", 1, 2)
    with pytest.raises(AttributeError):
        Problem("a", "m").line = 3  # type: ignore[misc]


def test_a_catalog_error_lists_every_problem_one_a_line_in_order() -> None:
    problems = [
        Problem("catalog/a.yaml", "invalid YAML", line=3, column=1),
        Problem("catalog/b.yaml", "entries[1].name: Field required", line=9, column=5),
        Problem("catalog/c.yaml", "not a mapping"),
    ]
    error = CatalogError(problems)
    assert error.problems == problems
    assert str(error).splitlines() == [
        "catalog/a.yaml:3:1: invalid YAML",
        "catalog/b.yaml:9:5: entries[1].name: Field required",
        "catalog/c.yaml: not a mapping",
    ]


@pytest.mark.parametrize(
    "error",
    [CuratorError("x"), CatalogError([Problem("f", "m")]), ConfigError("x"), UsageError("x")],
    ids=lambda e: type(e).__name__,
)
def test_every_error_the_user_can_act_on_exits_2(error: CuratorError) -> None:
    assert isinstance(error, CuratorError)
    assert error.exit_code == 2
