"""Turn the resource tables of a markdown document into catalog files.

Each table under a heading becomes one `CatalogFile`; the document comes back with the table replaced by
its rendering between curator markers, so that `curator render --check` passes right after an import.
Nothing is lost quietly: every row becomes an entry or a warning naming its line, and every piece of a
cell that the catalog cannot hold (a stray character beside a link, an extra cell) is named in a warning.

How columns are recognised (header words first, then cell content):
- name: the first column, unless that one is clearly a link or description column and another header
  reads like a name (Name, Model, Framework, Courses, ...);
- link: a header such as Link, Resource, URL, Repo, Website, else the first column whose cells are
  mostly nothing but links;
- description: Description, About, Summary, Details;
- anything else is a `field` column keyed by a slug of its header; one whose values are all YYYY/MM or
  YYYY-MM gets `type: month`.
A table whose first header cell is empty compares properties side by side (rows are properties, not
resources): it is left alone as prose.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from curator.catalog.models import CatalogFile, Column, Entry, ExtraLink, LinkEmoji, Section, is_month
from curator.markdown.files import LineEdit, split_endings
from curator.markdown.links import BARE_URL_RE, Link, only_links, slugify, split_links
from curator.markdown.render import (
    MarkerError,
    Region,
    bad_marker_names,
    begin_marker,
    end_marker,
    marker_regions,
    render_table,
)
from curator.markdown.repair import repair_text
from curator.markdown.tables import CELL_TRIM, Table, find_tables

NAME_HEADERS = frozenset(
    {
        "name", "names", "model", "models", "language model", "language models", "llm", "llms",
        "framework", "frameworks", "deployment tools", "deployment tool", "course", "courses", "tutorial",
        "tutorials", "project", "projects", "title", "tool", "tools", "library", "libraries", "resource name",
        "dataset", "datasets", "paper", "papers", "book", "books", "package", "packages", "app", "apps",
    }
)  # fmt: skip
LINK_HEADERS = frozenset(
    {
        "link", "links", "resource", "resources", "url", "urls", "repo", "repos", "repository",
        "repositories", "website", "websites", "homepage", "home page", "site", "github",
    }
)  # fmt: skip
DESCRIPTION_HEADERS = frozenset({"description", "descriptions", "desc", "about", "summary", "details"})

# Well-known section kinds and the file stems they get; every keyword must occur in the heading.
KNOWN_STEMS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("research", "llm"), "research-llms"),
    (("commercial", "llm"), "commercial-llms"),
    (("training", "framework"), "training-frameworks"),
    (("deployment",), "deployment-tools"),
    (("course",), "courses"),
    (("tutorial",), "tutorials"),
)

# A run of links at the end of a description is split off into extra links only when the prose before
# it is finished (ends like a sentence) or absent: "model. [LLaMA.cpp](..) [Lit-LLaMA](..)" has two extra
# links, while "trained with [LoRA](..)" keeps its link as part of the sentence.
_SENTENCE_END = ".!?;:)…。"
_BR = "<br>"
_WHITESPACE = CELL_TRIM


@dataclass(frozen=True)
class ImportedTable:
    stem: str
    model: CatalogFile
    table: Table


@dataclass(frozen=True)
class ImportResult:
    files: dict[str, CatalogFile]  # by file stem, in document order
    readme: str  # the document with mojibake repaired and each imported table between markers
    warnings: list[str]  # "<source>:<line>: message", in line order
    tables: list[ImportedTable] = field(default_factory=list)
    skipped: list[Table] = field(default_factory=list)  # comparison tables, left as prose
    edits: list[LineEdit] = field(default_factory=list)  # what turns the document into `readme`

    @property
    def entry_count(self) -> int:
        return sum(len(m.entries) for m in self.files.values())


class _Notes:
    def __init__(self) -> None:
        self.items: list[tuple[int, str]] = []

    def add(self, line: int, message: str) -> None:
        self.items.append((line, message))


def _norm_header(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def is_comparison(table: Table) -> bool:
    """A table whose first header cell is empty: rows are properties compared across the columns."""
    return not table.headers or not table.headers[0].strip()


def stem_for(heading: str | None) -> str:
    """The catalog file stem for a table under `heading`."""
    if not heading:
        return "table"
    words = heading.lower()
    for keywords, stem in KNOWN_STEMS:
        if all(k in words for k in keywords):
            return stem
    return slugify(heading) or "table"


def _unique(base: str, taken: set[str], separator: str = "-") -> str:
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{separator}{n}"
    taken.add(candidate)
    return candidate


def _shown(cells: Sequence[str], limit: int = 200) -> str:
    """A row's cells for a warning, shortened: the line number leads the user to the rest."""
    text = " | ".join(cells)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _from_br(text: str) -> str:
    return text.replace(_BR, "\n")


