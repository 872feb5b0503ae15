"""The progress bar (only on a terminal, never in CI) and the one-line summary."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from curator.facts import LinkResult, LinkState
from curator.report.progress import LinkProgress, RepoProgress, progress_enabled, summary_line


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def result(state: LinkState, *, cached: bool = False) -> LinkResult:
    return LinkResult(url=f"https://{state.value}.example/", state=state, from_cache=cached)


def test_a_bar_only_on_a_terminal_outside_ci() -> None:
    assert progress_enabled(Tty(), {})
    assert not progress_enabled(io.StringIO(), {})
    assert not progress_enabled(Tty(), {"CI": "true"})
    assert progress_enabled(Tty(), {"CI": ""})


def test_disabled_progress_counts_and_prints_nothing() -> None:
    with LinkProgress(3, enabled=False) as progress:
        for state in (LinkState.OK, LinkState.DEAD, LinkState.BLOCKED):
            progress(result(state))
    assert (progress.done, progress.failures) == (3, 1)
    assert progress.elapsed >= 0


def test_the_bar_shows_done_total_rate_and_failures() -> None:
    out = Tty()
    console = Console(file=out, force_terminal=True, width=120, color_system=None)
    with LinkProgress(4, enabled=True, console=console) as progress:
        progress(result(LinkState.OK))
        progress(result(LinkState.UNREACHABLE))
        progress(result(LinkState.REFUSED))
        progress._progress.refresh()  # type: ignore[union-attr]
        shown = out.getvalue()
    assert "Checking links" in shown
    assert "3/4" in shown
    assert "2 failing" in shown
    assert "links/s" in shown


def test_summary_line() -> None:
    results = [
        result(LinkState.OK),
        result(LinkState.OK, cached=True),
        result(LinkState.REDIRECT),
        result(LinkState.DEAD),
        result(LinkState.BLOCKED),
        result(LinkState.TLS_ERROR),
    ]
    assert summary_line(results, elapsed=2.345) == (
        "checked 6 links in 2.3 s: 2 ok, 1 redirected, 1 dead, 1 blocked, 1 with TLS errors; 1 from cache"
    )
    assert summary_line([]) == "checked 0 links"
    assert summary_line([result(LinkState.ERROR)]) == "checked 1 link: 1 failing"


def test_disabled_repo_progress_counts_and_prints_nothing() -> None:
    out = Tty()
    console = Console(file=out, force_terminal=True, width=120, color_system=None)
    with RepoProgress(250, enabled=False, console=console) as progress:
        progress.advance(100)
        progress.advance(100)
        progress.advance(50)
    assert progress.done == 250
    assert progress.elapsed >= 0
    assert out.getvalue() == ""


def test_repo_progress_is_enabled_like_the_link_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    assert not RepoProgress(3).enabled  # the real stderr, in CI
    monkeypatch.setenv("CI", "")
    assert RepoProgress(3).enabled == progress_enabled()


def test_the_repo_bar_counts_repositories() -> None:
    out = Tty()
    console = Console(file=out, force_terminal=True, width=120, color_system=None)
    with RepoProgress(250, enabled=True, console=console) as progress:
        progress.advance(100)
        progress.advance(60)
        progress._progress.refresh()  # type: ignore[union-attr]
        shown = out.getvalue()
    assert "GitHub metadata" in shown
    assert "160/250" in shown
    assert "repositories" in shown


def test_repo_progress_never_runs_past_the_total_or_backwards() -> None:
    with RepoProgress(5, enabled=False) as progress:
        progress.advance(3)
        progress.advance(4)
        assert progress.done == 5
        progress.advance(-2)
    assert progress.done == 5
