"""Importing tables: column detection, links, mojibake, comparison tables, warnings, markers."""

from __future__ import annotations

import pytest

from curator.catalog.load import semantic_problems
from curator.catalog.models import CatalogFile, ExtraLink
from curator.markdown.importer import import_markdown, stem_for
from curator.markdown.render import MarkerError, marker_regions, render_table
from curator.markdown.tables import find_tables
from tests.conftest import SEED


def only_file(text: str) -> CatalogFile:
    result = import_markdown(text, "README.md")
    (model,) = result.files.values()
    return model


def test_columns_are_detected_from_headers_and_kept_as_written() -> None:
    text = (
        "# Models\n"
        "| Model | Release Date | Params (B) | Summary | Repo |\n"
        "|---|:---:|---:|---|:---|\n"
        "| A | 2023/03 | 7 | About A. | [GitHub](https://github.com/a/a) |\n"
        "| B | 2022-10 | | About B. | [GitHub](https://github.com/b/b) |\n"
    )
    model = only_file(text)
    cols = [(c.header, c.role, c.key, c.type, c.align) for c in model.section.columns]
    assert cols == [
        ("Model", "name", None, "text", None),
        ("Release Date", "field", "release_date", "month", "center"),
        ("Params (B)", "field", "params_b", "text", "right"),
        ("Summary", "description", None, "text", None),
        ("Repo", "link", None, "text", "left"),
    ]
    assert model.section.columns[4].label == "GitHub"
    a, b = model.entries
    assert a.fields == {"release_date": "2023/03", "params_b": "7"}
    assert b.fields == {"release_date": "2022-10"}  # empty cells are left out
    assert a.url == "https://github.com/a/a"
    assert model.section.title == "Models"


def test_link_column_found_by_content_when_the_header_says_nothing() -> None:
    text = "| Project | Where |\n|---|---|\n| A | [code](https://a.org) |\n| B | [code](https://b.org) |\n"
    model = only_file(text)
    assert [c.role for c in model.section.columns] == ["name", "link"]
    assert model.section.columns[1].label == "code"
    assert [e.url for e in model.entries] == ["https://a.org", "https://b.org"]


def test_any_column_set_name_only() -> None:
    model = only_file("| Name |\n|---|\n| A |\n| B |\n")
    assert [c.role for c in model.section.columns] == ["name"]
    assert [e.name for e in model.entries] == ["A", "B"]
    assert all(e.url is None for e in model.entries)


def test_linked_name_without_a_link_column() -> None:
    text = "| Tool | About |\n|---|---|\n| [Alpha](https://alpha.dev) | Fast. |\n| Beta | No link. |\n"
    model = only_file(text)
    assert model.section.columns[0].linked
    alpha, beta = model.entries
    assert (alpha.name, alpha.url, alpha.description) == ("Alpha", "https://alpha.dev", "Fast.")
    assert (beta.name, beta.url) == ("Beta", None)


def test_several_links_in_the_link_cell_and_the_text_between_them() -> None:
    text = (
        "# Tutorials\n"
        "| Tutorials | Author | Link |\n"
        "|---|---|---|\n"
        "| GPT | AK | [🔗](https://youtu.be/x)z [👨‍💻](https://github.com/k/ng) [slides](https://s.org) |\n"
    )
    result = import_markdown(text, "README.md")
    (entry,) = result.files["tutorials"].entries
    assert entry.url == "https://youtu.be/x"
    assert entry.links == [
        ExtraLink(label="👨‍💻", url="https://github.com/k/ng", before="z "),
        ExtraLink(label="slides", url="https://s.org"),
    ]
    assert entry.fields == {"author": "AK"}
    assert result.warnings == []  # the "z" is kept where it was


