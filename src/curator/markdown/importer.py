"""Turn the resource tables of a markdown document into catalog files, faithfully.

Each resource table becomes one `CatalogFile`; the document comes back with the table replaced by its
rendering between curator markers, so that `curator render --check` passes right after an import. Every
`[label](url)` keeps its own label (`Entry.label`), the text between links is each extra link's `before`,
text around a cell's content is `Entry.around`, and what the catalog cannot hold as a link (a title, a
reference link) stays in the cell as text. Before a table is replaced its rendering is read back: a table
that would not come back cell for cell, and as the same catalog, is left as it is with a warning.

How columns are recognised (header words first, then cell content):
- name: the first column when its header reads like a name; else another name-like header when the first
  is a link or description column; else, when the first column holds dates, numbers or categories, the
  first column of linked titles (`Date | Keywords | Institute | Paper` → Paper); `--name-column` decides;
- link: a header such as Link, Resource, URL, Repo, Website, else the first column whose cells are
  mostly nothing but links;
- description: Description, About, Summary, Details;
- anything else is a `field` column keyed by a slug of its header; one whose values are all YYYY/MM or
  YYYY-MM gets `type: month`.
Tables left as prose: a first header cell that is empty (a comparison), two columns and no links (a
glossary), no links and only description columns; `--only` and `--skip` decide instead. Tables inside a
block quote or list are left with a warning; tables inside HTML comments are not content at all.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from curator.catalog.models import Around, CatalogFile, Column, Entry, ExtraLink, LinkEmoji, Section, is_month
from curator.errors import CuratorError, Problem
from curator.markdown.files import LineEdit, split_endings
from curator.markdown.links import LINK_RE, Link, format_link, slugify, split_links
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
class Decision:
    """What import did with one table, and why (for the import report)."""

    line: int
    heading: str | None
    kind: Literal["resource", "prose", "left"]  # left: a resource table that could not be imported
    reason: str
    name_column: str | None = None  # for a resource table: the chosen name column and why

    def __str__(self) -> str:
        under = f" under {self.heading!r}" if self.heading else ""
        name = f"; name column {self.name_column}" if self.name_column else ""
        verb = {"resource": "imported", "prose": "left as prose", "left": "not imported"}[self.kind]
        return f"table at line {self.line}{under}: {verb} ({self.reason}){name}"


@dataclass(frozen=True)
class ImportResult:
    files: dict[str, CatalogFile]  # by file stem, in document order
    readme: str  # the document with mojibake repaired and each imported table between markers
    warnings: list[str]  # "<source>:<line>: message", in line order
    tables: list[ImportedTable] = field(default_factory=list)
    skipped: list[Table] = field(default_factory=list)  # tables left as they are (prose, or not faithful)
    edits: list[LineEdit] = field(default_factory=list)  # what turns the document into `readme`
    decisions: list[Decision] = field(default_factory=list)  # every table found, in document order

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


# What a name cell may hold before its link: emoji, markup and punctuation, no words (`🧐 [Name](url)`).
_WORDY = re.compile(r"[^\W_]")
# Cells that read as dates, numbers or versions rather than as items: never the names of a list.
_DATEISH = re.compile(
    r"^(?:[\d\s/.\-:,~–]+|(?:[a-z]{3,9}\.?,?\s+)?(?:\d{1,2},?\s+)?\d{4}|[\d.,]+\s*[kmbt%]?|v?\d+(?:\.\d+)+)$",
    re.IGNORECASE,
)
_URL_TEXT = re.compile(r"(?:https?://|www\.|mailto:)\S+", re.IGNORECASE)
_REFERENCE = re.compile(r"(?<![\]\\])\[[^\[\]\n]+\]\[[^\[\]\n]*\]")
PROSE_HEADERS = DESCRIPTION_HEADERS | frozenset({"definition", "meaning", "explanation", "example", "examples"})


@dataclass(frozen=True)
class _Cell:
    """A cell as text around links: before, then each link after its separator, then after."""

    before: str
    links: tuple[Link, ...]
    separators: tuple[str, ...]  # separators[i]: the text between links[i - 1] and links[i]; [0] is ""
    after: str


def _pieces(cell: str) -> list[str | Link]:
    """`split_links`, with the links the catalog cannot hold as they are (a title, an empty label or URL)
    turned back into text: kept in the cell as written rather than changed."""
    out: list[str | Link] = []
    for piece in split_links(cell):
        if isinstance(piece, Link) and (not piece.url or piece.title is not None or not piece.label.strip(_WHITESPACE)):
            piece = cell[piece.start : piece.end]
        if isinstance(piece, str) and out and isinstance(out[-1], str):
            out[-1] += piece
        else:
            out.append(piece)
    return out


def _decompose(cell: str) -> _Cell:
    pieces = _pieces(cell)
    links = tuple(p for p in pieces if isinstance(p, Link))
    if not links:
        return _Cell(cell, (), (), "")
    separators = ("", *tuple(cell[a.end : b.start] for a, b in itertools.pairwise(links)))
    return _Cell(cell[: links[0].start], links, separators, cell[links[-1].end :])


def _has_link(cell: str) -> bool:
    return bool(_decompose(cell).links) or _URL_TEXT.search(cell) is not None


def _linked_share(cells: Sequence[str]) -> float:
    filled = [c for c in cells if c.strip(_WHITESPACE)]
    if not filled:
        return 0.0
    good = 0
    for cell in filled:
        parsed = _decompose(cell)
        good += bool(parsed.links) and not _WORDY.search(parsed.before)
    return good / len(filled)


def _weak_names(cells: Sequence[str]) -> str | None:
    """Why a column's cells are not item names (dates, numbers, categories), or None."""
    filled = [c.strip(_WHITESPACE) for c in cells if c.strip(_WHITESPACE)]
    if not filled:
        return "it is empty"
    if sum(bool(_DATEISH.match(c)) for c in filled) * 2 >= len(filled):
        return "holds dates or numbers"
    if len(filled) >= 4 and len(set(filled)) * 2 <= len(filled):
        return "holds categories (repeated values)"
    return None


