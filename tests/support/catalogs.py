"""Small catalogs written as real YAML files, for tests."""

from __future__ import annotations

from pathlib import Path

GOOD_SECTION = """\
section:
  title: Tools
  columns:
    - {header: Name, role: name}
    - {header: Description, role: description}
    - {header: Link, role: link, align: center}
    - {header: Released, role: field, key: released, type: month}
"""


def write_catalog(root: Path, files: dict[str, str]) -> Path:
    """Write `files` (stem → YAML text) under root/catalog and return the catalog directory."""
    catalog = root / "catalog"
    catalog.mkdir(parents=True, exist_ok=True)
    for stem, text in files.items():
        (catalog / f"{stem}.yaml").write_text(text, encoding="utf-8")
    return catalog


def tools_file(entries_yaml: str) -> str:
    return GOOD_SECTION + "entries:\n" + entries_yaml
