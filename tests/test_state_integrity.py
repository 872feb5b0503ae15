"""The state database refuses damaged files at open, tells early that it cannot be written, keeps its
history bounded, and stores link results through the one codec (kind included)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from curator import state as state_module
from curator.config import HistorySettings
from curator.errors import CuratorError
from curator.facts import FailureKind, Hop, LinkHistory, LinkResult, LinkState, RepoMeta
from curator.state import Retention, StateDB
from tests.support.state_db import runs

T0 = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
URL = "https://example.org/page"


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def record(db: StateDB, now: datetime, *results: LinkResult, repos: tuple[RepoMeta, ...] = ()) -> int:
    run = db.begin_run(now)
    run.record_links(results)
    run.record_repos(repos)
    return run.finish(now + timedelta(minutes=5))


def a_database(path: Path, runs_: int = 3, links: int = 200) -> None:
    with StateDB.open(path) as db:
        for n in range(runs_):
            record(db, day(n), *(LinkResult(f"https://e.example/{n}/{i}", LinkState.OK) for i in range(links)))


# ── checked at open ──────────────────────────────────────────────────────────────────────────────────────


def test_random_bytes_are_refused_naming_the_path(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    path.write_bytes(os.urandom(8192))
    with pytest.raises(CuratorError) as info:
        StateDB.open(path)
    assert str(info.value).startswith(f"{path}: ") and info.value.exit_code == 2


def test_a_truncated_database_is_refused_naming_the_path(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    a_database(path, runs_=5, links=500)
    size = path.stat().st_size
    assert not Path(f"{path}-wal").exists()  # all of it is in the main file
    with path.open("r+b") as handle:
        handle.truncate(size // 2)
    with pytest.raises(CuratorError) as info:
        StateDB.open(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and ("corrupt" in message or "malformed" in message), message
    assert info.value.exit_code == 2


def test_a_page_overwritten_with_garbage_is_found_by_the_quick_check(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    a_database(path, runs_=5, links=500)
    with path.open("r+b") as handle:  # a page in the middle: the header still says SQLite
        handle.seek(4096 * 6)
        handle.write(b"\x0d" + os.urandom(4095))
    with pytest.raises(CuratorError, match=r"state\.db: .*(corrupt|malformed)"):
        StateDB.open(path)


def test_a_new_database_never_exists_half_created(tmp_path: Path) -> None:
    path = tmp_path / "new" / "state.db"
    with StateDB.open(path):
        pass
    assert path.stat().st_size > 0
    assert sorted(p.name for p in path.parent.iterdir()) == ["state.db"]  # no temporary file left behind


def test_a_file_in_place_of_the_directory_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / ".curator").write_text("not a directory\n")
    with pytest.raises(CuratorError, match=r"\.curator/state\.db: cannot create the state database's directory"):
        StateDB.open(tmp_path / ".curator" / "state.db")


# ── writable? ────────────────────────────────────────────────────────────────────────────────────────────

# RLIMIT_FSIZE binds root too: no file of the process may grow past the limit, as on a full disk or quota.
_FULL_DISK_CHILD = textwrap.dedent(
    """
    import resource, signal, sys
    from curator.errors import CuratorError
    from curator.state import StateDB

    db = StateDB.open(sys.argv[1])
    db.check_writable()  # fine while the disk has room
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1, resource.RLIM_INFINITY))
    try:
        db.check_writable()
    except CuratorError as exc:
        print(exc)
        sys.exit(2)
    print("written")
    """
)


def test_check_writable_fails_when_nothing_can_be_written(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    a_database(path, runs_=1)
    child = subprocess.run(
        [sys.executable, "-B", "-c", _FULL_DISK_CHILD, str(path)], capture_output=True, text=True, timeout=60
    )
    assert child.returncode == 2, (child.stdout, child.stderr)
    assert child.stdout.startswith(f"{path}: cannot write the state database (")
    assert "choose another path with --state or history.state" in child.stdout
    assert child.stderr == ""


def test_check_writable_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    a_database(path, runs_=2)
    with StateDB.open(path) as db:
        before = db._conn.execute("SELECT * FROM schema_version").fetchall()
        db.check_writable()
        db.check_writable()
        assert db._conn.execute("SELECT * FROM schema_version").fetchall() == before
        assert len(runs(db)) == 2
        assert db._conn.execute("PRAGMA user_version").fetchone() == (2,)  # the probe's counter


# ── retention ────────────────────────────────────────────────────────────────────────────────────────────


def test_retention_comes_from_the_history_settings() -> None:
    assert Retention() == Retention.of(HistorySettings()) == Retention(days=180, runs=20)
    assert Retention.of(HistorySettings(retention_days=7, retention_runs=3)) == Retention(days=7, runs=3)


def test_thirty_runs_keep_twenty_and_the_file_shrinks(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    per_run = 300
    dead = "https://dead.example/"

    def results(n: int) -> list[LinkResult]:
        out = [LinkResult(f"https://e.example/{n}/{i}", LinkState.OK, title="t" * 80) for i in range(per_run)]
        return [*out, LinkResult(dead, LinkState.DEAD, status=404, kind=FailureKind.HTTP_STATUS)]

    # Thirty runs ten days apart, recorded by a curator that kept everything.
    with StateDB.open(path, retention=Retention(days=10_000, runs=10_000)) as db:
        for n in range(30):
            record(db, day(10 * n), *results(n))
        assert len(runs(db)) == 30
    full = path.stat().st_size

    with StateDB.open(path) as db:  # the defaults: 180 days or the last 20 runs
        record(db, day(300), *results(30))
        kept = runs(db)
        # the last 20 runs (days 110..300); those within 180 days (days 120..300) are among them
        assert [r.started_at for r in kept] == [day(10 * n) for n in range(11, 31)]
        assert all(r.links == per_run + 1 for r in kept)
        assert db._conn.execute("SELECT COUNT(*) FROM link_results").fetchone() == (20 * (per_run + 1),)
        assert db._conn.execute("PRAGMA freelist_count").fetchone() == (0,)  # vacuumed
        # the history is what the kept runs say
        assert db.link_history([dead], day(301))[dead] == LinkHistory(20, day(110))
        assert db.link_history(["https://e.example/30/0"], day(301))["https://e.example/30/0"] == LinkHistory()
        assert db._conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert path.stat().st_size < full * 0.8, (path.stat().st_size, full)


def test_retention_keeps_whichever_keeps_more(tmp_path: Path) -> None:
    with StateDB.open(tmp_path / "state.db", retention=Retention(days=30, runs=3)) as db:
        for n in range(10):  # one run a day: all within 30 days, so all are kept beyond the last 3
            record(db, day(n), LinkResult(URL, LinkState.OK))
        assert len(runs(db)) == 10
        record(db, day(100), LinkResult(URL, LinkState.OK))  # now only the last 3 are young enough... or last
        assert [r.started_at for r in runs(db)] == [day(8), day(9), day(100)]


def test_unfinished_runs_older_than_an_hour_are_removed_younger_ones_kept(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with StateDB.open(path) as db, StateDB.open(path) as other:
        dead = other.begin_run(day(0))  # its process died
        busy = other.begin_run(day(1) - timedelta(minutes=30))  # still running elsewhere
        record(db, day(1) - timedelta(minutes=5), LinkResult(URL, LinkState.OK))
        assert [(r.id, r.finished_at is None) for r in runs(db)] == [(busy.id, True), (busy.id + 1, False)]
        assert dead.id not in [r.id for r in runs(db)]
        busy.finish(day(1))
        assert len(runs(db, finished_only=True)) == 2


def test_a_reader_holding_the_file_only_postpones_the_vacuum(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with StateDB.open(path, retention=Retention(days=10_000, runs=10_000)) as db:
        for n in range(10):
            record(db, day(n), *(LinkResult(f"https://e.example/{n}/{i}", LinkState.OK) for i in range(300)))
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM link_results").fetchone()  # a snapshot held open
    try:
        with StateDB.open(path, retention=Retention(days=0, runs=1)) as db:
            started = time.monotonic()
            record(db, day(20), LinkResult(URL, LinkState.OK))  # recorded; the vacuum waits for next time
            assert time.monotonic() - started < 10  # not the 30 s busy timeout
            assert len(runs(db)) == 1
            assert db._conn.execute("PRAGMA busy_timeout").fetchone() == (30_000,)  # restored
    finally:
        reader.close()
    with StateDB.open(path, retention=Retention(days=0, runs=1)) as db:
        record(db, day(21), LinkResult(URL, LinkState.OK))
        assert db._conn.execute("PRAGMA freelist_count").fetchone() == (0,)


# ── link results through the codec ───────────────────────────────────────────────────────────────────────


def test_the_failure_kind_is_stored(tmp_path: Path) -> None:
    with StateDB.open(tmp_path / "state.db") as db:
        record(
            db,
            day(0),
            LinkResult(URL, LinkState.UNREACHABLE, detail="name not found", kind=FailureKind.DNS, attempts=3),
            LinkResult("https://ok.example/", LinkState.OK, status=200, redirects=(Hop(301, "https://ok.example"),)),
        )
        rows = db._conn.execute("SELECT url, kind, redirects FROM link_results ORDER BY url").fetchall()
    assert rows == [
        ("https://example.org/page", "dns", "[]"),
        ("https://ok.example/", None, '[[301, "https://ok.example"]]'),
    ]


def test_a_version_1_database_gains_the_kind_column_and_keeps_its_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.db"
    monkeypatch.setattr(state_module, "MIGRATIONS", state_module.MIGRATIONS[:1])
    with StateDB.open(path) as db:
        columns = [row[1] for row in db._conn.execute("PRAGMA table_info(link_results)")]
        assert "kind" not in columns
        run = db._conn.execute(
            "INSERT INTO runs (started_at, finished_at, kind) VALUES (?, ?, 'check')",
            ("2025-01-01T12:00:00.000000+00:00", "2025-01-01T12:05:00.000000+00:00"),
        ).lastrowid
        db._conn.execute(
            "INSERT INTO link_results (run_id, url, state, status, checked_at) VALUES (?, ?, 'ok', 200, ?)",
            (run, URL, "2025-01-01T12:00:00.000000+00:00"),
        )
    monkeypatch.undo()
    with StateDB.open(path) as db:
        hit = db.cached_ok([URL], day(0.5), timedelta(hours=24))[URL]
        assert (hit.status, hit.kind, hit.checked_at) == (200, None, day(0))
        assert db._conn.execute("SELECT kind FROM link_results").fetchall() == [(None,)]
