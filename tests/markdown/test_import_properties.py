"""Property and fuzz tests of import ⇄ render: generated tables come back cell for cell and catalog for
catalog; malformed markdown never crashes import, never loses a row silently, and what import accepts
renders back unchanged (what `render --check` compares)."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curator.errors import CuratorError
from curator.markdown.importer import import_markdown
from curator.markdown.render import render_table, splice
from curator.markdown.repair import repair_text
from curator.markdown.roundtrip import measure_loss
from curator.markdown.tables import find_tables

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_words = st.lists(st.sampled_from(["alpha", "Beta", "gamma", "δelta", "42", "x-y", "ünï"]), min_size=1, max_size=4)
words = _words.map(" ".join)
urls = st.builds(
    lambda host, path: f"https://{host}.example/{path}",
    st.sampled_from("abcde"),
    st.sampled_from(["", "p", "a/b", "q?x=1"]),
)
links = st.builds(lambda label, url: f"[{label}]({url})", words, urls)
separators = st.sampled_from([" ", ", ", " / ", " · ", " and ", " | "])
inline = st.sampled_from(["<b>bold</b>", "`a | b`", "a | b", "<sup>1</sup>", "**strong**", "😀", ""])


@st.composite
def link_runs(draw: st.DrawFn, min_size: int = 1) -> str:
    parts = draw(st.lists(links, min_size=min_size, max_size=3))
    out = parts[0] if parts else ""
    for part in parts[1:]:
        out += draw(separators) + part
    wrap = draw(st.sampled_from([("", ""), ("(", ")"), ("", " ✨")]))
    return wrap[0] + out + wrap[1]


@st.composite
def name_cells(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(["", "🧐 ", "**", "⭐ "]))
    suffix = draw(st.sampled_from(["", " (Apr 2026)", "**", " 🚀"]))
    return prefix + draw(links) + suffix


@st.composite
def descriptions(draw: st.DrawFn) -> str:
    text = draw(words) + " " + draw(inline)
    return text.strip() + draw(st.sampled_from(["", ".", ". [Paper](https://p.example/x)"]))


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


@st.composite
def tables(draw: st.DrawFn) -> str:
    rows = draw(
        st.lists(
            st.tuples(
                name_cells(),
                descriptions(),
                st.one_of(link_runs(), urls, urls.map(lambda u: f"<{u}>"), urls.map(lambda u: u + ").")),
                st.sampled_from(["2024", "", "n/a"]),
            ),
            min_size=1,
            max_size=6,
        )
    )
    lines = ["| Name | Description | Link | Year |", "|---|---|---|---|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _cells(text: str) -> list[tuple[str, ...]]:
    (table,) = [t for t in find_tables(text)]
    return [table.headers, *[row.cells for row in table.rows]]


@FAST
@given(tables())
def test_import_then_render_gives_the_table_back(table: str) -> None:
    result = import_markdown("# Things\n\n" + table, "README.md")
    assert list(result.files) == ["things"], result.warnings
    model = result.files["things"]
    assert _cells(render_table(model)) == _cells(table)
    assert measure_loss(table, result.readme).total == 0
    again = import_markdown(result.readme, "README.md")
    assert again.files == result.files and again.readme == result.readme


# Pieces of malformed markdown: ragged rows, unclosed HTML, nested containers, huge cells, markers.
_PIECES = [
    "| Name | Link |", "|---|---|", "| A | [🔗](https://a.example) |", "| B |",
    "| C | [x](https://c.example) | extra |", "<details>", "<summary>More</summary>", "</details>", "<div>",
    "<!-- note", "-->", "> | Q | [🔗](https://q.example) |", "> |---|---|", "- | L | [🔗](https://l.example) |",
    "  |---|---|", "# Heading", "", "| " + "w" * 2500 + " | x |", "| \\| | `a|b` |",
    "<!-- curator:begin things -->", "<!-- curator:end things -->", "| [N](https://n.example) (2026) | d |",
    "text with https://bare.example/x). and www.w.example", "| :-: | --: |", "|", "||", "| <b>unclosed | x |",
]  # fmt: skip


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=25), st.sampled_from(["\n", "\r\n", "\r"]))
def test_malformed_markdown_never_crashes_nor_loses_silently(pieces: list[str], newline: str) -> None:
    text = newline.join(pieces) + newline
    try:
        result = import_markdown(text, "README.md")
    except CuratorError:
        return  # a clear message (broken markers): nothing written
    tables = {stem: render_table(model) for stem, model in result.files.items()}
    assert splice(result.readme, tables, "README.md") == result.readme  # render --check: up to date
    warned = {int(m.group(1)) for w in result.warnings if (m := re.match(r"README\.md:(\d+):", w))}
    for imported in result.tables:
        silent = [row.line for row in imported.table.rows if row.line not in warned]
        assert len(imported.model.entries) >= len(silent)
    loss = measure_loss(repair_text(text.replace("\r\n", "\n").replace("\r", "\n")), result.readme)
    assert loss.total == 0 or result.warnings, loss.lines()
