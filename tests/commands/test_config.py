"""`curator config --show`: the effective configuration, defaults included."""

from __future__ import annotations

from pathlib import Path

import pytest

from curator.main import main


def test_config_show(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "curator.yaml").write_text("links:\n  concurrency: 16\n")
    assert main(["config", "--show"]) == 0
    out = capsys.readouterr().out
    assert "concurrency: 16" in out
    assert "host_concurrency: 8" in out
