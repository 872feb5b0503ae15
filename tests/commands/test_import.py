"""`curator import` end to end through main(argv), on real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curator.catalog.load import load_catalog
from curator.catalog.models import CatalogFile
from curator.catalog.write import schema_json
from curator.main import main
from curator.markdown.render import render_table
from curator.markdown.repair import repair_text
from curator.markdown.tables import find_tables
from tests.conftest import SEED

SMALL = """\
# Tools
Some prose.

| Name | Description | Link |
|---|---|:-:|
| Alpha | First. | [🔗](https://alpha.dev) |
| Beta | Second. | [🔗](https://beta.dev)x |
"""


def test_import_writes_catalog_schema_and_markers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(SMALL, encoding="utf-8")
    catalog = tmp_path / "catalog"
    assert main(["import", str(readme), "--catalog", str(catalog)]) == 0
    out, err = capsys.readouterr()
    assert "1 table, 2 entries, 0 warnings" in out
    assert f"{readme}: table at line 4 under 'Tools': imported (its rows hold links); name column 'Name'" in out
    assert err == ""
    assert sorted(p.name for p in catalog.iterdir()) == ["schema.json", "tools.yaml"]
    assert (catalog / "schema.json").read_text(encoding="utf-8") == schema_json()
    json.loads((catalog / "schema.json").read_text(encoding="utf-8"))
    loaded = load_catalog(catalog)
    (source,) = loaded.sources
    assert [e.id for e in source.model.entries] == ["alpha", "beta"]
    text = readme.read_text(encoding="utf-8")
    assert "<!-- curator:begin tools -->\n| Name | Description | Link |\n" in text
    assert text.endswith("| Beta | Second. | [🔗](https://beta.dev)x |\n\n<!-- curator:end tools -->\n")
    assert text.startswith("# Tools\nSome prose.\n\n")


def test_existing_catalog_files_need_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(SMALL, encoding="utf-8")
    catalog = tmp_path / "catalog"
    assert main(["import", str(readme), "--catalog", str(catalog)]) == 0
    first = (catalog / "tools.yaml").read_text(encoding="utf-8")
    (catalog / "tools.yaml").write_text(first.replace("First.", "Edited."), encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(readme), "--catalog", str(catalog)]) == 2
    err = capsys.readouterr().err
    assert "tools.yaml: already exist" in err and "--force" in err
    assert "Edited." in (catalog / "tools.yaml").read_text(encoding="utf-8")
    assert main(["import", str(readme), "--catalog", str(catalog), "--force"]) == 0
    assert (catalog / "tools.yaml").read_text(encoding="utf-8") == first


def test_dry_run_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(SMALL, encoding="utf-8")
    catalog = tmp_path / "catalog"
    assert main(["import", str(readme), "--catalog", str(catalog), "--dry-run"]) == 0
    assert "would write" in capsys.readouterr().out
    assert not catalog.exists()
    assert readme.read_text(encoding="utf-8") == SMALL


def test_crlf_line_endings_are_kept(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_bytes(SMALL.replace("\n", "\r\n").encode())
    assert main(["import", str(readme), "--catalog", str(tmp_path / "catalog")]) == 0
    data = readme.read_bytes()
    assert b"<!-- curator:begin tools -->\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "README.md: file not found"),
        (b"# x\n\xff\n", "README.md:2: not valid UTF-8"),
        (b"# Prose only\n", "README.md: no resource tables found"),
        (b"|  | A | B |\n|---|---|---|\n| x | 1 | 2 |\n", "1 table left as it is"),
    ],
)
def test_bad_input_is_a_message_not_a_traceback(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    content: bytes | None,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    if content is not None:
        (tmp_path / "README.md").write_bytes(content)
    assert main(["import", "README.md"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("curator: ")
    assert message in err
    assert "Traceback" not in err


def _normalise(cell: str) -> str:
    return " ".join(repair_text(cell).split())


def test_seed_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Import the seed, render each catalog file: the tables are the seed's, cell by cell."""
    readme = tmp_path / "README.md"
    readme.write_bytes(SEED.read_bytes())
    catalog = tmp_path / "catalog"
    assert main(["import", str(readme), "--catalog", str(catalog)]) == 0
    assert "6 tables, 68 entries, 1 warning" in capsys.readouterr().out
    loaded = load_catalog(catalog)
    counts = {s.stem: len(s.model.entries) for s in loaded.sources}
    assert counts == {
        "commercial-llms": 3, "courses": 18, "deployment-tools": 9, "research-llms": 9,
        "training-frameworks": 12, "tutorials": 17,
    }  # fmt: skip

    seed_tables = [t for t in find_tables(SEED.read_text(encoding="utf-8")) if t.headers[0].strip()]
    by_start = {s.model.section.title: s.model for s in loaded.sources}
    assert len(seed_tables) == len(by_start) == 6
    for seed_table in seed_tables:
        model: CatalogFile = by_start[(seed_table.heading or "").strip()]
        (rendered,) = find_tables(render_table(model))
        assert rendered.headers == tuple(_normalise(h) for h in seed_table.headers)
        assert rendered.aligns == seed_table.aligns
        assert len(rendered.rows) == len(seed_table.rows)
        for ours, theirs in zip(rendered.rows, seed_table.rows, strict=True):
            expected = [_normalise(c) for c in theirs.cells]
            assert [_normalise(c) for c in ours.cells] == expected

    # The README is the seed with mojibake repaired and markers around the six tables.
    text = readme.read_text(encoding="utf-8")
    assert text.count("<!-- curator:begin ") == 6
    assert main(["render", "--check", "--catalog", str(catalog), "--readme", str(readme)]) == 0
