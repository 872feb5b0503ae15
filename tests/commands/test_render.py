"""`curator render` end to end through main(argv), on real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from curator.main import main
from tests.conftest import REPO

README = """\
# List

Intro stays.

<!-- curator:begin tools -->
stale
<!-- curator:end tools -->

Outro stays.
"""

TOOLS = """\
section:
  title: Tools
  columns:
    - {header: Name, role: name}
    - {header: Description, role: description}
    - {header: Link, role: link, align: center}
entries:
  - id: alpha
    name: Alpha
    url: https://alpha.dev
    description: "Pipes | and\\nnew lines"
  - id: beta
    name: Beta
"""

RENDERED = """\
# List

Intro stays.

<!-- curator:begin tools -->
| Name | Description | Link |
| --- | --- | :---: |
| Alpha | Pipes \\| and<br>new lines | [🔗](https://alpha.dev) |
| Beta |  |  |

<!-- curator:end tools -->

Outro stays.
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "tools.yaml").write_text(TOOLS, encoding="utf-8")
    (tmp_path / "README.md").write_text(README, encoding="utf-8")
    return tmp_path


def test_check_reports_a_diff_and_exit_1(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "--check"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("--- README.md (current)\n+++ README.md (rendered)\n")
    assert "-stale\n" in out
    assert "+| Alpha | Pipes \\| and<br>new lines | [🔗](https://alpha.dev) |\n" in out
    assert "out of date" in err
    assert (project / "README.md").read_text(encoding="utf-8") == README


def test_render_writes_then_check_passes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render"]) == 0
    first = (project / "README.md").read_bytes()
    assert first.decode() == RENDERED
    mtime = (project / "README.md").stat().st_mtime_ns
    assert main(["render"]) == 0
    assert (project / "README.md").read_bytes() == first  # same bytes twice
    assert (project / "README.md").stat().st_mtime_ns == mtime  # not rewritten when unchanged
    capsys.readouterr()
    assert main(["render", "--check"]) == 0
    assert capsys.readouterr().out == ""


def test_paths_from_config_are_relative_to_it(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "curator.yaml").write_text("catalog: catalog\nreadme: README.md\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["render", "--config", str(project / "curator.yaml")]) == 0
    assert (project / "README.md").read_text(encoding="utf-8") == RENDERED


@pytest.mark.parametrize(
    ("readme", "message"),
    [
        ("# List\n", "README.md: no region for catalog file tools.yaml"),
        (README + "<!-- curator:begin gone -->\n<!-- curator:end gone -->\n", "README.md:10: marker for 'gone'"),
        ("<!-- curator:begin tools -->\n", "README.md:1: begin marker for 'tools' has no end marker"),
    ],
    ids=["no-region", "unknown-stem", "no-end"],
)
def test_marker_problems_exit_2_with_line(
    project: Path, capsys: pytest.CaptureFixture[str], readme: str, message: str
) -> None:
    (project / "README.md").write_text(readme, encoding="utf-8")
    assert main(["render", "--check"]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_missing_readme_and_bad_catalog(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "README.md").unlink()
    assert main(["render"]) == 2
    assert "README.md: file not found" in capsys.readouterr().err
    (project / "catalog" / "tools.yaml").write_text("section: [\n", encoding="utf-8")
    assert main(["render"]) == 2
    assert "catalog/tools.yaml:" in capsys.readouterr().err


def test_repository_readme_is_up_to_date(monkeypatch: pytest.MonkeyPatch) -> None:
    if not (REPO / "README.md").exists() or not any((REPO / "catalog").glob("*.yaml")):
        pytest.skip("the repository has no catalog yet")
    monkeypatch.chdir(REPO)
    assert main(["render", "--check"]) == 0
