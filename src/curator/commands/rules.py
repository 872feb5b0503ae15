"""`curator rules`: the rules, their ids, default severities and documentation."""

from __future__ import annotations

import sys

from curator.errors import UsageError
from curator.rules import RULES


def run_rules_command(rule_id: str | None) -> int:
    if rule_id is not None:
        rule = RULES.get(rule_id)
        if rule is None:
            raise UsageError(f"unknown rule {rule_id!r}; `curator rules` lists them")
        print(f"{rule.id} (default severity: {rule.severity.label}{', needs network' if rule.network else ''})")
        print()
        print(rule.doc)
        return 0
    width = max(len(r) for r in RULES)
    for rule in sorted(RULES.values(), key=lambda r: r.id):
        summary = rule.doc.splitlines()[0] if rule.doc else ""
        sys.stdout.write(f"{rule.id:<{width}}  {rule.severity.label:<7}  {summary}\n")
    return 0
