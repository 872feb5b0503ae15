"""The job runner: APScheduler decides when, the main thread runs.

APScheduler (3.x, a `BackgroundScheduler` in UTC) computes the fire times, coalesces missed ones and keeps
one instance of a job at a time. Its executor here does not run anything: it hands the due job to the main
thread, which runs jobs one after another. Running in the main thread is what makes a stop safe: SIGTERM or
Ctrl-C raises `Stopping` where the job is, and its `with` blocks unwind as they do for `curator check`
(the state database's run is one transaction; `curator pr` moves the branch ref last), so nothing is half
recorded. The runner also nudges the scheduler every `WAKE_SECONDS`: its timed wait runs on the monotonic
clock, which stands still while a machine sleeps, and the nudge makes it look at the wall clock again.
"""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.executors.base import BaseExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from curator.crontab import Crontab
from curator.errors import CuratorError
from curator.serve.events import EventLog
from curator.serve.schedule import JOB_DEFAULTS, iso, next_runs, trigger

WAKE_SECONDS = 60.0

Clock = Callable[[], datetime]


class Stopping(BaseException):
    """Raised in the main thread by the SIGTERM/SIGINT handler: stop scheduling, unwind a running job."""


@dataclass(frozen=True)
class Job:
    """One job: `run` returns a one-line summary, or raises CuratorError when the run could not complete."""

    name: str
    cron: Crontab | None  # None: not scheduled (runs with --once only if listed)
    run: Callable[[], str]


@dataclass(frozen=True)
class RunRecord:
    job: str
    started: datetime
    ended: datetime
    duration: float
    ok: bool
    message: str

    def doc(self) -> dict[str, Any]:
        return {
            "job": self.job,
            "started": iso(self.started),
            "ended": iso(self.ended),
            "duration_seconds": round(self.duration, 3),
            "ok": self.ok,
            "message": self.message,
        }


@dataclass
class _State:
    last: RunRecord | None = None
    next_runs: dict[str, str | None] = field(default_factory=dict)


class HandOff(BaseExecutor):  # type: ignore[misc]  # APScheduler has no type information
    """An executor that queues due jobs for the main thread. APScheduler counts instances per job (its
    `max_instances`); `done` gives the instance back."""

    def __init__(self) -> None:
        super().__init__()
        self.due: queue.SimpleQueue[tuple[str, list[datetime]]] = queue.SimpleQueue()

    def _do_submit_job(self, job: Any, run_times: list[datetime]) -> None:
        self.due.put((job.id, list(run_times)))

    def done(self, job_id: str) -> None:
        self._run_job_success(job_id, [])


def make_scheduler(jobs: Sequence[Job], executor: HandOff, *, now: datetime | None = None) -> Any:
    """A paused-until-started scheduler with one APScheduler job per scheduled `Job`. `now`: the first fire
    times are computed from it (tests give a moment in the past to see missed runs coalesce)."""
    scheduler = BackgroundScheduler(
        timezone=UTC, executors={"default": executor}, job_defaults=dict(JOB_DEFAULTS), daemon=True
    )
    for job in jobs:
        if job.cron is None:
            continue
        trig = trigger(job.cron)
        first = next_runs(trig, now - timedelta(microseconds=1), 1) if now is not None else None
        extra = {"next_run_time": first[0]} if first else {}
        scheduler.add_job(_never_called, trig, id=job.name, name=job.name, **extra)
    return scheduler


def _never_called() -> None:  # pragma: no cover - HandOff queues jobs instead of calling them
    raise AssertionError("curator serve runs jobs in the main thread")


class _Relay(logging.Handler):
    """APScheduler's warnings (a run skipped: the job was still running) as our event lines."""

    def __init__(self, log: EventLog) -> None:
        super().__init__(logging.WARNING)
        self._log = log

    def emit(self, record: logging.LogRecord) -> None:
        self._log.emit("scheduler", record.getMessage(), level=record.levelname.lower())