@dataclass(frozen=True)
class _Layout:
    name: int
    link: int | None
    description: int | None
    linked: bool
    columns: tuple[Column, ...]
    reason: str  # why the name column is the one it is


def _choose_name(
    headers: Sequence[str], raw: Sequence[str], cells: list[list[str]], override: str | None
) -> tuple[int, str]:
    if override is not None:
        wanted = _norm_header(override)
        for i, header in enumerate(headers):
            if header == wanted:
                return i, "--name-column"
    named = [i for i, h in enumerate(headers) if h in NAME_HEADERS]
    if headers[0] in NAME_HEADERS:
        return 0, "its header reads like a name"
    if headers[0] in LINK_HEADERS | DESCRIPTION_HEADERS and named:
        return named[0], f"its header reads like a name; the first column {raw[0]!r} is a link or description column"
    weak = _weak_names(cells[0])
    if weak is not None:
        linked = [i for i in range(1, len(headers)) if _linked_share(cells[i]) >= 0.5]
        if linked:
            return linked[0], f"its cells are linked titles; the first column {raw[0]!r} {weak}"
        if named:
            return named[0], f"its header reads like a name; the first column {raw[0]!r} {weak}"
    return 0, "the first column"


def _detect_layout(table: Table, name_column: str | None = None) -> _Layout:
    headers = [_norm_header(h) for h in table.headers]
    width = len(headers)
    column_cells = [[row.cells[i] for row in table.rows if i < len(row.cells)] for i in range(width)]

    name, why = _choose_name(headers, table.headers, column_cells, name_column)
    link = next((i for i, h in enumerate(headers) if i != name and h in LINK_HEADERS), None)
    if link is None:
        for i in range(width):
            if i == name or headers[i] in DESCRIPTION_HEADERS:
                continue
            filled = [c for c in column_cells[i] if c.strip()]
            only = [c for c in filled if (d := _decompose(c)).links and not (d.before + d.after).strip(_WHITESPACE)]
            if filled and len(only) * 2 > len(filled):
                link = i
                break
    description = next((i for i, h in enumerate(headers) if i not in (name, link) and h in DESCRIPTION_HEADERS), None)

    linked = link is None and any(_name_link(c) is not None for c in column_cells[name])
    label = LinkEmoji
    if link is not None:
        # The column's label is its most common link text; every other entry keeps its own (Entry.label).
        labels = Counter(parsed.links[0].label for cell in column_cells[link] if (parsed := _decompose(cell)).links)
        if labels:
            label = labels.most_common(1)[0][0]  # stable: of equally common labels, the first seen

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
    reason = f"{table.headers[name]!r}: {why}"
    return _Layout(name=name, link=link, description=description, linked=linked, columns=tuple(columns), reason=reason)


