"""Crontab expressions read as cron(8) reads them."""

from __future__ import annotations

import pytest

from curator.crontab import parse_crontab


def test_fields_expand_to_their_values() -> None:
    cron = parse_crontab("*/15 6,18 1-3 jan,JUL *")
    assert cron.minutes == (0, 15, 30, 45)
    assert cron.hours == (6, 18)
    assert cron.days == (1, 2, 3)
    assert cron.months == (1, 7)
    assert cron.weekdays == tuple(range(7)) and cron.weekdays_star and not cron.days_star


@pytest.mark.parametrize(
    ("field", "days"),
    [
        ("0", (0,)),
        ("7", (0,)),  # 7 is Sunday too
        ("1", (1,)),  # Monday
        ("1-5", (1, 2, 3, 4, 5)),
        ("5-7", (0, 5, 6)),
        ("0,6", (0, 6)),
        ("*/2", (0, 2, 4, 6)),  # from Sunday, as cron counts
        ("1-5/2", (1, 3, 5)),
        ("sun", (0,)),
        ("Mon-Fri", (1, 2, 3, 4, 5)),
        ("3/2", (3, 5, 0)),  # 3-7/2: Wednesday, Friday, and 7 = Sunday
    ],
)
def test_day_of_week_numbers_start_at_sunday(field: str, days: tuple[int, ...]) -> None:
    assert parse_crontab(f"0 6 * * {field}").weekdays == tuple(sorted(days))


def test_macros() -> None:
    assert parse_crontab("@weekly").weekdays == (0,)
    assert parse_crontab("@daily").hours == (0,)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0 6 * *", "has 5 fields"),
        ("0 6 * * 8", "day of week '8': 8 is out of range (0-7)"),
        ("60 6 * * *", "minute '60': 60 is out of range (0-59)"),
        ("0 6 0 * *", "day of month '0': 0 is out of range (1-31)"),
        ("0 6 * * 5-1", "runs backwards"),
        ("0 6 * * */0", "above 0"),
        ("0 6 * * fri,", "an empty item"),
        ("0 6 * foo *", "'foo' is neither a number (1-12) nor a name"),
        ("0 6 L * *", "'L' is not a number (1-31)"),
        ("@reboot", "unknown macro"),
    ],
)
def test_invalid_expressions_say_which_field(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_crontab(text)
    assert message in str(info.value)
