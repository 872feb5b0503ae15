"""The runner: jobs in order, failures recorded and reported by /healthz's view, a stop unwinds a job."""

from __future__ import annotations

import io
import json

import pytest

from curator.crontab import parse_crontab
from curator.errors import CuratorError
from curator.serve.events import EventLog
from curator.serve.service import Job, Service, Stopping


def _service(*jobs: Job) -> tuple[Service, io.StringIO]:
    out = io.StringIO()
    return Service(list(jobs), log=EventLog(out, fmt="json")), out


def _events(out: io.StringIO) -> list[tuple[str, str | None]]:
    return [(d["event"], d.get("job")) for d in map(json.loads, out.getvalue().splitlines())]


def test_run_once_runs_every_job_in_order() -> None:
    ran: list[str] = []
    service, out = _service(
        Job("check", None, lambda: ran.append("check") or "ok"), Job("pr", None, lambda: ran.append("pr") or "ok")
    )
    assert service.run_once() == 0
    assert ran == ["check", "pr"]
    assert _events(out) == [
        ("job.started", "check"),
        ("job.finished", "check"),
        ("job.started", "pr"),
        ("job.finished", "pr"),
    ]
    healthy, doc = service.health()
    assert healthy and doc["last_run"]["job"] == "pr" and doc["status"] == "ok"


def _fails() -> str:
    raise CuratorError("no host could be reached")


def _crashes() -> str:
    raise RuntimeError("a bug")


def test_a_job_that_cannot_complete_fails_the_run_once_but_the_next_still_runs() -> None:
    ran: list[str] = []
    service, out = _service(Job("check", None, _fails), Job("pr", None, lambda: ran.append("pr") or "ok"))
    assert service.run_once() == 2
    assert ran == ["pr"]
    assert ("job.failed", "check") in _events(out)


def test_the_last_run_failing_makes_health_503() -> None:
    service, _ = _service(Job("check", None, _crashes))
    assert service.run_once() == 2
    healthy, doc = service.health()
    assert not healthy and doc["status"] == "failing"
    assert doc["last_run"]["ok"] is False and "internal error: RuntimeError: a bug" in doc["last_run"]["message"]


def test_a_stop_during_a_job_unwinds_it_and_is_logged() -> None:
    unwound: list[bool] = []

    def job() -> str:
        try:
            raise Stopping
        finally:
            unwound.append(True)

    service, out = _service(Job("check", parse_crontab("0 6 * * *"), job))
    with pytest.raises(Stopping):
        service.run_once()
    assert unwound == [True]
    assert _events(out)[-1] == ("job.interrupted", "check")
    assert service.health()[1]["last_run"] is None  # an interrupted run is not a run


def test_the_schedulers_warnings_become_event_lines() -> None:
    import logging

    from curator.serve.service import _Relay

    out = io.StringIO()
    relay = _Relay(EventLog(out, fmt="json"))
    logger = logging.getLogger("apscheduler.test")
    logger.addHandler(relay)
    try:
        logger.warning('Execution of job "check" skipped: maximum number of running instances reached (1)')
        logger.info("not an event")
    finally:
        logger.removeHandler(relay)
    (line,) = out.getvalue().splitlines()
    assert json.loads(line)["event"] == "scheduler" and "skipped" in json.loads(line)["message"]
