"""The state database: what curator observed in earlier runs, so that one run's results can be judged
against the runs before it (a link is dead only after failing for days) and volatile metrics (stars,
activity) never have to live in the catalog files.

SQLite through the standard library, in WAL mode, with a versioned schema: `schema_version` holds one row
per applied migration and `MIGRATIONS` is the ordered list of migration functions (migration N is
`MIGRATIONS[N - 1]`). Adding a migration is appending one function.

How a run is recorded. `begin_run` inserts a `runs` row with `finished_at` NULL; the run's observations are
buffered in memory and written, together with `finished_at`, in ONE transaction by `Run.finish`. A run that
never finishes (Ctrl-C, SIGTERM, a crash, `Run.abort`) therefore leaves at most an unfinished `runs` row
and no results, and every query reads finished runs only. Runs are ordered by when they began (then by id).

History is bounded. When a run is recorded, the same transaction deletes the finished runs that are both
older than `history.retention_days` and not among the last `history.retention_runs`, and any unfinished run
older than an hour (its process died); the file is vacuumed when a quarter of it is free pages.

Opening checks the file (`PRAGMA quick_check`): a damaged or foreign file is a CuratorError naming it, never
a traceback halfway through a run. A new database is built under a temporary name and linked into place
complete, so no process ever sees a half-created one and an existing empty file is always an error.

Times are timezone-aware datetimes in the API (clock arguments must be aware; naive datetimes inside facts
are taken as UTC) and fixed-width UTC ISO 8601 text in the database, so text order is time order.

One `StateDB` is one connection: use it from one thread. Several processes may open the same file at once:
writers take the lock for the short `finish` transaction only and wait up to `timeout` seconds for it.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

from curator.config import DEFAULT_RETENTION_DAYS, DEFAULT_RETENTION_RUNS, DEFAULT_STATE_PATH, HistorySettings
from curator.errors import CuratorError
from curator.facts import LinkHistory, LinkResult, LinkState, RepoMeta
from curator.facts_codec import link_result_from_dict, link_result_to_dict

__all__ = [
    "MIGRATIONS",
    "Retention",
    "Run",
    "StateDB",
    "repo_key",
    "schema_version",
]

DEFAULT_TIMEOUT = 30.0  # seconds a writer waits for another process's transaction
ABANDONED_AFTER = timedelta(hours=1)  # an unfinished run this old belongs to a process that died
VACUUM_FREE_SHARE = 0.25  # vacuum when free pages are more than this share of the file
VACUUM_MIN_PAGES = 64  # not worth it below this size (256 KB with 4 KB pages)
VACUUM_WAIT_MS = 1000  # how long the vacuum waits for another process's lock before giving up

_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f+00:00"  # fixed width: lexical order is chronological order
_END_OF_TIME = "9999-12-31T23:59:59.999999+00:00"


def repo_key(owner_name: str) -> str:
    """The key repositories are stored under: the lower-case `owner/name` the catalog asked for."""
    return owner_name.strip().lower()


# ── schema and migrations ────────────────────────────────────────────────────────────────────────────────

Migration = Callable[[sqlite3.Connection], None]

_SCHEMA_1 = (
    """CREATE TABLE schema_version (
        version    INTEGER PRIMARY KEY,
        applied_at TEXT NOT NULL
    )""",
    """CREATE TABLE runs (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        kind        TEXT NOT NULL,
        offline     INTEGER NOT NULL DEFAULT 0 CHECK (offline IN (0, 1))
    )""",
    "CREATE INDEX runs_unfinished ON runs (started_at) WHERE finished_at IS NULL",
    """CREATE TABLE link_results (
        run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        url        TEXT NOT NULL,
        state      TEXT NOT NULL,
        status     INTEGER,
        final_url  TEXT,
        redirects  TEXT NOT NULL DEFAULT '[]',
        title      TEXT,
        attempts   INTEGER NOT NULL DEFAULT 1,
        elapsed_ms REAL NOT NULL DEFAULT 0,
        detail     TEXT,
        checked_at TEXT NOT NULL,
        PRIMARY KEY (run_id, url)
    )""",
    "CREATE INDEX link_results_by_url ON link_results (url, run_id)",
    """CREATE TABLE repo_metrics (
        run_id            INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        repo              TEXT NOT NULL,
        requested         TEXT NOT NULL,
        name_with_owner   TEXT,
        missing           INTEGER NOT NULL DEFAULT 0,
        stars             INTEGER,
        forks             INTEGER,
        pushed_at         TEXT,
        last_commit_at    TEXT,
        archived          INTEGER NOT NULL DEFAULT 0,
        disabled          INTEGER NOT NULL DEFAULT 0,
        is_fork           INTEGER NOT NULL DEFAULT 0,
        license           TEXT,
        description       TEXT,
        homepage          TEXT,
        latest_release_at TEXT,
        fetched_at        TEXT NOT NULL,
        PRIMARY KEY (run_id, repo)
    )""",
    "CREATE INDEX repo_metrics_by_repo ON repo_metrics (repo, run_id)",
)


def _migration_1(conn: sqlite3.Connection) -> None:
    """Runs, link results and repository metrics."""
    for statement in _SCHEMA_1:
        conn.execute(statement)


def _migration_2(conn: sqlite3.Connection) -> None:
    """The failure's kind (`facts.FailureKind`) of every link result; NULL for rows written before it."""
    conn.execute("ALTER TABLE link_results ADD COLUMN kind TEXT")


