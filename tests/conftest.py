"""Shared fixtures. Every test runs in its own temporary working directory, so nothing a command writes by
default (the state database under .curator/, reports) can land in the repository."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED = REPO.parent / "shared" / "seed" / "LLM-PowerHouse-README.md"


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    # A maintainer's own token must never reach a test's fake servers or output.
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    yield
