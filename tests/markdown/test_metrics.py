"""README metric cells: compact stars, activity month, archived marker, last-known fallback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from curator.facts import RepoMeta
from curator.markdown.metrics import (
    ARCHIVED_MARKER,
    activity_cell,
    archived_cell,
    compact_number,
    metric_cell,
    stars_cell,
    with_fallback,
)


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0"),
        (987, "987"),
        (999, "999"),
        (1_000, "1k"),
        (1_049, "1k"),
        (1_050, "1.1k"),
        (1_234, "1.2k"),
        (12_400, "12.4k"),
        (12_449, "12.4k"),
        (12_450, "12.5k"),
        (99_949, "99.9k"),
        (99_950, "100k"),
        (123_456, "123k"),
        (999_499, "999k"),
        (999_500, "1M"),
        (1_200_000, "1.2M"),
        (1_250_000, "1.3M"),
        (2_000_000, "2M"),
        (12_400_000_000, "12.4B"),
    ],
)
def test_compact_number(n: int, text: str) -> None:
    assert compact_number(n) == text


def test_stars_cell() -> None:
    assert stars_cell(RepoMeta("a/b", stars=12_400)) == "12.4k"
    assert stars_cell(RepoMeta("a/b")) == "" and stars_cell(None) == ""


def test_activity_is_the_month_of_the_last_commit_in_utc() -> None:
    commit = datetime(2025, 9, 30, 23, 30, tzinfo=timezone(timedelta(hours=-5)))  # 2025-10-01 04:30 UTC
    pushed = datetime(2025, 11, 2, tzinfo=UTC)
    assert activity_cell(RepoMeta("a/b", last_commit_at=commit, pushed_at=pushed)) == "2025-10"
    assert activity_cell(RepoMeta("a/b", pushed_at=pushed)) == "2025-11"
    assert activity_cell(RepoMeta("a/b")) == "" and activity_cell(None) == ""


def test_archived_cell() -> None:
    assert archived_cell(RepoMeta("a/b", archived=True)) == ARCHIVED_MARKER == "archived"
    assert archived_cell(RepoMeta("a/b")) == "" and archived_cell(None) == ""


def test_metric_cell_dispatches_on_the_column() -> None:
    meta = RepoMeta("a/b", stars=987, pushed_at=datetime(2025, 9, 1, tzinfo=UTC), archived=True)
    assert [metric_cell(c, meta) for c in ("stars", "activity", "archived")] == ["987", "2025-09", "archived"]


def test_with_fallback_never_blanks_a_known_value() -> None:
    last = RepoMeta(
        "a/b",
        name_with_owner="a/b",
        stars=1_500,
        pushed_at=datetime(2025, 8, 1, tzinfo=UTC),
        latest_release_at=datetime(2025, 7, 1, tzinfo=UTC),
        from_cache=True,
    )
    missing = RepoMeta("a/b", missing=True, fetched_at=datetime(2025, 10, 1, tzinfo=UTC))
    shown = with_fallback(missing, last)
    assert shown is not None
    assert (stars_cell(shown), activity_cell(shown)) == ("1.5k", "2025-08")
    assert shown.missing and not shown.from_cache  # the observation stays what it was

    rest = RepoMeta("a/b", name_with_owner="a/b", stars=1_600, pushed_at=datetime(2025, 9, 1, tzinfo=UTC))
    merged = with_fallback(rest, last)
    assert merged is not None
    assert (merged.stars, merged.latest_release_at) == (1_600, datetime(2025, 7, 1, tzinfo=UTC))
    assert with_fallback(None, last) is last and with_fallback(rest, None) is rest
