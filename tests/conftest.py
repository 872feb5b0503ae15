"""Shared fixtures. Every test runs in its own temporary working directory, so nothing a command writes by
default (the state database under .curator/, reports) can land in the repository."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.linkfarm import LinkFarm, link_farm

REPO = Path(__file__).resolve().parent.parent
# The list as it was first imported (mojibake included): the importer and the seed-catalog tests read it.
SEED = REPO / "tests" / "data" / "LLM-PowerHouse-README.md"


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    # A maintainer's own token must never reach a test's fake servers or output.
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    yield


# ── link checking: loopback servers, and an environment that sends nothing through a proxy ─────────────────

NETWORK_ENV = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
)


@pytest.fixture
def clean_network_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy and no custom CA bundle from the machine running the tests: loopback must stay loopback."""
    for name in NETWORK_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def linkfarm(clean_network_env: None) -> Iterator[LinkFarm]:
    """Real HTTP servers on loopback addresses (tests/support/linkfarm.py), closed after the test."""
    with link_farm() as farm:
        yield farm
