"""Finding GFM tables: raw cell source, alignments, line numbers, odd rows, tables inside <details>."""

from __future__ import annotations

from curator.markdown.tables import find_tables, split_row


def test_cells_are_raw_inline_markdown_with_lines_and_alignments() -> None:
    text = (
        "# Tools\n"
        "\n"
        "| Name | Description | Link |\n"
        "|:-----|:-----------:|-----:|\n"
        "| **A** | Uses [LoRA](https://x.org/lora) and <b>HTML</b> | [🔗](https://a.org) |\n"
    )
    (table,) = find_tables(text)
    assert table.headers == ("Name", "Description", "Link")
    assert table.aligns == ("left", "center", "right")
    assert table.heading == "Tools"
    assert table.heading_line == 1
    assert (table.start_line, table.end_line) == (3, 5)
    (row,) = table.rows
    assert row.line == 5
    assert row.cells == ("**A**", "Uses [LoRA](https://x.org/lora) and <b>HTML</b>", "[🔗](https://a.org)")
    assert table.warnings == ()


def test_no_alignment_is_none() -> None:
    (table,) = find_tables("| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert table.aligns == (None, None)
    assert table.heading is None


def test_escaped_pipes_become_pipes() -> None:
    (table,) = find_tables("| a | b |\n|---|---|\n| x \\| y | `p\\|q` |\n")
    assert table.rows[0].cells == ("x | y", "`p|q`")


def test_short_rows_are_padded_with_a_warning() -> None:
    (table,) = find_tables("| a | b | c |\n|---|---|---|\n| 1 |\n")
    row = table.rows[0]
    assert row.cells == ("1", "", "")
    assert row.padded == 2
    assert table.warnings == ((3, "row has 1 cell(s), the header 3; padded with 2 empty cell(s)"),)


def test_long_rows_keep_their_extra_cells_in_a_warning() -> None:
    (table,) = find_tables("| a | b |\n|---|---|\n| 1 | 2 | three | four |\n")
    row = table.rows[0]
    assert row.cells == ("1", "2")
    assert row.extra == ("three", "four")
    ((line, message),) = table.warnings
    assert line == 3
    assert "'three'" in message and "'four'" in message


def test_table_inside_details_is_found() -> None:
    text = (
        "# Models\n"
        "\n"
        "<details>\n"
        "<summary>Click</summary>\n"
        "| Name | Link |\n"
        "|---|---|\n"
        "| A | [🔗](https://a.org) |\n"
        "</details>\n"
        "\n"
        "| Other | Link |\n"
        "|---|---|\n"
        "| B | [🔗](https://b.org) |\n"
    )
    inner, outer = find_tables(text)
    assert inner.in_html and not outer.in_html
    assert inner.heading == "Models"
    assert (inner.start_line, inner.end_line) == (5, 7)
    assert inner.rows[0].line == 7
    assert inner.rows[0].cells == ("A", "[🔗](https://a.org)")
    assert len(inner.rows) == 1  # </details> is not a row
    assert outer.rows[0].line == 12


def test_tables_in_code_blocks_are_not_tables() -> None:
    assert find_tables("```\n| a | b |\n|---|---|\n| 1 | 2 |\n```\n") == []


def test_nearest_heading_is_recorded() -> None:
    text = "# One\n\n## Two\n\n| a |\n|---|\n| 1 |\n\n# Three\n\n| b |\n|---|\n| 2 |\n"
    first, second = find_tables(text)
    assert (first.heading, first.heading_line) == ("Two", 3)
    assert (second.heading, second.heading_line) == ("Three", 9)


def test_split_row_matches_markdown_it() -> None:
    assert split_row("| a | b \\| c | `d` |") == ["a", "b | c", "`d`"]
    assert split_row("a | b") == ["a", "b"]
    assert split_row("> | a | b |") == ["a", "b"]
    assert split_row("| a |  |") == ["a", ""]
    assert split_row("|a|") == ["a"]


def test_tables_in_comments_are_skipped_and_containers_named() -> None:
    text = (
        "> | a | b |\n> |---|---|\n> | x | y |\n\n- item\n\n  | a | b |\n  |---|---|\n  | x | y |\n\n"
        "<!-- hidden\n| a | b |\n|---|---|\n| h | i |\n-->\n\n| a | b |\n|---|---|\n| z | w |\n"
    )
    notes: list[tuple[int, str]] = []
    found = find_tables(text, notes)
    assert [(t.start_line, t.container) for t in found] == [(1, "block quote"), (7, "list"), (17, None)]
    assert notes == [(11, "table inside an HTML comment: skipped")]
