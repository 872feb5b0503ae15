"""`curator schema`, `curator rules`, `curator config`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curator.main import main
from curator.rules import RULES
from tests.conftest import REPO


def test_schema_is_json_schema_and_matches_committed_copy(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    out = capsys.readouterr().out
    schema = json.loads(out)
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == {"section", "entries"}
    assert (REPO / "catalog" / "schema.json").read_text(encoding="utf-8") == out


def test_every_catalog_file_points_editors_at_the_schema() -> None:
    for path in sorted((REPO / "catalog").glob("*.yaml")):
        assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=schema.json\n"), path


def test_rules_lists_every_rule_with_docs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    for rule_id, rule in RULES.items():
        assert rule_id in out
        assert rule.doc, f"rule {rule_id} has no documentation"
    assert main(["rules", "malformed-url"]) == 0
    assert "default severity: error" in capsys.readouterr().out
    assert main(["rules", "nope"]) == 2


def test_config_show(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "curator.yaml").write_text("links:\n  concurrency: 16\n")
    assert main(["config", "--show"]) == 0
    out = capsys.readouterr().out
    assert "concurrency: 16" in out
    assert "host_concurrency: 8" in out


def test_docs_rules_reference_is_generated_from_the_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--markdown"]) == 0
    generated = capsys.readouterr().out
    committed = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == generated, "run `curator rules --markdown > docs/rules.md`"
