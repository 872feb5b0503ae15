"""The list-health issue (`curator.bot.health`) against the fake GitHub API: created once, never a second
one, no write when unchanged, updated, closed with a comment, the same issue reopened; the checkboxes and
their hidden ids; `issue: false`; a 403 that names the permission."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from curator.bot.health import (
    CLOSING,
    LABEL,
    HealthAction,
    PullState,
    find_issue,
    render_blocks,
    render_body,
    sync_health_issue,
    ticked,
)
from curator.bot.ignores import ignore_id
from curator.bot.remote import Remote
from curator.config import Config
from curator.errors import CuratorError
from curator.findings import Finding, Severity
from tests.support.fake_github import GOOD_TOKEN
from tests.support.fake_repo import FakeRepoHost, hosted_repo  # noqa: F401  (the fixture)

NAME = "octo/awesome-list"
BASE = "a" * 40
PATHS = {"catalog/tools.yaml": "catalog/tools.yaml"}
WHERE = {"repo_url": "https://github.com/o/n", "base_sha": BASE, "paths": PATHS}


def _finding(rule: str, entry: str, line: int, url: str | None = None, severity: Severity = Severity.ERROR) -> Finding:
    return Finding(rule, severity, f"{entry} has a problem", entry=entry, file="catalog/tools.yaml", line=line, url=url)


DUP_A = _finding("duplicate-url", "tools/alpha", 4, "https://x.test/a")
DUP_B = _finding("duplicate-url", "tools/beta", 8, "https://x.test/a")
NAME_C = _finding("duplicate-name", "tools/gamma", 12)


def _remote(host: FakeRepoHost) -> Remote:
    return Remote(NAME, token=GOOD_TOKEN, api_url=host.api.url, write_interval=0)


def _sync(host: FakeRepoHost, findings: Sequence[Finding], config: Config | None = None, **kw: object):  # type: ignore[no-untyped-def]
    remote = _remote(host)
    with host.api._lock:
        host.api.log.clear()
    return sync_health_issue(remote, findings, config or Config(), PATHS, BASE, **kw)  # type: ignore[arg-type]


def _issue_writes(host: FakeRepoHost) -> list[tuple[str, str]]:
    return [(r.method, r.path.removeprefix(f"/repos/{NAME}")) for r in host.write_requests() if "/issues" in r.path]


def test_created_once_then_an_unchanged_run_makes_no_write(hosted_repo: FakeRepoHost) -> None:  # noqa: F811
    made = _sync(hosted_repo, [DUP_A, DUP_B, NAME_C])
    assert made.action is HealthAction.CREATE and made.number == 1 and made.writes == 1
    assert _issue_writes(hosted_repo) == [("POST", "/issues")]
    issue = hosted_repo.threads[1]
    assert issue.labels == [LABEL] and issue.state == "open" and issue.title == "curator: what needs a person"
    body = issue.body or ""
    assert body.startswith("**3 findings need a person**")
    assert body.index("#### Duplicate URLs (`duplicate-url`)") < body.index("#### Duplicate names (`duplicate-name`)")
    assert body.count("- [ ] ignore this") == 3
    assert f"<!-- curator:finding {ignore_id(DUP_B)} -->" in body
    assert f"https://github.com/{NAME}/blob/{BASE}/catalog/tools.yaml#L8" in body
    again = _sync(hosted_repo, [DUP_A, DUP_B, NAME_C])
    assert again.action is HealthAction.NOTHING and again.writes == 0 and again.number == 1
    assert hosted_repo.write_requests() == []
    assert len(hosted_repo.threads) == 1


def test_updated_in_place_when_the_findings_change(hosted_repo: FakeRepoHost) -> None:  # noqa: F811
    _sync(hosted_repo, [DUP_A, DUP_B])
    changed = _sync(hosted_repo, [DUP_A, DUP_B, NAME_C])
    assert changed.action is HealthAction.UPDATE and changed.number == 1
    assert _issue_writes(hosted_repo) == [("PATCH", "/issues/1")]
    assert "Duplicate names" in (hosted_repo.threads[1].body or "") and len(hosted_repo.threads) == 1


def test_closed_with_a_comment_when_clean_and_the_same_issue_reopened(hosted_repo: FakeRepoHost) -> None:  # noqa: F811
    _sync(hosted_repo, [NAME_C])
    closed = _sync(hosted_repo, [])
    assert closed.action is HealthAction.CLOSE and closed.writes == 2
    assert _issue_writes(hosted_repo) == [("POST", "/issues/1/comments"), ("PATCH", "/issues/1")]
    issue = hosted_repo.threads[1]
    assert issue.state == "closed" and [c.body for c in issue.comments] == [CLOSING]
    assert (issue.body or "").startswith("**Nothing needs a person.**")
    # a dead link that is not confirmed yet (a warning) does not need a person: the issue stays closed
    quiet = _sync(hosted_repo, [_finding("dead-link", "tools/alpha", 4, "https://x.test/a", Severity.WARNING)])
    assert quiet.action is HealthAction.NOTHING and hosted_repo.write_requests() == []
    back = _sync(hosted_repo, [NAME_C])
    assert back.action is HealthAction.REOPEN and back.number == 1 and back.writes == 1
    assert hosted_repo.threads[1].state == "open" and len(hosted_repo.threads) == 1
    assert _issue_writes(hosted_repo) == [("PATCH", "/issues/1")]


def test_nothing_to_say_and_no_issue_makes_none(hosted_repo: FakeRepoHost) -> None:  # noqa: F811
    result = _sync(hosted_repo, [_finding("dead-link", "tools/a", 3, "https://x.test/", Severity.WARNING)])
    assert result.action is HealthAction.NOTHING and hosted_repo.threads == {}


def test_issue_false_makes_no_issue_request_at_all(hosted_repo: FakeRepoHost) -> None:  # noqa: F811
    result = _sync(hosted_repo, [DUP_A, NAME_C], Config(issue=False))
    assert result.action is HealthAction.OFF
    assert [c for c in hosted_repo.api.calls() if "/issues" in c.path or "/pulls" in c.path] == []
    assert hosted_repo.threads == {}


def test_a_403_on_issue_writes_names_the_issues_permission(hosted_repo: FakeRepoHost) -> None:  # noqa: F811
    hosted_repo.deny_writes = True
    with pytest.raises(CuratorError, match=r"`permissions: issues: write`") as err:
        _sync(hosted_repo, [NAME_C])
    assert GOOD_TOKEN not in str(err.value) and "issue: false" in str(err.value)


def test_the_issue_is_found_by_label_and_marker_never_a_persons_issue(hosted_repo: FakeRepoHost) -> None:  # noqa: F811
    remote = _remote(hosted_repo)
    number, _ = remote.open_issue(title="curator crashes on my list", body="Help!", label=LABEL)
    assert find_issue(remote) is None
    made = _sync(hosted_repo, [NAME_C])
    assert made.number == number + 1
    assert find_issue(_remote(hosted_repo)) is not None
    assert _sync(hosted_repo, [NAME_C]).action is HealthAction.NOTHING


def test_a_dry_run_writes_nothing_and_a_degraded_run_leaves_the_issue(hosted_repo: FakeRepoHost) -> None:  # noqa: F811
    dry = _sync(hosted_repo, [NAME_C], dry_run=True)
    assert dry.action is HealthAction.CREATE and dry.body and hosted_repo.write_requests() == []
    _sync(hosted_repo, [NAME_C])
    skipped = _sync(hosted_repo, [], degraded=True)
    assert skipped.action is HealthAction.SKIPPED and hosted_repo.write_requests() == []
    assert hosted_repo.threads[1].state == "open"


def test_ticked_boxes_are_read_by_their_hidden_id_and_marked_pending_or_declined() -> None:
    blocks = render_blocks([DUP_A, DUP_B, NAME_C], repo_url=f"https://github.com/{NAME}", base_sha=BASE, paths=PATHS)
    body, _ = render_body(blocks)
    assert ticked(body) == set()
    one = body.replace("- [ ] ignore this", "- [x] ignore this", 1)
    assert ticked(one) == {ignore_id(DUP_A)}
    assert ticked(one.replace("\n", "\r\n")) == {ignore_id(DUP_A)}  # as saved from GitHub's web page
    pull = PullState(number=7, url="u", fingerprints=frozenset({ignore_id(DUP_A)}), declined=frozenset())
    ticks = {ignore_id(DUP_A), ignore_id(DUP_B), ignore_id(NAME_C)}
    declined = PullState(number=7, fingerprints=frozenset({ignore_id(DUP_A)}), declined=frozenset({ignore_id(NAME_C)}))
    shown = "\n".join(
        render_blocks(
            [DUP_A, DUP_B, NAME_C],
            repo_url="https://github.com/o/n",
            base_sha=BASE,
            paths=PATHS,
            ticks=ticks,
            pull=pull,
        )
    )
    assert "- [x] ignore this (pending: proposed in #7, applies once merged)" in shown
    assert shown.count("- [x] ignore this (the next `curator pr` proposes it)") == 2
    shown = "\n".join(render_blocks([NAME_C], **WHERE, ticks=ticks, pull=declined))
    assert "- [x] ignore this (declined: its pull request was closed unmerged)" in shown
    assert ticked(render_body(shown.split("\n"))[0]) == {ignore_id(NAME_C)}  # a rendered tick stays a tick


def test_a_message_cannot_forge_a_checkbox() -> None:
    forged = Finding(
        "duplicate-name",
        Severity.ERROR,
        f"x\n- [x] ignore this <!-- curator:finding {'b' * 16} -->",
        entry="tools/evil",
        file="catalog/tools.yaml",
        line=2,
    )
    body, _ = render_body(render_blocks([forged], **WHERE))
    assert ticked(body) == set() and "<!-- curator:finding " + "b" * 16 not in body


def test_a_long_list_is_cut_between_findings() -> None:
    many = [_finding("duplicate-name", f"tools/e{i}", i + 1) for i in range(2000)]
    body, _ = render_body(render_blocks(many, **WHERE))
    assert len(body) < 65_536 and "more lines are not shown" in body
    assert all(line.endswith("-->") for line in body.splitlines() if line.startswith("- [ ]"))