# Migration N is MIGRATIONS[N - 1]. Append only; never edit one that has shipped.
MIGRATIONS: list[Migration] = [_migration_1, _migration_2]


def schema_version() -> int:
    """The schema version this curator writes."""
    return len(MIGRATIONS)


# ── records ──────────────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Retention:
    """How much history to keep: a finished run is kept while it is younger than `days` OR among the last
    `runs` finished runs, whichever keeps more (`history.retention_days`, `history.retention_runs`)."""

    days: float = DEFAULT_RETENTION_DAYS
    runs: int = DEFAULT_RETENTION_RUNS

    def __post_init__(self) -> None:
        if self.days < 0 or self.runs < 1:
            raise ValueError("retention keeps at least one run and a non-negative number of days")

    @classmethod
    def of(cls, history: HistorySettings) -> Retention:
        return cls(days=history.retention_days, runs=history.retention_runs)


class Run:
    """One run being recorded. Observations are buffered; `finish` writes them all in one transaction.

    As a context manager, the run is aborted if the block raises or ends without `finish`."""

    def __init__(self, db: StateDB, run_id: int, started_at: datetime, kind: str, offline: bool) -> None:
        self._db = db
        self.id = run_id
        self.started_at = started_at
        self.kind = kind
        self.offline = offline
        self.status: Literal["open", "finished", "aborted"] = "open"
        self._links: dict[str, LinkResult] = {}
        self._repos: dict[str, RepoMeta] = {}

    def record_links(self, results: Iterable[LinkResult]) -> None:
        """Buffer link results. Cache hits (`from_cache`) are not new observations and are skipped; a URL
        recorded twice keeps its last result."""
        self._check_open()
        for result in results:
            if not result.from_cache:
                self._links[result.url] = result

    def record_repos(self, metas: Iterable[RepoMeta]) -> None:
        """Buffer repository observations. Last known values (`from_cache`) are skipped."""
        self._check_open()
        for meta in metas:
            if not meta.from_cache:
                self._repos[repo_key(meta.requested)] = meta

    def finish(self, now: datetime) -> int:
        """Write everything recorded and mark the run finished, atomically, applying the retention in the same
        transaction. Returns the run id (a new one if the unfinished row was removed meanwhile by another
        process that took it for abandoned)."""
        self._check_open()
        finished_at = _text(now, "now")
        try:
            self.id = self._db._write_run(self, finished_at, _aware(now, "now"))
        except BaseException:
            self.abort()
            raise
        self.status = "finished"
        self._links.clear()
        self._repos.clear()
        self._db._vacuum_if_worth_it()
        return self.id

    def abort(self) -> None:
        """Forget the run: nothing it recorded is kept. Safe to call more than once; never raises for a
        database that is gone (the unfinished row is ignored by every query and removed by the retention)."""
        if self.status != "open":
            return
        self.status = "aborted"
        self._links.clear()
        self._repos.clear()
        self._db._delete_unfinished(self.id)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.abort()

    def _check_open(self) -> None:
        if self.status != "open":
            raise RuntimeError(f"run {self.id} is {self.status}")


