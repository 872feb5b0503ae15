"""Progress of a link check: a bar on a terminal, nothing in CI or in a pipe; and a one-line summary.

    with LinkProgress(len(urls)) as progress:
        results = check_links_sync(urls, settings, progress=progress)
    print(summary_line(results.values(), elapsed=progress.elapsed), file=sys.stderr)

The bar goes to stderr (stdout is for reports) and only when stderr is a terminal and the `CI` environment
variable is unset or empty. It shows done/total, links per second, elapsed time and how many links failed
so far. `NO_COLOR` is honoured by rich.

`RepoProgress` is the same for the GitHub metadata step, counted in repositories:

    with RepoProgress(len(repos)) as progress:
        ...  # progress.advance(len(batch)) after each batch
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
    SpinnerColumn,
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


class _Bar:
    """A rich progress bar on stderr that does nothing at all when disabled (not a terminal, or CI); a
    context manager that measures the time it was open."""

    def __init__(self, enabled: bool | None, console: Console | None, *columns: ProgressColumn | str) -> None:
        self.enabled = progress_enabled() if enabled is None else enabled
        self._started = time.monotonic()
        self._finished: float | None = None
        self._progress: Progress | None = None
        if self.enabled:
            self._progress = Progress(*columns, console=console or Console(stderr=True), transient=True)

    @property
    def elapsed(self) -> float:
        end = self._finished if self._finished is not None else time.monotonic()
        return end - self._started

    def _start(self) -> None:
        self._started = time.monotonic()
        if self._progress is not None:
            self._progress.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._finished = time.monotonic()
        if self._progress is not None:
            self._progress.stop()


class LinkProgress(_Bar):
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
        super().__init__(
            enabled,
            console,
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            _RateColumn(),
            TextColumn("{task.fields[failures]} failing", style="red"),
            TimeElapsedColumn(),
        )
        self.total = total
        self.done = 0
        self.failures = 0
        self._task: TaskID | None = None
        if self._progress is not None:
            self._task = self._progress.add_task(description, total=total, failures=0)

    def __enter__(self) -> LinkProgress:
        self._start()
        return self

    def __call__(self, result: LinkResult) -> None:
        self.done += 1
        if is_failure(result):
            self.failures += 1
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, advance=1, failures=self.failures)


class RepoProgress(_Bar):
    """Progress of the GitHub metadata step, counted in repositories: call `advance(n)` as each batch (a
    GraphQL query of up to 100, or one REST request) is read. A spinner while a batch is in flight (which
    can take a while: rate-limit waits), then a bar. Shown under the same rules as LinkProgress."""

    def __init__(
        self,
        total: int,
        *,
        enabled: bool | None = None,
        console: Console | None = None,
        description: str = "GitHub metadata",
    ) -> None:
        super().__init__(
            enabled,
            console,
            SpinnerColumn(),
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("repositories"),
            TimeElapsedColumn(),
        )
        self.total = total
        self.done = 0
        self._task: TaskID | None = None
        if self._progress is not None:
            self._task = self._progress.add_task(description, total=total)

    def __enter__(self) -> RepoProgress:
        self._start()
        return self

    def advance(self, n: int = 1) -> None:
        """`n` more repositories were read (or given up on: the count is of repositories done with)."""
        # A display, not an account: never backwards and never past the total, whatever the caller counts.
        n = max(0, min(n, self.total - self.done))
        self.done += n
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, advance=n)


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
