"""Running an import (`curator import`, and `curator init` which adopts a list with it): the resource
tables of a markdown file turned into catalog files.

Writes `<catalog>/<stem>.yaml` per table and `<catalog>/schema.json`, and rewrites the markdown file with
mojibake repaired and each imported table between curator markers (rendered from the new catalog, so
`curator render --check` passes straight away). Existing catalog files are only overwritten with --force.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from curator.catalog.load import semantic_problems
from curator.catalog.models import CatalogFile
from curator.catalog.write import dump_catalog_file, schema_json
from curator.errors import CuratorError, UsageError
from curator.markdown.files import read_markdown, write_markdown, write_text
from curator.markdown.importer import ImportResult, import_markdown
from curator.markdown.render import is_marker_name
from curator.markdown.repair import repair_text
from curator.markdown.roundtrip import measure_loss
from curator.places import display_path
from curator.yamlpos import YamlLoadError, load_yaml

SCHEMA_FILE = "schema.json"


def _verified_dump(stem: str, model: CatalogFile) -> str:
    """The YAML of `model`, after checking that loading it gives the same model back."""
    text = dump_catalog_file(model, SCHEMA_FILE)
    try:
        data, _ = load_yaml(text)
        same = CatalogFile.model_validate(data) == model
    except (YamlLoadError, ValidationError):
        same = False
    problems = semantic_problems(model)
    if not same or problems:
        detail = "; ".join(message for _, message in problems) or "the written YAML does not read back the same"
        raise CuratorError(f"{stem}.yaml: cannot write a valid catalog file for this table: {detail}")
    return text


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {plural or word + 's'}"


@dataclass(frozen=True)
class ImportOptions:
    name_column: str | None = None  # --name-column HEADER
    only: Sequence[str] = ()  # --only HEADING
    skip: Sequence[str] = ()  # --skip HEADING
    verify: bool = False  # --verify: report what the rendered file lacks of the original


def run_import(
    *, markdown: Path, catalog: Path, force: bool, dry_run: bool, options: ImportOptions | None = None
) -> int:
    options = options or ImportOptions()
    source = read_markdown(markdown)
    result: ImportResult = import_markdown(
        source.text, source.shown, name_column=options.name_column, only=options.only, skip=options.skip
    )
    for decision in result.decisions:
        print(f"{source.shown}: {decision}")
    if not result.files:
        n = len(result.skipped)
        skipped = f" ({_plural(n, 'table')} left as {'it is' if n == 1 else 'they are'})" if n else ""
        raise CuratorError(f"{source.shown}: no resource tables found{skipped}; nothing imported")

    if catalog.exists() and not catalog.is_dir():
        raise UsageError(f"{display_path(catalog)}: not a directory (--catalog names the catalog directory)")
    for stem in result.files:
        if not is_marker_name(stem):  # the importer never makes one; a stem is a file name, never a path
            raise CuratorError(f"{source.shown}: {stem!r} is not a plain name for a catalog file; nothing written")
    outputs = {catalog / f"{stem}.yaml": _verified_dump(stem, model) for stem, model in result.files.items()}
    existing = [path for path in outputs if path.exists()]
    if existing and not force and not dry_run:
        names = ", ".join(display_path(p) for p in existing)
        raise UsageError(f"{names}: already exist; use --force to overwrite")

    warnings = list(result.warnings)
    if catalog.is_dir():
        for other in sorted(catalog.iterdir()):
            if other.suffix in {".yaml", ".yml"} and other not in outputs:
                warnings.append(
                    f"{display_path(other)}: not imported from {source.shown} and has no markers in it; "
                    "`curator render` will refuse the README until it gets markers or is removed"
                )
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)

    verb = "would write" if dry_run else "wrote"
    for (path, _), imported in zip(outputs.items(), result.tables, strict=True):
        overwrite = " (overwriting)" if path in existing else ""
        print(
            f"{verb} {display_path(path)}: {_plural(len(imported.model.entries), 'entry', 'entries')}"
            f" from line {imported.table.start_line}{overwrite}"
        )
    if not dry_run:
        # Every target checked before the first write: a refused link must not leave half an import.
        links = [p for p in [*outputs, catalog / SCHEMA_FILE, markdown] if p.is_symlink()]
        if links:
            names = ", ".join(display_path(p) for p in links)
            raise CuratorError(f"{names}: symbolic link(s); refusing to write through them, nothing written")
        for path, text in outputs.items():
            write_text(path, text)
        write_text(catalog / SCHEMA_FILE, schema_json())
        if result.readme != source.text:
            write_markdown(source, result.edits)
    print(f"{verb} {display_path(catalog / SCHEMA_FILE)}")
    if result.readme != source.text:
        action = "would rewrite" if dry_run else "rewrote"
        print(f"{action} {source.shown} with the tables between curator markers")
    entries = _plural(result.entry_count, "entry", "entries")
    print(f"{_plural(len(result.files), 'table')}, {entries}, {_plural(len(warnings), 'warning')}")
    if options.verify:
        # Against the repaired text: mojibake repair is reported above and is not a loss.
        loss = measure_loss(repair_text(source.text), result.readme)
        figures = ", ".join(f"{n} {kind}" for kind, n in loss.counts().items())
        print(f"verify: lost {figures}")
        for line in loss.lines():
            print(f"verify: {line}")
        return 1 if loss.total else 0
    return 0
