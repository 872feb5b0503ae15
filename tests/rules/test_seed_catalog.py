"""The URL, duplicate and wrong-link rules on a catalog mirroring the seed list (all 68 rows, names and URLs
as the seed has them): exactly the findings a maintainer should see, and nothing on the rows that are fine."""

from __future__ import annotations

import re
from pathlib import Path

import ftfy
import pytest

from curator.catalog.load import Catalog, load_catalog
from curator.findings import Fix, FixReason
from tests.conftest import SEED
from tests.rules.support import run, summary

SEED_CATALOG = Path(__file__).parent / "data" / "seed-catalog"

# (rule, entry, severity, line in the entry's file)
EXPECTED = {
    ("malformed-url", "training-frameworks/colossal-ai", "error", 31),
    ("missing-link", "commercial-llms/t5", "warning", 13),
    ("missing-link", "commercial-llms/ul2", "warning", 22),
    ("missing-link", "commercial-llms/cerebras-gpt", "warning", 31),
    ("duplicate-url", "research-llms/baize", "warning", 11),
    ("duplicate-url", "research-llms/koala", "warning", 17),
    ("duplicate-url", "research-llms/dalai", "warning", 21),
    ("duplicate-url", "research-llms/llama", "warning", 25),
    ("duplicate-url", "research-llms/colossalchat", "warning", 32),
    ("duplicate-url", "research-llms/gpt4all", "warning", 44),
    ("duplicate-url", "research-llms/alpaca", "warning", 48),
    ("wrong-link", "research-llms/koala", "error", 17),
    ("wrong-link", "research-llms/llama", "error", 25),
    ("wrong-link", "research-llms/colossalchat", "error", 32),
    ("wrong-link", "research-llms/alpaca", "error", 48),
    ("wrong-link", "research-llms/vicuna", "info", 36),
    ("wrong-link", "deployment-tools/sidekick", "info", 27),
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(SEED_CATALOG)


def test_the_fixture_has_every_seed_row(catalog: Catalog) -> None:
    assert catalog.entry_count == 68
    assert {s.stem: len(s.model.entries) for s in catalog.sources} == {
        "research-llms": 9,
        "commercial-llms": 3,
        "training-frameworks": 12,
        "deployment-tools": 9,
        "courses": 18,
        "tutorials": 17,
    }


def test_the_fixture_mirrors_the_seed(catalog: Catalog) -> None:
    link = re.compile(r"\[[^\]]*\]\((\S+?)\)")
    rows = []
    for line in ftfy.fix_text(SEED.read_text(encoding="utf-8")).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or line.startswith("|--") or len(cells) < 2:
            continue
        urls = link.findall(cells[-1])
        rows.append((cells[0], urls[0] if urls else None))
    ours = [(entry.name, entry.url) for _, _, entry in catalog.entries()]
    assert all(row in rows for row in ours)


def test_exact_findings(catalog: Catalog) -> None:
    findings = run(catalog)
    assert {(f.rule, f.entry, f.severity.label, f.line) for f in findings} == EXPECTED
    assert len(findings) == len(EXPECTED)
    assert summary(findings) == {(rule, key, severity) for rule, key, severity, _ in EXPECTED}
    assert all(f.file and f.file.endswith(f"{(f.entry or '').split('/')[0]}.yaml") for f in findings)


def test_the_malformed_colossal_ai_url_and_its_fix(catalog: Catalog) -> None:
    [finding] = run(catalog, "malformed-url")
    assert finding.entry == "training-frameworks/colossal-ai"
    assert finding.fix == Fix(
        "url",
        "hhttps://github.com/hpcaitech/ColossalAI",
        "https://github.com/hpcaitech/ColossalAI",
        FixReason.SCHEME_TYPO,
        "hhttps → https, certain offline",
        True,
    )


def test_the_duplicate_groups_name_each_other(catalog: Catalog) -> None:
    messages = {f.entry: f.message for f in run(catalog, "duplicate-url")}
    assert "research-llms/koala ('Koala')" in messages["research-llms/baize"]
    assert "research-llms/baize ('Baize')" in messages["research-llms/koala"]
    assert (
        "research-llms/llama ('LLaMA') and research-llms/colossalchat ('ColossalChat')"
        in (messages["research-llms/dalai"])
    )
    assert "research-llms/alpaca ('Alpaca')" in messages["research-llms/gpt4all"]
    assert "research-llms/gpt4all ('GPT4All')" in messages["research-llms/alpaca"]


def test_the_wrong_links_give_their_evidence(catalog: Catalog) -> None:
    findings = {f.entry: f for f in run(catalog, "wrong-link")}
    evidence = {
        "research-llms/koala": ("github.com/project-baize/baize-chatbot", "research-llms/baize ('Baize')"),
        "research-llms/llama": ("github.com/cocktailpeanut/dalai", "research-llms/dalai ('Dalai')"),
        "research-llms/colossalchat": ("github.com/cocktailpeanut/dalai", "research-llms/dalai ('Dalai')"),
        "research-llms/alpaca": ("github.com/nomic-ai/gpt4all", "research-llms/gpt4all ('GPT4All')"),
    }
    for key, (target, owner) in evidence.items():
        message = findings[key].message
        assert f"links to {target}" in message
        assert f"entry {owner} matches that repository" in message
        assert message.endswith("at its own repository")
    assert "extra links (LLaMA.cpp, Lit-LLaMA)" in findings["research-llms/llama"].message
    assert "extra links (Alpaca.cpp, Alpaca-LoRA)" in findings["research-llms/alpaca"].message


def test_no_finding_on_courses_and_tutorials(catalog: Catalog) -> None:
    assert [f for f in run(catalog) if f.entry and f.entry.split("/")[0] in {"courses", "tutorials"}] == []
