"""Crontab expressions as APScheduler triggers, in UTC, with cron(8)'s meaning kept.

APScheduler's `CronTrigger.from_crontab` reads day-of-week 0 as Monday; here every field is handed over
as explicit values (weekdays by name), so 0 and 7 are Sunday. When day-of-month and day-of-week are both
restricted, cron runs on a day matching either: that is an `OrTrigger` of the two.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

from curator.crontab import WEEKDAYS, Crontab

# How every job is scheduled. One run when several were missed (a machine that slept through a window runs
# the job once on waking), never two of one job at once, and no limit on lateness: a run late by hours is
# still worth doing, and coalescing keeps it to one.
_TICK = timedelta(microseconds=1)

JOB_DEFAULTS: dict[str, Any] = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}


def _values(values: tuple[int, ...], low: int, high: int) -> str:
    if values == tuple(range(low, high + 1)):
        return "*"
    return ",".join(str(v) for v in values)


def _weekdays(values: tuple[int, ...]) -> str:
    if len(values) == 7:
        return "*"
    return ",".join(WEEKDAYS[v] for v in values)  # names: APScheduler's numbers start at Monday


def trigger(cron: Crontab) -> Any:
    """The APScheduler trigger (UTC) that fires when cron(8) would run `cron`."""
    common = {
        "minute": _values(cron.minutes, 0, 59),
        "hour": _values(cron.hours, 0, 23),
        "month": _values(cron.months, 1, 12),
        "timezone": UTC,
    }
    days = _values(cron.days, 1, 31)
    weekdays = _weekdays(cron.weekdays)
    if not cron.days_star and not cron.weekdays_star:
        return OrTrigger(
            [CronTrigger(day=days, day_of_week="*", **common), CronTrigger(day="*", day_of_week=weekdays, **common)]
        )
    return CronTrigger(day=days, day_of_week=weekdays, **common)


def next_runs(trig: Any, now: datetime, count: int = 3) -> list[datetime]:
    """The next `count` fire times strictly after `now`, in UTC."""
    out: list[datetime] = []
    previous: datetime | None = None
    current = now.astimezone(UTC) + _TICK  # the trigger answers "at or after": a run at `now` has begun
    while len(out) < count:
        fire = trig.get_next_fire_time(previous, current)
        if fire is None:
            break
        out.append(fire.astimezone(UTC))
        previous, current = fire, fire + _TICK
    return out


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z, to the second."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
