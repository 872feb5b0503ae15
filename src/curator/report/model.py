"""What a report is made of, independent of how it is shown."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from curator.findings import Finding, Severity


@dataclass(frozen=True, slots=True)
class LinkRow:
    """One checked URL, for the JSON `links` array and the markdown report."""

    url: str
    state: str
    status: int | None
    final_url: str | None
    title: str | None
    attempts: int
    elapsed_ms: float
    entries: tuple[str, ...]
    from_cache: bool = False
    kind: str | None = None  # the failure's kind (`LinkResult.kind`), None for a link that is fine
    detail: str | None = None  # what went wrong, in words (`LinkResult.detail`)


@dataclass(frozen=True)
class Report:
    findings: list[Finding]
    entries: int
    links: int
    link_rows: list[LinkRow] = field(default_factory=list)
    checked_links: bool = False  # False for --offline: the JSON then has no `links` array
    notes: list[str] = field(default_factory=list)  # run-level remarks: "12 links answered from the cache"

    def count(self, severity: Severity) -> int:
        return Counter(f.severity for f in self.findings)[severity]

    @property
    def errors(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self.count(Severity.WARNING)

    @property
    def infos(self) -> int:
        return self.count(Severity.INFO)

    def summary_line(self) -> str:
        def plural(n: int, word: str) -> str:
            return f"{n} {word}{'' if n == 1 else 's'}"

        return (
            f"{plural(self.errors, 'error')}, {plural(self.warnings, 'warning')}, "
            f"{plural(self.infos, 'info')} in {plural(self.entries, 'entry').replace('entrys', 'entries')} "
            f"({plural(self.links, 'link')})"
        )