# ── the database ─────────────────────────────────────────────────────────────────────────────────────────


class StateDB:
    """The state database at one path. Open with `StateDB.open(path)`; use as a context manager."""

    def __init__(self, conn: sqlite3.Connection, path: Path, retention: Retention, timeout: float) -> None:
        self._conn = conn
        self.path = path
        self.retention = retention
        self._timeout = timeout

    # lifecycle

    @classmethod
    def open(
        cls,
        path: Path | str = DEFAULT_STATE_PATH,
        *,
        timeout: float | None = None,
        retention: Retention | None = None,
    ) -> StateDB:
        """Open (creating it and its directory if needed), check and migrate the state database at `path`.
        `retention` applies whenever a run is recorded (default: `Retention()`, the configuration's defaults).

        Raises CuratorError naming the path when the file is empty, is not a SQLite database, is corrupt,
        belongs to something else, was written by a newer curator, or cannot be created."""
        timeout = DEFAULT_TIMEOUT if timeout is None else timeout  # read now: tests shorten the wait
        path = Path(path)
        if path.is_dir():
            raise CuratorError(f"{path}: is a directory, not a state database")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CuratorError(f"{path}: cannot create the state database's directory: {exc}") from None
        if path.exists():
            _refuse_empty(path)
        else:
            _create(path, timeout)
        try:
            conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise CuratorError(f"{path}: cannot open the state database: {exc}") from None
        try:
            _configure(conn, timeout)
            _quick_check(conn, path)
            _migrate(conn, path)
        except sqlite3.Error as exc:
            conn.close()
            raise _db_error(path, exc) from None
        except BaseException:
            conn.close()
            raise
        return cls(conn, path, retention or Retention(), timeout)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def check_writable(self) -> None:
        """Find out now, before a long network phase, that the run could not be recorded at the end.

        A real write: it commits a new `PRAGMA user_version` (a header counter curator uses for nothing
        else; rewriting an unchanged row would not do, SQLite skips identical content), so SQLite must
        append to its journal — what fails on a read-only file or directory, a read-only or full file
        system, or a quota. Costs one page write. Raises CuratorError naming the path."""
        try:
            with self._write():
                (probe,) = self._conn.execute("PRAGMA user_version").fetchone()
                self._conn.execute(f"PRAGMA user_version = {(int(probe) + 1) % 2**31}")
        except sqlite3.Error as exc:
            raise CuratorError(
                f"{self.path}: cannot write the state database ({exc}); curator records every run there — "
                "make the file and its directory writable, or choose another path with --state or history.state"
            ) from None

    # writing

    def begin_run(self, now: datetime, *, kind: str = "check", offline: bool = False) -> Run:
        started_at = _aware(now, "now")
        with self._guard():
            cur = self._conn.execute(
                "INSERT INTO runs (started_at, kind, offline) VALUES (?, ?, ?)",
                (_text(started_at, "now"), kind, int(offline)),
            )
        assert cur.lastrowid is not None
        return Run(self, cur.lastrowid, started_at, kind, offline)

    def _write_run(self, run: Run, finished_at: str, now: datetime) -> int:
        started_at = _text(run.started_at, "started_at")
        links = [_link_row(result, started_at) for result in run._links.values()]
        repos = [_repo_row(key, meta, started_at) for key, meta in run._repos.items()]
        with self._guard(), self._write():
            cur = self._conn.execute(
                "UPDATE runs SET finished_at = ? WHERE id = ? AND finished_at IS NULL", (finished_at, run.id)
            )
            run_id = run.id
            if cur.rowcount != 1:  # the unfinished row was removed by another process: record it anew
                cur = self._conn.execute(
                    "INSERT INTO runs (started_at, finished_at, kind, offline) VALUES (?, ?, ?, ?)",
                    (started_at, finished_at, run.kind, int(run.offline)),
                )
                assert cur.lastrowid is not None
                run_id = cur.lastrowid
            self._conn.executemany(_INSERT_LINK, ((run_id, *row) for row in links))
            self._conn.executemany(_INSERT_REPO, ((run_id, *row) for row in repos))
            self._retain(now)
        return run_id

    def _retain(self, now: datetime) -> None:
        """Delete what the retention no longer keeps (results go with their run: ON DELETE CASCADE)."""
        keep = self.retention
        old = _text(now - timedelta(days=keep.days), "now")
        abandoned = _text(now - ABANDONED_AFTER, "now")
        self._conn.execute(
            "DELETE FROM runs WHERE (finished_at IS NULL AND started_at < ?) OR (finished_at IS NOT NULL "
            "AND started_at < ? AND id NOT IN (SELECT id FROM runs WHERE finished_at IS NOT NULL "
            "ORDER BY started_at DESC, id DESC LIMIT ?))",
            (abandoned, old, keep.runs),
        )

    def _vacuum_if_worth_it(self) -> None:
        """Give freed pages back to the file system once they are a quarter of the file. Best effort: another
        process busy with the file at the same moment makes it fail, and a later run tries again."""
        with suppress(sqlite3.Error):
            (free,) = self._conn.execute("PRAGMA freelist_count").fetchone()
            (pages,) = self._conn.execute("PRAGMA page_count").fetchone()
            if pages < VACUUM_MIN_PAGES or free <= pages * VACUUM_FREE_SHARE:
                return
            # Waiting the full busy timeout for another process's readers is not worth a smaller file.
            self._conn.execute(f"PRAGMA busy_timeout = {VACUUM_WAIT_MS}")
            try:
                self._conn.execute("VACUUM")
                # VACUUM writes the new copy into the WAL; a checkpoint moves it back and truncates both files.
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                self._conn.execute(f"PRAGMA busy_timeout = {max(int(self._timeout * 1000), 0)}")

    def _delete_unfinished(self, run_id: int) -> None:
        with suppress(sqlite3.Error):  # an unfinished row is ignored everywhere and removed later
            self._conn.execute("DELETE FROM runs WHERE id = ? AND finished_at IS NULL", (run_id,))

    # reading: links

    def finished_runs(self) -> int:
        """How many finished runs the file holds: 0 for a new (or reset) history."""
        with self._guard(), self._read():
            row = self._conn.execute("SELECT count(*) FROM runs WHERE finished_at IS NOT NULL").fetchone()
        return int(row[0]) if row else 0

    def cached_ok(self, urls: Iterable[str], now: datetime, max_age: timedelta) -> dict[str, LinkResult]:
        """URLs whose latest result (in a finished run begun by `now`) is `ok` and was checked at most
        `max_age` before `now`: they need not be requested again. Returned with `from_cache=True`.

        Only `ok` is cached. Failures are always re-checked (they must be confirmed over several runs),
        `blocked`/`refused` are cheap to re-learn and may clear, and a `redirect` is re-checked because it
        leads to a fix the bot would write into the catalog, which deserves fresh evidence. A result
        checked after `now` (a clock that went backwards) is not trusted either."""
        bound = _text(now, "now")
        if max_age <= timedelta(0):
            return {}
        oldest = _text(_aware(now, "now") - max_age, "now")
        out: dict[str, LinkResult] = {}
        with self._guard(), self._read():
            for url in dict.fromkeys(urls):
                row = self._conn.execute(_LATEST_LINK, (url, bound)).fetchone()
                if row is None or row[1] != LinkState.OK.value or not oldest <= row[-1] <= bound:
                    continue
                out[url] = _link_from_row(row, from_cache=True)
        return out

    def link_history(self, urls: Iterable[str], now: datetime | None = None) -> dict[str, LinkHistory]:
        """For every URL asked: how many consecutive finished runs (counting back from the latest that
        checked it; runs that did not check it do not count either way) ended in a failing state, and the
        time of the first failure of that streak. Any non-failing state (`ok`, `redirect`, `blocked`,
        `refused`) ends a streak. With `now`, runs begun after it are ignored ("as of now")."""
        bound = _END_OF_TIME if now is None else _text(now, "now")
        out: dict[str, LinkHistory] = {}
        with self._guard(), self._read():
            for url in dict.fromkeys(urls):
                rows = self._conn.execute(
                    "SELECT l.state, l.checked_at FROM link_results l JOIN runs r ON r.id = l.run_id "
                    "WHERE l.url = ? AND r.finished_at IS NOT NULL AND r.started_at <= ? "
                    "ORDER BY r.started_at DESC, l.run_id DESC",
                    (url, bound),
                )
                out[url] = _streak((_link_failed(state), checked_at) for state, checked_at in rows)
        return out

    # reading: repositories

    def last_repos(self, keys: Iterable[str], *, present_only: bool = False) -> dict[str, RepoMeta]:
        """The latest observation of each repository (by `repo_key`) in a finished run, with
        `from_cache=True`: the last known values to show when this run could not fetch them.
        `present_only`: skip observations in which the repository was missing."""
        query = _LATEST_PRESENT_REPO if present_only else _LATEST_REPO
        out: dict[str, RepoMeta] = {}
        with self._guard(), self._read():
            for key in dict.fromkeys(repo_key(k) for k in keys):
                row = self._conn.execute(query, (key,)).fetchone()
                if row is not None:
                    out[key] = _repo_from_row(row)
        return out

    def repo_history(self, keys: Iterable[str], now: datetime | None = None) -> dict[str, LinkHistory]:
        """For every repository asked: consecutive finished runs (counting back from the latest that
        observed it) in which it was missing, and when the streak began. Same policy as links."""
        bound = _END_OF_TIME if now is None else _text(now, "now")
        out: dict[str, LinkHistory] = {}
        with self._guard(), self._read():
            for key in dict.fromkeys(repo_key(k) for k in keys):
                rows = self._conn.execute(
                    "SELECT m.missing, m.fetched_at FROM repo_metrics m JOIN runs r ON r.id = m.run_id "
                    "WHERE m.repo = ? AND r.finished_at IS NOT NULL AND r.started_at <= ? "
                    "ORDER BY r.started_at DESC, m.run_id DESC",
                    (key, bound),
                )
                out[key] = _streak((bool(missing), fetched_at) for missing, fetched_at in rows)
        return out

    # plumbing

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """SQLite failures after opening (a file corrupted meanwhile, a lock held too long) become
        CuratorError naming the path."""
        try:
            yield
        except sqlite3.Error as exc:
            raise _db_error(self.path, exc) from None

    @contextmanager
    def _read(self) -> Iterator[None]:
        """One consistent snapshot for a multi-statement read."""
        self._conn.execute("BEGIN")
        try:
            yield
        finally:
            if self._conn.in_transaction:
                self._conn.execute("COMMIT")

    @contextmanager
    def _write(self) -> Iterator[None]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")


