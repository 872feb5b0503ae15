"""Load `catalog/*.yaml` into validated models, remembering where every value came from.

Every problem in a file is reported at once, one line each: `file:line:column: field.path: what is wrong`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from curator.catalog.models import CatalogFile, Column, Entry, is_month
from curator.errors import CatalogError, Problem
from curator.places import PathKey, display_path, dotted
from curator.yamlpos import Positions, YamlLoadError, load_data, load_yaml, plain_scalars, quote_hint

CATALOG_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class CatalogSource:
    """One loaded catalog file: its model and where its values are."""

    path: Path
    display: str  # the path as shown to the user (relative where possible)
    model: CatalogFile
    text: str = field(repr=False)
    _positions: list[Positions] = field(default_factory=list, repr=False, compare=False)

    @property
    def positions(self) -> Positions:
        """Where each value is; parsed again on first use when the file was loaded without them."""
        if not self._positions:
            self._positions.append(load_yaml(self.text)[1])
        return self._positions[0]

    @property
    def stem(self) -> str:
        return self.path.stem

    def entry_key(self, entry: Entry) -> str:
        return f"{self.stem}/{entry.id}"

    def line_of(self, index: int, *fields: str | int) -> int:
        return self.positions.at(("entries", index, *fields))[0]


@dataclass(frozen=True)
class Catalog:
    root: Path
    sources: tuple[CatalogSource, ...]

    def entries(self) -> Iterator[tuple[CatalogSource, int, Entry]]:
        for source in self.sources:
            for index, entry in enumerate(source.model.entries):
                yield source, index, entry

    def by_stem(self, stem: str) -> CatalogSource | None:
        return next((s for s in self.sources if s.stem == stem), None)

    @property
    def entry_count(self) -> int:
        return sum(len(s.model.entries) for s in self.sources)


def catalog_files(root: Path) -> list[Path]:
    if not root.exists():
        raise CatalogError([Problem(display_path(root), "catalog directory does not exist")])
    if root.is_file():
        return [root]
    return sorted(p for p in root.iterdir() if p.suffix in CATALOG_SUFFIXES and p.is_file())


def load_catalog(root: Path, *, positions: bool = True) -> Catalog:
    """Load every catalog file under `root`; raise CatalogError listing every problem in every file.

    `positions=False` skips recording where each value is until something asks (a finding's line): a
    third faster for readers that seldom need them, like `curator render`."""
    problems: list[Problem] = []
    sources: list[CatalogSource] = []
    files = catalog_files(root)
    if not files:
        raise CatalogError([Problem(display_path(root), "no catalog files (*.yaml) found")])
    for path in files:
        source, file_problems = load_file(path, positions=positions)
        problems.extend(file_problems)
        if source is not None:
            sources.append(source)
    if problems:
        raise CatalogError(problems)
    return Catalog(root=root, sources=tuple(sources))


def load_file(path: Path, *, positions: bool = True) -> tuple[CatalogSource | None, list[Problem]]:
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(shown, f"file is not valid UTF-8 (byte {exc.start})", 1, 1)]
    except OSError as exc:
        return None, [Problem(shown, f"cannot read: {exc.strerror}")]
    return load_text(text, path, shown, positions=positions)


def load_text(
    text: str, path: Path, shown: str, *, positions: bool = True
) -> tuple[CatalogSource | None, list[Problem]]:
    try:
        if positions:
            data, where = load_yaml(text)
            known = [where]
        else:
            data, known = load_data(text), []
    except YamlLoadError as exc:
        return None, [Problem(shown, p.message, p.line, p.column) for p in exc.problems]
    if not isinstance(data, dict):
        return None, [Problem(shown, "expected a mapping with 'section' and 'entries'", 1, 1)]
    try:
        model = CatalogFile.model_validate(data)
    except ValidationError as exc:
        where = known[0] if known else load_yaml(text)[1]
        errors = exc.errors()
        typed = plain_scalars(text) if any(_typed_string(err) for err in errors) else {}
        return None, [_format_error(shown, where, err, typed) for err in errors]
    semantic = semantic_problems(model)
    if semantic:
        where = known[0] if known else load_yaml(text)[1]
        return None, [Problem(shown, f"{dotted(path)}: {message}", *where.at(path)) for path, message in semantic]
    # The text is kept only to find positions later; with positions already known it would be dead weight.
    return CatalogSource(path=path, display=shown, model=model, text="" if known else text, _positions=known), []


def semantic_problems(model: CatalogFile) -> list[tuple[PathKey, str]]:
    """Checks that span several values: unique ids, fields matching the section's columns."""
    out: list[tuple[PathKey, str]] = []
    columns = model.section.columns
    roles = [c.role for c in columns]
    for role in ("name", "description", "link"):
        if roles.count(role) > 1:
            out.append((("section", "columns"), f"more than one column has role {role!r}"))
    if "name" not in roles:
        out.append((("section", "columns"), "no column has role 'name'"))
    field_columns: dict[str, Column] = {}
    for i, column in enumerate(columns):
        if column.role == "field":
            if column.key is None:
                out.append((("section", "columns", i), "a 'field' column needs a 'key'"))
            elif column.key in field_columns:
                out.append((("section", "columns", i, "key"), f"duplicate column key {column.key!r}"))
            else:
                field_columns[column.key] = column
        elif column.key is not None:
            out.append((("section", "columns", i, "key"), f"only 'field' columns take a key (role {column.role!r})"))
    seen: dict[str, int] = {}
    for index, entry in enumerate(model.entries):
        if entry.id in seen:
            out.append(
                (("entries", index, "id"), f"duplicate id {entry.id!r} (first used by entry {seen[entry.id] + 1})")
            )
        else:
            seen[entry.id] = index
        for key, value in entry.fields.items():
            declared = field_columns.get(key)
            if declared is None:
                known = ", ".join(sorted(field_columns)) or "none"
                out.append((("entries", index, "fields", key), f"unknown field {key!r} (section fields: {known})"))
            elif declared.type == "month" and value and not is_month(value):
                out.append((("entries", index, "fields", key), f"{value!r} is not a month (YYYY/MM or YYYY-MM)"))
    return out


def _typed_string(err: Any) -> bool:
    """A string was expected where YAML read a number, a date, a boolean: the value wants quotes."""
    return bool(err["type"] == "string_type" and err.get("input") is not None)


def _format_error(shown: str, positions: Positions, err: Any, typed: dict[tuple[int, int], str]) -> Problem:
    loc: PathKey = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    kind = err["type"]
    if kind == "extra_forbidden":
        line, col = positions.at(loc, key=True)
        return Problem(shown, f"{dotted(loc)}: unknown key {loc[-1]!r}", line, col)
    # A mapping key that is wrong (`fields: {2023: x}`) is reported at the key, not at its value.
    is_key = len(loc) >= 2 and loc[-1] == "[key]"
    line, col = positions.at(loc[:-1], key=True) if is_key else positions.at(loc)
    where = dotted(loc)
    if is_key:  # a key YAML typed (`true`, `2023`) is shown as written
        key = loc[-2]
        where = (
            f"{dotted(loc[:-2])}: key {key!r}"
            if isinstance(key, str)
            else f"{dotted(loc[:-2])}: key {typed.get((line, col), key)}"
        )
    message = str(err["msg"]).removeprefix("Value error, ")
    if kind == "string_pattern_mismatch":
        message = _pattern_message(loc)
    elif kind == "missing":
        message = "required field is missing"
    elif _typed_string(err) and typed.get((line, col)):
        message += quote_hint(typed[(line, col)])
    return Problem(shown, f"{where}: {message}", line, col)


def _pattern_message(loc: PathKey) -> str:
    last = next((p for p in reversed(loc) if isinstance(p, str)), "")
    if last in {"id", "key"} or "fields" in loc:
        return "must be a slug: lower-case letters and digits joined by single '-' or '_'"
    if last == "url":
        return "must be a URL on a single line"
    return "must be non-blank and on a single line"
