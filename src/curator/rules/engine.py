"""Run the registered rules, then apply the configuration: severity overrides and ignores."""

from __future__ import annotations

from dataclasses import replace
from fnmatch import fnmatchcase

from curator.config import Config, Ignore
from curator.findings import Finding, Severity
from curator.rules.base import RULES, RuleContext


def run_rules(ctx: RuleContext) -> list[Finding]:
    findings: list[Finding] = []
    for rule in RULES.values():
        if rule.network and ctx.offline:
            continue
        findings.extend(rule.func(ctx))
    return apply_config(findings, ctx.config)


def apply_config(findings: list[Finding], config: Config) -> list[Finding]:
    out: list[Finding] = []
    for finding in findings:
        settings = config.rules.get(finding.rule)
        if settings is not None and settings.severity is not None:
            if settings.severity == "off":
                continue
            finding = replace(finding, severity=Severity.parse(settings.severity))
        if any(_ignored(finding, ignore) for ignore in config.ignore):
            continue
        out.append(finding)
    return sorted(out, key=Finding.sort_key)


def _ignored(finding: Finding, ignore: Ignore) -> bool:
    if ignore.rule not in {"*", finding.rule}:
        return False
    if ignore.entry not in {None, "*"} and not fnmatchcase(finding.entry or "", ignore.entry or ""):
        return False
    return ignore.url is None or ignore.url == finding.url
