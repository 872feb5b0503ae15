"""The one root error type. The CLI maps every CuratorError to a one-line message and exit 2."""

from __future__ import annotations

from dataclasses import dataclass


class CuratorError(Exception):
    """A failure the user can act on: bad input, bad configuration, an unusable environment."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, at a place: `file:line:column: message`."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}" + (f":{self.column}" if self.column is not None else "")
        return f"{where}: {self.message}"


class CatalogError(CuratorError):
    """The catalog could not be loaded. Carries every problem found, one line each."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class ConfigError(CuratorError):
    """curator.yaml is missing, unreadable or invalid."""


class UsageError(CuratorError):
    """The command line asks for something that cannot be done."""