def test_inline_links_in_descriptions_stay_and_trailing_ones_become_extra_links() -> None:
    text = (
        "| Name | Description | Link |\n"
        "|---|---|---|\n"
        "| Baize | Trained with [LoRA](https://l.org). It chats. | [🔗](https://b.org) |\n"
        "| LLaMA | A model. [LLaMA.cpp](https://c.org) [Lit-LLaMA](https://d.org) | [🔗](https://e.org) |\n"
        "| Mid | Trained with [LoRA](https://l.org) | [🔗](https://m.org) |\n"
        "| Only | [Paper](https://p.org) | [🔗](https://o.org) |\n"
    )
    baize, llama, mid, only = only_file(text).entries
    assert baize.description == "Trained with [LoRA](https://l.org). It chats."
    assert baize.links == []
    assert llama.description == "A model."
    assert llama.links == [
        ExtraLink(label="LLaMA.cpp", url="https://c.org", column="description"),
        ExtraLink(label="Lit-LLaMA", url="https://d.org", column="description"),
    ]
    # The link ends an unfinished sentence: it is part of the prose.
    assert mid.description == "Trained with [LoRA](https://l.org)"
    assert mid.links == []
    assert only.description is None
    assert only.links == [ExtraLink(label="Paper", url="https://p.org", column="description")]


def test_html_in_cells_is_kept_and_br_becomes_a_line_break() -> None:
    text = "| Name | Description |\n|---|---|\n| <b>A</b> | one<br>two <sup>3</sup> |\n"
    (entry,) = only_file(text).entries
    assert entry.name == "<b>A</b>"
    assert entry.description == "one\ntwo <sup>3</sup>"


def test_escaped_pipes() -> None:
    text = "| Name | Description | Link |\n|---|---|---|\n| A \\| B | x \\| y | [🔗](https://a.org/?q=a\\|b) |\n"
    (entry,) = only_file(text).entries
    assert (entry.name, entry.description, entry.url) == ("A | B", "x | y", "https://a.org/?q=a|b")


def test_mojibake_is_repaired_in_cells_and_prose() -> None:
    text = (
        "# Learning ğŸ“š\n\n| Name | Link |\n|---|---|\n"
        "| Wolfram â€¦ why | [ğŸ”—](https://w.org) [ğŸ‘¨â€ğŸ’»](https://c.org) |\n"
    )
    result = import_markdown(text, "README.md")
    (model,) = result.files.values()
    (entry,) = model.entries
    assert entry.name == "Wolfram … why"
    assert model.section.columns[1].label == "🔗"
    assert entry.links == [ExtraLink(label="👨\u200d💻", url="https://c.org")]
    assert model.section.title == "Learning 📚"
    assert result.readme.startswith("# Learning 📚\n")
    assert result.warnings[0].startswith("README.md:1: repaired mojibake")


def test_comparison_table_is_left_alone() -> None:
    text = "# MLM vs CLM\n\n|  | MLM | CLM |\n|---|---|---|\n| Objective | masked | next |\n"
    result = import_markdown(text, "README.md")
    assert result.files == {}
    assert result.readme == text
    assert len(result.skipped) == 1


def test_table_without_links_is_a_resource_table() -> None:
    text = "# Commercial\n| Language Model | License |\n|---|---|\n| T5 | Apache 2.0 |\n| UL2 | Apache 2.0 |\n"
    model = only_file(text)
    assert [(e.id, e.url, e.fields) for e in model.entries] == [
        ("t5", None, {"license": "Apache 2.0"}),
        ("ul2", None, {"license": "Apache 2.0"}),
    ]


def test_rows_that_cannot_be_mapped_get_a_warning_with_their_line() -> None:
    text = (
        "# Tools\n"
        "| Name | Description | Link |\n"
        "|---|---|---|\n"
        "|  | orphan description | [🔗](https://o.org) |\n"
        "| A | fine | N/A |\n"
        "| B | x | [🔗](https://b.org) | extra |\n"
        "| C |\n"
    )
    result = import_markdown(text, "README.md")
    model = result.files["tools"]
    assert [e.name for e in model.entries] == ["A", "B", "C"]
    lines = [w.split(":")[1] for w in result.warnings]
    assert lines == ["4", "6", "7"]
    assert "no name" in result.warnings[0] and "orphan description" in result.warnings[0]
    assert model.entries[0].around["link"].before == "N/A"  # kept as the cell's text
    assert "'extra'" in result.warnings[1]
    assert "padded" in result.warnings[2]


