"""Render catalog files as GFM tables and splice them into the README between curator markers.

    <!-- curator:begin research-llms -->
    | Language Model | Description | Link |
    ...

    <!-- curator:end research-llms -->

Everything outside the markers is the maintainers' prose and is never touched. The blank line before the
end marker matters: on GitHub a table only ends at a blank line, so without it the marker would become a
row of the table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt

from curator.catalog.models import CatalogFile, Column, Entry, ExtraLink
from curator.errors import CuratorError, Problem
from curator.markdown.files import LineEdit, apply_edits
from curator.markdown.links import format_link

MARKER_RE = re.compile(r"^ {0,3}<!--\s*curator:(?P<kind>begin|end)\s+(?P<stem>\S+?)\s*-->\s*$")
# A marker names a catalog file (`<stem>.yaml`), and `curator import` writes that file: a name that could
# be a path (`../x`, `/etc/x`) must never get that far. These are the names the importer gives.
MARKER_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
MARKER_NAME_RULE = "lower-case letters, digits and '-', starting with a letter or digit"

_DELIMITERS = {None: "---", "left": ":---", "center": ":---:", "right": "---:"}
_NEWLINE = re.compile(r"\r\n|\r|\n")


def _at(source: str, line: int | None, message: str) -> Problem:
    return Problem(file=source, message=message, line=line)


class MarkerError(CuratorError):
    """The README's curator markers do not match the catalog. Carries every problem, one line each."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def is_marker_name(stem: str) -> bool:
    return MARKER_NAME.fullmatch(stem) is not None


def begin_marker(stem: str) -> str:
    return f"<!-- curator:begin {stem} -->"


def end_marker(stem: str) -> str:
    return f"<!-- curator:end {stem} -->"


def escape_cell(text: str) -> str:
    """A value as table-cell source: `|` escaped, line breaks as `<br>` (the importer reverses both)."""
    return _NEWLINE.sub("<br>", text.replace("|", "\\|"))


def _with_links(core: str, links: Sequence[ExtraLink], column: str) -> str:
    """`core` followed by the cell's extra links, each after its own separator (one space by default)."""
    out = core
    for link in links:
        if link.column == column:
            separator = link.before if link.before is not None else (" " if out else "")
            out += separator + format_link(link.label, link.url)
    return out


def _cell(column: Column, entry: Entry) -> str:
    text: str
    if column.role == "name":
        name = format_link(entry.name, entry.url) if column.linked and entry.url else entry.name
        text = _with_links(name, entry.links, "name")
    elif column.role == "description":
        text = _with_links(entry.description or "", entry.links, "description")
    elif column.role == "link":
        main = ""
        if entry.url and entry.url_form == "bare":
            main = entry.url
        elif entry.url and entry.url_form == "autolink":
            main = f"<{entry.url}>"
        elif entry.url:
            main = format_link(entry.label or column.label, entry.url)
        text = _with_links(main, entry.links, "link")
    else:
        text = entry.fields.get(column.key or "", "")
    around = entry.around.get(column.role) if column.role != "field" else None
    if around is not None:
        text = around.before + text + around.after
    return escape_cell(text)


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def render_table(model: CatalogFile, *, metrics: Mapping[str, Sequence[str]] | None = None) -> str:
    """The GFM table of one catalog file, ending with a newline.

    `metrics`, when given, adds one column per key (the header) after the catalog's own columns; its
    values are the cells in entry order (missing ones are left empty).
    """
    columns = model.section.columns
    extra = dict(metrics or {})
    headers = [escape_cell(c.header) for c in columns] + [escape_cell(h) for h in extra]
    delimiters = [_DELIMITERS[c.align] for c in columns] + ["---"] * len(extra)
    lines = [_row(headers), _row(delimiters)]
    for index, entry in enumerate(model.entries):
        cells = [_cell(c, entry) for c in columns]
        cells += [escape_cell(values[index]) if index < len(values) else "" for values in extra.values()]
        lines.append(_row(cells))
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Region:
    """A marked region: the lines strictly between `begin_line` and `end_line` (1-based) are generated."""

    stem: str
    begin_line: int
    end_line: int


@lru_cache(maxsize=1)
def _block_parser() -> MarkdownIt:
    # Blocks only: code blocks are all we look for, and skipping inline and table parsing makes this cheap
    # on a README holding thousands of rendered rows.
    return MarkdownIt("commonmark").disable("inline")


