"""`curator check` end to end when the GitHub API answers nonsense: exit 2, one clear line, no traceback,
and nothing recorded in the state database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from curator.main import main
from tests.commands.test_check_network import api, farm, project  # noqa: F401  (fixtures)
from tests.support.fake_github import FakeGithub


@pytest.mark.parametrize(
    ("header", "value", "body"),
    [
        ("x-ratelimit-remaining", "inf", None),
        ("x-ratelimit-reset", "nan", None),
        (None, None, b"<html>a captive portal</html>"),
    ],
)
def test_a_malformed_github_answer_exits_2_with_one_clear_line(
    project: Path,  # noqa: F811
    api: FakeGithub,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    header: str | None,
    value: str | None,
    body: bytes | None,
) -> None:
    if header is not None and value is not None:
        api.extra_headers[header] = value
    if body is not None:
        api.raw["/graphql"] = (200, {}, body)
    code = main(["check", "--allow-private-hosts", "--state", "state.db"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"the GitHub API at {api.url} sent a malformed answer to POST /graphql" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    with sqlite3.connect(project / "state.db") as db:
        assert db.execute("SELECT COUNT(*) FROM runs").fetchone() == (0,)
