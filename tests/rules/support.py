"""Helpers for rule tests: catalogs written as real YAML files, rules run on them."""

from __future__ import annotations

import json
from pathlib import Path

from curator.catalog.load import Catalog, load_catalog
from curator.facts import Facts
from curator.findings import Finding
from curator.rules import RULES, RuleContext, run_rules
from tests.support.catalogs import write_catalog

SECTION = """\
section:
  title: {title}
  columns:
    - {{header: Name, role: name}}
    - {{header: Description, role: description}}
    - {{header: Link, role: link, align: center}}
entries:
"""

OUR_RULES = frozenset({"malformed-url", "missing-link", "duplicate-url", "duplicate-name", "wrong-link"})


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def entry(
    ident: str,
    name: str,
    url: str | None = None,
    links: list[tuple[str, str]] | None = None,
    *,
    column: str = "link",
) -> str:
    """One entry as YAML text, indented for SECTION."""
    out = f"  - id: {ident}\n    name: {q(name)}\n"
    if url is not None:
        out += f"    url: {q(url)}\n"
    if links:
        out += "    links:\n"
        for label, link_url in links:
            out += f"      - {{label: {q(label)}, url: {q(link_url)}, column: {column}}}\n"
    return out


def section(*entries: str, title: str = "Tools") -> str:
    return SECTION.format(title=title) + "".join(entries)


def load(tmp_path: Path, files: dict[str, str]) -> Catalog:
    return load_catalog(write_catalog(tmp_path, files))


def run(
    catalog: Catalog, rule_id: str | None = None, *, facts: Facts | None = None, offline: bool = True
) -> list[Finding]:
    """The findings of one rule (called directly) or of our rules through the engine."""
    ctx = RuleContext(catalog=catalog, facts=facts or Facts(), offline=offline)
    if rule_id is not None:
        return sorted(RULES[rule_id].func(ctx), key=Finding.sort_key)
    return [f for f in run_rules(ctx) if f.rule in OUR_RULES]


def summary(findings: list[Finding]) -> set[tuple[str, str | None, str]]:
    return {(f.rule, f.entry, f.severity.label) for f in findings}


def line_with(text: str, needle: str, *, after: str | None = None) -> int:
    """The 1-based line of the first line containing `needle` (after the line containing `after`)."""
    lines = text.splitlines()
    start = 0
    if after is not None:
        start = next(i for i, line in enumerate(lines) if after in line)
    return next(i for i, line in enumerate(lines) if i >= start and needle in line) + 1
