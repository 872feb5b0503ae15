"""README metric columns from the state database: compact stars, activity month, archived marker, and the
last known value when the latest run could not read one."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from curator.facts import RepoMeta
from curator.main import main
from curator.state import StateDB
from tests.support.catalogs import tools_file, write_catalog

T1 = datetime(2026, 5, 1, tzinfo=UTC)
T2 = datetime(2026, 5, 8, tzinfo=UTC)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    entries = (
        "  - id: alpha\n    name: Alpha\n    url: https://github.com/acme/alpha\n"
        "  - id: beta\n    name: Beta\n    url: https://github.com/acme/beta/tree/main/docs\n"
        "  - id: site\n    name: Site\n    url: https://example.org/\n"
    )
    write_catalog(tmp_path, {"tools": tools_file(entries)})
    (tmp_path / "README.md").write_text("# List\n\n<!-- curator:begin tools -->\n<!-- curator:end tools -->\n")
    (tmp_path / "curator.yaml").write_text("render:\n  metrics:\n    tools: [stars, activity, archived]\n")
    with StateDB.open(tmp_path / ".curator" / "state.db") as db:
        run = db.begin_run(T1)
        run.record_repos(
            [
                RepoMeta(
                    requested="acme/alpha",
                    name_with_owner="acme/alpha",
                    stars=12_449,
                    pushed_at=datetime(2025, 9, 3, tzinfo=UTC),
                ),
                RepoMeta(
                    requested="acme/beta",
                    name_with_owner="acme/beta",
                    stars=987,
                    archived=True,
                    pushed_at=datetime(2024, 1, 9, tzinfo=UTC),
                ),
            ]
        )
        run.finish(T1)
        # The next run found alpha missing (deleted, or a transient NOT_FOUND): the README keeps its last
        # known values rather than going blank.
        run = db.begin_run(T2)
        run.record_repos([RepoMeta(requested="acme/alpha", missing=True)])
        run.finish(T2)
    return tmp_path


def test_metric_columns(project: Path) -> None:
    assert main(["render"]) == 0
    rows = [line for line in (project / "README.md").read_text().splitlines() if line.startswith("|")]
    assert rows[0].endswith("| Stars | Last activity | Archived |")
    assert rows[2].endswith("| 12.4k | 2025-09 |  |")
    assert rows[3].endswith("| 987 | 2024-01 | archived |")
    assert rows[4].endswith("|  |  |  |")  # not a GitHub repository
    assert main(["render", "--check"]) == 0  # stable: the same state renders the same bytes


def test_no_state_database_warns(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".curator" / "state.db").unlink()
    assert main(["render"]) == 0
    assert "no state database" in capsys.readouterr().err
    assert not (project / ".curator" / "state.db").exists()  # render never creates one
