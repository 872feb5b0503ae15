"""Find the GFM tables of a markdown document, with each cell's raw inline source and line numbers.

markdown-it-py finds the tables and their line ranges. A table inside an HTML block (a `<details>`
section without a blank line after `<summary>`) is part of that block's raw HTML to markdown-it, so
the content of every HTML block is parsed again, one opening line at a time, to find tables in it.

markdown-it pads short rows and silently drops the extra cells of long ones; the row's own source line
is split again here so that both are reported, and the extra cells' text appears in the warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

Align = Literal["left", "center", "right"]

_ALIGNS: dict[str, Align] = {
    "text-align:left": "left",
    "text-align:center": "center",
    "text-align:right": "right",
}
# What markdown-it trims from a cell (JavaScript's String.prototype.trim set); also used by the importer.
CELL_TRIM = "\t\n\v\f\r \xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000\ufeff"


def markdown_parser() -> MarkdownIt:
    # Block structure only: a cell's raw inline source is all we read, and parsing the inline markdown of
    # ten thousand rows (links normalised, punycode) was most of an import's time.
    return MarkdownIt("commonmark").enable("table").disable("inline")


@dataclass(frozen=True)
class Row:
    line: int  # 1-based line of the row in the document
    cells: tuple[str, ...]  # raw inline markdown of each cell, `\|` already turned into `|`
    extra: tuple[str, ...] = ()  # cells beyond the header's count, not part of `cells`
    padded: int = 0  # how many empty cells were added because the row was short


@dataclass(frozen=True)
class Table:
    start_line: int  # 1-based line of the header row
    end_line: int  # 1-based line of the last row (inclusive)
    headers: tuple[str, ...]
    aligns: tuple[Align | None, ...]
    rows: tuple[Row, ...]
    heading: str | None = None  # raw inline text of the nearest preceding heading
    heading_line: int | None = None
    in_html: bool = False  # found inside an HTML block
    container: str | None = None  # "block quote" or "list" when the table sits inside one
    warnings: tuple[tuple[int, str], ...] = field(default=(), compare=False)  # (line, message)


def split_row(line: str) -> list[str]:
    """Split a table row's source into cells the way markdown-it does (`\\|` does not split)."""
    text = line.strip(CELL_TRIM)
    while text.startswith(">"):  # a table in a block quote
        text = text[1:].lstrip(" ")
    cells: list[str] = []
    current = ""
    last = 0
    escaped = False
    for pos, ch in enumerate(text):
        if ch == "|":
            if escaped:
                current += text[last : pos - 1]
                last = pos
            else:
                cells.append(current + text[last:pos])
                current = ""
                last = pos + 1
        escaped = ch == "\\"
    cells.append(current + text[last:])
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return [c.strip(CELL_TRIM) for c in cells]


def find_tables(text: str, notes: list[tuple[int, str]] | None = None) -> list[Table]:
    """Every table of `text`, in document order. Row-shape problems are in each table's `warnings`; HTML
    nested too deep to look inside is reported in `notes` as (line, message)."""
    lines = text.split("\n")
    return list(_walk(markdown_parser(), lines, _Context(), notes if notes is not None else []))


@dataclass
class _Context:
    heading: str | None = None
    heading_line: int | None = None


@dataclass
class _Range:
    """Lines being looked through: their tokens, the next one to read, and where the lines begin."""

    tokens: list[Token]
    first: int  # 0-based line of the document where these tokens' line 0 is
    context: _Context
    in_html: bool
    depth: int  # how many HTML blocks this range is nested in
    next: int = 0
    containers: list[str] = field(default_factory=list)  # block quotes and lists open at `next`


_CONTAINERS = {"blockquote_open": "block quote", "bullet_list_open": "list", "ordered_list_open": "list"}
_DELIMITER_ROW = re.compile(r"^[\s>]*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$|^[\s>]*\|\s*:?-+:?\s*\|\s*$")


# Each level of HTML nesting means parsing the rest of its block again. Levels that a line opening a block
# of its own would only wrap are skipped without parsing (`_wrappers`); what is left is rare, so more
# levels than this are not looked into rather than parsed again and again.
MAX_HTML_DEPTH = 32