# ── helpers ──────────────────────────────────────────────────────────────────────────────────────────────

_LINK_COLUMNS = (
    "url",
    "state",
    "status",
    "final_url",
    "redirects",
    "title",
    "attempts",
    "elapsed_ms",
    "detail",
    "kind",
    "checked_at",
)
_REPO_COLUMNS = (
    "repo",
    "requested",
    "name_with_owner",
    "missing",
    "stars",
    "forks",
    "pushed_at",
    "last_commit_at",
    "archived",
    "disabled",
    "is_fork",
    "license",
    "description",
    "homepage",
    "latest_release_at",
    "fetched_at",
)
# Built from the constant column lists above: nothing of the user's reaches the SQL text.
_INSERT_LINK = (
    f"INSERT INTO link_results (run_id, {', '.join(_LINK_COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join('?' * (len(_LINK_COLUMNS) + 1))})"
)
_INSERT_REPO = (
    f"INSERT INTO repo_metrics (run_id, {', '.join(_REPO_COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join('?' * (len(_REPO_COLUMNS) + 1))})"
)
_LATEST_LINK = (
    f"SELECT {', '.join('l.' + c for c in _LINK_COLUMNS)} "  # noqa: S608
    "FROM link_results l JOIN runs r ON r.id = l.run_id "
    "WHERE l.url = ? AND r.finished_at IS NOT NULL AND r.started_at <= ? "
    "ORDER BY r.started_at DESC, l.run_id DESC LIMIT 1"
)
_LATEST_REPO = (
    f"SELECT {', '.join('m.' + c for c in _REPO_COLUMNS)} "  # noqa: S608
    "FROM repo_metrics m JOIN runs r ON r.id = m.run_id "
    "WHERE m.repo = ? AND r.finished_at IS NOT NULL ORDER BY r.started_at DESC, m.run_id DESC LIMIT 1"
)
_LATEST_PRESENT_REPO = _LATEST_REPO.replace("IS NOT NULL", "IS NOT NULL AND m.missing = 0")


