"""The rolling pull request's run (`curator.bot.run.make_pr`) called directly, as `curator serve` calls it:
its Result says what was done and how many writes it took; a dry run returns its plan as text and writes
nothing. The command's end-to-end behaviour is in tests/commands/test_pr.py."""

from __future__ import annotations

from tests.commands import test_pr
from tests.commands.test_pr import BRANCH, Project

farm, api, project = test_pr.farm, test_pr.api, test_pr.project


def test_the_result_counts_the_writes_the_server_saw(project: Project) -> None:
    project.seed()
    result = project.pr()
    assert result.action == "open" and result.number == 1 and result.url
    assert result.writes == len(project.host.write_requests()) > 0
    assert [f.entry for f, _ in result.desired.fixes] == ["tools/typo"]
    assert result.plan is None  # only a dry run has a plan to show


def test_a_dry_run_returns_the_plan_and_writes_nothing(project: Project) -> None:
    project.seed()
    result = project.pr(dry_run=True)
    assert result.action == "open" and result.writes == 0 and result.number is None
    assert result.plan is not None and result.plan.startswith("action: open\n")
    assert "\ndiff:\n--- a/catalog/tools.yaml" in result.plan
    assert project.host.write_requests() == [] and project.host.branch_sha(BRANCH) is None