def _name_link(cell: str) -> _Cell | None:
    """The name cell as `[Name](url)` with text around it that holds no words before the link."""
    parsed = _decompose(cell)
    if parsed.links and not _WORDY.search(parsed.before):
        return parsed
    return None


_AUTOLINK = re.compile(r"<(https?://[^\s<>]+)>")
_BARE = re.compile(r"https?://[^\s<>]+")
_TRAILING = ".,;:!?"


def _plain_url(cell: str) -> tuple[str, str, str] | None:
    """A link cell that is one autolink or one bare URL: (url, form, text after it). Punctuation ending a
    bare URL is not part of it (`https://a.example/x).`), nor is a `)` that closes nothing."""
    if (auto := _AUTOLINK.fullmatch(cell)) is not None:
        return auto.group(1), "autolink", ""
    if _BARE.fullmatch(cell) is None:
        return None
    url = cell
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count(")") > url.count("("))):
        url = url[:-1]
    if not _BARE.fullmatch(url):
        return None
    return url, "bare", cell[len(url) :]


def _around(before: str, after: str) -> Around | None:
    return Around(before=before, after=after) if before or after else None


def _trailing_links(text: str) -> tuple[str, list[Link], list[str]]:
    """Split the run of links that ends `text` off from the prose before it, when that prose is finished;
    with the text before each of those links."""
    pieces = _pieces(text)
    k = len(pieces)
    while k > 0:
        piece = pieces[k - 1]
        if isinstance(piece, Link) or not piece.strip(_WHITESPACE):
            k -= 1
        else:
            break
    tail = [p for p in pieces[k:] if isinstance(p, Link)]
    if not tail or text[tail[-1].end :]:
        return text, [], []
    head = text[: tail[0].start].rstrip(_WHITESPACE)
    if head and head[-1] not in _SENTENCE_END:
        return text, [], []
    separators = [text[len(head) : tail[0].start]] + [text[a.end : b.start] for a, b in itertools.pairwise(tail)]
    if any("\n" in s for s in separators):
        return text, [], []
    return head, tail, separators


def _extra(
    links: Sequence[Link], separators: Sequence[str], column: Literal["name", "description", "link"], first_default: str
) -> list[ExtraLink]:
    out: list[ExtraLink] = []
    for i, (link, separator) in enumerate(zip(links, separators, strict=True)):
        default = first_default if i == 0 else " "
        before = None if separator == default else separator
        out.append(ExtraLink(label=link.label, url=link.url, column=column, before=before))
    return out


