"""`render` and `import` write through curator.atomicfile: a link planted at the old fixed temporary name
or at the target is never followed, and the README keeps its permission bits."""

from __future__ import annotations

from pathlib import Path

import pytest

from curator.main import main

TABLE = """\
# Tools

| Name | Description | Link |
|---|---|---|
| Alpha | First. | [🔗](https://alpha.dev) |
"""


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A private file elsewhere that a planted link points at."""
    path = tmp_path / "elsewhere" / "secret"
    path.parent.mkdir()
    path.write_text("private\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def _imported(tmp_path: Path) -> tuple[Path, Path]:
    readme = tmp_path / "README.md"
    readme.write_text(TABLE, encoding="utf-8")
    catalog = tmp_path / "catalog"
    assert main(["import", str(readme), "--catalog", str(catalog)]) == 0
    tools = catalog / "tools.yaml"
    tools.write_text(tools.read_text(encoding="utf-8").replace("First.", "Changed."), encoding="utf-8")
    return readme, catalog


def test_render_does_not_follow_a_planted_temporary_link(
    tmp_path: Path, victim: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme, catalog = _imported(tmp_path)
    readme.chmod(0o600)
    (tmp_path / ".README.md.curator-tmp").symlink_to(victim)
    assert main(["render", "--catalog", str(catalog), "--readme", str(readme)]) == 0
    assert "Changed." in readme.read_text(encoding="utf-8")
    assert readme.stat().st_mode & 0o7777 == 0o600
    assert victim.read_text(encoding="utf-8") == "private\n"
    assert victim.stat().st_mode & 0o7777 == 0o600


def test_render_refuses_a_readme_that_is_a_symlink(
    tmp_path: Path, victim: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme, catalog = _imported(tmp_path)
    link = tmp_path / "LINKED.md"
    victim.write_text(readme.read_text(encoding="utf-8"), encoding="utf-8")  # a README the link shows
    link.symlink_to(victim)
    capsys.readouterr()
    assert main(["render", "--catalog", str(catalog), "--readme", str(link)]) == 2
    assert "LINKED.md: is a symbolic link; refusing to write through it" in capsys.readouterr().err
    assert "Changed." not in victim.read_text(encoding="utf-8")
    assert victim.stat().st_mode & 0o7777 == 0o600


def test_import_does_not_follow_planted_links(tmp_path: Path, victim: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(TABLE, encoding="utf-8")
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    for name in ("tools.yaml", "schema.json"):
        (catalog / f".{name}.curator-tmp").symlink_to(victim)
    (tmp_path / ".README.md.curator-tmp").symlink_to(victim)
    assert main(["import", str(readme), "--catalog", str(catalog)]) == 0
    assert (catalog / "tools.yaml").read_text(encoding="utf-8").startswith("# yaml-language-server")
    assert victim.read_text(encoding="utf-8") == "private\n"
    assert victim.stat().st_mode & 0o7777 == 0o600


def test_import_writes_nothing_when_a_target_is_a_link(
    tmp_path: Path, victim: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(TABLE, encoding="utf-8")
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "schema.json").symlink_to(victim)
    assert main(["import", str(readme), "--catalog", str(catalog), "--force"]) == 2
    assert "schema.json: symbolic link(s); refusing to write through them, nothing written" in capsys.readouterr().err
    assert sorted(p.name for p in catalog.iterdir()) == ["schema.json"]
    assert readme.read_text(encoding="utf-8") == TABLE
    assert victim.read_text(encoding="utf-8") == "private\n"


def test_check_output_never_writes_through_a_symlink(
    tmp_path: Path, victim: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _readme, catalog = _imported(tmp_path)
    report = tmp_path / "report.json"
    report.symlink_to(victim)
    code = main(["check", "--offline", "--catalog", str(catalog), "--format", "json", "--output", str(report)])
    assert code == 2
    assert "report.json: is a symbolic link; refusing to write through it" in capsys.readouterr().err
    assert victim.read_text(encoding="utf-8") == "private\n"
    # A plain file is replaced whole, keeping its mode.
    report.unlink()
    report.write_text("old\n", encoding="utf-8")
    report.chmod(0o640)
    main(["check", "--offline", "--catalog", str(catalog), "--format", "json", "--output", str(report)])
    assert report.read_text(encoding="utf-8").startswith("{")
    assert report.stat().st_mode & 0o7777 == 0o640
