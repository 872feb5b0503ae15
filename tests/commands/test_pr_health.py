"""`curator pr` and the list-health issue end to end: the fake GitHub API backed by a real bare git
repository, links on the loopback link farm. A person ticks "ignore this" through the API; the next run
carries the ignore in curator.yaml in the rolling pull request; once merged, the finding leaves the issue."""

from __future__ import annotations

import pytest
import requests
import yaml

from curator.bot.health import CLOSING, LABEL, ticked
from curator.bot.ignores import ignore_id
from curator.bot.marker import read_state
from curator.findings import Finding, Severity
from tests.commands import test_pr
from tests.commands.test_pr import BRANCH, NAME, Project
from tests.support.fake_github import GOOD_TOKEN

# The project of test_pr.py: the fake GitHub API, the link farm, curator.yaml and a catalog with a typo.
farm, api, project = test_pr.farm, test_pr.api, test_pr.project


def dup_entries(project: Project, *names: str) -> str:
    """Entries whose URL is alpha's: each is a `duplicate-url` finding (and so is alpha)."""
    ok = project.links.url("/ok/alpha")
    return "".join(f"  - id: {n}\n    name: {n.title()}\n    url: {ok}\n" for n in names)


def box_id(project: Project, entry: str, rule: str = "duplicate-url") -> str:
    url = project.links.url("/ok/alpha")
    return ignore_id(Finding(rule, Severity.ERROR, "", entry=entry, url=url))


def tick(project: Project, number: int, entry: str) -> None:
    """A person ticks the box of `entry`'s duplicate-url finding, through the API as GitHub's web page does."""
    body = project.host.threads[number].body or ""
    hidden = f"<!-- curator:finding {box_id(project, entry)} -->"
    lines = [line.replace("- [ ]", "- [x]", 1) if hidden in line else line for line in body.split("\n")]
    assert lines != body.split("\n"), f"no box for {entry}"
    answer = requests.patch(
        f"{project.api.url}/repos/{NAME}/issues/{number}",
        json={"body": "\n".join(lines)},
        headers={"Authorization": f"token {GOOD_TOKEN}"},
        timeout=10,
    )
    assert answer.status_code == 200
    project.reset_log()


def issue_writes(project: Project) -> list[tuple[str, str]]:
    return [(m, p) for m, p in project.writes() if p.startswith("/issues")]


def the_issue(project: Project) -> int:
    found = [t.number for t in project.host.threads.values() if not t.is_pull and LABEL in t.labels]
    assert len(found) == 1, found
    return found[0]


def test_the_issue_is_made_once_and_an_unchanged_run_writes_nothing(project: Project) -> None:
    project.seed(extra=dup_entries(project, "beta"))
    first = project.pr()
    assert first.action == "open" and first.health is not None and first.health.action == "create"
    number = the_issue(project)
    body = project.host.threads[number].body or ""
    # alpha and beta share a URL (each a duplicate-url), and beta's URL names alpha (a wrong-link)
    assert body.startswith("**3 findings need a person**") and body.count("- [ ] ignore this") == 3
    assert body.index("#### Wrong links (`wrong-link`)") < body.index("#### Duplicate URLs (`duplicate-url`)")
    project.reset_log()
    again = project.pr()
    assert again.action == "nothing" and again.health is not None and again.health.action == "nothing"
    assert project.host.write_requests() == [] and again.writes == 0
    assert the_issue(project) == number


def test_a_message_naming_another_entrys_line_does_not_change_from_run_to_run(project: Project) -> None:
    # In a group of more than four, duplicate-url names the first other entry's file and line: the file is
    # read from a temporary directory that differs every run, which must not show.
    project.seed(extra=dup_entries(project, "b", "c", "d", "e"))
    project.pr()
    body = project.host.threads[the_issue(project)].body or ""
    assert "at catalog/tools.yaml:" in body and "curator-pr-" not in body
    project.reset_log()
    assert project.pr().action == "nothing" and project.host.write_requests() == []


def test_the_base_moving_on_rebuilds_the_pr_but_does_not_edit_the_issue(project: Project) -> None:
    project.seed(extra=dup_entries(project, "beta"))
    project.pr()
    number = the_issue(project)
    before = project.host.threads[number].body
    project.host.advance_base({"docs/notes.md": b"notes\n"})
    project.reset_log()
    result = project.pr()
    assert result.action == "update" and result.health is not None and result.health.action == "nothing"
    assert issue_writes(project) == [] and project.host.threads[number].body == before