class _TableImporter:
    def __init__(self, table: Table, notes: _Notes, name_column: str | None = None) -> None:
        self.table = table
        self.notes = notes
        self.layout = _detect_layout(table, name_column)
        self.ids: set[str] = set()
        self.lines: list[int] = []  # the line of each entry's row

    def model(self, title: str) -> CatalogFile:
        entries: list[Entry] = []
        for row in self.table.rows:
            entry = self.entry(row.line, row.cells)
            if entry is not None:
                entries.append(entry)
                self.lines.append(row.line)
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
        name = cells[layout.name]
        url: str | None = None
        label: str | None = None
        values_form: str | None = None
        links: list[ExtraLink] = []
        around: dict[str, Around] = {}
        if layout.linked and (parsed := _name_link(name)) is not None:
            first = parsed.links[0]
            name, url = first.label, first.url
            links += _extra(parsed.links[1:], parsed.separators[1:], "name", " ")
            if (a := _around(parsed.before, parsed.after)) is not None:
                around["name"] = a
        if not name.strip(_WHITESPACE):
            header = self.table.headers[layout.name]
            self.notes.add(line, f"row has no name (column {header!r}); not imported: {_shown(cells)}")
            return None

        description: str | None = None
        if layout.description is not None:
            text, tail, separators = _trailing_links(_from_br(cells[layout.description]))
            description = text if text.strip(_WHITESPACE) else None
            links += _extra(tail, separators, "description", " " if description else "")

        if layout.link is not None:
            column = layout.columns[layout.link]
            cell = cells[layout.link]
            parsed = _decompose(cell)
            if not parsed.links and (plain := _plain_url(cell)) is not None:
                url, form, after = plain
                values_form = form
                if after:
                    around["link"] = Around(after=after)
            elif not parsed.links:
                if cell:
                    around["link"] = Around(before=cell)
                    if _URL_TEXT.search(cell):
                        header = self.table.headers[layout.link]
                        self.notes.add(
                            line,
                            f"the {header!r} cell holds a URL but no [label](url) link: kept as text, "
                            "not the entry's link (not checked)",
                        )
            else:
                main = parsed.links[0]
                url = main.url
                label = main.label if main.label != column.label else None
                links += _extra(parsed.links[1:], parsed.separators[1:], "link", " ")
                if (a := _around(parsed.before, parsed.after)) is not None:
                    around["link"] = a

        fields: dict[str, str] = {}
        for i, column in enumerate(layout.columns):
            if column.role == "field" and column.key is not None and cells[i]:
                fields[column.key] = _from_br(cells[i])
        for cell in cells:
            for ref in _REFERENCE.findall(cell):
                self.notes.add(
                    line, f"reference link {ref} kept as text: its URL is defined elsewhere, not in the catalog"
                )
        return {
            "name": name,
            "url": url,
            "label": label,
            "url_form": values_form,
            "description": description,
            "links": links,
            "around": around,
            "fields": fields,
        }


def _canonical(cell: str) -> str:
    """A cell with every link written the one way `format_link` writes it (`<url>` only when needed)."""
    return LINK_RE.sub(
        lambda m: (
            format_link(m.group("label"), m.group("angle") if m.group("angle") is not None else m.group("url"))
            if m.group("title") is None
            else m.group(0)
        ),
        cell,
    )


def _unfaithful(table: Table, importer: _TableImporter, model: CatalogFile) -> str | None:
    """Why rendering `model` would not give `table` back (a changed header or cell, or a different
    catalog when read again), or None when it would."""
    rendered = find_tables(render_table(model))
    if len(rendered) != 1:
        return "its rendering does not read back as one table"
    again = rendered[0]
    if tuple(_canonical(h) for h in again.headers) != tuple(_canonical(h) for h in table.headers):
        return f"the header would read {again.headers!r}"
    rows = {row.line: row for row in table.rows}
    for line, row in zip(importer.lines, again.rows, strict=True):
        for before, after in zip(rows[line].cells, row.cells, strict=True):
            if _canonical(before) != _canonical(after):
                return f"line {line}: the cell {before!r} would be rendered as {after!r}"
    reread = _TableImporter(again, _Notes(), None)
    reread.layout = importer.layout
    if reread.model(model.section.title) != model:
        return "reading its rendering back gives a different catalog"
    return None


