"""Read a state database the way a person with the sqlite3 shell would: for tests that check what was
stored, without StateDB growing methods only tests call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from curator.state import StateDB


@dataclass(frozen=True)
class StoredRun:
    id: int
    started_at: datetime
    finished_at: datetime | None
    links: int  # link results stored for the run
    repos: int  # repository observations stored for the run


def runs(db: StateDB, *, finished_only: bool = False) -> list[StoredRun]:
    """Every run, oldest first (by start, then id), with how many observations each stored."""
    rows = db._conn.execute(
        "SELECT r.id, r.started_at, r.finished_at, "
        "(SELECT COUNT(*) FROM link_results l WHERE l.run_id = r.id), "
        "(SELECT COUNT(*) FROM repo_metrics m WHERE m.run_id = r.id) "
        "FROM runs r WHERE r.finished_at IS NOT NULL OR NOT ? ORDER BY r.started_at, r.id",
        (finished_only,),
    ).fetchall()
    return [StoredRun(row[0], datetime.fromisoformat(row[1]), _time(row[2]), row[3], row[4]) for row in rows]


def version(db: StateDB) -> int:
    (value,) = db._conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
    return int(value)


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