@dataclass(frozen=True)
class _Layout:
    name: int
    link: int | None
    description: int | None
    linked: bool
    columns: tuple[Column, ...]


def _detect_layout(table: Table) -> _Layout:
    headers = [_norm_header(h) for h in table.headers]
    width = len(headers)
    column_cells = [[row.cells[i] for row in table.rows if i < len(row.cells)] for i in range(width)]

    name = 0
    if headers[0] in LINK_HEADERS | DESCRIPTION_HEADERS:
        name = next((i for i, h in enumerate(headers) if h in NAME_HEADERS), 0)

    link = next((i for i, h in enumerate(headers) if i != name and h in LINK_HEADERS), None)
    if link is None:
        for i in range(width):
            if i == name or headers[i] in DESCRIPTION_HEADERS:
                continue
            filled = [c for c in column_cells[i] if c.strip()]
            if filled and sum(only_links(c) for c in filled) * 2 > len(filled):
                link = i
                break
    description = next((i for i, h in enumerate(headers) if i not in (name, link) and h in DESCRIPTION_HEADERS), None)

    linked = link is None and any(_linked_name(c) is not None for c in column_cells[name])
    label = LinkEmoji
    if link is not None:
        labels = Counter(
            first.label
            for cell in column_cells[link]
            for first in [next((p for p in split_links(cell) if isinstance(p, Link)), None)]
            if first is not None and first.label.strip()
        )
        if labels:
            label = labels.most_common(1)[0][0]

    keys: set[str] = set()
    columns: list[Column] = []
    for i, header in enumerate(table.headers):
        align = table.aligns[i] if i < len(table.aligns) else None
        if i == name:
            columns.append(Column(header=header, role="name", align=align, linked=linked))
        elif i == link:
            columns.append(Column(header=header, role="link", align=align, label=label))
        elif i == description:
            columns.append(Column(header=header, role="description", align=align))
        else:
            key = _unique(slugify(header, separator="_", max_length=40) or "field", keys, "_")
            values = [c for c in column_cells[i] if c.strip()]
            kind = "month" if values and all(is_month(v) for v in values) else "text"
            columns.append(Column(header=header, role="field", key=key, type=kind, align=align))
    return _Layout(name=name, link=link, description=description, linked=linked, columns=tuple(columns))


def _linked_name(cell: str) -> tuple[Link, list[Link]] | None:
    """`[Name](url)` optionally followed by more links: the name link and the others."""
    pieces = [p for p in split_links(cell) if isinstance(p, Link) or p.strip(_WHITESPACE)]
    if pieces and all(isinstance(p, Link) for p in pieces):
        links = [p for p in pieces if isinstance(p, Link)]
        return links[0], links[1:]
    return None


def _trailing_links(text: str) -> tuple[str, list[Link]]:
    """Split the run of links that ends `text` off from the prose before it, when that prose is finished."""
    pieces = split_links(text)
    k = len(pieces)
    while k > 0:
        piece = pieces[k - 1]
        if isinstance(piece, Link) or not piece.strip(_WHITESPACE):
            k -= 1
        else:
            break
    tail = [p for p in pieces[k:] if isinstance(p, Link)]
    if not tail or any(link.title is not None for link in tail):
        return text, []
    head = text[: tail[0].start].rstrip(_WHITESPACE)
    if head and head[-1] not in _SENTENCE_END:
        return text, []
    return head, tail