_INVISIBLE = "\ufeff\u200b\u200c\u2060"


def _repair_notes(original: str, repaired: str) -> list[tuple[int, str]]:
    before, after = original.split("\n"), repaired.split("\n")
    if len(before) != len(after):
        return [(1, "repaired mojibake (UTF-8 text decoded with the wrong codec); the line count changed")]
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    invisible = [i for i in changed if before[i].translate({ord(c): None for c in _INVISIBLE}) == after[i]]
    mojibake = [i for i in changed if i not in invisible]
    notes: list[tuple[int, str]] = []
    if invisible:
        notes.append(
            (invisible[0] + 1, f"removed a byte-order mark or zero-width character on {len(invisible)} line(s)")
        )
    if mojibake:
        notes.append(
            (
                mojibake[0] + 1,
                f"repaired mojibake (UTF-8 text decoded with the wrong codec) on {len(mojibake)} line(s)",
            )
        )
    return notes


def _heading_in(heading: str | None, wanted: Sequence[str]) -> bool:
    return heading is not None and _norm_header(heading) in {_norm_header(w) for w in wanted}


def _decide(table: Table, only: Sequence[str], skip: Sequence[str], in_region: bool) -> tuple[bool, str]:
    """Whether `table` is a resource table, and why."""
    if _heading_in(table.heading, skip):
        return False, "--skip"
    if only:
        return (True, "--only") if _heading_in(table.heading, only) else (False, "not under a heading given to --only")
    if in_region:
        return True, "between curator markers"
    if is_comparison(table):
        return False, "its first header cell is empty: a comparison of properties, not a list"
    linked = any(_has_link(c) for row in table.rows for c in row.cells)
    if linked:
        return True, "its rows hold links"
    if _norm_header(table.headers[0]) in NAME_HEADERS:
        return True, f"no links, but its first column {table.headers[0]!r} reads like names"
    if len(table.headers) == 2:
        return False, "two columns and no links: a glossary, not a list of resources"
    if len(table.headers) > 1 and all(_norm_header(h) in PROSE_HEADERS for h in table.headers[1:]):
        return False, "no links, and its columns after the first are descriptions"
    return True, f"no links, but {len(table.headers)} columns of values"


def _region_problems(
    regions: Sequence[Region], tables: Sequence[Table], lines: list[str], source: str
) -> list[Problem]:
    """A region must hold one table and nothing else but blank lines: what else it holds would be lost."""
    problems: list[Problem] = []
    for region in regions:
        inside = [t for t in tables if region.begin_line < t.start_line < region.end_line]
        where = f"the region of {region.stem!r} (lines {region.begin_line}-{region.end_line})"
        if not inside:
            problems.append(Problem(file=source, line=region.begin_line, message=f"{where} holds no table"))
            continue
        if len(inside) > 1:
            problems.append(
                Problem(
                    file=source,
                    line=inside[1].start_line,
                    message=f"second table in {where}: a region holds one table",
                )
            )
        table = inside[0]
        if table.end_line >= region.end_line:
            problems.append(
                Problem(file=source, line=region.end_line, message=f"the end marker of {where} is inside its table")
            )
            continue
        if table.container is not None:
            problems.append(
                Problem(
                    file=source, line=table.start_line, message=f"the table of {where} is inside a {table.container}"
                )
            )
        for number in range(region.begin_line + 1, region.end_line):
            if any(t.start_line <= number <= t.end_line for t in inside):
                continue
            if lines[number - 1].strip(_WHITESPACE):
                problems.append(
                    Problem(
                        file=source,
                        line=number,
                        message=f"text in {where} outside its table would be lost; move it out of the region",
                    )
                )
                break
    return problems