def test_ids_are_unique_slugs() -> None:
    text = "| Name |\n|---|\n| `Stanford` GPT-3 & Beyond |\n| A |\n| a |\n| 日本 |\n"
    model = only_file(text)
    assert [e.id for e in model.entries] == ["stanford-gpt-3-beyond", "a", "a-2", "entry"]
    assert semantic_problems(model) == []


def test_stems_for_known_sections_and_others() -> None:
    assert stem_for("Open Source LLM Space for Research Use") == "research-llms"
    assert stem_for("Open Source LLM Space for Commercial Use") == "commercial-llms"
    assert stem_for("LLM Training Frameworks") == "training-frameworks"
    assert stem_for("Effective Deployment Strategies for Language Models") == "deployment-tools"
    assert stem_for("Courses about LLM") == "courses"
    assert stem_for("Tutorials about LLM ") == "tutorials"
    assert stem_for("Vector Databases 🗃️") == "vector-databases"
    assert stem_for(None) == "table"


def test_two_tables_under_one_heading_get_distinct_stems() -> None:
    text = "# Tools\n\n| Name |\n|---|\n| A |\n\n| Name |\n|---|\n| B |\n"
    assert list(import_markdown(text, "x.md").files) == ["tools", "tools-2"]


def test_markers_surround_the_rendered_table() -> None:
    text = "# Tools\nIntro.\n\n| Name | Link |\n|--|:-:|\n|A|[🔗](https://a.org)|\n\nAfter.\n"
    result = import_markdown(text, "README.md")
    model = result.files["tools"]
    assert result.readme == (
        "# Tools\nIntro.\n\n<!-- curator:begin tools -->\n"
        + render_table(model)
        + "\n<!-- curator:end tools -->\n\nAfter.\n"
    )


def test_reimport_replaces_the_marked_region_instead_of_marking_twice() -> None:
    text = "# Tools\n\n| Name | Link |\n|--|--|\n| A | [🔗](https://a.org) |\n"
    first = import_markdown(text, "README.md")
    second = import_markdown(first.readme, "README.md")
    assert second.readme == first.readme
    assert second.files == first.files
    # A marked region keeps its stem even when the heading changes.
    renamed = import_markdown(first.readme.replace("# Tools", "# Gadgets"), "README.md")
    assert list(renamed.files) == ["tools"]
    assert renamed.readme.count("curator:begin") == 1


def test_table_inside_details_is_imported_with_markers() -> None:
    text = (
        "# Courses\n\n<details>\n<summary>More</summary>\n"
        "| Courses | Link |\n|---|---|\n| C1 | [🔗](https://c.org) |\n</details>\n"
    )
    result = import_markdown(text, "README.md")
    assert [e.name for e in result.files["courses"].entries] == ["C1"]
    regions, problems = marker_regions(result.readme, "README.md")
    assert problems == []
    assert [r.stem for r in regions] == ["courses"]
    assert result.readme.endswith("<!-- curator:end courses -->\n</details>\n")
    assert import_markdown(result.readme, "README.md").readme == result.readme


