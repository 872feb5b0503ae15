"""What the pull request should contain: the base's files read through the API into a temporary directory,
the pipeline run there, the safe fixes applied and the README regenerated.

The base is read as it is now (never the local checkout, which may be behind). Only the files the run
needs are read: `curator.yaml`, the catalog files under the directory it names and the README. The state
database stays local (the caller passes its path): history belongs to the machine that runs the checks.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path, PurePosixPath

from curator.bot.body import needs_person
from curator.bot.health import HealthResult, sync_health_issue
from curator.bot.ignores import add_ignores, ignore_for, ignore_id
from curator.bot.marker import digest, fingerprint
from curator.bot.remote import Remote
from curator.catalog.load import load_catalog
from curator.config import CONFIG_FILE, Config, ProjectPaths
from curator.errors import CuratorError
from curator.facts import Facts
from curator.findings import Finding
from curator.fix.apply import FileChange, apply_fixes, render_readme
from curator.fix.select import degraded_reasons, select_fixes
from curator.pipeline import gather, judge, load_project
from curator.places import display_path

CATALOG_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Desired:
    """The change set of this run, against the base commit `base`."""

    base: str
    fixes: list[tuple[Finding, str]] = field(default_factory=list)  # applied fix, its fingerprint
    catalog: dict[str, str] = field(default_factory=dict)  # repository path → new text
    readme: tuple[str, str] | None = None  # repository path and new text
    readme_fingerprint: str | None = None
    # ignores a person ticked in the list-health issue: the finding, its fingerprint; and curator.yaml's new text
    ignores: list[tuple[Finding, str]] = field(default_factory=list)
    config: tuple[str, str] | None = None
    findings: list[Finding] = field(default_factory=list)
    paths: dict[str, str] = field(default_factory=dict)  # a finding's file as shown → repository path
    degraded: list[str] = field(default_factory=list)
    history_missing: bool = False
    declined_left_out: int = 0
    refused: list[str] = field(default_factory=list)
    before: dict[str, str] = field(default_factory=dict)  # repository path → text on the base
    base_files: dict[str, str] = field(default_factory=dict)  # path → blob SHA of every file on the base

    @property
    def fingerprints(self) -> list[str]:
        out = [fp for _, fp in self.fixes]
        if self.readme is not None and self.readme_fingerprint is not None:
            out.append(self.readme_fingerprint)
        if self.config is not None:
            out += [fp for _, fp in self.ignores]
        return out

    @property
    def files(self) -> dict[str, str]:
        out = dict(self.catalog)
        if self.readme is not None:
            out[self.readme[0]] = self.readme[1]
        if self.config is not None:
            out[self.config[0]] = self.config[1]
        return out

    @property
    def empty(self) -> bool:
        return not self.catalog and self.readme is None and self.config is None


def fix_fingerprint(finding: Finding) -> str:
    fix = finding.fix
    assert fix is not None
    return fingerprint(finding.entry or "", fix.field, fix.old or "", fix.new)


def readme_fingerprint(text: str) -> str:
    return fingerprint("readme", digest(text))


def repo_path(relative: str, what: str) -> PurePosixPath:
    """A path the base's configuration names, inside the repository (never absolute, never `..`)."""
    path = PurePosixPath(relative.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts:
        raise CuratorError(f"{CONFIG_FILE} on the base: {what} {relative!r} is outside the repository")
    parts = [p for p in path.parts if p not in ("", ".")]
    return PurePosixPath(*parts) if parts else PurePosixPath()


@dataclass(frozen=True)
class BaseCopy:
    """The base's files a run needs, written under `root`: its `curator.yaml` (the defaults when it has
    none; `config_text` is its text, None then), catalog files and README, with the configuration they name;
    `files` maps every path on the base to its blob SHA."""

    root: Path
    config_path: Path
    config: Config
    paths: ProjectPaths
    files: dict[str, str]
    config_text: str | None


@contextmanager
def base_copy(remote: Remote, base_sha: str, *, state: Path) -> Iterator[BaseCopy]:
    """The base's files in a temporary directory, deleted on leaving; `state` stays the local database."""
    files = remote.tree_files(base_sha)
    with tempfile.TemporaryDirectory(prefix="curator-pr-") as tmp:
        root = Path(tmp)
        config_path = root / CONFIG_FILE
        config_text: str | None = None
        if CONFIG_FILE in files:
            data = remote.read_blob(files[CONFIG_FILE])
            config_path.write_bytes(data)
            config_text = data.decode("utf-8", errors="replace")
        else:  # no configuration on the base: the defaults, as `curator check` would use there
            config_path.write_text("{}\n", encoding="utf-8")
        config, paths = load_project(config_path, state=state)
        catalog_dir = repo_path(config.catalog, "catalog")
        readme_rel = repo_path(config.readme, "readme")
        prefix = f"{catalog_dir}/" if str(catalog_dir) not in ("", ".") else ""
        for path, sha in sorted(files.items()):
            rel = path[len(prefix) :] if path.startswith(prefix) else None
            if rel is None or "/" in rel or not rel.endswith(CATALOG_SUFFIXES):
                continue
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(remote.read_blob(sha))
        (root / catalog_dir).mkdir(parents=True, exist_ok=True)
        readme_path = str(readme_rel)
        if readme_path in files:
            (root / readme_path).parent.mkdir(parents=True, exist_ok=True)
            (root / readme_path).write_bytes(remote.read_blob(files[readme_path]))
        yield BaseCopy(
            root=root, config_path=config_path, config=config, paths=paths, files=files, config_text=config_text
        )


def desired_changes(
    remote: Remote,
    base_sha: str,
    *,
    state: Path,
    now: datetime,
    declined: Collection[str] = (),
    ticked: Collection[str] = (),
    issue_url: str | None = None,
) -> Desired:
    """The change set on `base_sha`; `ticked` are the ids of the findings a person ticked "ignore this" for
    in the list-health issue `issue_url`: their ignores are appended to curator.yaml."""
    with base_copy(remote, base_sha, state=state) as base:
        paths = base.paths
        desired = _run(base.root, base.config, paths.catalog, paths.readme, paths.state, base_sha, now, declined)
        desired = replace(desired, findings=[without_root(f, base.root) for f in desired.findings])
        if ticked and issue_url:
            desired = _with_ignores(desired, base.config_text, ticked, declined, issue_url)
        return replace(desired, base_files=base.files)


def _with_ignores(
    desired: Desired, config_text: str | None, ticked: Collection[str], declined: Collection[str], issue_url: str
) -> Desired:
    """`desired` with curator.yaml carrying an ignore for each ticked finding still found (and not declined)."""
    chosen: dict[str, Finding] = {}
    left_out = 0
    for f in needs_person(desired.findings):
        fp = ignore_id(f)
        if fp not in ticked or fp in chosen:
            continue
        if fp in declined:
            left_out += 1
            continue
        chosen[fp] = f
    if not chosen:
        return replace(desired, declined_left_out=desired.declined_left_out + left_out)
    try:
        text = add_ignores(config_text, [ignore_for(f, issue_url) for f in chosen.values()])
    except CuratorError as exc:  # the rest of the change set still goes ahead; the message says what to do
        return replace(desired, refused=[*desired.refused, str(exc)])
    return replace(
        desired,
        ignores=[(f, fp) for fp, f in chosen.items()],
        config=(CONFIG_FILE, text),
        before={**desired.before, CONFIG_FILE: config_text or ""},
        declined_left_out=desired.declined_left_out + left_out,
    )


def _run(
    root: Path,
    config: Config,
    catalog_dir: Path,
    readme: Path,
    state: Path,
    base_sha: str,
    now: datetime,
    declined: Collection[str],
) -> Desired:
    catalog = load_catalog(catalog_dir)
    facts = gather(catalog, config, state_path=state, now=now, readme_path=readme)
    degraded = degraded_reasons(facts, config)
    findings = judge(catalog, config, facts)
    selected = select_fixes(findings, degraded=bool(degraded))
    kept = [f for f in selected if fix_fingerprint(f) not in declined]
    left_out = len(selected) - len(kept)
    outcome = apply_fixes(catalog, config, kept, readme=readme, state_path=state)
    changes = list(outcome.changes)
    if not any(c.path == readme for c in changes) and readme.exists():
        stale = render_readme(catalog, config, readme, state)  # a table out of date with no fix at all
        if stale is not None and not outcome.applied:
            changes.append(stale)
    catalog_texts: dict[str, str] = {}
    readme_change: tuple[str, str] | None = None
    readme_fp: str | None = None
    before: dict[str, str] = {}
    for change in changes:
        rel = _relative(root, change.path)
        before[rel] = change.before
        if change.path == readme:
            text = _exact(change)
            readme_fp = readme_fingerprint(text)
            if readme_fp in declined:
                left_out += 1
                continue
            readme_change = (rel, text)
        else:
            catalog_texts[rel] = _exact(change)
    shown = {s.display: _relative(root, s.path) for s in catalog.sources}
    if readme.exists():
        shown[display_path(readme)] = _relative(root, readme)
    return Desired(
        base=base_sha,
        fixes=[(f, fix_fingerprint(f)) for f in outcome.applied],
        catalog=catalog_texts,
        readme=readme_change,
        readme_fingerprint=readme_fp,
        findings=findings,
        paths=shown,
        degraded=degraded,
        history_missing=facts.history_missing,
        declined_left_out=left_out,
        refused=[why for _, why in outcome.refused],
        before=before,
    )


def without_root(finding: Finding, root: Path) -> Finding:
    """`finding` with the temporary directory taken out of its message (a rule may name another entry's file
    and line): the directory differs every run, and a message that changes would rewrite the PR body and the
    list-health issue on a run that changed nothing."""
    text = finding.message
    for prefix in {f"{root}/", f"{root.resolve()}/"}:
        text = text.replace(prefix, "")
    return finding if text == finding.message else replace(finding, message=text)


def _exact(change: FileChange) -> str:
    return change.after if change.newline is None else change.after.replace("\n", change.newline)


def _relative(root: Path, path: Path) -> str:
    return path.resolve().relative_to(root.resolve()).as_posix()


def health_after_check(
    remote: Remote, base: BaseCopy, findings: Sequence[Finding], facts: Facts, base_sha: str
) -> HealthResult:
    """The list-health issue brought in line with a check run on `base` (serve's daily job): the findings
    as the repository shows them (files relative to its root, no temporary directory in a message)."""
    shown = [without_root(f, base.root) for f in findings]
    repo_paths: dict[str, str] = {}
    for finding in shown:
        if finding.file:
            path = Path(finding.file)
            absolute = (path if path.is_absolute() else Path.cwd() / path).resolve()
            with contextlib.suppress(ValueError):  # a file outside the copy is not the repository's
                repo_paths[finding.file] = absolute.relative_to(base.root.resolve()).as_posix()
    degraded = bool(degraded_reasons(facts, base.config))
    return sync_health_issue(remote, shown, base.config, repo_paths, base_sha, degraded=degraded)
