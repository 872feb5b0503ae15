"""`curator render`: regenerate the README tables from the catalog.

Only what lies between curator markers changes. With --check nothing is written: exit 1 and a unified
diff on standard output when the README is out of date, exit 0 when it is current.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from curator.catalog.load import Catalog, load_catalog
from curator.config import Config, MetricColumn, load_config, resolve_paths
from curator.facts import ReadmeFacts, RepoMeta
from curator.markdown.files import apply_edits, read_markdown, write_markdown
from curator.markdown.render import MarkerError, marker_regions, render_table, splice, splice_edits
from curator.metrics import metric_cell, with_fallback
from curator.state import StateDB
from curator.urls import github_repo


def _lines(text: str) -> list[str]:
    """Lines with their endings, split at "\n" only (str.splitlines also splits at U+2028 and the like)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    return [*lines, parts[-1]] if parts[-1] else lines


METRIC_HEADERS: dict[MetricColumn, str] = {"stars": "Stars", "activity": "Last activity", "archived": "Archived"}


def metric_columns(
    catalog: Catalog, wanted: Mapping[str, Sequence[MetricColumn]], state_path: Path
) -> dict[str, dict[str, list[str]]]:
    """Per catalog file stem: metric column header → one cell per entry, from the state database's latest
    values. A value the last run could not read shows the last known one; a repository never seen, or an
    entry that is not a GitHub repository, gets an empty cell."""
    for stem in wanted:
        if catalog.by_stem(stem) is None:
            print(f"warning: render.metrics names {stem!r}, which is not a catalog file", file=sys.stderr)
    wanted = {stem: columns for stem, columns in wanted.items() if columns and catalog.by_stem(stem)}
    if not wanted:
        return {}
    if not state_path.exists():
        print(
            f"warning: no state database at {state_path}: metric columns are empty until `curator check` "
            "has recorded a run",
            file=sys.stderr,
        )
        latest: dict[str, RepoMeta] = {}
        present: dict[str, RepoMeta] = {}
    else:
        keys = {
            repo.key
            for stem in wanted
            for entry in catalog.by_stem(stem).model.entries  # type: ignore[union-attr]
            if entry.url and (repo := github_repo(entry.url)) is not None
        }
        with StateDB.open(state_path) as db:
            latest = db.last_repos(keys)
            present = db.last_repos(keys, present_only=True)
    out: dict[str, dict[str, list[str]]] = {}
    for stem, columns in wanted.items():
        source = catalog.by_stem(stem)
        assert source is not None
        metas = []
        for entry in source.model.entries:
            repo = github_repo(entry.url) if entry.url else None
            metas.append(with_fallback(latest.get(repo.key), present.get(repo.key)) if repo else None)
        out[stem] = {METRIC_HEADERS[column]: [metric_cell(column, meta) for meta in metas] for column in columns}
    return out


def readme_facts(
    catalog: Catalog, config: Config, readme_path: Path, state_path: Path, *, required: bool
) -> ReadmeFacts | None:
    """Compare the README's generated tables with what `curator render` would write, table by table.
    None when there is no README and none was asked for explicitly."""
    if not readme_path.exists() and not required:
        return None
    current = read_markdown(readme_path)
    metrics = metric_columns(catalog, config.render.metrics, state_path)
    tables = {s.stem: render_table(s.model, metrics=metrics.get(s.stem)) for s in catalog.sources}
    try:
        rendered = splice(current.text, tables, current.shown)
    except MarkerError as exc:
        return ReadmeFacts(file=current.shown, problems=tuple(exc.problems))
    if rendered == current.text:
        return ReadmeFacts(file=current.shown)
    before, _ = marker_regions(current.text, current.shown)
    after, _ = marker_regions(rendered, current.shown)
    old_lines, new_lines = current.text.split("\n"), rendered.split("\n")
    stale = tuple(
        (a.stem, a.begin_line)
        for a, b in zip(before, after, strict=True)
        if old_lines[a.begin_line : a.end_line - 1] != new_lines[b.begin_line : b.end_line - 1]
    )
    return ReadmeFacts(file=current.shown, stale=stale)


def run_render(
    *, catalog: Path | None, readme: Path | None, config_path: Path | None, check: bool, state: Path | None = None
) -> int:
    config, found = load_config(config_path)
    paths = resolve_paths(config, found, catalog=catalog, readme=readme, state=state)
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