class _TableImporter:
    def __init__(self, table: Table, notes: _Notes) -> None:
        self.table = table
        self.notes = notes
        self.layout = _detect_layout(table)
        self.ids: set[str] = set()

    @property
    def header_of_link(self) -> str:
        return self.table.headers[self.layout.link] if self.layout.link is not None else ""

    def model(self, title: str) -> CatalogFile:
        entries = [e for row in self.table.rows if (e := self.entry(row.line, row.cells)) is not None]
        return CatalogFile(section=Section(title=title, columns=list(self.layout.columns)), entries=entries)

    def entry(self, line: int, cells: Sequence[str]) -> Entry | None:
        """The row as an entry, or None with a warning naming the line."""
        try:
            values = self._values(line, cells)
            if values is None:
                return None
            entry_id = _unique(slugify(values["name"]) or "entry", self.ids)
        except ValidationError as exc:
            self._unusable(line, cells, exc)
            return None
        try:
            return Entry(id=entry_id, **values)
        except ValidationError as exc:
            self.ids.discard(entry_id)
            self._unusable(line, cells, exc)
            return None

    def _unusable(self, line: int, cells: Sequence[str], exc: ValidationError) -> None:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
        self.notes.add(line, f"row cannot be imported ({problems}): {_shown(cells)}")

    def _values(self, line: int, cells: Sequence[str]) -> dict[str, Any] | None:
        layout = self.layout
        name = cells[layout.name].strip(_WHITESPACE)
        url: str | None = None
        links: list[ExtraLink] = []
        if layout.linked and (parsed := _linked_name(name)) is not None:
            first, rest = parsed
            name, url = first.label.strip(_WHITESPACE), first.url
            self._title(line, first)
            links += self._extra(line, rest, "name")
        if not name:
            header = self.table.headers[layout.name]
            self.notes.add(line, f"row has no name (column {header!r}); not imported: {_shown(cells)}")
            return None

        description: str | None = None
        if layout.description is not None:
            text, tail = _trailing_links(_from_br(cells[layout.description]))
            description = text.strip(_WHITESPACE) or None
            links += self._extra(line, tail, "description")

        if layout.link is not None:
            main, extra = self._link_cell(line, cells[layout.link])
            url = main if main is not None else url
            links += extra

        fields: dict[str, str] = {}
        for i, column in enumerate(layout.columns):
            if column.role == "field" and column.key is not None and cells[i].strip(_WHITESPACE):
                fields[column.key] = _from_br(cells[i])

        return {"name": name, "url": url, "description": description, "links": links, "fields": fields}

    def _title(self, line: int, link: Link) -> None:
        if link.title is not None:
            self.notes.add(line, f"link title {link.title!r} of {link.url} dropped (the catalog keeps no titles)")

    def _extra(self, line: int, found: Sequence[Link], column: str) -> list[ExtraLink]:
        out: list[ExtraLink] = []
        for link in found:
            self._title(line, link)
            label = link.label.strip(_WHITESPACE)
            if not label or not link.url:
                self.notes.add(line, f"link [{link.label}]({link.url}) has an empty label or URL; not imported")
                continue
            if column == "name":
                out.append(ExtraLink(label=label, url=link.url, column="name"))
            elif column == "description":
                out.append(ExtraLink(label=label, url=link.url, column="description"))
            else:
                out.append(ExtraLink(label=label, url=link.url))
        return out

    def _link_cell(self, line: int, cell: str) -> tuple[str | None, list[ExtraLink]]:
        column = self.layout.columns[self.layout.link or 0]
        header = self.header_of_link
        pieces = split_links(cell)
        found = [p for p in pieces if isinstance(p, Link)]
        stray = [p.strip(_WHITESPACE) for p in pieces if isinstance(p, str) and p.strip(_WHITESPACE)]
        if not found:
            bare = BARE_URL_RE.match(cell.strip(_WHITESPACE))
            if bare:
                self.notes.add(
                    line,
                    f"bare URL in the {header!r} cell; it is rendered as [{column.label}]({bare.group(1)})",
                )
                return bare.group(1), []
            if cell.strip(_WHITESPACE):
                self.notes.add(line, f"no link in the {header!r} cell; its text {cell!r} is not imported")
            return None, []
        main = found[0]
        if stray:
            shown = ", ".join(repr(s) for s in stray)
            self.notes.add(line, f"stray text {shown} beside the links of the {header!r} cell dropped")
        self._title(line, main)
        if main.label != column.label:
            self.notes.add(line, f"link text {main.label!r} is rendered as the column's {column.label!r}")
        url = main.url or None
        if url is None:
            self.notes.add(line, f"link [{main.label}]() in the {header!r} cell has no URL")
        return url, self._extra(line, found[1:], "link")


