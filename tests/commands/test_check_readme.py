"""`curator check` compares the README's generated tables with the catalog (rule readme-outdated)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curator.main import main
from tests.support.catalogs import tools_file, write_catalog

ENTRY = "  - id: alpha\n    name: Alpha\n    url: https://alpha.example.org/\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write_catalog(tmp_path, {"tools": tools_file(ENTRY)})
    (tmp_path / "README.md").write_text("# List\n\n<!-- curator:begin tools -->\n<!-- curator:end tools -->\n")
    assert main(["render"]) == 0
    return tmp_path


def findings(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, object]]]:
    capsys.readouterr()
    code = main(["check", "--offline", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)["findings"]


def test_in_sync_readme_gives_no_finding(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert findings(capsys) == (0, [])


def test_catalog_edited_without_render(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    catalog = project / "catalog" / "tools.yaml"
    catalog.write_text(catalog.read_text().replace("name: Alpha", "name: Alpha Two"))
    code, found = findings(capsys)
    assert code == 0
    assert found == [
        {
            "rule": "readme-outdated",
            "severity": "warning",
            "entry": None,
            "file": "README.md",
            "line": 3,
            "column": None,
            "url": None,
            "fix": None,
            "message": "the 'tools' table differs from catalog/tools.yaml; run `curator render` to regenerate it",
        }
    ]


def test_broken_markers_are_errors(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("<!-- curator:end tools -->", ""))
    code, found = findings(capsys)
    assert code == 1
    assert [(f["rule"], f["severity"], f["file"], f["line"]) for f in found] == [
        ("readme-outdated", "error", "README.md", None),  # the catalog file has no complete region
        ("readme-outdated", "error", "README.md", 3),  # the begin marker has no end
    ]
    assert "no end marker" in str(found[1]["message"])


def test_no_readme_is_fine_unless_asked_for(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "README.md").unlink()
    assert findings(capsys) == (0, [])
    assert main(["check", "--offline", "--readme", "MISSING.md"]) == 2
    assert "MISSING.md" in capsys.readouterr().err
