"""Applying fixes to real catalog files: located by entry and field, refused when a person changed the value."""

from __future__ import annotations

from pathlib import Path

from curator.catalog.load import load_catalog
from curator.config import Config
from curator.fix.apply import apply_fixes
from curator.fix.select import select_fixes
from curator.rules import RuleContext, run_rules
from tests.support.catalogs import tools_file, write_catalog

ENTRIES = """\
  - id: a
    name: A
    url: hhttps://a.example/x   # typo
    links:
      - label: Code
        url: htps://code.example/a
"""


def test_fixes_are_located_and_a_changed_value_is_refused(tmp_path: Path) -> None:
    root = write_catalog(tmp_path, {"tools": tools_file(ENTRIES)})
    catalog = load_catalog(root)
    fixes = select_fixes(run_rules(RuleContext(catalog=catalog)))
    assert [f.fix.field for f in fixes if f.fix] == ["url", "links[0].url"]
    # Someone edits the extra link after the check and before the fix.
    path = root / "tools.yaml"
    path.write_text(path.read_text().replace("htps://code.example/a", "https://code.example/b"))
    outcome = apply_fixes(catalog, Config(), fixes, readme=None, state_path=tmp_path / "state.db")
    assert [f.fix.field for f in outcome.applied if f.fix] == ["url"]
    [(finding, why)] = outcome.refused
    assert finding.fix is not None and finding.fix.field == "links[0].url"
    assert why.endswith(
        "entries[0].links[0].url: is now 'https://code.example/b', not 'htps://code.example/a': someone changed "
        "it; left as it is"
    )
    [change] = outcome.changes
    assert change.after == path.read_text().replace("hhttps://a.example/x", "https://a.example/x")
    assert "   # typo" in change.after