def _walk(md: MarkdownIt, lines: list[str], context: _Context, notes: list[tuple[int, str]]) -> Iterator[Table]:
    """Tables in `lines`, in document order. An HTML block's lines after its first are parsed again.

    A stack of ranges, not recursion: a document may nest thousands of HTML lines."""
    stack = [_Range(md.parse("\n".join(lines)), 0, context, in_html=False, depth=0)]
    while stack:
        current = stack[-1]
        if current.next >= len(current.tokens):
            stack.pop()
            continue
        i = current.next
        current.next += 1
        tokens, first = current.tokens, current.first
        token = tokens[i]
        if token.type in _CONTAINERS:
            current.containers.append(_CONTAINERS[token.type])
        elif token.type.endswith("_close") and token.type.replace("_close", "_open") in _CONTAINERS:
            if current.containers:
                current.containers.pop()
        elif token.type == "heading_open" and i + 1 < len(tokens) and token.map is not None:
            current.context.heading = tokens[i + 1].content.strip()
            current.context.heading_line = first + token.map[0] + 1
        elif token.type == "html_block" and token.map is not None:
            start, end = token.map[0] + first, token.map[1] + first
            if lines[start].lstrip(" ").startswith("<!--"):
                # A comment hides what it holds: a table in it is not content (and its `-->` no row).
                if any(_DELIMITER_ROW.match(line) for line in lines[start:end]):
                    notes.append((start + 1, "table inside an HTML comment: skipped"))
                continue
            inner = _wrappers(lines, start + 1, end)
            if end - inner < 2:
                continue  # a table needs two lines at least
            if current.depth >= MAX_HTML_DEPTH:
                notes.append((inner + 1, f"HTML nested more than {MAX_HTML_DEPTH} blocks deep: not looked into"))
                continue
            inner_context = _Context(current.context.heading, current.context.heading_line)
            stack.append(_Range(md.parse("\n".join(lines[inner:end])), inner, inner_context, True, current.depth + 1))
        elif token.type == "table_open":
            close = _matching_close(tokens, i)
            container = current.containers[-1] if current.containers else None
            yield _table(tokens[i : close + 1], lines, first, current.context, current.in_html, container)
            current.next = close + 1


def _wrappers(lines: list[str], start: int, end: int) -> int:
    """The first line of lines[start:end] worth parsing again: past the lines that only wrap the rest.

    In a range without blank lines, a line opening an HTML block that ends at a blank line (a `<div>`,
    any tag alone on its line) makes the whole range one HTML block, whose lines after the first would be
    parsed again: skipping it gives the same tables without the parse."""
    if any(not line.strip(" \t") for line in lines[start:end]):
        return start
    while end - start > 1 and _opens_html_to_blank(lines[start]):
        start += 1
    return start


_RAW_HTML_START = re.compile(r"^ {0,3}<(?:[!?]|(?i:script|pre|style|textarea)(?:[\s>]|$))")


def _opens_html_to_blank(line: str) -> bool:
    """Whether `line` opens an HTML block that only a blank line ends (not a comment, `<pre>` and the like)."""
    if _RAW_HTML_START.match(line):
        return False
    return _first_token(line) == "html_block"


@lru_cache(maxsize=1024)  # wrapper lines repeat (`<div>` two thousand times)
def _first_token(line: str) -> str:
    tokens = _line_parser().parse(line)
    return tokens[0].type if tokens else ""


@lru_cache(maxsize=1)
def _line_parser() -> MarkdownIt:
    return markdown_parser()


def _matching_close(tokens: list[Token], start: int) -> int:
    depth = 0
    for j in range(start, len(tokens)):
        depth += tokens[j].nesting if tokens[j].type.startswith("table") else 0
        if tokens[j].type == "table_close" and depth == 0:
            return j
    return len(tokens) - 1  # pragma: no cover - markdown-it always closes a table


def _table(
    tokens: list[Token],
    lines: list[str],
    offset: int,
    context: _Context,
    in_html: bool,
    container: str | None = None,
) -> Table:
    headers: list[str] = []
    aligns: list[Align | None] = []
    rows: list[Row] = []
    warnings: list[tuple[int, str]] = []
    current: list[str] | None = None
    row_line = 0
    in_head = False
    for token in tokens:
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "th_open":
            style = token.attrs.get("style")
            aligns.append(_ALIGNS.get(style) if isinstance(style, str) else None)
        elif token.type == "tr_open" and token.map is not None:
            current = []
            row_line = token.map[0] + offset
        elif token.type == "inline" and current is not None:
            current.append(token.content)
        elif token.type == "tr_close" and current is not None:
            if in_head:
                headers = current
            else:
                rows.append(_row(current, lines[row_line], row_line + 1, len(headers), warnings))
            current = None
    table_map = tokens[0].map or [0, 1]
    return Table(
        start_line=table_map[0] + offset + 1,
        end_line=table_map[1] + offset,
        headers=tuple(headers),
        aligns=tuple(aligns),
        rows=tuple(rows),
        heading=context.heading,
        heading_line=context.heading_line,
        in_html=in_html,
        container=container,
        warnings=tuple(warnings),
    )


def _row(cells: list[str], raw: str, line: int, width: int, warnings: list[tuple[int, str]]) -> Row:
    raw_cells = split_row(raw)
    if len(raw_cells) < width:
        padded = width - len(raw_cells)
        warnings.append(
            (
                line,
                f"row has {len(raw_cells)} cell(s), the header {width}; padded with {padded} empty cell(s)",
            )
        )
        return Row(line=line, cells=tuple(cells), padded=padded)
    if len(raw_cells) > width:
        extra = tuple(raw_cells[width:])
        shown = ", ".join(repr(c) for c in extra)
        warnings.append(
            (line, f"row has {len(raw_cells)} cells, the header {width}; extra cell(s) not imported: {shown}")
        )
        return Row(line=line, cells=tuple(cells), extra=extra)
    return Row(line=line, cells=tuple(cells))