class Service:
    def __init__(self, jobs: Sequence[Job], *, log: EventLog, clock: Clock | None = None) -> None:
        self.jobs = {job.name: job for job in jobs}
        self.order = [job.name for job in jobs]
        self.log = log
        self.clock = clock or (lambda: datetime.now(UTC))
        self.on_run: list[Callable[[RunRecord], None]] = []
        self._state = _State()
        self.running: str | None = None

    # --- the view for /healthz (read from the HTTP thread: one reference, replaced whole)

    def health(self) -> tuple[bool, dict[str, Any]]:
        state = self._state
        last = state.last
        healthy = last is None or last.ok
        doc = {
            "status": "ok" if healthy else "failing",
            "last_run": last.doc() if last else None,
            "next_runs": dict(state.next_runs),
            "running": self.running,
        }
        return healthy, doc

    # --- running

    def run_job(self, name: str) -> RunRecord:
        job = self.jobs[name]
        started, t0 = self.clock(), time.monotonic()
        self.running = name
        self.log.emit("job.started", f"{name} started", job=name)
        ok, message = True, ""
        try:
            message = job.run()
        except CuratorError as exc:
            ok, message = False, str(exc)
        except Stopping:
            duration = time.monotonic() - t0
            self.log.emit(
                "job.interrupted",
                f"{name} stopped by shutdown; nothing of it was recorded",
                job=name,
                duration_seconds=duration,
            )
            raise
        except Exception as exc:  # a bug in a job must not end the service: it is a failed run, logged
            ok, message = False, f"internal error: {type(exc).__name__}: {exc}"
        finally:
            self.running = None
        duration = time.monotonic() - t0
        record = RunRecord(name, started, self.clock(), duration, ok, message)  # a line: the log escapes newlines
        self._state = _State(last=record, next_runs=self._state.next_runs)
        if ok:
            self.log.emit("job.finished", f"{name} finished: {record.message}", job=name, duration_seconds=duration)
        else:
            self.log.emit("job.failed", f"{name} failed: {record.message}", job=name, duration_seconds=duration)
        for hook in self.on_run:
            hook(record)
        return record

    def run_once(self) -> int:
        """Every job now, in order. 0, or 2 if a job could not complete (the next ones still run)."""
        failed = [r for r in (self.run_job(name) for name in self.order) if not r.ok]
        return 2 if failed else 0

    def run_forever(self, *, ready: Callable[[], None] | None = None) -> int:
        """Until `Stopping` is raised (by the signal handler). Returns 0: a stop is a normal end."""
        executor = HandOff()
        scheduler = make_scheduler([self.jobs[n] for n in self.order], executor)
        relay = _Relay(self.log)
        logging.getLogger("apscheduler").addHandler(relay)
        logging.getLogger("apscheduler").propagate = False  # its lines come through ours, one format
        scheduler.start()
        try:
            self._note_schedule(scheduler, log=True)
            if ready is not None:
                ready()
            while True:
                try:
                    job_id, run_times = executor.due.get(timeout=WAKE_SECONDS)
                except queue.Empty:
                    scheduler.wakeup()
                    continue
                try:
                    if len(run_times) > 1:  # pragma: no cover - coalesce=True hands over one time
                        self.log.emit("job.coalesced", f"{job_id}: {len(run_times)} missed runs done once")
                    self.run_job(job_id)
                finally:
                    executor.done(job_id)
                self._note_schedule(scheduler, log=False)
        except Stopping:
            running = self.running
            self.log.emit("shutdown", "stopping" + (f" ({running} was running)" if running else ""))
            return 0
        finally:
            scheduler.shutdown(wait=False)
            logging.getLogger("apscheduler").removeHandler(relay)
            logging.getLogger("apscheduler").propagate = True

    def _note_schedule(self, scheduler: Any, *, log: bool) -> None:
        nexts: dict[str, str | None] = {
            job.id: iso(job.next_run_time) if job.next_run_time else None for job in scheduler.get_jobs()
        }
        self._state = _State(last=self._state.last, next_runs=nexts)  # before the log line: it says "ready"
        if log:
            for name, when in nexts.items():
                cron = self.jobs[name].cron
                self.log.emit("schedule", f"{name} scheduled", job=name, cron=cron.text if cron else None, next=when)
