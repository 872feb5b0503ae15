"""Findings are the one currency: every output is a view of a list of findings plus the catalog."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.IntEnum):
    """Ordered so that `max()` gives the worst one."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.upper()]


class FixReason(enum.StrEnum):
    """Why a fix is proposed; `curator fix` prints it with the evidence."""

    SCHEME_TYPO = "scheme-typo"  # malformed-url: a mistyped scheme (or surrounding spaces), certain offline
    PERMANENT_REDIRECT = "permanent-redirect"  # redirected: every hop 301/308, ending in a real page
    REPO_RENAMED = "repo-renamed"  # repo-renamed: the GitHub API names the repository's new owner/name


@dataclass(frozen=True, slots=True)
class Fix:
    """A change to one field of one entry: set `field` from `old` to `new`.

    `safe` says the evidence is strong enough for `curator fix` to apply it unreviewed; `evidence` is what
    a reviewer reads ("hhttps → https, certain offline", "301 → 200 'Page title'"). The new fields come
    last, defaulted, so positional construction still works."""

    field: str
    old: str | None
    new: str
    reason: FixReason | None = None
    evidence: str = ""
    safe: bool = False


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    entry: str | None = None  # "<file-stem>/<entry-id>"
    file: str | None = None
    line: int | None = None
    url: str | None = None
    fix: Fix | None = None
    column: int | None = None  # 1-based, when the rule knows it (after `fix` so positional use still works)

    def sort_key(self) -> tuple[str, int, str, str, str]:
        return (self.file or "", self.line or 0, self.rule, self.entry or "", self.url or "")