def _code_lines(text: str) -> set[int]:
    """0-based lines inside fenced or indented code blocks, where markers are examples, not markers."""
    out: set[int] = set()
    for token in _block_parser().parse(text):
        if token.type in {"fence", "code_block"} and token.map is not None:
            out.update(range(token.map[0], token.map[1]))
    return out


def marker_regions(text: str, source: str) -> tuple[list[Region], list[Problem]]:
    """The marked regions of `text` and every problem with the markers (file, line, message)."""
    regions, problems, _ = _scan_markers(text, source)
    return regions, problems


def bad_marker_names(text: str, source: str) -> list[Problem]:
    """One line for each marker whose name is not a plain name (a path, upper case, ...)."""
    return _scan_markers(text, source)[2]


def _scan_markers(text: str, source: str) -> tuple[list[Region], list[Problem], list[Problem]]:
    """Regions, every problem, and the problems with names among them."""
    code = _code_lines(text)
    regions: list[Region] = []
    problems: list[Problem] = []
    bad_names: list[Problem] = []
    seen: dict[str, int] = {}
    open_stem: str | None = None
    open_line = 0
    for index, line in enumerate(text.split("\n")):
        match = MARKER_RE.match(line)
        if match is None or index in code:
            continue
        kind, stem, number = match.group("kind"), match.group("stem"), index + 1
        if not is_marker_name(stem):
            shown = stem if len(stem) <= 60 else stem[:59] + "…"
            bad_names.append(_at(source, number, f"marker name {shown!r} is not a plain name ({MARKER_NAME_RULE})"))
            problems.append(bad_names[-1])
            continue
        if kind == "begin":
            if open_stem is not None:
                problems.append(
                    _at(
                        source,
                        number,
                        f"begin marker for {stem!r} inside the region of {open_stem!r} "
                        f"(opened on line {open_line}, not yet ended)",
                    )
                )
                continue
            if stem in seen:
                problems.append(
                    _at(source, number, f"second region for {stem!r} (the first begins on line {seen[stem]})")
                )
            open_stem, open_line = stem, number
        elif open_stem is None:
            problems.append(_at(source, number, f"end marker for {stem!r} without a begin marker"))
        elif stem != open_stem:
            problems.append(
                _at(
                    source,
                    number,
                    f"end marker for {stem!r} but the open region is {open_stem!r} (begun on line {open_line})",
                )
            )
        else:
            seen.setdefault(stem, open_line)
            regions.append(Region(stem, open_line, number))
            open_stem = None
    if open_stem is not None:
        problems.append(
            _at(
                source,
                open_line,
                f"begin marker for {open_stem!r} has no end marker ({end_marker(open_stem)} on a line of its own)",
            )
        )
    return regions, problems, bad_names


def splice(readme: str, tables: Mapping[str, str], source: str) -> str:
    """Replace the content of every marked region of `readme` with `tables[stem]`.

    Raises MarkerError when the markers are broken, when a marker names a table that is not in
    `tables`, or when a table has no region (its content would silently go missing from the README).
    """
    return apply_edits(readme, splice_edits(readme, tables, source))


def splice_edits(readme: str, tables: Mapping[str, str], source: str) -> list[LineEdit]:
    """What `splice` changes, as line edits (for writing the file back with its line endings)."""
    regions, problems = marker_regions(readme, source)
    for region in regions:
        if region.stem not in tables:
            known = ", ".join(sorted(tables)) or "none"
            problems.append(
                _at(
                    source,
                    region.begin_line,
                    f"marker for {region.stem!r} but the catalog has no file "
                    f"{region.stem}.yaml (catalog files: {known})",
                )
            )
    marked = {r.stem for r in regions}
    for stem in tables:
        if not is_marker_name(stem):
            problems.append(
                _at(
                    source,
                    None,
                    f"catalog file {stem}.yaml cannot have a region: marker names take {MARKER_NAME_RULE}; "
                    "rename the file",
                )
            )
        elif stem not in marked:
            problems.append(
                _at(
                    source,
                    None,
                    f"no region for catalog file {stem}.yaml: add the lines {begin_marker(stem)} and "
                    f"{end_marker(stem)} where its table belongs",
                )
            )
    if problems:
        raise MarkerError(problems)
    return [
        LineEdit(region.begin_line, region.end_line - 1, tables[region.stem].rstrip("\n") + "\n") for region in regions
    ]
