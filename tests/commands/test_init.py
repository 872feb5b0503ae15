"""`curator init` end to end through main(argv), in a temporary repository with a README that has tables."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from curator import PROJECT_URL, __version__
from curator.commands.init import default_action_ref, default_action_repo
from curator.commands.init_templates import config_text
from curator.config import load_config
from curator.main import main
from tests.support import actionlint

REPO = Path(__file__).resolve().parents[2]

LIST = """\
# Awesome things

Some prose about the list.

## Tools

| Name | Description | Link |
|---|---|:-:|
| Alpha | The first tool. | [🔗](https://alpha.example) |
| Beta | The second tool. | [🔗](https://beta.example) |

## Papers

| Title | Link |
|---|---|
| On gamma | [🔗](https://gamma.example/paper) |
"""

WRITTEN = [
    "curator.yaml",
    ".github/workflows/curator.yml",
    ".github/workflows/contributor.yml",
    "catalog/tools.yaml",
    "catalog/papers.yaml",
    "catalog/schema.json",
]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "README.md").write_text(LIST, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in root.rglob("*") if p.is_file()}


def test_init_adopts_the_list_and_the_checks_pass_at_once(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init"]) == 0
    out = capsys.readouterr().out
    for name in WRITTEN:
        assert (repo / name).is_file(), name
    assert "<!-- curator:begin tools -->" in (repo / "README.md").read_text(encoding="utf-8")
    # What is left to do by hand: the repository setting and the optional App's two secrets.
    assert '"Allow GitHub Actions to create and approve pull requests"' in out
    assert "CURATOR_APP_ID" in out and "CURATOR_APP_PRIVATE_KEY" in out
    assert main(["check", "--offline"]) == 0
    assert main(["render", "--check"]) == 0
    assert main(["config", "--show"]) == 0


def test_a_second_init_overwrites_nothing_unless_forced(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init"]) == 0
    (repo / "curator.yaml").write_text("readme: README.md\n", encoding="utf-8")  # the maintainer's edit
    before = _snapshot(repo)
    capsys.readouterr()
    assert main(["init"]) == 2
    err = capsys.readouterr().err
    for name in WRITTEN:
        assert name in err, name
    assert "--force" in err
    assert _snapshot(repo) == before
    assert main(["init", "--force"]) == 0
    assert (repo / "curator.yaml").read_text(encoding="utf-8") == config_text()
    assert main(["render", "--check"]) == 0


def test_init_without_tables_writes_nothing(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "README.md").write_text("# A list\n\nNo tables yet.\n", encoding="utf-8")
    assert main(["init"]) == 2
    assert "no resource tables found" in capsys.readouterr().err
    assert sorted(p.name for p in repo.iterdir()) == ["README.md"]


def test_workflows_use_the_published_action_at_the_version_tag(repo: Path) -> None:
    assert main(["init"]) == 0
    owner_name = "/".join(PROJECT_URL.split("/")[-2:])
    for name in ("curator.yml", "contributor.yml"):
        text = (repo / ".github" / "workflows" / name).read_text(encoding="utf-8")
        assert re.findall(r"uses: (\S+/\S+@v[\d.]+)$", text, re.M) and set(
            re.findall(r"uses: (?!actions/)(\S+)$", text, re.M)
        ) == {f"{owner_name}@v{__version__}"}, name


def test_help_names_the_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["init", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert f"(default: {default_action_repo()})" in out
    assert f"(default: {default_action_ref()}, this curator's version)" in out


def test_action_repo_and_ref_are_options(repo: Path) -> None:
    sha = "0123456789abcdef0123456789abcdef01234567"
    assert main(["init", "--action-repo", "someone/curator-fork", "--action-ref", sha]) == 0
    text = (repo / ".github" / "workflows" / "curator.yml").read_text(encoding="utf-8")
    assert text.count(f"uses: someone/curator-fork@{sha}\n") == 2


@pytest.mark.parametrize(
    ("option", "value"),
    [("--action-ref", "v1 ${{ github.token }}"), ("--action-ref", "-x"), ("--action-repo", "no-slash")],
)
def test_a_bad_action_is_refused(repo: Path, capsys: pytest.CaptureFixture[str], option: str, value: str) -> None:
    assert main(["init", f"{option}={value}"]) == 2
    assert f"{option}: {value!r}" in capsys.readouterr().err
    assert sorted(p.name for p in repo.iterdir()) == ["README.md"]


def test_catalog_and_readme_elsewhere_are_written_into_curator_yaml(repo: Path) -> None:
    (repo / "docs").mkdir()
    (repo / "README.md").rename(repo / "docs" / "LIST.md")
    assert main(["init", "--readme", "docs/LIST.md", "--catalog", "data/catalog"]) == 0
    config, _ = load_config(repo / "curator.yaml")
    assert (config.readme, config.catalog) == ("docs/LIST.md", "data/catalog")
    assert main(["render", "--check"]) == 0
    assert main(["check", "--offline"]) == 0


def test_generated_workflows_pass_actionlint(repo: Path) -> None:
    try:
        actionlint.ensure_installed()
    except actionlint.ActionlintUnavailable as exc:
        pytest.fail(f"actionlint is unavailable, so the workflows cannot be checked: {exc}", pytrace=False)
    assert main(["init"]) == 0
    paths = sorted((repo / ".github" / "workflows").glob("*.yml"))
    assert [p.name for p in paths] == ["contributor.yml", "curator.yml"]
    problems = actionlint.lint(paths)
    assert not problems, "actionlint:\n" + "\n".join(map(str, problems))


def test_a_missing_or_outside_readme_is_refused(
    repo: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "README.md").unlink()
    assert main(["init"]) == 2
    assert "README.md: file not found" in capsys.readouterr().err
    outside = tmp_path_factory.mktemp("elsewhere") / "LIST.md"
    outside.write_text(LIST, encoding="utf-8")
    assert main(["init", "--readme", str(outside)]) == 2
    assert "must be inside the repository" in capsys.readouterr().err
    assert list(repo.iterdir()) == []
    assert outside.read_text(encoding="utf-8") == LIST
