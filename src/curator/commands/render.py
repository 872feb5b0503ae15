"""`curator render`: regenerate the README tables from the catalog.

Only what lies between curator markers changes. With --check nothing is written: exit 1 and a unified
diff on standard output when the README is out of date, exit 0 when it is current.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

from curator.catalog.load import load_catalog
from curator.markdown.files import apply_edits, read_markdown, write_markdown
from curator.markdown.readme import metric_columns
from curator.markdown.render import render_table, splice_edits
from curator.pipeline import load_project


def _lines(text: str) -> list[str]:
    """Lines with their endings, split at "\n" only (str.splitlines also splits at U+2028 and the like)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    return [*lines, parts[-1]] if parts[-1] else lines


def run_render(
    *, catalog: Path | None, readme: Path | None, config_path: Path | None, check: bool, state: Path | None = None
) -> int:
    config, paths = load_project(config_path, catalog=catalog, readme=readme, state=state)
    readme_path = paths.readme

    loaded = load_catalog(paths.catalog, positions=False)  # render reports no finding lines
    current = read_markdown(readme_path)
    metrics = metric_columns(loaded, config.render.metrics, paths.state)
    tables = {source.stem: render_table(source.model, metrics=metrics.get(source.stem)) for source in loaded.sources}
    edits = splice_edits(current.text, tables, current.shown)
    rendered = apply_edits(current.text, edits)

    if check:
        if rendered == current.text:
            print(f"{current.shown} is up to date", file=sys.stderr)
            return 0
        diff = difflib.unified_diff(
            _lines(current.text),
            _lines(rendered),
            fromfile=f"{current.shown} (current)",
            tofile=f"{current.shown} (rendered)",
        )
        for line in diff:
            sys.stdout.write(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
        print(f"{current.shown} is out of date; run `curator render` to update it", file=sys.stderr)
        return 1

    if rendered == current.text:
        print(f"{current.shown} is up to date ({len(tables)} tables)", file=sys.stderr)
        return 0
    write_markdown(current, edits)
    print(f"rendered {len(tables)} tables into {current.shown}", file=sys.stderr)
    return 0
