"""The metrics registry: one per service, and the last check replaces the previous one's series."""

from __future__ import annotations

from prometheus_client import REGISTRY

from curator.facts import Facts
from curator.findings import Finding, Severity
from curator.report import Report
from curator.serve.metrics import Metrics


def _findings(*rules: str) -> Report:
    return Report(findings=[Finding(rule=r, severity=Severity.ERROR, message="m") for r in rules], entries=1, links=1)


def test_a_rule_that_no_longer_fires_leaves_the_metrics() -> None:
    metrics = Metrics()
    metrics.observe_check(_findings("dead-link", "dead-link", "repo-stale"), Facts())
    text = metrics.text().decode()
    assert 'curator_findings{rule="dead-link",severity="error"} 2.0' in text
    metrics.observe_check(_findings("repo-stale"), Facts())
    text = metrics.text().decode()
    assert "dead-link" not in text and 'rule="repo-stale"' in text


def test_rate_limit_is_nan_until_known_and_registries_are_separate() -> None:
    first, second = Metrics(), Metrics()  # a second service in one process does not collide
    assert "curator_github_rate_limit_remaining NaN" in first.text().decode()
    first.observe_check(_findings(), Facts(github_rate_remaining=12))
    assert "curator_github_rate_limit_remaining 12.0" in first.text().decode()
    assert "NaN" in second.text().decode()
    assert REGISTRY.get_sample_value("curator_github_rate_limit_remaining") is None  # not the global one
