"""What every rule shares: the registry, the context a rule reads, and a helper to build findings."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from curator.catalog.load import Catalog, CatalogSource
from curator.catalog.models import Entry
from curator.config import Config
from curator.facts import Facts
from curator.findings import Finding, Fix, Severity


@dataclass(frozen=True)
class RuleContext:
    """What a rule may read. Rules never do I/O: everything they need is here."""

    catalog: Catalog
    config: Config = field(default_factory=Config)
    facts: Facts = field(default_factory=Facts)
    offline: bool = True


RuleFunc = Callable[[RuleContext], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    func: RuleFunc
    network: bool  # produces findings only from network facts

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.func.__doc__ or "")

    @property
    def summary(self) -> str:
        """The docstring's first paragraph, on one line."""
        return " ".join(self.doc.split("\n\n", 1)[0].split())


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: Severity, *, network: bool = False) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule. Its docstring is its user documentation (`curator rules` prints it)."""

    def register(func: RuleFunc) -> RuleFunc:
        if rule_id in RULES:
            raise RuntimeError(f"rule {rule_id!r} registered twice")
        RULES[rule_id] = Rule(rule_id, severity, func, network)
        return func

    return register


def entry_finding(
    rule_id: str,
    source: CatalogSource,
    index: int,
    entry: Entry,
    message: str,
    *,
    field_path: tuple[str | int, ...] = ("url",),
    url: str | None = None,
    fix: Fix | None = None,
    severity: Severity | None = None,
) -> Finding:
    """A finding about one entry, placed at the line of `field_path` within it."""
    return Finding(
        rule=rule_id,
        severity=severity or RULES[rule_id].severity,
        message=message,
        entry=source.entry_key(entry),
        file=source.display,
        line=source.line_of(index, *field_path),
        url=url,
        fix=fix,
    )
