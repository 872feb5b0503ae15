"""The one root error type. The CLI maps every CuratorError to a one-line message and exit 2."""

from __future__ import annotations


class CuratorError(Exception):
    """A failure the user can act on: bad input, bad configuration, an unusable environment."""

    exit_code = 2


class CatalogError(CuratorError):
    """The catalog could not be loaded. Carries every problem found, one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class ConfigError(CuratorError):
    """curator.yaml is missing, unreadable or invalid."""


class UsageError(CuratorError):
    """The command line asks for something that cannot be done."""
