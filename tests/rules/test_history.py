"""curator.rules.history: a failure is confirmed after enough consecutive failing runs over enough days."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

import curator.rules
from curator.facts import LinkHistory
from curator.rules.history import is_confirmed_failure

RULES_DIR = Path(curator.rules.__file__).parent
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def test_no_rule_imports_the_state_database() -> None:
    # The policy lives here, pure; the state database only counts. No rule may reach into it.
    offenders: list[str] = []
    for path in sorted(RULES_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            if any(n == "curator.state" or n.startswith("curator.state.") for n in names):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_is_confirmed_failure_is_a_pure_threshold_check() -> None:
    since = day(0)
    assert not is_confirmed_failure(LinkHistory(), now=day(10))
    assert not is_confirmed_failure(LinkHistory(2, since), now=day(10))
    assert is_confirmed_failure(LinkHistory(3, since), now=day(5))
    assert not is_confirmed_failure(LinkHistory(3, since), now=day(4.99))
    assert is_confirmed_failure(LinkHistory(1, since), now=day(0), failure_runs=1, failure_days=0)
    assert is_confirmed_failure(LinkHistory(5, since), now=day(2), failure_runs=5, failure_days=2)


@pytest.mark.parametrize(
    ("runs", "days", "confirmed"),
    [
        (2, 30, False),  # long, but too few runs
        (3, 4.999, False),  # enough runs, a moment short of the days
        (3, 5, True),  # both thresholds reached exactly: confirmed
        (4, 5.5, True),
        (100, 0.5, False),  # many runs in one afternoon are not days of failure
    ],
)
def test_both_thresholds_must_be_reached(runs: int, days: float, confirmed: bool) -> None:
    history = LinkHistory(consecutive_failures=runs, failing_since=day(0))
    assert is_confirmed_failure(history, now=day(days), failure_runs=3, failure_days=5) is confirmed


def test_the_defaults_are_three_runs_over_five_days() -> None:
    assert is_confirmed_failure(LinkHistory(3, day(0)), now=day(5))
    assert not is_confirmed_failure(LinkHistory(2, day(0)), now=day(5))
    assert not is_confirmed_failure(LinkHistory(3, day(0)), now=day(5) - timedelta(seconds=1))


def test_a_streak_without_a_start_is_not_confirmed() -> None:
    assert not is_confirmed_failure(LinkHistory(10, None), now=day(100))


def test_zero_runs_still_needs_one_failure() -> None:
    # `failure_runs` below 1 would confirm a link that never failed.
    assert not is_confirmed_failure(LinkHistory(0, day(0)), now=day(10), failure_runs=0, failure_days=0)
    assert is_confirmed_failure(LinkHistory(1, day(0)), now=day(10), failure_runs=0, failure_days=0)


def test_zero_days_confirms_within_the_same_run() -> None:
    assert is_confirmed_failure(LinkHistory(3, day(0)), now=day(0), failure_runs=3, failure_days=0)


def test_time_zones_do_not_matter() -> None:
    tokyo = timezone(timedelta(hours=9))
    since = day(0).astimezone(tokyo)
    assert is_confirmed_failure(LinkHistory(3, since), now=day(5))
    assert not is_confirmed_failure(LinkHistory(3, since), now=day(4.9).astimezone(timezone(timedelta(hours=-5))))


def test_naive_times_are_named() -> None:
    with pytest.raises(ValueError, match="failing_since must be a timezone-aware"):
        is_confirmed_failure(LinkHistory(3, datetime(2025, 1, 1)), now=datetime(2025, 2, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="now must be a timezone-aware"):
        is_confirmed_failure(LinkHistory(3, day(0)), now=datetime(2025, 4, 1))
