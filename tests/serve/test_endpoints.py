"""/healthz and /metrics over real HTTP on loopback."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from prometheus_client.parser import text_string_to_metric_families

from curator.errors import UsageError
from curator.facts import Facts, LinkResult, LinkState
from curator.findings import Finding, Severity
from curator.report import Report
from curator.serve.endpoints import Endpoints, parse_listen
from curator.serve.metrics import Metrics


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("9464", ("127.0.0.1", 9464)),
        (":9464", ("127.0.0.1", 9464)),
        ("localhost:9464", ("127.0.0.1", 9464)),
        ("127.0.0.5:80", ("127.0.0.5", 80)),
        ("0.0.0.0:9464", ("0.0.0.0", 9464)),  # written out: the operator asked for every interface
        ("[::1]:9464", ("::1", 9464)),
    ],
)
def test_listen_addresses(text: str, address: tuple[str, int]) -> None:
    assert parse_listen(text) == address


@pytest.mark.parametrize(
    ("text", "message"),
    [("example.org:80", "not a host name"), ("127.0.0.1:http", "expected HOST:PORT"), ("1:99999", "0 to 65535")],
)
def test_bad_listen_addresses(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_listen(text)


class Health:
    def __init__(self) -> None:
        self.ok = True

    def __call__(self) -> tuple[bool, dict[str, object]]:
        return self.ok, {"status": "ok" if self.ok else "failing", "last_run": None, "next_runs": {"check": "x"}}


@pytest.fixture
def served() -> Iterator[tuple[Endpoints, Health, Metrics]]:
    health, metrics = Health(), Metrics()
    endpoints = Endpoints("127.0.0.1", 0, health=health, metrics=metrics.text)
    endpoints.start()
    try:
        yield endpoints, health, metrics
    finally:
        endpoints.stop()


def _get(endpoints: Endpoints, path: str) -> tuple[int, str, bytes]:
    host, port = endpoints.address
    conn = http.client.HTTPConnection(host, port, timeout=5)
    try:
        conn.request("GET", path)
        reply = conn.getresponse()
        return reply.status, reply.getheader("Content-Type") or "", reply.read()
    finally:
        conn.close()


def test_healthz_is_200_then_503_when_the_last_run_failed(served: tuple[Endpoints, Health, Metrics]) -> None:
    endpoints, health, _ = served
    status, kind, body = _get(endpoints, "/healthz")
    assert (status, kind) == (200, "application/json")
    assert json.loads(body) == {"status": "ok", "last_run": None, "next_runs": {"check": "x"}}
    health.ok = False
    status, _, body = _get(endpoints, "/healthz")
    assert status == 503 and json.loads(body)["status"] == "failing"
    assert _get(endpoints, "/nope")[0] == 404


def test_metrics_parse_as_prometheus_text(served: tuple[Endpoints, Health, Metrics]) -> None:
    endpoints, _, metrics = served
    now = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    links = {
        "https://a.example/": LinkResult(url="https://a.example/", state=LinkState.OK),
        "https://b.example/": LinkResult(url="https://b.example/", state=LinkState.OK),
        "https://c.example/": LinkResult(url="https://c.example/", state=LinkState.DEAD),
    }
    findings = [Finding(rule="dead-link", severity=Severity.WARNING, message="gone", url="https://c.example/")]
    metrics.observe_check(Report(findings=findings, entries=3, links=3), Facts(links=links, github_rate_remaining=4990))
    metrics.observe_run("check", ended=now, duration=2.5, ok=True)
    status, kind, body = _get(endpoints, "/metrics")
    assert status == 200 and kind.startswith("text/plain")
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body.decode())
        for s in family.samples
    }
    assert samples[("curator_links", (("state", "ok"),))] == 2
    assert samples[("curator_links", (("state", "dead"),))] == 1
    assert samples[("curator_findings", (("rule", "dead-link"), ("severity", "warning")))] == 1
    assert samples[("curator_last_run_timestamp_seconds", (("job", "check"),))] == now.timestamp()
    assert samples[("curator_last_run_duration_seconds", (("job", "check"),))] == 2.5
    assert samples[("curator_last_run_success", (("job", "check"),))] == 1
    assert samples[("curator_job_runs_total", (("job", "check"), ("outcome", "completed")))] == 1
    assert samples[("curator_github_rate_limit_remaining", ())] == 4990
