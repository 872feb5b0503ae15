"""Progress of a link check: a bar on a terminal, nothing in CI or in a pipe; and a one-line summary.

    with LinkProgress(len(urls)) as progress:
        results = check_links_sync(urls, settings, progress=progress)
    print(summary_line(results.values(), elapsed=progress.elapsed), file=sys.stderr)

The bar goes to stderr (stdout is for reports) and only when stderr is a terminal and the `CI` environment
variable is unset or empty. It shows done/total, links per second, elapsed time and how many links failed
so far. `NO_COLOR` is honoured by rich.
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from curator.facts import LinkResult, LinkState

# The order states appear in a summary, and the words used for them.
_SUMMARY = (
    (LinkState.OK, "ok"),
    (LinkState.REDIRECT, "redirected"),
    (LinkState.DEAD, "dead"),
    (LinkState.BLOCKED, "blocked"),
    (LinkState.ERROR, "failing"),
    (LinkState.UNREACHABLE, "unreachable"),
    (LinkState.TLS_ERROR, "with TLS errors"),
    (LinkState.REFUSED, "refused"),
)


def is_failure(result: LinkResult) -> bool:
    """What the bar counts as a failure: a failed state, or an address curator refused."""
    return result.state.failed or result.state is LinkState.REFUSED


def progress_enabled(stream: TextIO | None = None, env: Mapping[str, str] | None = None) -> bool:
    """A bar is shown only on a terminal, and never in CI."""
    stream = sys.stderr if stream is None else stream
    env = os.environ if env is None else env
    if env.get("CI", "").strip():
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or odd streams
        return False


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        rate = task.completed / elapsed if elapsed > 0 else 0.0
        return Text(f"{rate:,.0f} links/s", style="progress.data.speed")


class LinkProgress:
    """The `progress` callback of `check_links`: call it with each LinkResult. A context manager; does
    nothing at all when disabled (not a terminal, or CI)."""

    def __init__(
        self,
        total: int,
        *,
        enabled: bool | None = None,
        console: Console | None = None,
        description: str = "Checking links",
    ) -> None:
        self.total = total
        self.done = 0
        self.failures = 0
        self.enabled = progress_enabled() if enabled is None else enabled
        self._started = time.monotonic()
        self._finished: float | None = None
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        if self.enabled:
            self._progress = Progress(
                TextColumn("[progress.description]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                _RateColumn(),
                TextColumn("{task.fields[failures]} failing", style="red"),
                TimeElapsedColumn(),
                console=console or Console(stderr=True),
                transient=True,
            )
            self._task = self._progress.add_task(description, total=total, failures=0)

    @property
    def elapsed(self) -> float:
        end = self._finished if self._finished is not None else time.monotonic()
        return end - self._started

    def __enter__(self) -> LinkProgress:
        self._started = time.monotonic()
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._finished = time.monotonic()
        if self._progress is not None:
            self._progress.stop()

    def __call__(self, result: LinkResult) -> None:
        self.done += 1
        if is_failure(result):
            self.failures += 1
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, advance=1, failures=self.failures)


def summary_line(results: Iterable[LinkResult], *, elapsed: float | None = None) -> str:
    """One line for the end of a run: "checked 120 links in 4.2 s: 110 ok, 6 redirected, 4 dead; 30 from
    cache"."""
    items = list(results)
    states = Counter(r.state for r in items)
    cached = sum(1 for r in items if r.from_cache)
    noun = "link" if len(items) == 1 else "links"
    head = f"checked {len(items):,} {noun}"
    if elapsed is not None:
        head += f" in {elapsed:.1f} s"
    parts = [f"{states[state]:,} {word}" for state, word in _SUMMARY if states[state]]
    line = f"{head}: {', '.join(parts)}" if parts else head
    if cached:
        line += f"; {cached:,} from cache"
    return line
