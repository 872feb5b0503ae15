"""One line per event on standard error: job started, finished or failed (with its duration), the schedule,
listening, shutdown. Text for people, `json` (one object a line) for log collectors."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TextIO

from curator.report.textsafe import escape_controls

LOG_FORMATS = ("text", "json")

Value = str | int | float | bool | None


class EventLog:
    def __init__(self, stream: TextIO, *, fmt: str = "text", clock: Callable[[], datetime] | None = None) -> None:
        self._stream = stream
        self._json = fmt == "json"
        self._clock = clock or (lambda: datetime.now(UTC))
        self._lock = threading.Lock()  # the HTTP thread and the runner may log at once: whole lines only

    def emit(self, event: str, message: str, **fields: Value) -> None:
        """`event` is a stable name (`job.started`, …); `message` a sentence for people; `fields` data."""
        stamp = self._clock().astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        if self._json:
            doc = {"time": stamp, "event": event, "message": message, **fields}
            line = escape_controls(json.dumps(doc, ensure_ascii=False), keep="", json=True)
        else:
            extra = " ".join(f"{k}={_text(v)}" for k, v in fields.items() if v is not None)
            line = escape_controls(f"{stamp} curator serve: {message}" + (f" ({extra})" if extra else ""), keep="")
        with self._lock:
            self._stream.write(line + "\n")
            self._stream.flush()


def _text(value: Value) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)
