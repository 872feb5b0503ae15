"""The pre-commit hooks of .pre-commit-hooks.yaml, run by real pre-commit in a temporary list repository.

pre-commit builds the hooks' environment itself: a virtual environment into which it pip-installs a
snapshot of this working tree (the package registry is the only network it needs). That takes about 30 s,
once per session (PRE_COMMIT_HOME is shared by the tests here); the tests are marked `slow` so that a
quick local run can leave them out with `-m "not slow"`. CI runs them, like every other test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
HOOKS = REPO / ".pre-commit-hooks.yaml"

# Whichever test runs first builds the hook environment: 35 s on an idle machine, more on a busy one.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

LIST = """\
# Things

## Tools

| Name | Description | Link |
|---|---|:-:|
| Alpha | The first tool. | [🔗](https://alpha.example) |
| Beta | The second tool. | [🔗](https://beta.example) |
"""

NEW_ENTRY = """\
  - id: gamma
    name: Gamma
    description: The third tool.
    url: {url}
"""

_IDENTITY = ["-c", "user.name=curator tests", "-c", "user.email=tests@curator.invalid", "-c", "commit.gpgsign=false"]


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *_IDENTITY, *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture(scope="session")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This working tree as it is (uncommitted changes too) committed in a repository of its own."""
    snapshot = tmp_path_factory.mktemp("curator-src")
    files = _git(REPO, "ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    for name in filter(None, files):
        source = REPO / name
        if source.is_file():
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name)
    _git(snapshot, "init", "-q")
    _git(snapshot, "add", "-A")
    _git(snapshot, "commit", "-q", "-m", "snapshot")
    return snapshot, _git(snapshot, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def list_repo(tmp_path: Path, hooks_repo: tuple[Path, str]) -> Path:
    """A list maintained with curator, with a .pre-commit-config.yaml that uses both hooks."""
    from curator.main import main

    root = tmp_path / "list"
    root.mkdir()
    (root / "README.md").write_text(LIST, encoding="utf-8")
    assert main(["import", str(root / "README.md"), "--catalog", str(root / "catalog")]) == 0
    source, rev = hooks_repo
    hooks = [{"id": "curator-check"}, {"id": "curator-render"}]
    config = {"repos": [{"repo": str(source), "rev": rev, "hooks": hooks}]}
    (root / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "the list")
    return root


def _pre_commit(root: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("PRE_COMMIT_ALLOW_NO_CONFIG", None)
    command = [sys.executable, "-m", "pre_commit", "run", "--all-files"]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False, timeout=280)


def _result(output: str, name: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith(name)]
    assert len(lines) == 1, output
    return lines[0].rstrip().rsplit(".", 1)[-1]  # "name.....Passed"


def test_hooks_are_declared_for_the_whole_list() -> None:
    hooks = {hook["id"]: hook for hook in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))}
    assert set(hooks) == {"curator-check", "curator-render"}
    assert hooks["curator-check"]["entry"] == "curator check --offline"
    assert hooks["curator-render"]["entry"] == "curator render"
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False  # the rules see every entry, the README every table


def test_a_clean_list_passes_both_hooks(list_repo: Path, pre_commit_home: Path) -> None:
    done = _pre_commit(list_repo, pre_commit_home)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _result(done.stdout, "curator check (offline rules)") == "Passed"
    assert _result(done.stdout, "curator render (README tables)") == "Passed"


def test_an_error_fails_the_check_and_a_stale_readme_is_regenerated(list_repo: Path, pre_commit_home: Path) -> None:
    tools = list_repo / "catalog" / "tools.yaml"
    tools.write_text(tools.read_text(encoding="utf-8") + NEW_ENTRY.format(url="hhttps://gamma.example"), "utf-8")
    done = _pre_commit(list_repo, pre_commit_home)
    assert done.returncode == 1
    assert _result(done.stdout, "curator check (offline rules)") == "Failed"
    assert "error malformed-url tools/gamma" in done.stdout
    # render wrote the new row into the README: pre-commit fails the hook so that the change is staged.
    assert _result(done.stdout, "curator render (README tables)") == "Failed"
    assert "files were modified by this hook" in done.stdout
    assert "| Gamma | The third tool. |" in (list_repo / "README.md").read_text(encoding="utf-8")

    tools.write_text(tools.read_text(encoding="utf-8").replace("hhttps://", "https://"), encoding="utf-8")
    done = _pre_commit(list_repo, pre_commit_home)
    assert _result(done.stdout, "curator check (offline rules)") == "Passed", done.stdout
    assert _result(done.stdout, "curator render (README tables)") == "Failed"  # the URL is in the README too
    done = _pre_commit(list_repo, pre_commit_home)
    assert done.returncode == 0, done.stdout + done.stderr
