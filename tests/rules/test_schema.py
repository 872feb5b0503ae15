"""curator.rules.schema: the `schema` rule carries the id and documentation of catalog validation errors,
which stop the run when the catalog loads (exit 2) before any rule runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from curator.catalog.load import load_catalog
from curator.errors import CatalogError
from curator.facts import Facts
from curator.rules import RULES, RuleContext, run_rules
from tests.rules.support import entry, line_with, load, section
from tests.support.catalogs import write_catalog


def test_registered_as_an_offline_error_with_docs() -> None:
    registered = RULES["schema"]
    assert (registered.id, registered.severity.label, registered.network) == ("schema", "error", False)
    assert registered.summary == "The catalog must load and validate against its schema."
    for words in ("unknown keys", "file:line:column", "exit code 2", "curator schema"):
        assert words in registered.doc


def test_a_loaded_catalog_has_no_schema_findings(tmp_path: Path) -> None:
    catalog = load(tmp_path, {"tools": section(entry("a", "A", "hhttps://a.example/"))})
    for offline in (True, False):
        ctx = RuleContext(catalog=catalog, facts=Facts(), offline=offline)
        assert list(RULES["schema"].func(ctx)) == []
        assert "schema" not in {f.rule for f in run_rules(ctx)}


def test_what_the_rule_documents_is_what_loading_reports(tmp_path: Path) -> None:
    # The rule's doc promises file:line:column and field for an unknown key: loading keeps that promise.
    text = section(entry("a", "A")) + "    colour: red\n"
    root = write_catalog(tmp_path, {"tools": text})
    with pytest.raises(CatalogError) as caught:
        load_catalog(root)
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == (line_with(text, "colour"), 5)
    assert problem.message == "entries[0].colour: unknown key 'colour'"
    assert caught.value.exit_code == 2
