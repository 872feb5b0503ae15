"""duplicate-url and duplicate-name on real catalog files."""

from __future__ import annotations

from pathlib import Path

from curator.findings import Severity
from curator.rules.duplicates import name_key
from tests.rules.support import entry, line_with, load, run, section


def test_same_target_across_files_after_normalisation(tmp_path: Path) -> None:
    tools = section(
        entry("a", "Alpha", "https://github.com/Foo/Bar"),
        entry("b", "Beta", "http://www.github.com/foo/bar.git/"),
        entry("other", "Other", "https://github.com/foo/bar2"),
    )
    more = section(
        entry("c", "Gamma", "https://github.com/foo/bar#readme"),
        entry("d", "Delta", "https://github.com/foo/bar?utm_source=list"),
    )
    findings = run(load(tmp_path, {"tools": tools, "more": more}), "duplicate-url")
    assert sorted((f.entry, f.severity, f.line) for f in findings) == [
        ("more/c", Severity.WARNING, line_with(more, "url:", after="id: c")),
        ("more/d", Severity.WARNING, line_with(more, "url:", after="id: d")),
        ("tools/a", Severity.WARNING, line_with(tools, "url:", after="id: a")),
        ("tools/b", Severity.WARNING, line_with(tools, "url:", after="id: b")),
    ]
    by_entry = {f.entry: f for f in findings}
    assert by_entry["tools/a"].message == (
        "the url of 'Alpha' (https://github.com/Foo/Bar) has the same target as more/c ('Gamma'), "
        "more/d ('Delta') and tools/b ('Beta') — point each entry at its own resource, or remove the "
        "duplicate entry"
    )
    assert by_entry["tools/a"].url == "https://github.com/Foo/Bar"
    assert all(f.fix is None for f in findings)


def test_seed_duplicate_groups(tmp_path: Path) -> None:
    text = section(
        entry("baize", "Baize", "https://github.com/project-baize/baize-chatbot"),
        entry("koala", "Koala", "https://github.com/project-baize/baize-chatbot"),
        entry("dalai", "Dalai", "https://github.com/cocktailpeanut/dalai"),
        entry("llama", "LLaMA", "https://github.com/cocktailpeanut/dalai"),
        entry("colossalchat", "ColossalChat", "https://github.com/cocktailpeanut/dalai"),
        entry("vicuna", "Vicuna", "https://github.com/lm-sys/FastChat"),
    )
    findings = run(load(tmp_path, {"research-llms": text}), "duplicate-url")
    assert [f.entry for f in findings] == [
        "research-llms/baize",
        "research-llms/koala",
        "research-llms/dalai",
        "research-llms/llama",
        "research-llms/colossalchat",
    ]
    llama = findings[3]
    assert "research-llms/dalai ('Dalai') and research-llms/colossalchat ('ColossalChat')" in llama.message


def test_different_targets_are_not_duplicates(tmp_path: Path) -> None:
    text = section(
        entry("a", "A", "https://example.org/A"),
        entry("b", "B", "https://example.org/a"),
        entry("c", "C", "https://www.youtube.com/watch?v=1"),
        entry("d", "D", "https://www.youtube.com/watch?v=2"),
        entry("e", "E", "https://github.com/o/r/tree/main/x"),
        entry("f", "F", "https://github.com/o/r"),
    )
    assert run(load(tmp_path, {"tools": text}), "duplicate-url") == []


def test_extra_links_take_part(tmp_path: Path) -> None:
    text = section(
        entry("main", "Main", "https://example.org/tool"),
        entry("other", "Other", "https://example.org/other", [("Tool", "https://example.org/tool/")]),
    )
    findings = run(load(tmp_path, {"tools": text}), "duplicate-url")
    assert [(f.entry, f.line, f.severity) for f in findings] == [
        ("tools/main", line_with(text, "url:", after="id: main"), Severity.WARNING),
        ("tools/other", line_with(text, 'label: "Tool"'), Severity.WARNING),
    ]
    assert findings[0].message.endswith(
        "has the same target as tools/other ('Other') in its link 'Tool' — point each entry at its own "
        "resource, or remove the duplicate entry"
    )
    assert findings[1].message.startswith("link 'Tool' (links[0].url) of 'Other' (https://example.org/tool/)")


def test_a_link_only_mentioned_in_a_description_is_info(tmp_path: Path) -> None:
    text = section(
        entry("lora", "LoRA", "https://github.com/microsoft/LoRA"),
        entry(
            "baize",
            "Baize",
            "https://github.com/project-baize/baize-chatbot",
            [("LoRA", "https://github.com/microsoft/LoRA")],
            column="description",
        ),
    )
    findings = run(load(tmp_path, {"tools": text}), "duplicate-url")
    assert [(f.entry, f.severity) for f in findings] == [
        ("tools/lora", Severity.WARNING),
        ("tools/baize", Severity.INFO),
    ]


def test_a_link_repeated_within_one_entry(tmp_path: Path) -> None:
    text = section(
        entry("twice", "Twice", "https://github.com/o/r", [("Repo", "https://github.com/O/R.git")]),
    )
    [finding] = run(load(tmp_path, {"tools": text}), "duplicate-url")
    assert finding.entry == "tools/twice"
    assert finding.severity is Severity.WARNING
    assert finding.line == line_with(text, "R.git")
    assert finding.url == "https://github.com/O/R.git"
    assert finding.message == (
        "link 'Repo' (links[0].url) of 'Twice' (https://github.com/O/R.git) is the same target as its main "
        "url — remove the repeated link"
    )


