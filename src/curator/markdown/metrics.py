"""Repository metrics as README cells: stars, last activity, archived. Pure functions of RepoMeta.

The cells are chosen to be stable between runs, so a scheduled run does not rewrite the README for
nothing: stars are compact (`12.4k`), activity is a month (`2025-09`, never "3 days ago"). A value this run
could not read is shown as the last known one (`with_fallback`), never as an empty cell.
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from curator.config import MetricColumn
from curator.facts import RepoMeta

__all__ = [
    "ARCHIVED_MARKER",
    "activity_cell",
    "archived_cell",
    "compact_number",
    "metric_cell",
    "stars_cell",
    "with_fallback",
]

ARCHIVED_MARKER = "archived"
_UNITS = (("", 1), ("k", 10**3), ("M", 10**6), ("B", 10**9))
# What a fresh observation may lack and the last known one can supply.
_OBSERVATION_ONLY = {"requested", "missing", "archived", "disabled", "is_fork", "fetched_at", "from_cache"}
_FILLABLE = tuple(f.name for f in fields(RepoMeta) if f.name not in _OBSERVATION_ONLY)


def compact_number(n: int) -> str:
    """987 → `987`, 1,234 → `1.2k`, 12,449 → `12.4k`, 123,456 → `123k`, 1,250,000 → `1.3M`, 2,000 → `2k`.

    One decimal below 100 of a unit, none above; rounded half up; a trailing `.0` dropped; a value that
    rounds to 1000 of a unit moves to the next (999,950 → `1M`)."""
    if n < 0:
        return "-" + compact_number(-n)
    for i, (suffix, size) in enumerate(_UNITS):
        value = Decimal(n) / size
        places = Decimal("1") if value >= 100 or size == 1 else Decimal("0.1")
        rounded = value.quantize(places, rounding=ROUND_HALF_UP)
        if rounded >= 1000 and i + 1 < len(_UNITS):
            continue
        text = f"{rounded:f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text + suffix
    raise AssertionError("unreachable")  # the last unit always returns


def stars_cell(meta: RepoMeta | None) -> str:
    """Compact star count; empty only when the repository's stars were never known."""
    if meta is None or meta.stars is None:
        return ""
    return compact_number(meta.stars)


def activity_cell(meta: RepoMeta | None) -> str:
    """The month of the last commit on the default branch (`2025-09`, UTC); the last push when the commit
    date is unknown. Empty only when neither was ever known."""
    if meta is None:
        return ""
    when = meta.last_commit_at or meta.pushed_at
    return _month(when) if when is not None else ""


def archived_cell(meta: RepoMeta | None) -> str:
    """`archived` for an archived repository, else empty."""
    return ARCHIVED_MARKER if meta is not None and meta.archived and not meta.missing else ""


def metric_cell(column: MetricColumn, meta: RepoMeta | None) -> str:
    """The cell of one metric column (`render.metrics` in curator.yaml) for one repository."""
    if column == "stars":
        return stars_cell(meta)
    if column == "activity":
        return activity_cell(meta)
    return archived_cell(meta)


def with_fallback(meta: RepoMeta | None, last_known: RepoMeta | None) -> RepoMeta | None:
    """`meta` with every value it lacks taken from `last_known`: what the README shows when this run
    could not read a value (or the repository answered as missing), so a cell never goes blank."""
    if meta is None:
        return last_known
    if last_known is None:
        return meta
    missing = {name: getattr(last_known, name) for name in _FILLABLE if getattr(meta, name) is None}
    missing = {name: value for name, value in missing.items() if value is not None}
    return replace(meta, **missing) if missing else meta


def _month(when: datetime) -> str:
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return f"{when:%Y-%m}"
