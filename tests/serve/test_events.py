"""One line per event, text or JSON, outside text escaped."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

from curator.serve.events import EventLog

T = datetime(2026, 12, 1, 6, 0, 0, 123000, tzinfo=UTC)


def test_text_lines() -> None:
    out = io.StringIO()
    log = EventLog(out, clock=lambda: T)
    log.emit("job.finished", "check finished: 3 findings", job="check", duration_seconds=1.23456, none=None)
    assert out.getvalue() == (
        "2026-12-01T06:00:00.123Z curator serve: check finished: 3 findings (job=check duration_seconds=1.235)\n"
    )


def test_json_lines_and_escaping() -> None:
    out = io.StringIO()
    log = EventLog(out, fmt="json", clock=lambda: T)
    log.emit("job.failed", "check failed: bad\nline \x1b[31m", job="check")
    log.emit("shutdown", "stopping")
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and "\x1b" not in out.getvalue()
    doc = json.loads(lines[0])
    assert doc == {
        "time": "2026-12-01T06:00:00.123Z",
        "event": "job.failed",
        "message": "check failed: bad\nline \x1b[31m",
        "job": "check",
    }


def test_text_keeps_one_line_per_event() -> None:
    out = io.StringIO()
    EventLog(out, clock=lambda: T).emit("job.failed", "a\nb")
    assert out.getvalue().count("\n") == 1