def import_markdown(
    text: str,
    source: str,
    *,
    name_column: str | None = None,
    only: Sequence[str] = (),
    skip: Sequence[str] = (),
) -> ImportResult:
    """Import every resource table of `text` (shown as `source` in warnings).

    Raises MarkerError when the markers are broken (as `curator render` would find them), when a region
    holds anything but one table, or when a marker's name is not a plain name (it would become a path)."""
    original = split_endings(text)[0]  # CR and CRLF as LF: markdown-it's line numbers must be ours
    bad_names = bad_marker_names(original, source)
    if bad_names:
        raise MarkerError(bad_names)
    repaired = repair_text(original)
    notes = _Notes()
    for line, message in _repair_notes(original, repaired):
        notes.add(line, message)

    regions, problems = marker_regions(repaired, source)
    if problems:
        raise MarkerError(problems)
    found: list[tuple[int, str]] = []
    tables = find_tables(repaired, found)
    lines = repaired.split("\n")
    problems = _region_problems(regions, tables, lines, source)
    if problems:
        raise MarkerError(problems)
    for line, message in found:
        notes.add(line, message)

    imported: list[ImportedTable] = []
    skipped: list[Table] = []
    decisions: list[Decision] = []
    taken: set[str] = {r.stem for r in regions}
    spans: list[tuple[int, int, list[str]]] = []
    used_name_column = False
    for table in tables:
        region = next((r for r in regions if r.begin_line < table.start_line < r.end_line), None)
        resource, reason = _decide(table, only, skip, region is not None)
        if not resource:
            skipped.append(table)  # prose: its odd rows are none of our business
            decisions.append(Decision(table.start_line, table.heading, "prose", reason))
            continue
        if table.container is not None:
            notes.add(
                table.start_line,
                f"table inside a {table.container}: not imported (its rendering would lose the container's prefixes)",
            )
            skipped.append(table)
            decisions.append(Decision(table.start_line, table.heading, "left", f"inside a {table.container}"))
            continue
        importer = _TableImporter(table, notes, name_column)
        used_name_column |= importer.layout.reason.endswith("--name-column")
        title = " ".join((table.heading or "").split())[:2000] or f"Table at line {table.start_line}"
        model = importer.model(title)
        why_not = _unfaithful(table, importer, model)
        if why_not is not None:
            if region is not None:
                raise CuratorError(
                    f"{source}:{table.start_line}: the table in the region of {region.stem!r} cannot be imported "
                    f"faithfully ({why_not}); nothing written"
                )
            notes.add(table.start_line, f"table not imported, it would not render back as written: {why_not}")
            skipped.append(table)
            decisions.append(Decision(table.start_line, table.heading, "left", why_not))
            continue
        for line, message in table.warnings:
            notes.add(line, message)
        stem = region.stem if region is not None else _unique(stem_for(table.heading), taken)
        imported.append(ImportedTable(stem=stem, model=model, table=table))
        decisions.append(Decision(table.start_line, table.heading, "resource", reason, importer.layout.reason))
        first, last = (region.begin_line, region.end_line) if region else (table.start_line, table.end_line)
        block = [begin_marker(stem), *render_table(model).rstrip("\n").split("\n"), "", end_marker(stem)]
        spans.append((first, last, block))
    if name_column is not None and not used_name_column and imported:
        notes.add(1, f"--name-column {name_column!r}: no imported table has that header")

    changed = [i + 1 for i, (a, b) in enumerate(zip(original.split("\n"), lines, strict=False)) if a != b]
    result_lines = list(lines)
    for first, last, block in sorted(spans, key=lambda s: s[0], reverse=True):
        result_lines[first - 1 : last] = block
    edits = _edits(original, repaired, changed, spans, result_lines)

    warnings = [f"{source}:{line}: {message}" for line, message in sorted(notes.items, key=lambda n: n[0])]
    return ImportResult(
        files={t.stem: t.model for t in imported},
        readme="\n".join(result_lines),
        warnings=warnings,
        tables=imported,
        skipped=skipped,
        edits=edits,
        decisions=decisions,
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
