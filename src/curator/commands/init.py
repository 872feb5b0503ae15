"""`curator init`: adopt curator in a repository whose README already has the list's tables.

Imports the README's tables into a catalog (through `curator import`'s own function), writes `curator.yaml`
(every default, commented out), the scheduled bot workflow and the contributor-PR workflow (both running
the published action at `--action-repo@--action-ref`), and prints what is left to do by hand. Nothing is
overwritten without --force: a second `init` names every file that already exists and exits 2 before
writing anything.
"""

from __future__ import annotations

import re
from pathlib import Path

from curator import PROJECT_URL, __version__
from curator.commands.init_templates import bot_workflow, config_text, contributor_workflow
from curator.config import CONFIG_FILE
from curator.errors import CuratorError, UsageError
from curator.markdown.files import read_markdown, write_text
from curator.markdown.importer import import_markdown
from curator.markdown.importing import SCHEMA_FILE, run_import
from curator.places import display_path

WORKFLOWS = Path(".github") / "workflows"
BOT_WORKFLOW = WORKFLOWS / "curator.yml"
CONTRIBUTOR_WORKFLOW = WORKFLOWS / "contributor.yml"

# What GitHub accepts as an owner and a repository name, and a ref that is safe inside a `uses:` line.
_REPO = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9_.-]{1,100}$")
_REF = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./-]{0,254}$")

APP_SECRETS = ("CURATOR_APP_ID", "CURATOR_APP_PRIVATE_KEY")


def default_action_repo(project_url: str = PROJECT_URL) -> str:
    """`OWNER/NAME` of curator's repository, from the project URL (`https://github.com/OWNER/NAME`)."""
    return "/".join(project_url.rstrip("/").split("/")[-2:])


def default_action_ref() -> str:
    return f"v{__version__}"


def _action(repo: str, ref: str) -> str:
    if not _REPO.match(repo):
        raise UsageError(f"--action-repo: {repo!r} is not OWNER/NAME")
    if not _REF.match(ref) or ".." in ref or ref.endswith((".", "/", ".lock")):
        raise UsageError(f"--action-ref: {ref!r} is not a tag, branch or commit SHA")
    return f"{repo}@{ref}"


def _relative(path: Path, base: Path) -> str:
    """`path` as curator.yaml (in `base`) names it: relative to `base`, with forward slashes."""
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        raise UsageError(f"{display_path(path)}: must be inside the repository ({display_path(base)})") from None


def run_init(*, readme: Path, catalog: Path, action_repo: str, action_ref: str, force: bool) -> int:
    root = Path.cwd()
    action = _action(action_repo, action_ref)
    config = config_text(catalog=_relative(catalog, root), readme=_relative(readme, root))
    files = {
        Path(CONFIG_FILE): config,
        BOT_WORKFLOW: bot_workflow(action),
        CONTRIBUTOR_WORKFLOW: contributor_workflow(action),
    }
    # The catalog files the import will write, to name them with the rest before anything is written.
    source = read_markdown(readme)
    stems = import_markdown(source.text, source.shown).files
    catalog_files = [catalog / f"{stem}.yaml" for stem in stems] + ([catalog / SCHEMA_FILE] if stems else [])
    existing = [path for path in [*files, *catalog_files] if path.exists() or path.is_symlink()]
    if existing and not force:
        names = ", ".join(display_path(path) for path in existing)
        raise UsageError(f"{names}: already exist; curator init overwrites nothing without --force")
    links = [path for path in files if path.is_symlink()]
    if links:
        names = ", ".join(display_path(path) for path in links)
        raise CuratorError(f"{names}: symbolic link(s); refusing to write through them, nothing written")

    run_import(markdown=readme, catalog=catalog, force=force, dry_run=False)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, text)
        print(f"wrote {display_path(path)}")
    print(_next_steps(catalog, readme))
    return 0


def _next_steps(catalog: Path, readme: Path) -> str:
    app_id, app_key = APP_SECRETS
    added = " ".join([CONFIG_FILE, display_path(catalog), display_path(readme), WORKFLOWS.as_posix()])
    return f"""
Next steps:
  1. Review {CONFIG_FILE}, the catalog in {display_path(catalog)}/ and the markers in {display_path(readme)};
     `curator check --offline` and `curator render --check` should pass now.
  2. Commit: git add {added} && git commit -m "Maintain the list with curator"
  3. In the repository's Settings → Actions → General → Workflow permissions, turn on
     "Allow GitHub Actions to create and approve pull requests": the bot opens its pull request with the
     workflow's token.
  4. Optional: pull requests opened with the workflow's token do not trigger CI. To have CI run on the
     bot's pull request, install a GitHub App on the repository (contents and pull requests: read and
     write) and store its id and private key as the secrets {app_id} and {app_key}.
  5. First run: Actions → curator → Run workflow (command: check), or
     `gh workflow run curator.yml -f command=check`; then the same with command: pr."""
