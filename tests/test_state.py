"""The state database: runs, link history and the failure policy, cache, repositories, migrations,
interrupted runs. Real SQLite files in tmp_path; time is an injected clock."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from curator import state as state_module
from curator.errors import CuratorError
from curator.facts import Hop, LinkHistory, LinkResult, LinkState, RepoMeta
from curator.rules.history import is_confirmed_failure
from curator.state import StateDB, schema_version
from tests.support.state_db import runs, version

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
URL = "https://example.org/page"


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[StateDB]:
    with StateDB.open(tmp_path / "state.db") as opened:
        yield opened


def link(state: LinkState, url: str = URL, *, at: datetime | None = None, **kw: object) -> LinkResult:
    return LinkResult(url=url, state=state, checked_at=at, **kw)  # type: ignore[arg-type]


def record(db: StateDB, now: datetime, *results: LinkResult, repos: tuple[RepoMeta, ...] = ()) -> int:
    run = db.begin_run(now)
    run.record_links(results)
    run.record_repos(repos)
    return run.finish(now + timedelta(minutes=5))


def history(db: StateDB, now: datetime, url: str = URL) -> LinkHistory:
    return db.link_history([url], now)[url]


# ── opening ──────────────────────────────────────────────────────────────────────────────────────────────


def test_open_creates_the_directory_in_wal_mode_with_the_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "deep" / ".curator" / "state.db"
    with StateDB.open(path) as db:
        assert version(db) == schema_version() == len(state_module.MIGRATIONS)
        assert db._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db._conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0
    assert path.is_file()
    with StateDB.open(path) as db:  # reopening applies nothing twice
        assert [r[0] for r in db._conn.execute("SELECT version FROM schema_version")] == [1, 2]


def test_default_path_is_under_dot_curator() -> None:
    with StateDB.open() as db:
        assert db.path == Path(".curator/state.db")
    assert Path(".curator/state.db").is_file()


@pytest.mark.parametrize(
    "content",
    [b"this is not a database at all, just text\n" * 200, b"SQLite format 3\x00" + b"\xff" * 4000],
    ids=["text", "bad-header"],
)
def test_a_file_that_is_not_sqlite_is_a_curator_error_naming_the_path(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "state.db"
    path.write_bytes(content)
    with pytest.raises(CuratorError, match=r"state\.db") as info:
        StateDB.open(path)
    assert str(path) in str(info.value)
    assert path.read_bytes() == content  # left as it was, for the user to look at


def test_a_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(CuratorError, match="not a curator state database"):
        StateDB.open(path)


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CuratorError, match="is a directory"):
        StateDB.open(tmp_path)


def test_naive_clock_is_a_programming_error(db: StateDB) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        db.begin_run(datetime(2025, 1, 1))


# ── migrations ───────────────────────────────────────────────────────────────────────────────────────────


def _migration_next(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE runs ADD COLUMN note TEXT")
    conn.execute("UPDATE runs SET note = 'migrated'")


def test_an_older_database_is_migrated_keeping_its_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "state.db"
    with StateDB.open(path) as db:
        record(db, day(0), link(LinkState.DEAD))
    monkeypatch.setattr(state_module, "MIGRATIONS", [*state_module.MIGRATIONS, _migration_next])
    with StateDB.open(path) as db:
        assert version(db) == 3
        assert db._conn.execute("SELECT note FROM runs").fetchall() == [("migrated",)]
        assert history(db, day(1)).consecutive_failures == 1
        assert [r[0] for r in db._conn.execute("SELECT version FROM schema_version ORDER BY version")] == [
            1,
            2,
            3,
        ]


def test_an_existing_empty_file_is_an_error_not_a_fresh_history(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    path.touch()
    with pytest.raises(CuratorError) as info:
        StateDB.open(path)
    assert str(info.value) == f"{path}: the state database file is empty; delete it to start a new history"
    assert info.value.exit_code == 2
    assert path.read_bytes() == b""  # left alone


def test_a_failing_migration_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "state.db"
    StateDB.open(path).close()

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("bug in migration 2")

    monkeypatch.setattr(state_module, "MIGRATIONS", [*state_module.MIGRATIONS, broken])
    with pytest.raises(RuntimeError, match="bug in migration 2"):
        StateDB.open(path)
    monkeypatch.undo()
    with StateDB.open(path) as db:
        assert version(db) == schema_version()
        tables = {r[0] for r in db._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "half_done" not in tables


def test_a_database_from_a_newer_curator_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with StateDB.open(path) as db:
        record(db, day(0), link(LinkState.OK))
        db._conn.execute("INSERT INTO schema_version (version, applied_at) VALUES (7, '2030-01-01')")
    with pytest.raises(CuratorError, match=r"schema version 7.*newer curator.*up to version 2"):
        StateDB.open(path)


# ── the failure policy across runs ───────────────────────────────────────────────────────────────────────


def confirmed(db: StateDB, now: datetime) -> bool:
    return is_confirmed_failure(history(db, now), now=now, failure_runs=3, failure_days=5.0)


def test_two_failures_over_six_days_are_not_confirmed(db: StateDB) -> None:
    record(db, day(0), link(LinkState.DEAD, at=day(0)))
    record(db, day(6), link(LinkState.DEAD, at=day(6)))
    assert history(db, day(6)) == LinkHistory(consecutive_failures=2, failing_since=day(0))
    assert not confirmed(db, day(6))


def test_three_failures_over_four_days_are_not_confirmed(db: StateDB) -> None:
    for n in (0, 2, 4):
        record(db, day(n), link(LinkState.UNREACHABLE, at=day(n)))
    assert history(db, day(4)).consecutive_failures == 3
    assert not confirmed(db, day(4))


def test_three_failures_over_five_days_are_confirmed(db: StateDB) -> None:
    for n, state in ((0, LinkState.DEAD), (2.5, LinkState.ERROR), (5, LinkState.TLS_ERROR)):
        record(db, day(n), link(state, at=day(n)))
    assert history(db, day(5)) == LinkHistory(consecutive_failures=3, failing_since=day(0))
    assert confirmed(db, day(5))


def test_a_success_in_between_resets_the_streak(db: StateDB) -> None:
    record(db, day(0), link(LinkState.DEAD, at=day(0)))
    record(db, day(1), link(LinkState.DEAD, at=day(1)))
    record(db, day(2), link(LinkState.OK, at=day(2)))
    for n in (3, 5, 7):
        record(db, day(n), link(LinkState.DEAD, at=day(n)))
    assert history(db, day(7)) == LinkHistory(consecutive_failures=3, failing_since=day(3))
    assert not confirmed(db, day(7))  # 7 runs, 6 failures, but the streak is 4 days old
    record(db, day(8), link(LinkState.DEAD, at=day(8)))
    assert confirmed(db, day(8))
    record(db, day(9), link(LinkState.OK, at=day(9)))
    assert history(db, day(9)) == LinkHistory()


@pytest.mark.parametrize("state", [LinkState.BLOCKED, LinkState.REFUSED, LinkState.REDIRECT, LinkState.OK])
def test_non_failing_states_end_a_streak(db: StateDB, state: LinkState) -> None:
    record(db, day(0), link(LinkState.DEAD))
    record(db, day(1), link(state))
    assert history(db, day(1)) == LinkHistory()
    record(db, day(2), link(LinkState.DEAD, at=day(2)))
    assert history(db, day(2)) == LinkHistory(consecutive_failures=1, failing_since=day(2))


def test_runs_that_did_not_check_the_url_do_not_break_a_streak(db: StateDB) -> None:
    other = "https://other.example/"
    record(db, day(0), link(LinkState.DEAD, at=day(0)), link(LinkState.OK, other))
    record(db, day(1), link(LinkState.OK, other))  # e.g. --changed-since, or a cache hit for URL
    offline = db.begin_run(day(2), kind="check", offline=True)
    offline.finish(day(2))
    record(db, day(3), link(LinkState.DEAD, at=day(3)))
    assert db.link_history([URL, other, "https://never.example/"], day(3)) == {
        URL: LinkHistory(consecutive_failures=2, failing_since=day(0)),
        other: LinkHistory(),
        "https://never.example/": LinkHistory(),
    }


def test_failing_since_is_when_the_first_failure_was_checked_and_defaults_to_the_run_start(
    db: StateDB,
) -> None:
    record(db, day(0), link(LinkState.DEAD, at=day(0) + timedelta(minutes=3)))
    record(db, day(1), link(LinkState.DEAD, URL + "?b"))  # no checked_at: the run's start
    assert history(db, day(1)).failing_since == day(0) + timedelta(minutes=3)
    assert history(db, day(1), URL + "?b").failing_since == day(1)


def test_history_as_of_an_earlier_time_ignores_later_runs(db: StateDB) -> None:
    for n in (0, 1, 2):
        record(db, day(n), link(LinkState.DEAD, at=day(n)))
    assert history(db, day(1)).consecutive_failures == 2
    assert db.link_history([URL])[URL].consecutive_failures == 3


def test_times_in_other_zones_are_stored_as_utc(db: StateDB) -> None:
    tokyo = timezone(timedelta(hours=9))
    record(db, day(0).astimezone(tokyo), link(LinkState.DEAD, at=day(0).astimezone(tokyo)))
    since = history(db, day(1)).failing_since
    assert since == day(0)
    assert since is not None and since.utcoffset() == timedelta(0)


# ── the cache ────────────────────────────────────────────────────────────────────────────────────────────


def test_ok_results_are_cached_within_max_age_with_every_field(db: StateDB) -> None:
    original = link(
        LinkState.OK,
        at=day(0),
        status=200,
        final_url=URL + "/",
        redirects=(Hop(302, URL),),
        title="A page | with a bar",
        attempts=2,
        elapsed_ms=12.5,
        detail="slow",
    )
    record(db, day(0), original)
    hit = db.cached_ok([URL, "https://unknown.example/"], day(0) + timedelta(hours=23), timedelta(hours=24))
    assert set(hit) == {URL}
    assert hit[URL].from_cache
    assert hit[URL] == replace(original, from_cache=True)


def test_ok_results_older_than_max_age_are_rechecked(db: StateDB) -> None:
    record(db, day(0), link(LinkState.OK, at=day(0)))
    assert db.cached_ok([URL], day(0) + timedelta(hours=24), timedelta(hours=24))  # boundary: still fresh
    assert db.cached_ok([URL], day(0) + timedelta(hours=24, seconds=1), timedelta(hours=24)) == {}
    assert db.cached_ok([URL], day(0) + timedelta(hours=1), timedelta(0)) == {}  # --no-cache / max_age 0


@pytest.mark.parametrize("state", [s for s in LinkState if s is not LinkState.OK], ids=lambda s: str(s.value))
def test_nothing_but_ok_is_cached(db: StateDB, state: LinkState) -> None:
    record(db, day(0), link(LinkState.OK, at=day(0)))
    record(db, day(0.1), link(state, at=day(0.1), final_url=URL + "/moved"))
    assert db.cached_ok([URL], day(0.2), timedelta(hours=24)) == {}


def test_cache_hits_are_not_new_observations(db: StateDB) -> None:
    record(db, day(0), link(LinkState.DEAD, at=day(0)))
    record(db, day(1), link(LinkState.OK, at=day(1)))
    hits = db.cached_ok([URL], day(1.5), timedelta(hours=24))
    run = db.begin_run(day(1.5))
    run.record_links(hits.values())
    assert (len(run._links), len(run._repos)) == (0, 0)
    run.finish(day(1.5))
    # the cached result's age runs from the real check, not from the run that reused it
    assert db.cached_ok([URL], day(2.01), timedelta(hours=24)) == {}
    assert runs(db)[-1].links == 0


def test_results_from_the_future_are_not_trusted(db: StateDB) -> None:
    record(db, day(0), link(LinkState.OK, at=day(3)))
    assert db.cached_ok([URL], day(1), timedelta(days=30)) == {}


# ── interrupted runs ─────────────────────────────────────────────────────────────────────────────────────


def test_only_finished_runs_count(db: StateDB) -> None:
    record(db, day(0), link(LinkState.OK, at=day(0)))
    run = db.begin_run(day(0.5))
    run.record_links([link(LinkState.DEAD, at=day(0.5))])
    run.record_repos([RepoMeta("a/b", missing=True)])
    # not finished: invisible to every query, even from the same connection
    assert history(db, day(1)) == LinkHistory()
    assert db.cached_ok([URL], day(0.6), timedelta(hours=24))
    assert db.last_repos(["a/b"]) == {}
    assert [(r.finished_at is None, r.links) for r in runs(db)] == [(False, 1), (True, 0)]
    run.abort()
    assert len(runs(db)) == 1
    run.abort()  # idempotent
    with pytest.raises(RuntimeError, match="aborted"):
        run.record_links([])
    with pytest.raises(RuntimeError, match="aborted"):
        run.finish(day(1))


def test_a_run_used_as_a_context_manager_is_aborted_on_error(db: StateDB) -> None:
    with pytest.raises(KeyboardInterrupt), db.begin_run(day(0)) as run:
        run.record_links([link(LinkState.DEAD)])
        raise KeyboardInterrupt
    assert run.status == "aborted"
    with db.begin_run(day(1)) as run:
        run.record_links([link(LinkState.DEAD)])
        run.finish(day(1))
    assert run.status == "finished"
    assert [r.links for r in runs(db)] == [1]


def test_a_failure_while_writing_a_run_rolls_all_of_it_back(db: StateDB) -> None:
    run = db.begin_run(day(0))
    run.record_links([link(LinkState.DEAD, f"https://e.example/{i}") for i in range(50)])
    run.record_repos([RepoMeta("a/b", stars=object())])  # type: ignore[arg-type]  # unbindable: fails mid-write
    with pytest.raises(CuratorError, match=r"state\.db"):
        run.finish(day(0))
    assert run.status == "aborted"
    assert runs(db) == []
    assert db._conn.execute("SELECT COUNT(*) FROM link_results").fetchone() == (0,)
    record(db, day(1), link(LinkState.OK))  # and the database is still usable
    assert len(runs(db)) == 1


def test_a_finished_run_whose_row_was_removed_meanwhile_is_recorded_anew(tmp_path: Path) -> None:
    with StateDB.open(tmp_path / "state.db") as db, StateDB.open(tmp_path / "state.db") as other:
        run = db.begin_run(day(0))
        first_id = run.id
        run.record_links([link(LinkState.DEAD, at=day(0))])
        record(other, day(3), link(LinkState.DEAD, at=day(3)))  # takes the day-old unfinished run for dead
        assert [r.finished_at is None for r in runs(db)] == [False]
        run_id = run.finish(day(3))
        assert run_id != first_id and len(runs(db)) == 2
        # ordered by when it began, not by its new id: the streak began on day 0
        assert history(db, day(3)) == LinkHistory(consecutive_failures=2, failing_since=day(0))


_KILLED_CHILD = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime, timedelta
    from curator.facts import LinkResult, LinkState
    from curator.state import StateDB

    db = StateDB.open(sys.argv[1])
    n = int(sys.argv[2])
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    i = 0
    while True:
        now = t0 + timedelta(hours=i)
        run = db.begin_run(now)
        results = (LinkResult(f"https://e.example/{j}", LinkState.DEAD, checked_at=now) for j in range(n))
        run.record_links(results)
        run.finish(now)
        print(i, flush=True)
        i += 1
    """
)


