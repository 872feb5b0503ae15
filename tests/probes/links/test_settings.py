"""The link settings of curator.yaml: the budgets' defaults and bounds, and `links.hosts` keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from curator.config import LinkSettings, load_config
from curator.errors import ConfigError


def test_budgets_have_defaults_and_must_be_positive(tmp_path: Path) -> None:
    assert (LinkSettings().host_budget, LinkSettings().run_budget) == (120.0, 900.0)
    (tmp_path / "curator.yaml").write_text(
        "links:\n  host_budget: 30\n  run_budget: 600\n  hosts:\n    Example.ORG.:\n      budget: 5\n",
        encoding="utf-8",
    )
    config, _path = load_config(tmp_path / "curator.yaml")
    assert (config.links.host_budget, config.links.run_budget) == (30.0, 600.0)
    assert config.links.hosts["Example.ORG."].budget == 5.0
    (tmp_path / "curator.yaml").write_text("links:\n  host_budget: 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"curator.yaml:2:16: links.host_budget: .*greater than 0"):
        load_config(tmp_path / "curator.yaml")


def test_a_hosts_key_that_is_no_host_is_refused_with_its_place(tmp_path: Path) -> None:
    (tmp_path / "curator.yaml").write_text(
        "links:\n  hosts:\n    '*.example.org': {concurrency: 2}\n    'exa mple.org': {concurrency: 1}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "curator.yaml")
    assert "curator.yaml:3:" in str(info.value)
    assert "links.hosts: 'exa mple.org' is not a host name or address" in str(info.value)