def test_a_repeated_link_and_another_entry(tmp_path: Path) -> None:
    text = section(
        entry("twice", "Twice", "https://github.com/o/r", [("Repo", "https://github.com/o/r/")]),
        entry("other", "Other", "https://github.com/o/r"),
    )
    findings = run(load(tmp_path, {"tools": text}), "duplicate-url")
    assert sorted((f.entry, f.line) for f in findings) == [
        ("tools/other", line_with(text, "url:", after="id: other")),
        ("tools/twice", line_with(text, "url:", after="id: twice")),
        ("tools/twice", line_with(text, "label:", after="id: twice")),
    ]


def test_malformed_urls_compare_by_their_fix(tmp_path: Path) -> None:
    text = section(
        entry("good", "ColossalAI", "https://github.com/hpcaitech/ColossalAI"),
        entry("typo", "Colossal-AI", "hhttps://github.com/hpcaitech/ColossalAI"),
    )
    findings = run(load(tmp_path, {"tools": text}), "duplicate-url")
    assert [f.entry for f in findings] == ["tools/good", "tools/typo"]


def test_duplicate_name(tmp_path: Path) -> None:
    text = section(
        entry("a", "Colossal AI", "https://example.org/a"),
        entry("b", "Other", "https://example.org/b"),
        entry("c", "colossalai", "https://example.org/c"),
        entry("d", "COLOSSAL  AI", "https://example.org/d"),
    )
    other_file = section(entry("a", "Colossal AI", "https://example.org/x"))
    findings = run(load(tmp_path, {"tools": text, "more": other_file}), "duplicate-name")
    assert [(f.entry, f.severity, f.line) for f in findings] == [
        ("tools/a", Severity.WARNING, line_with(text, "name:", after="id: a")),
        ("tools/c", Severity.WARNING, line_with(text, "name:", after="id: c")),
        ("tools/d", Severity.WARNING, line_with(text, "name:", after="id: d")),
    ]
    assert findings[0].message == (
        "the name 'Colossal AI' is used again in section 'Tools' by tools/c ('colossalai') and tools/d "
        "('COLOSSAL  AI') — merge the entries, or rename one if they are different things"
    )


def test_different_names_are_not_duplicates(tmp_path: Path) -> None:
    text = section(entry("a", "Megatron-LM", "https://a.org/"), entry("b", "Megatron-DeepSpeed", "https://b.org/"))
    assert run(load(tmp_path, {"tools": text}), "duplicate-name") == []


def test_name_key() -> None:
    assert name_key(" Colossal\tAI ") == name_key("colossalai") == "colossalai"
    assert name_key("Colossal-AI") != name_key("ColossalAI")


def test_a_big_url_group_names_the_first_entry_and_counts_the_rest(tmp_path: Path) -> None:
    text = section(*(entry(f"e{n}", f"E{n}", "https://github.com/o/r") for n in range(6)))
    findings = run(load(tmp_path, {"tools": text}), "duplicate-url")
    assert [f.entry for f in findings] == [f"tools/e{n}" for n in range(6)]
    first_line = line_with(text, "url:", after="id: e0")
    second_line = line_with(text, "url:", after="id: e1")
    shown = findings[0].file  # the file as shown to the user
    assert findings[3].message == (
        f"the url of 'E3' (https://github.com/o/r) has the same target as tools/e0 ('E0') at "
        f"{shown}:{first_line} and 4 other entries — point each entry at its own resource, or "
        "remove the duplicate entry"
    )
    # The first entry itself is pointed at the next one.
    assert f"tools/e1 ('E1') at {shown}:{second_line} and 4 other entries" in findings[0].message


def test_a_big_name_group_names_the_first_entry_and_counts_the_rest(tmp_path: Path) -> None:
    text = section(*(entry(f"e{n}", "Same Name", f"https://example.org/{n}") for n in range(5)))
    findings = run(load(tmp_path, {"tools": text}), "duplicate-name")
    assert len(findings) == 5
    assert findings[4].message == (
        f"the name 'Same Name' is used again in section 'Tools' by tools/e0 ('Same Name') at "
        f"{findings[0].file}:{line_with(text, 'name:', after='id: e0')} and 3 other entries — merge the "
        "entries, or rename one if they are different things"
    )


def test_a_group_of_four_still_names_everyone(tmp_path: Path) -> None:
    text = section(*(entry(f"e{n}", "Same", "https://github.com/o/r") for n in range(4)))
    names = run(load(tmp_path, {"tools": text}), "duplicate-name")
    assert "by tools/e0 ('Same'), tools/e1 ('Same') and tools/e3 ('Same') —" in names[2].message


def test_findings_grow_linearly_with_the_group(tmp_path: Path) -> None:
    # 600 copies of one entry: naming every other entry in every finding was 600 × 599 names.
    text = section(*(entry(f"e{n}", "Baize", "https://github.com/project-baize/baize-chatbot") for n in range(600)))
    catalog = load(tmp_path, {"tools": text})
    for rule_id in ("duplicate-url", "duplicate-name"):
        findings = run(catalog, rule_id)
        assert len(findings) == 600
        assert max(len(f.message) for f in findings) < 300