def test_a_process_killed_mid_run_leaves_only_finished_runs(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    per_run = 3000
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_CHILD, str(path), str(per_run)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        for _ in range(3):  # a few runs finished; the kill then lands in a later one, likely mid-write
            assert child.stdout.readline(), "child died early"
        time.sleep(0.013)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=10)
        if child.stdout is not None:
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL

    with StateDB.open(path) as db:
        assert db._conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = runs(db)
        finished = [r for r in stored if r.finished_at is not None]
        assert len(finished) >= 3
        assert all(r.links == per_run for r in finished)
        assert all(r.links == 0 for r in stored if r.finished_at is None)
        assert history(db, datetime(2030, 1, 1, tzinfo=UTC), "https://e.example/7").consecutive_failures == len(
            finished
        )
        record(db, datetime(2030, 1, 1, tzinfo=UTC), link(LinkState.OK, "https://e.example/7"))  # still writable


# ── concurrency ──────────────────────────────────────────────────────────────────────────────────────────


def test_two_connections_interleave_runs(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with StateDB.open(path) as a, StateDB.open(path) as b:
        run_a = a.begin_run(day(0))
        run_b = b.begin_run(day(0.1))
        run_a.record_links([link(LinkState.DEAD, at=day(0))])
        run_b.record_links([link(LinkState.DEAD, at=day(0.1))])
        run_b.finish(day(0.2))
        assert history(a, day(1)).consecutive_failures == 1
        run_a.finish(day(0.3))
        assert history(b, day(1)) == LinkHistory(consecutive_failures=2, failing_since=day(0))


_CONCURRENT_CHILD = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime, timedelta
    from curator.facts import LinkResult, LinkState
    from curator.state import StateDB

    with StateDB.open(sys.argv[1]) as db:
        for i in range(5):
            now = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=i)
            run = db.begin_run(now)
            run.record_links(LinkResult(f"https://e.example/{j}", LinkState.OK) for j in range(200))
            run.finish(now)
    """
)


def test_processes_opening_a_fresh_database_at_once_all_succeed(tmp_path: Path) -> None:
    path = tmp_path / "fresh" / "state.db"
    children = [
        subprocess.Popen([sys.executable, "-c", _CONCURRENT_CHILD, str(path)], stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    errors = [child.communicate(timeout=60)[1] for child in children]
    assert [child.returncode for child in children] == [0, 0, 0, 0], errors
    with StateDB.open(path) as db:
        assert version(db) == schema_version()
        finished = runs(db, finished_only=True)
        assert len(finished) == 20 and all(r.links == 200 for r in finished)


# ── repositories ─────────────────────────────────────────────────────────────────────────────────────────


def meta(requested: str = "Owner/Repo", **kw: object) -> RepoMeta:
    return RepoMeta(requested=requested, **kw)  # type: ignore[arg-type]


def test_last_known_repository_values(db: StateDB) -> None:
    first = meta(
        name_with_owner="owner/repo",
        stars=10,
        forks=2,
        pushed_at=day(-3),
        last_commit_at=day(-4),
        archived=False,
        license="MIT",
        description="Does things",
        homepage="https://repo.example/",
        latest_release_at=day(-30),
        fetched_at=day(0),
    )
    record(db, day(0), repos=(first,))
    record(db, day(1), repos=(meta(name_with_owner="new-owner/repo", stars=12, fetched_at=day(1), is_fork=True),))
    # a run that could not fetch: its last-known copy is not recorded
    record(db, day(2), repos=(meta(stars=999, from_cache=True),))

    last = db.last_repos(["OWNER/REPO", "owner/repo", "nobody/nothing"])
    assert list(last) == ["owner/repo"]
    got = last["owner/repo"]
    assert got.from_cache and got.requested == "Owner/Repo"
    assert (got.name_with_owner, got.stars, got.is_fork, got.fetched_at) == (
        "new-owner/repo",
        12,
        True,
        day(1),
    )
    assert [r.repos for r in runs(db)] == [1, 1, 0]


def test_every_repository_field_round_trips(db: StateDB) -> None:
    original = meta(
        name_with_owner="Owner/Repo",
        stars=1,
        forks=0,
        pushed_at=day(-1),
        last_commit_at=day(-2),
        archived=True,
        disabled=True,
        is_fork=True,
        license="Apache-2.0",
        description="d",
        homepage="h",
        latest_release_at=day(-3),
        fetched_at=day(0),
    )
    record(db, day(0), repos=(original,))
    got = db.last_repos(["owner/repo"])["owner/repo"]
    assert got == replace(original, from_cache=True)


def test_missing_streak_and_present_only(db: StateDB) -> None:
    record(db, day(0), repos=(meta(stars=5, fetched_at=day(0)),))
    record(db, day(1), repos=(meta(missing=True, fetched_at=day(1)),))
    record(db, day(3), repos=(meta(missing=True, fetched_at=day(3)),))
    record(db, day(6), repos=(meta(missing=True, fetched_at=day(6)),))
    hist = db.repo_history(["Owner/Repo", "other/one"])
    assert hist == {
        "owner/repo": LinkHistory(consecutive_failures=3, failing_since=day(1)),
        "other/one": LinkHistory(),
    }
    assert is_confirmed_failure(hist["owner/repo"], now=day(6))
    assert db.last_repos(["owner/repo"])["owner/repo"].missing
    assert db.last_repos(["owner/repo"], present_only=True)["owner/repo"].stars == 5
    assert db.repo_history(["owner/repo"], day(2))["owner/repo"].consecutive_failures == 1
    record(db, day(7), repos=(meta(stars=6, fetched_at=day(7)),))
    assert db.repo_history(["owner/repo"])["owner/repo"] == LinkHistory()


def test_finished_runs_counts_only_finished_runs(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with StateDB.open(state) as db:
        assert db.finished_runs() == 0
        db.begin_run(now)  # never finished
        assert db.finished_runs() == 0
        with db.begin_run(now) as run:
            run.finish(now)
        assert db.finished_runs() == 1
