"""Running an import (`curator.markdown.importing.run_import`), called as `curator import` and
`curator init` call it: what it writes, what a dry run leaves alone, and what it refuses to overwrite."""

from __future__ import annotations

from pathlib import Path

import pytest

from curator.errors import UsageError
from curator.markdown.importing import ImportOptions, run_import

LIST = """\
# Tools

| Name | Description | Link |
|---|---|---|
| Alpha | First. | [🔗](https://alpha.example/) |
| Beta | Second. | [🔗](https://beta.example/) |
"""


def test_it_writes_the_catalog_the_schema_and_the_marked_up_readme(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(LIST, encoding="utf-8")
    catalog = tmp_path / "catalog"
    verify = ImportOptions(verify=True)  # and nothing of the original is lost on the way
    assert run_import(markdown=readme, catalog=catalog, force=False, dry_run=False, options=verify) == 0
    assert sorted(p.name for p in catalog.iterdir()) == ["schema.json", "tools.yaml"]
    text = readme.read_text(encoding="utf-8")
    assert "<!-- curator:begin tools -->" in text and "| Beta | Second. | [🔗](https://beta.example/) |" in text
    with pytest.raises(UsageError, match="already exist; use --force"):
        run_import(markdown=readme, catalog=catalog, force=False, dry_run=False)
    again = (catalog / "tools.yaml").read_bytes()
    assert run_import(markdown=readme, catalog=catalog, force=True, dry_run=False) == 0
    assert (catalog / "tools.yaml").read_bytes() == again  # a re-import is byte-identical


def test_a_dry_run_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(LIST, encoding="utf-8")
    assert run_import(markdown=readme, catalog=tmp_path / "catalog", force=False, dry_run=True) == 0
    assert not (tmp_path / "catalog").exists() and readme.read_text(encoding="utf-8") == LIST
    assert "would write" in capsys.readouterr().out
