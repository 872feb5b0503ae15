"""The failure policy: when a failing link or a missing repository is confirmed.

Pure: it judges a `LinkHistory` (what the state database counted, this run included) against the
`history.failure_runs` / `history.failure_days` thresholds. The rules about links and repositories share it;
the state database only counts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from curator.config import DEFAULT_FAILURE_DAYS, DEFAULT_FAILURE_RUNS
from curator.facts import LinkHistory

__all__ = ["is_confirmed_failure"]


def is_confirmed_failure(
    history: LinkHistory,
    *,
    now: datetime,
    failure_runs: int = DEFAULT_FAILURE_RUNS,
    failure_days: float = DEFAULT_FAILURE_DAYS,
) -> bool:
    """True when a failure is confirmed: at least `failure_runs` consecutive failing runs whose streak
    began at least `failure_days` before `now` (pass the current run's time; its failure is part of the
    history). Before that a failure is only "failing since DATE (N runs)"."""
    if history.consecutive_failures < max(failure_runs, 1) or history.failing_since is None:
        return False
    return _aware(now, "now") - _aware(history.failing_since, "failing_since") >= timedelta(days=failure_days)


def _aware(value: datetime, what: str) -> datetime:
    # Comparing a naive with an aware time raises deep inside; say which argument was wrong instead.
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime, got {value!r}")
    return value.astimezone(UTC)
