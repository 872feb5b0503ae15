"""Crontab expressions as cron(8) reads them: five fields, names for months and days, Sunday as 0 or 7.

Parsed here, below the configuration, so that `curator.yaml` can refuse a bad schedule at its line; the
serve package turns a parsed expression into a scheduler trigger. Two cron rules that schedulers often get
wrong are kept: day-of-week 0 and 7 are Sunday (1 is Monday), and when both day-of-month and day-of-week
are restricted (neither starts with `*`) a day matches if EITHER matches.
"""

from __future__ import annotations

from dataclasses import dataclass

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    names_from: int = 0  # the number of the first name


_FIELDS = (
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day of month", 1, 31),
    _Field("month", 1, 12, MONTHS, 1),
    _Field("day of week", 0, 7, WEEKDAYS, 0),
)


@dataclass(frozen=True)
class Crontab:
    """One expression: the values each field allows. `weekdays` uses 0 = Sunday … 6 = Saturday (7 folded
    into 0). `days_star`/`weekdays_star`: the field began with `*`, so it does not restrict the day."""

    text: str
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days: tuple[int, ...]
    months: tuple[int, ...]
    weekdays: tuple[int, ...]
    days_star: bool
    weekdays_star: bool


def parse_crontab(text: str) -> Crontab:
    """The expression `text`, or ValueError saying which field is wrong and why."""
    source = text.strip()
    expanded = MACROS.get(source.lower(), source)
    if expanded.startswith("@"):
        raise ValueError(f"{source!r}: unknown macro (known: {', '.join(MACROS)})")
    parts = expanded.split()
    if len(parts) != len(_FIELDS):
        raise ValueError(
            f"{source!r}: a crontab expression has 5 fields (minute hour day-of-month month day-of-week), "
            f"not {len(parts)}"
        )
    values = [_parse_field(part, spec) for part, spec in zip(parts, _FIELDS, strict=True)]
    weekdays = tuple(sorted({d % 7 for d in values[4]}))
    return Crontab(
        text=source,
        minutes=values[0],
        hours=values[1],
        days=values[2],
        months=values[3],
        weekdays=weekdays,
        days_star=parts[2].startswith("*"),
        weekdays_star=parts[4].startswith("*"),
    )


def _parse_field(text: str, spec: _Field) -> tuple[int, ...]:
    out: set[int] = set()
    for item in text.split(","):
        out |= _parse_item(item, spec, text)
    return tuple(sorted(out))


def _parse_item(item: str, spec: _Field, field_text: str) -> set[int]:
    where = f"{spec.name} {field_text!r}"
    if not item:
        raise ValueError(f"{where}: an empty item in a list")
    body, _, step_text = item.partition("/")
    step = 1
    if "/" in item:
        if not step_text.isdigit() or int(step_text) == 0:
            raise ValueError(f"{where}: the step after '/' must be a whole number above 0, not {step_text!r}")
        step = int(step_text)
    if body == "*":
        low, high = spec.low, spec.high if spec.name != "day of week" else 6
    elif "-" in body:
        first, _, last = body.partition("-")
        low, high = _value(first, spec, where), _value(last, spec, where)
        if low > high:
            raise ValueError(f"{where}: the range {body!r} runs backwards")
    else:
        low = high = _value(body, spec, where)
        if "/" in item:  # cron(8) reads `5/10` as `5-max/10`
            high = spec.high
    return set(range(low, high + 1, step))


def _value(text: str, spec: _Field, where: str) -> int:
    if text.isdigit():
        number = int(text)
        if not spec.low <= number <= spec.high:
            raise ValueError(f"{where}: {number} is out of range ({spec.low}-{spec.high})")
        return number
    lowered = text.lower()
    if lowered in spec.names:
        return spec.names.index(lowered) + spec.names_from
    if spec.names:
        raise ValueError(
            f"{where}: {text!r} is neither a number ({spec.low}-{spec.high}) nor a name ({spec.names[0]}…)"
        )
    raise ValueError(f"{where}: {text!r} is not a number ({spec.low}-{spec.high})")
