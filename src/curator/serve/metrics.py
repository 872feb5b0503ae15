"""The service's Prometheus metrics, in a registry of its own (never the process-global one, so two
services in one process, as in the tests, do not share or collide)."""

from __future__ import annotations

from collections import Counter as Tally
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest

from curator.facts import Facts
from curator.report import Report


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.links = Gauge("curator_links", "Links of the last check, by state", ["state"], registry=r)
        self.findings = Gauge(
            "curator_findings", "Findings of the last check, by rule and severity", ["rule", "severity"], registry=r
        )
        self.last_run = Gauge(
            "curator_last_run_timestamp_seconds", "When the job's last run ended (Unix time)", ["job"], registry=r
        )
        self.duration = Gauge(
            "curator_last_run_duration_seconds", "How long the job's last run took", ["job"], registry=r
        )
        self.success = Gauge(
            "curator_last_run_success", "1 if the job's last run completed, else 0", ["job"], registry=r
        )
        self.runs = Counter("curator_job_runs", "Runs of each job, by outcome", ["job", "outcome"], registry=r)
        self.rate_remaining = Gauge(
            "curator_github_rate_limit_remaining",
            "GitHub's rate limit left after the last check's metadata fetch (NaN: not known yet)",
            registry=r,
        )
        self.rate_remaining.set(float("nan"))

    def observe_run(self, job: str, *, ended: datetime, duration: float, ok: bool) -> None:
        self.last_run.labels(job).set(ended.timestamp())
        self.duration.labels(job).set(duration)
        self.success.labels(job).set(1 if ok else 0)
        self.runs.labels(job, "completed" if ok else "failed").inc()

    def observe_check(self, report: Report, facts: Facts) -> None:
        """The last check's links and findings replace the previous ones (a fixed rule's series goes away)."""
        self.links.clear()
        for state, count in sorted(Tally(str(r.state) for r in facts.links.values()).items()):
            self.links.labels(state).set(count)
        self.findings.clear()
        for (rule, severity), count in sorted(
            Tally((f.rule, f.severity.name.lower()) for f in report.findings).items()
        ):
            self.findings.labels(rule, severity).set(count)
        if facts.github_rate_remaining is not None:
            self.rate_remaining.set(facts.github_rate_remaining)

    def text(self) -> bytes:
        return generate_latest(self.registry)
