"""Triggers keep cron(8)'s meaning; the scheduler coalesces missed runs into one."""

from __future__ import annotations

import queue
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger

from curator.crontab import parse_crontab
from curator.serve.schedule import JOB_DEFAULTS, iso, next_runs, trigger
from curator.serve.service import HandOff, Job, make_scheduler

NOW = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)  # a Tuesday


def _days(expr: str, count: int = 3) -> list[str]:
    return [t.strftime("%a %d %H:%M") for t in next_runs(trigger(parse_crontab(expr)), NOW, count)]


def test_the_trap_this_module_avoids() -> None:
    # APScheduler's own reading of "0" is Monday; cron's is Sunday.
    fire = CronTrigger.from_crontab("0 6 * * 0", timezone=UTC).get_next_fire_time(None, NOW)
    assert fire.strftime("%a") == "Mon"
    assert _days("0 6 * * 0", 1) == ["Sun 06 06:00"]


@pytest.mark.parametrize(
    ("expr", "days"),
    [
        ("0 6 * * 0", ["Sun 06 06:00", "Sun 13 06:00", "Sun 20 06:00"]),
        ("0 6 * * 7", ["Sun 06 06:00", "Sun 13 06:00", "Sun 20 06:00"]),
        ("17 6 * * 1", ["Mon 07 06:17", "Mon 14 06:17", "Mon 21 06:17"]),
        ("0 6 * * 1-5", ["Wed 02 06:00", "Thu 03 06:00", "Fri 04 06:00"]),
        ("0 6 * * 5-7", ["Fri 04 06:00", "Sat 05 06:00", "Sun 06 06:00"]),
        ("0 6 * * 0,3", ["Wed 02 06:00", "Sun 06 06:00", "Wed 09 06:00"]),
        ("0 6 * * */2", ["Thu 03 06:00", "Sat 05 06:00", "Sun 06 06:00"]),
        ("0 6 * * sat,sun", ["Sat 05 06:00", "Sun 06 06:00", "Sat 12 06:00"]),
    ],
)
def test_weekdays_as_cron_reads_them(expr: str, days: list[str]) -> None:
    assert _days(expr) == days


def test_day_of_month_or_day_of_week_when_both_are_restricted() -> None:
    # cron: the 13th, and every Friday. Not only a Friday the 13th.
    assert _days("0 0 13 * 5", 4) == ["Fri 04 00:00", "Fri 11 00:00", "Sun 13 00:00", "Fri 18 00:00"]
    # `*/2` begins with `*`: it does not restrict, so the days are "every other day of month AND Friday".
    assert _days("0 0 */2 * 5", 2) == ["Fri 11 00:00", "Fri 25 00:00"]


def test_next_runs_are_strictly_after_now_and_iso_in_utc() -> None:
    at_fire = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
    times = next_runs(trigger(parse_crontab("0 6 * * *")), at_fire, 2)
    assert [iso(t) for t in times] == ["2026-12-03T06:00:00Z", "2026-12-04T06:00:00Z"]


def test_job_defaults_coalesce_and_one_instance() -> None:
    assert JOB_DEFAULTS == {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}


def test_a_machine_that_slept_through_three_runs_does_the_job_once() -> None:
    """The scheduler's own computation: the job's first fire time is three days ago (as after a sleep);
    APScheduler, started now, hands over ONE run, the latest missed, and schedules the next in the future."""
    executor = HandOff()
    slept_from = datetime.now(UTC) - timedelta(days=3)
    job = Job("check", parse_crontab("0 6 * * *"), lambda: "")
    scheduler = make_scheduler([job], executor, now=slept_from)
    scheduler.start()
    try:
        job_id, run_times = executor.due.get(timeout=10)
        assert job_id == "check"
        assert len(run_times) == 1  # coalesced: three (or four) missed runs become one
        assert datetime.now(UTC) - run_times[0] < timedelta(days=1)  # the latest of them
        with pytest.raises(queue.Empty):
            executor.due.get(timeout=0.5)  # and no other
        # max_instances: while that run is under way, a due run of the same job is not handed over
        assert executor._instances["check"] == 1
        (apjob,) = scheduler.get_jobs()
        assert apjob.next_run_time > datetime.now(UTC)
        executor.done("check")
        assert executor._instances["check"] == 0
    finally:
        scheduler.shutdown(wait=False)
