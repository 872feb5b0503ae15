"""`curator rules`: every rule with its documentation, and docs/rules.md generated from it."""

from __future__ import annotations

import pytest

from curator.main import main
from curator.rules import RULES
from tests.conftest import REPO


def test_rules_lists_every_rule_with_docs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    for rule_id, rule in RULES.items():
        assert rule_id in out
        assert rule.doc, f"rule {rule_id} has no documentation"
    assert main(["rules", "malformed-url"]) == 0
    assert "default severity: error" in capsys.readouterr().out
    assert main(["rules", "nope"]) == 2


def test_docs_rules_reference_is_generated_from_the_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--markdown"]) == 0
    generated = capsys.readouterr().out
    committed = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == generated, "run `curator rules --markdown > docs/rules.md`"