def _mojibake_lines(original: str, repaired: str) -> list[int]:
    before, after = original.split("\n"), repaired.split("\n")
    if len(before) != len(after):
        return [1]
    return [i + 1 for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]


def import_markdown(text: str, source: str) -> ImportResult:
    """Import every resource table of `text` (shown as `source` in warnings).

    Raises MarkerError when a marker's name is not a plain name: it would become a file path."""
    original = split_endings(text)[0]  # CR and CRLF as LF: markdown-it's line numbers must be ours
    bad_names = bad_marker_names(original, source)
    if bad_names:
        raise MarkerError(bad_names)
    repaired = repair_text(original)
    notes = _Notes()
    changed = _mojibake_lines(original, repaired)
    if changed:
        notes.add(
            changed[0],
            f"repaired mojibake (UTF-8 text decoded with the wrong codec) on {len(changed)} line(s)",
        )

    regions, problems = marker_regions(repaired, source)
    found: list[tuple[int, str]] = []
    tables = find_tables(repaired, found)
    for line, message in found:
        notes.add(line, message)
    imported: list[ImportedTable] = []
    skipped: list[Table] = []
    taken: set[str] = set()
    pending: list[tuple[Table, _TableImporter, Region | None]] = []
    for table in tables:
        if is_comparison(table):
            skipped.append(table)  # prose: its odd rows are none of our business
            continue
        for line, message in table.warnings:
            notes.add(line, message)
        # A table already between markers (an earlier import) keeps its region and its stem.
        region = next((r for r in regions if r.begin_line < table.start_line < r.end_line), None)
        if region is not None and region.stem in taken:
            notes.add(
                table.start_line,
                f"second table in the region of {region.stem!r}; it gets a region of its own",
            )
            region = None
        if region is not None:
            taken.add(region.stem)
        pending.append((table, _TableImporter(table, notes), region))

    spans: list[tuple[int, int, list[str]]] = []
    for table, importer, region in pending:
        stem = region.stem if region is not None else _unique(stem_for(table.heading), taken)
        title = " ".join((table.heading or "").split())[:2000] or f"Table at line {table.start_line}"
        model = importer.model(title)
        imported.append(ImportedTable(stem=stem, model=model, table=table))
        first, last = (region.begin_line, region.end_line) if region else (table.start_line, table.end_line)
        block = [begin_marker(stem), *render_table(model).rstrip("\n").split("\n"), "", end_marker(stem)]
        spans.append((first, last, block))

    lines = repaired.split("\n")
    for first, last, block in sorted(spans, key=lambda s: s[0], reverse=True):
        lines[first - 1 : last] = block
    edits = _edits(original, repaired, changed, spans, lines)

    warnings = [f"{source}:{line}: {message}" for line, message in sorted(notes.items, key=lambda n: n[0])]
    warnings += [str(problem) for problem in problems]
    return ImportResult(
        files={t.stem: t.model for t in imported},
        readme="\n".join(lines),
        warnings=warnings,
        tables=imported,
        skipped=skipped,
        edits=edits,
    )


def _edits(
    original: str, repaired: str, changed: list[int], spans: list[tuple[int, int, list[str]]], result: list[str]
) -> list[LineEdit]:
    """The line edits from `original` to `result`: the tables' spans, and each line mojibake repair
    changed outside them. Should the repair have changed the number of lines, the whole document."""
    count = original.count("\n") + 1
    if count != repaired.count("\n") + 1:
        return [LineEdit(0, count, "\n".join(result))]
    edits = [LineEdit(first - 1, last, "\n".join(block)) for first, last, block in spans]
    repaired_lines = repaired.split("\n")
    for line in changed:
        if not any(first <= line <= last for first, last, _ in spans):
            edits.append(LineEdit(line - 1, line, repaired_lines[line - 1]))
    return sorted(edits, key=lambda e: e.start)
