"""Apply the selected fixes to the catalog files, and regenerate the README from the fixed catalog.

Nothing is written here: the result is the new text of every file that changes, so that `--dry-run` can
show a diff and the command can write them all once everything has been computed. Each fix is located
by its finding (the entry key "<stem>/<id>") and its field ("url", "links[0].url"), and made by
`catalog.edit`, which refuses a value that is no longer the one the fix expects.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from curator.catalog.edit import Edit, edit_scalars
from curator.catalog.load import Catalog, CatalogSource, load_text
from curator.config import Config
from curator.errors import CatalogError, CuratorError
from curator.findings import Finding
from curator.markdown.files import read_markdown
from curator.markdown.readme import metric_columns
from curator.markdown.render import render_table, splice
from curator.places import PathKey

_FIELD_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@dataclass(frozen=True)
class FileChange:
    path: Path
    shown: str
    before: str
    after: str
    newline: str | None = None  # None: `after` is the exact text; else "\n" or "\r\n" to write lines with


@dataclass(frozen=True)
class FixOutcome:
    changes: list[FileChange] = field(default_factory=list)  # catalog files, then the README
    applied: list[Finding] = field(default_factory=list)
    refused: list[tuple[Finding, str]] = field(default_factory=list)  # with why, "file:line:col: field: ..."


def field_path(text: str) -> PathKey:
    """ "links[0].url" → ("links", 0, "url"): the inverse of `places.dotted` for a fix's field."""
    parts: list[str | int] = []
    for match in _FIELD_PART.finditer(text):
        name, index = match.groups()
        parts.append(int(index) if index is not None else name)
    return tuple(parts)


def locate(catalog: Catalog, finding: Finding) -> tuple[CatalogSource, PathKey] | None:
    """The file and the path within it of the value `finding`'s fix changes."""
    if finding.fix is None or not finding.entry or "/" not in finding.entry:
        return None
    stem, entry_id = finding.entry.split("/", 1)
    source = catalog.by_stem(stem)
    if source is None:
        return None
    index = next((i for i, e in enumerate(source.model.entries) if e.id == entry_id), None)
    if index is None:
        return None
    return source, ("entries", index, *field_path(finding.fix.field))


def apply_fixes(
    catalog: Catalog,
    config: Config,
    fixes: Sequence[Finding],
    *,
    readme: Path | None,
    state_path: Path,
    readme_required: bool = False,
) -> FixOutcome:
    """The new texts of the catalog files the fixes change and of the README rendered from them."""
    outcome = FixOutcome()
    by_file: dict[Path, tuple[CatalogSource, list[tuple[Finding, Edit]]]] = {}
    for finding in fixes:
        where = locate(catalog, finding)
        fix = finding.fix
        if where is None or fix is None or fix.old is None:
            outcome.refused.append((finding, f"{finding.file}: {finding.entry}: the entry is not in the catalog"))
            continue
        source, path = where
        by_file.setdefault(source.path, (source, []))[1].append((finding, Edit(path, fix.old, fix.new)))
    fixed: dict[Path, CatalogSource] = {}
    for file_path, (source, items) in by_file.items():
        before = _read_exact(source)
        result = edit_scalars(before, [edit for _, edit in items], shown=source.display)
        reasons = {id(r.edit): r.message for r in result.refused}
        for finding, edit in items:
            if id(edit) in reasons:
                outcome.refused.append((finding, reasons[id(edit)]))
            else:
                outcome.applied.append(finding)
        if result.text != before:
            new_source, problems = load_text(result.text, source.path, source.display)
            if new_source is None:  # the edit module checked the data; the schema must agree too
                raise CatalogError(problems)
            fixed[file_path] = new_source
            outcome.changes.append(FileChange(source.path, source.display, before, result.text))
    if fixed and readme is not None and (readme_required or readme.exists()):
        new_catalog = Catalog(root=catalog.root, sources=tuple(fixed.get(s.path, s) for s in catalog.sources))
        change = render_readme(new_catalog, config, readme, state_path)
        if change is not None:
            outcome.changes.append(change)
    return outcome


def render_readme(catalog: Catalog, config: Config, readme: Path, state_path: Path) -> FileChange | None:
    """The README with its tables rendered from `catalog`, as `curator render` would write it; None when
    it would not change."""
    current = read_markdown(readme)
    metrics = metric_columns(catalog, config.render.metrics, state_path)
    tables = {s.stem: render_table(s.model, metrics=metrics.get(s.stem)) for s in catalog.sources}
    rendered = splice(current.text, tables, current.shown)
    if rendered == current.text:
        return None
    return FileChange(readme, current.shown, current.text, rendered, current.newline)


def _read_exact(source: CatalogSource) -> str:
    """The file as it is on disk, line endings included (the loader's text has them translated)."""
    try:
        return source.path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CuratorError(f"{source.display}: file is not valid UTF-8 (byte {exc.start})") from None
    except OSError as exc:
        raise CuratorError(f"{source.display}: cannot read: {exc.strerror}") from None
