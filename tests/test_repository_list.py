"""This repository's own list: the catalog loads, the README is in sync, and the offline rules find exactly
the known problems of the seed list (which the catalog keeps as it is, for the bot to flag)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curator.catalog.load import load_catalog
from curator.main import main
from curator.rules import RuleContext, run_rules
from tests.conftest import REPO

EXPECTED = {
    ("malformed-url", "training-frameworks/colossal-ai", "error"),
    ("missing-link", "commercial-llms/t5", "warning"),
    ("missing-link", "commercial-llms/ul2", "warning"),
    ("missing-link", "commercial-llms/cerebras-gpt", "warning"),
    ("duplicate-url", "research-llms/baize", "warning"),
    ("duplicate-url", "research-llms/koala", "warning"),
    ("duplicate-url", "research-llms/dalai", "warning"),
    ("duplicate-url", "research-llms/llama", "warning"),
    ("duplicate-url", "research-llms/colossalchat", "warning"),
    ("duplicate-url", "research-llms/gpt4all", "warning"),
    ("duplicate-url", "research-llms/alpaca", "warning"),
    ("wrong-link", "research-llms/koala", "error"),
    ("wrong-link", "research-llms/llama", "error"),
    ("wrong-link", "research-llms/colossalchat", "error"),
    ("wrong-link", "research-llms/alpaca", "error"),
    ("wrong-link", "research-llms/vicuna", "info"),
    ("wrong-link", "deployment-tools/sidekick", "info"),
}


def test_catalog_holds_the_whole_list() -> None:
    catalog = load_catalog(REPO / "catalog")
    counts = {s.stem: len(s.model.entries) for s in catalog.sources}
    assert counts == {
        "commercial-llms": 3,
        "courses": 18,
        "deployment-tools": 9,
        "research-llms": 9,
        "training-frameworks": 12,
        "tutorials": 17,
    }
    llama = next(e for s, _i, e in catalog.entries() if s.stem == "research-llms" and e.id == "llama")
    assert [(link.label, link.url) for link in llama.links] == [
        ("LLaMA.cpp", "https://github.com/ggerganov/llama.cpp"),
        ("Lit-LLaMA", "https://github.com/Lightning-AI/lit-llama"),
    ]
    t5 = next(e for s, _i, e in catalog.entries() if e.id == "t5")
    assert t5.url is None and t5.fields["release_date"] == "2019/10"


def test_offline_findings_on_the_list_are_exactly_the_known_problems() -> None:
    findings = run_rules(RuleContext(catalog=load_catalog(REPO / "catalog")))
    assert {(f.rule, f.entry, f.severity.label) for f in findings} == EXPECTED
    fix = next(f.fix for f in findings if f.rule == "malformed-url")
    assert fix is not None and (fix.field, fix.new) == ("url", "https://github.com/hpcaitech/ColossalAI")
    assert not [f for f in findings if (f.entry or "").startswith(("courses/", "tutorials/"))]


def test_readme_tables_are_up_to_date(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(REPO)
    assert main(["render", "--check"]) == 0, capsys.readouterr().out


def test_check_offline_exit_code_on_the_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    assert main(["check", "--offline", "--format", "json", "--output", str(tmp_path / "report.json")]) == 1
    assert json.loads((tmp_path / "report.json").read_text())["summary"]["errors"] == 5