def test_seed_import() -> None:
    result = import_markdown(SEED.read_text(encoding="utf-8"), "README.md")
    counts = {stem: len(model.entries) for stem, model in result.files.items()}
    assert counts == {
        "research-llms": 9,
        "commercial-llms": 3,
        "training-frameworks": 12,
        "deployment-tools": 9,
        "courses": 18,
        "tutorials": 17,
    }
    for model in result.files.values():
        assert semantic_problems(model) == []
    research = {e.id: e for e in result.files["research-llms"].entries}
    # Content is kept as it is, wrong and duplicate links included.
    for name in ("dalai", "llama", "colossalchat"):
        assert research[name].url == "https://github.com/cocktailpeanut/dalai"
    assert research["koala"].url == research["baize"].url == "https://github.com/project-baize/baize-chatbot"
    assert research["alpaca"].url == research["gpt4all"].url == "https://github.com/nomic-ai/gpt4all"
    assert "[LoRA](https://github.com/microsoft/LoRA)" in (research["baize"].description or "")
    assert [link.label for link in research["llama"].links] == ["LLaMA.cpp", "Lit-LLaMA"]
    assert [link.label for link in research["alpaca"].links] == ["Alpaca.cpp", "Alpaca-LoRA"]
    frameworks = {e.id: e for e in result.files["training-frameworks"].entries}
    assert frameworks["colossal-ai"].url == "hhttps://github.com/hpcaitech/ColossalAI"
    commercial = result.files["commercial-llms"]
    assert [c.key for c in commercial.section.columns[1:]] == [
        "release_date", "checkpoints", "paper_blog", "params_b", "context_length", "license",
    ]  # fmt: skip
    assert commercial.section.columns[1].type == "month"
    tutorials = result.files["tutorials"]
    lets_build = next(e for e in tutorials.entries if e.name.startswith("Let's build GPT"))
    assert lets_build.links == [
        ExtraLink(label="👨\u200d💻", url="https://github.com/karpathy/ng-video-lecture", before="z ")
    ]
    assert [w.split(": ", 1)[0] for w in result.warnings] == ["README.md:41"]
    assert "ğ" not in result.readme and "â€" not in result.readme
    assert "# What I am learning 📚" in result.readme
    assert len(result.skipped) == 1  # the MLM/CLM comparison
    assert len(find_tables(result.readme)) == 7


def test_link_cell_oddities_are_warned_about() -> None:
    text = (
        "| Name | Link |\n|---|---|\n"
        "| A | [🔗](https://a.org) |\n"
        '| B | [🔗](https://b.org "Title") |\n'
        "| C | https://c.org |\n"
        "| D | [GitHub](https://d.org) |\n"
        "| E | [🔗]() |\n"
    )
    result = import_markdown(text, "x.md")
    entries = result.files["table"].entries
    assert [(e.name, e.url, e.label) for e in entries] == [
        ("A", "https://a.org", None),
        ("B", None, None),
        ("C", "https://c.org", None),  # a bare URL, written back bare
        ("D", "https://d.org", "GitHub"),  # its own label, not the column's
        ("E", None, None),
    ]
    assert entries[2].url_form == "bare"
    # What the catalog cannot hold as a link is kept as the cell's text, as written, and said.
    assert [e.around["link"].before for e in (entries[1], entries[4])] == ['[🔗](https://b.org "Title")', "[🔗]()"]
    assert [w.split(": ", 1)[0] for w in result.warnings] == ["x.md:4"]
    assert "kept as text" in result.warnings[0]


def test_rows_the_schema_refuses_are_warnings_not_tracebacks() -> None:
    text = "# T\n| Name | Description |\n|---|---|\n| " + "x" * 2001 + " | too long a name |\n| B | fine |\n"
    result = import_markdown(text, "x.md")
    assert [e.id for e in result.files["t"].entries] == ["b"]
    (warning,) = result.warnings
    assert warning.startswith("x.md:4: row cannot be imported (name: String should have at most 2000 characters)")
    assert warning.endswith("…")


def test_multi_line_heading_becomes_a_one_line_title() -> None:
    model = only_file("Setext\nheading\n===\n\n| Name |\n|---|\n| A |\n")
    assert model.section.title == "Setext heading"


def test_a_region_with_text_besides_its_table_is_an_error() -> None:
    text = "# T\n<!-- curator:begin t -->\nA note someone wrote here.\n\n" + (
        "| Name |\n|---|\n| A |\n\n<!-- curator:end t -->\n"
    )
    with pytest.raises(MarkerError) as info:
        import_markdown(text, "x.md")
    assert str(info.value) == (
        "x.md:3: text in the region of 't' (lines 2-9) outside its table would be lost; move it out of the region"
    )


def test_skip_and_only_choose_tables_by_heading() -> None:
    text = "# Keep\n\n| Name |\n|---|\n| A |\n\n# Drop it!\n\n| Name |\n|---|\n| B |\n"
    assert list(import_markdown(text, "x.md", skip=["drop it"]).files) == ["keep"]
    only = import_markdown(text, "x.md", only=["Drop it"])
    assert list(only.files) == ["drop-it"]
    assert str(only.decisions[0]) == (
        "table at line 3 under 'Keep': left as prose (not under a heading given to --only)"
    )
