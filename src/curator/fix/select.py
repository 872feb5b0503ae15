"""Which fixes `curator fix` applies: the safe ones, and in a degraded run only those certain offline.

A fix is safe when its rule says so (`Fix.safe`: see each rule's evidence). A run is degraded when what the
network told may be wrong as a whole — no network, GitHub metadata incomplete, or many links failing at
once (a proxy, an outage): then a redirect or a rename seen in it is not evidence enough, and only the
fixes that need no network (scheme typos) are applied.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from curator.config import Config
from curator.facts import Facts
from curator.findings import Finding, FixReason

# The rules whose findings carry fixes; `--rule` takes these.
FIXING_RULES = ("malformed-url", "redirected", "repo-renamed")
OFFLINE_CERTAIN = frozenset({FixReason.SCHEME_TYPO})
# When two safe fixes change the same value, the one with the strongest evidence wins: the API's word on a
# rename, then a redirect chain, then a typo (the others are built on the typo's corrected URL anyway).
_PRIORITY = {FixReason.REPO_RENAMED: 0, FixReason.PERMANENT_REDIRECT: 1, FixReason.SCHEME_TYPO: 2}


def degraded_reasons(facts: Facts, config: Config) -> list[str]:
    """Why this run's network facts are not trusted for fixes; empty when they are."""
    reasons: list[str] = []
    if facts.network == "off":
        reasons.append("offline: only fixes certain without the network (scheme typos) are applied")
    elif facts.network != "ok":
        reasons.append("no host could be reached: only fixes certain without the network (scheme typos) are applied")
        return reasons
    if facts.incomplete:
        reasons.append("GitHub metadata is incomplete in this run: only fixes certain offline are applied")
    links = list(facts.links.values())
    failing = sum(1 for r in links if r.state.failed)
    limit = config.fix.max_failing_share
    if links and failing / len(links) > limit:
        reasons.append(
            f"{failing} of {len(links)} links ({failing / len(links):.0%}) fail at once, more than "
            f"fix.max_failing_share ({limit:.0%}): only fixes certain offline are applied"
        )
    return reasons


def select_fixes(
    findings: Sequence[Finding], *, rules: Collection[str] | None = None, degraded: bool = False
) -> list[Finding]:
    """The findings whose fix is to be applied, one per value (entry and field), in the findings' order."""
    chosen: dict[tuple[str | None, str | None, str], Finding] = {}
    for finding in findings:
        fix = finding.fix
        if fix is None or not fix.safe or fix.reason is None or fix.old is None:
            continue
        if rules is not None and finding.rule not in rules:
            continue
        if degraded and fix.reason not in OFFLINE_CERTAIN:
            continue
        key = (finding.file, finding.entry, fix.field)
        held = chosen.get(key)
        if held is None or _rank(finding) < _rank(held):
            chosen[key] = finding
    keep = set(map(id, chosen.values()))
    return [f for f in findings if id(f) in keep]


def _rank(finding: Finding) -> int:
    assert finding.fix is not None and finding.fix.reason is not None
    return _PRIORITY[finding.fix.reason]