def _aware(value: datetime, what: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime, got {value!r}")
    return value.astimezone(UTC)


def _text(value: datetime, what: str) -> str:
    return _aware(value, what).strftime(_TIME_FORMAT)


def _fact_text(value: datetime | None) -> str | None:
    """A time inside a fact: naive ones are taken as UTC rather than failing a whole run at finish."""
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime(_TIME_FORMAT)


def _parse(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _parse_opt(value: str | None) -> datetime | None:
    return None if value is None else _parse(value)


def _link_failed(state: str) -> bool:
    try:
        return LinkState(state).failed
    except ValueError:  # a state this version does not know: not evidence of failure
        return False


def _streak(rows: Iterable[tuple[bool, str]]) -> LinkHistory:
    """Newest first: count the leading failures; the streak began at the oldest of them."""
    count = 0
    since: str | None = None
    for failed, at in rows:
        if not failed:
            break
        count += 1
        since = at
    return LinkHistory(consecutive_failures=count, failing_since=_parse_opt(since))


def _link_row(result: LinkResult, default_time: str) -> tuple[Any, ...]:
    """A result as the values of `_LINK_COLUMNS`, through the one codec; times in the fixed-width format."""
    data = link_result_to_dict(result)
    data["redirects"] = json.dumps([[hop["status"], hop["url"]] for hop in data["redirects"]])
    data["checked_at"] = _fact_text(result.checked_at) or default_time
    return tuple(data[column] for column in _LINK_COLUMNS)


def _link_from_row(row: tuple[Any, ...], *, from_cache: bool) -> LinkResult:
    data: dict[str, Any] = dict(zip(_LINK_COLUMNS, row, strict=True))
    try:
        hops = json.loads(data["redirects"] or "[]")
        data["redirects"] = [{"status": status, "url": url} for status, url in hops]
    except (ValueError, TypeError):
        data["redirects"] = []  # a damaged hop list loses the hops, not the result
    data["from_cache"] = from_cache
    return link_result_from_dict(data)


def _repo_row(key: str, meta: RepoMeta, default_time: str) -> tuple[Any, ...]:
    return (
        key,
        meta.requested,
        meta.name_with_owner,
        int(meta.missing),
        meta.stars,
        meta.forks,
        _fact_text(meta.pushed_at),
        _fact_text(meta.last_commit_at),
        int(meta.archived),
        int(meta.disabled),
        int(meta.is_fork),
        meta.license,
        meta.description,
        meta.homepage,
        _fact_text(meta.latest_release_at),
        _fact_text(meta.fetched_at) or default_time,
    )


def _repo_from_row(row: tuple[Any, ...]) -> RepoMeta:
    values = dict(zip(_REPO_COLUMNS, row, strict=True))
    return RepoMeta(
        requested=values["requested"],
        name_with_owner=values["name_with_owner"],
        missing=bool(values["missing"]),
        stars=values["stars"],
        forks=values["forks"],
        pushed_at=_parse_opt(values["pushed_at"]),
        last_commit_at=_parse_opt(values["last_commit_at"]),
        archived=bool(values["archived"]),
        disabled=bool(values["disabled"]),
        is_fork=bool(values["is_fork"]),
        license=values["license"],
        description=values["description"],
        homepage=values["homepage"],
        latest_release_at=_parse_opt(values["latest_release_at"]),
        fetched_at=_parse_opt(values["fetched_at"]),
        from_cache=True,
    )


def _refuse_empty(path: Path) -> None:
    """An existing empty file was not made by curator (it builds a database complete before linking it into
    place, and SQLite writes the header before anything else), so taking it for a fresh one could hide a
    history lost elsewhere."""
    try:
        empty = path.stat().st_size == 0
    except OSError as exc:
        raise CuratorError(f"{path}: cannot read the state database: {exc}") from None
    if empty:
        raise CuratorError(f"{path}: the state database file is empty; delete it to start a new history")


def _create(path: Path, timeout: float) -> None:
    """Build a new database under a temporary name, then link it into place. Linking never replaces a file:
    when several processes create the database at once, one wins and the others open its file."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.new")
    try:
        conn = sqlite3.connect(temp, timeout=timeout, isolation_level=None)
        try:
            _configure(conn, timeout)
            _migrate(conn, temp)
        finally:
            conn.close()  # the last connection's close checkpoints the WAL into the file and removes it
        try:
            os.link(temp, path)
        except FileExistsError:
            pass  # another process created it first
        except OSError:  # a file system without hard links: a rename, which only a racing creator could lose
            if not path.exists():
                temp.replace(path)
    except sqlite3.Error as exc:
        raise _db_error(path, exc) from None
    except OSError as exc:
        raise CuratorError(f"{path}: cannot create the state database: {exc}") from None
    finally:
        for leftover in (temp, Path(f"{temp}-wal"), Path(f"{temp}-shm"), Path(f"{temp}-journal")):
            with suppress(OSError):
                leftover.unlink()


def _configure(conn: sqlite3.Connection, timeout: float) -> None:
    conn.execute(f"PRAGMA busy_timeout = {max(int(timeout * 1000), 0)}")
    conn.execute("PRAGMA foreign_keys = ON")
    # WAL is persistent; where the file system cannot do it the mode stays 'delete', still safe.
    if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")  # with WAL: consistent after any crash


def _quick_check(conn: sqlite3.Connection, path: Path) -> None:
    """SQLite reads pages lazily: a damaged file could otherwise pass opening and fail in the middle of a
    run. quick_check reads every page once (milliseconds for a bounded history)."""
    problems = [str(row[0]) for row in conn.execute("PRAGMA quick_check(5)")]
    if problems != ["ok"]:
        shown = "; ".join(problems)[:300]
        raise CuratorError(f"{path}: the state database is corrupt ({shown}); move it aside to start a new history")


def _current_version(conn: sqlite3.Connection, path: Path) -> int:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "schema_version" not in tables:
        if any(not name.startswith("sqlite_") for name in tables):
            raise CuratorError(
                f"{path}: not a curator state database (it has tables but no schema_version); "
                "choose another path for --state or history.state"
            )
        return 0
    (version,) = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
    return int(version)


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    target = len(MIGRATIONS)
    while True:
        current = _current_version(conn, path)
        if current > target:
            raise CuratorError(
                f"{path}: the state database has schema version {current}, written by a newer curator "
                f"(this one knows up to version {target}); upgrade curator or use another state path"
            )
        if current == target:
            return
        conn.execute("BEGIN IMMEDIATE")  # another process may be migrating: re-read under the lock
        try:
            if _current_version(conn, path) == current:
                MIGRATIONS[current](conn)
                conn.execute(
                    "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                    (current + 1, datetime.now(UTC).strftime(_TIME_FORMAT)),
                )
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def _db_error(path: Path, exc: sqlite3.Error) -> CuratorError:
    message = str(exc)
    if isinstance(exc, sqlite3.OperationalError) and ("locked" in message or "busy" in message):
        return CuratorError(f"{path}: the state database is locked by another process ({message})")
    if isinstance(exc, sqlite3.OperationalError):
        return CuratorError(f"{path}: cannot use the state database: {message}")
    return CuratorError(f"{path}: not a SQLite database, or corrupt ({message}); move it aside to start afresh")