def test_a_ticked_box_becomes_an_ignore_in_the_pr_and_the_finding_leaves_once_merged(project: Project) -> None:
    project.seed(extra=dup_entries(project, "beta"))
    project.pr()
    number = the_issue(project)
    issue_url = f"https://github.com/{NAME}/issues/{number}"
    tick(project, number, "tools/beta")
    result = project.pr()
    assert result.action == "update"
    config = project.host.files_at(BRANCH)["curator.yaml"].decode()
    assert config.startswith(project.config)  # the file is appended to, nothing of it rewritten
    beta = next(f for f, _ in result.desired.ignores)
    assert yaml.safe_load(config)["ignore"] == [
        {"rule": "duplicate-url", "entry": "tools/beta", "url": beta.url, "reason": f"ignored in {issue_url}"}
    ]
    pull = project.host.pull(1)
    state = read_state(pull.body)
    assert state is not None and ignore_id(beta) in state.fingerprints and len(state.commits) == 3
    assert "1 ignore added" in (pull.body or "") and f"### Ignores ticked in {issue_url}" in (pull.body or "")
    message = project.host.git("log", "-1", "--format=%B", BRANCH).decode()
    assert message.startswith("curator: 1 ignore ticked in the list-health issue")
    body = project.host.threads[number].body or ""
    assert "- [x] ignore this (pending: proposed in #1, applies once merged)" in body
    assert ticked(body) == {ignore_id(beta)}
    # Unchanged: nothing is re-added, nothing written.
    project.reset_log()
    same = project.pr()
    assert same.action == "nothing" and project.host.write_requests() == []
    assert yaml.safe_load(project.host.files_at(BRANCH)["curator.yaml"])["ignore"] == [
        {"rule": "duplicate-url", "entry": "tools/beta", "url": beta.url, "reason": f"ignored in {issue_url}"}
    ]
    # Merged: the ignore applies on the base; beta's finding leaves the issue, alpha's stays.
    project.host.merge_pull(1)
    project.reset_log()
    after = project.pr()
    assert after.action == "nothing" and after.health is not None and after.health.action == "update"
    assert issue_writes(project) == [("PATCH", f"/issues/{number}")]
    body = project.host.threads[number].body or ""
    assert body.startswith("**2 findings need a person**") and ignore_id(beta) not in body
    assert box_id(project, "tools/alpha") in body and box_id(project, "tools/beta", "wrong-link") in body
    assert ticked(body) == set()


def test_clean_closes_the_issue_with_a_comment_and_problems_reopen_the_same_one(project: Project) -> None:
    project.seed(extra=dup_entries(project, "beta"))
    project.pr()
    number = the_issue(project)
    fixed = project.host.files_at(BRANCH)["catalog/tools.yaml"].decode()
    project.host.advance_base({"catalog/tools.yaml": fixed.split("  - id: beta\n")[0].encode()})
    project.reset_log()
    result = project.pr()
    assert result.health is not None and result.health.action == "close"
    assert issue_writes(project) == [("POST", f"/issues/{number}/comments"), ("PATCH", f"/issues/{number}")]
    issue = project.host.threads[number]
    assert issue.state == "closed" and issue.comments[-1].body == CLOSING
    project.reset_log()
    assert project.pr().health.action == "nothing" and issue_writes(project) == []  # type: ignore[union-attr]
    project.host.advance_base(
        {"catalog/tools.yaml": (fixed.split("  - id: beta\n")[0] + dup_entries(project, "gamma")).encode()}
    )
    back = project.pr()
    assert back.health is not None and (back.health.action, back.health.number) == ("reopen", number)
    assert project.host.threads[number].state == "open" and the_issue(project) == number
    assert "tools/gamma" in (project.host.threads[number].body or "")


def test_a_declined_ignore_is_not_proposed_again_and_the_issue_says_so(project: Project) -> None:
    project.seed(extra=dup_entries(project, "beta"))
    project.pr()
    number = the_issue(project)
    tick(project, number, "tools/beta")
    project.pr()
    project.host.close_pull(1)
    result = project.pr()
    assert result.desired.config is None and result.desired.ignores == []
    assert "- [x] ignore this (declined: its pull request was closed unmerged)" in (
        project.host.threads[number].body or ""
    )


def test_issue_false_makes_no_issue_request(project: Project) -> None:
    project.config += "issue: false\n"
    (project.root / "curator.yaml").write_text(project.config, encoding="utf-8")
    project.seed(extra=dup_entries(project, "beta"))
    result = project.pr()
    assert result.action == "open" and result.health is not None and result.health.action == "off"
    assert [c for c in project.api.calls() if "/issues" in c.path] == []
    assert [t for t in project.host.threads.values() if not t.is_pull] == []


def test_a_403_on_the_issue_names_the_issues_permission(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    project.seed(extra=dup_entries(project, "beta"))
    project.pr()
    project.host.merge_pull(1)
    project.host.close_pull(the_issue(project), by="alice")  # a person closes the issue: the run reopens it
    project.host.deny_writes = True  # the pull request has nothing to do: reopening is the first write
    assert project.run() == 2
    err = capsys.readouterr().err
    assert "`permissions: issues: write`" in err and GOOD_TOKEN not in err


def test_unticking_before_the_merge_takes_the_ignore_out_of_the_pr(project: Project) -> None:
    project.seed(extra=dup_entries(project, "beta"))
    project.pr()
    number = the_issue(project)
    tick(project, number, "tools/beta")
    project.pr()
    assert b"ignore:" in project.host.files_at(BRANCH)["curator.yaml"]
    body = (project.host.threads[number].body or "").replace("- [x]", "- [ ]")
    with project.host._lock:
        project.host.threads[number].body = body  # the person's untick, as the web page saves it
    result = project.pr()
    assert result.action == "update" and result.desired.config is None
    assert project.host.files_at(BRANCH)["curator.yaml"] == project.host.files_at("main")["curator.yaml"]
    assert ticked(project.host.threads[number].body) == set()


def test_a_dry_run_says_what_it_would_do_to_the_issue_and_writes_nothing(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.seed(extra=dup_entries(project, "beta"))
    project.reset_log()
    assert project.run("--dry-run") == 0
    assert "list-health issue: create" in capsys.readouterr().out
    assert project.host.write_requests() == [] and project.host.threads == {}
