"""The files `curator init` writes besides the catalog: `curator.yaml` (generated from the Config model, so
every default and its description appear, commented out) and the two workflows, which run the published
action at a given `OWNER/NAME@REF`.

The workflows are this repository's own `.github/workflows/curator.yml` and `contributor.yml` with `uses: ./`
replaced by the published action (tests/commands/test_init.py holds them to that).
"""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import BaseModel

from curator.config import Config
from curator.places import dotted

# Descriptions of the settings whose model field has none (docs/configuration.md says more). A new setting
# needs a description in config.py or here: tests/commands/test_init.py fails when one has neither.
_DESCRIPTIONS: dict[str, str] = {
    "catalog": "the catalog directory, relative to this file",
    "readme": "the README with the table markers, relative to this file",
    "rules": "per-rule settings by rule id, e.g. {repo-stale: {severity: info}}; severities: error, warning, "
    'info, "off"',
    "ignore": "findings to silence, each {rule, entry or url, reason}",
    "links": "the link checker",
    "links.concurrency": "requests in flight at once, over all hosts",
    "links.host_concurrency": "requests in flight at once to one host",
    "links.host_interval": "minimum seconds between the starts of two requests to one host",
    "links.connect_timeout": "seconds to wait for a connection",
    "links.timeout": "seconds for a whole request",
    "links.max_redirects": "redirects followed at most",
    "links.retries": "retries after a timeout, a dropped connection or a 408, 429 or 5xx answer",
    "links.retry_after_cap": "the longest Retry-After wait honoured, in seconds",
    "links.max_bytes": "bytes of a page read at most, enough for its <title>",
    "links.allow_private_hosts": "allow links to loopback and private addresses",
    "history": "the state database and the failure policy",
    "history.state": "the state database, relative to this file",
    "history.failure_runs": "consecutive failed runs before a failing link is an error",
    "history.failure_days": "days since the first failure of the streak before it is an error",
    "history.cache_max_age_hours": "a link ok less than this many hours ago is not requested again",
    "github": "repository metadata",
    "github.api_url": "the API base URL (GitHub Enterprise); the token is sent to this host only",
    "github.stale_days": "a repository with no push for more days than this is reported by repo-stale",
    "github.max_rate_limit_wait": "seconds of rate-limit waits allowed in one run",
    "github.batch_size": "repositories per GraphQL query",
    "render": "README rendering",
    "fix": "what `curator fix` trusts",
    "bot": "the rolling pull request of `curator pr`",
}

_HEADER = """\
# curator's configuration. Every setting is shown with its default, commented out (`#key: value`): to change
# one, remove the `#` in front of it and in front of its section's line (`#links:`). `curator config --show`
# prints the effective values; docs/configuration.md in curator's repository explains each one.
"""


def describe(path: tuple[str, ...], field_description: str | None) -> str:
    """The description of a setting: its model field's, else the one kept here for it."""
    text = field_description or _DESCRIPTIONS.get(dotted(path))
    if not text:
        raise KeyError(f"no description for the setting {dotted(path)}")
    return text


def _scalar(value: Any) -> str:
    if value == {}:
        return "{}"
    if value == []:
        return "[]"
    dumped = yaml.safe_dump(value, default_flow_style=True, width=10_000, allow_unicode=True)
    return dumped.removesuffix("\n...\n").strip()


def _setting_lines(model: type[BaseModel], values: dict[str, Any], path: tuple[str, ...], out: list[str]) -> None:
    indent = "  " * len(path)
    for name, info in model.model_fields.items():
        here = (*path, name)
        out.append(f"{indent}# {describe(here, info.description)}")
        nested = info.annotation
        if isinstance(nested, type) and issubclass(nested, BaseModel):
            out.append(f"{indent}#{name}:")
            _setting_lines(nested, values[name], here, out)
        else:
            out.append(f"{indent}#{name}: {_scalar(values[name])}")


def config_text(*, catalog: str = "catalog", readme: str = "README.md") -> str:
    """`curator.yaml` with every default commented out; `catalog` and `readme` are set when they differ
    from the defaults (they are where `curator init` put the files)."""
    defaults = Config()
    lines: list[str] = []
    _setting_lines(Config, defaults.model_dump(mode="json"), (), lines)
    given = {"catalog": catalog, "readme": readme}
    for key, value in given.items():
        if value != getattr(defaults, key):
            default_line = f"#{key}: {_scalar(getattr(defaults, key))}"
            lines[lines.index(default_line)] = f"{key}: {_scalar(value)}"
    return _HEADER + "\n" + "\n".join(lines) + "\n"


_BOT_WORKFLOW = """\
# curator's scheduled bot: a daily `curator check` that records link history (and keeps the Actions cache
# that carries it warm: caches idle for 7 days are evicted), and a weekly `curator pr` that opens or
# updates one rolling pull request with the safe fixes and the regenerated README tables.
# It needs the repository setting "Allow GitHub Actions to create and approve pull requests" (Settings →
# Actions → General → Workflow permissions).
# Pull requests opened with GITHUB_TOKEN do not trigger other workflows. To have CI run on the bot's pull
# request, install a GitHub App on the repository and store its id and private key as the secrets
# CURATOR_APP_ID and CURATOR_APP_PRIVATE_KEY: the pr job then uses the App's token.
name: curator

on:
  schedule:
    - cron: "0 6 * * *" # daily, 06:00 UTC: check and record history
    - cron: "17 6 * * 1" # Mondays, 06:17 UTC: the rolling pull request
  workflow_dispatch:
    inputs:
      command:
        description: "What to run"
        type: choice
        options: [check, pr]
        default: check

# Nothing by default: each job asks for what it needs.
permissions:
  contents: read

concurrency:
  # One run at a time: each run extends the state database the previous one saved, and two bots must
  # never race on the pull request branch.
  group: curator-bot
  cancel-in-progress: false

jobs:
  check:
    name: check links and repositories
    if: github.event.schedule == '0 6 * * *' || (github.event_name == 'workflow_dispatch' && inputs.command == 'check')
    runs-on: ubuntu-latest
    timeout-minutes: 30
    permissions:
      contents: read
    steps:
      - name: Check out
        uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          persist-credentials: false

      - name: Restore the state database
        uses: actions/cache/restore@5a3ec84eff668545956fd18022155c47e93e2684 # v4.2.3
        with:
          path: .curator
          key: curator-state-${{ github.run_id }}-${{ github.run_attempt }}
          restore-keys: curator-state-

      - name: Check
        id: check
        # The markdown report becomes the job summary; exit 1 (findings at error severity) passes, 2 and
        # above fail the step after the summary is written.
        uses: @ACTION@
        with:
          command: check
          token: ${{ secrets.GITHUB_TOKEN }}

      - name: Save the state database
        if: always() && hashFiles('.curator/state.db') != ''
        uses: actions/cache/save@5a3ec84eff668545956fd18022155c47e93e2684 # v4.2.3
        with:
          path: .curator
          key: curator-state-${{ github.run_id }}-${{ github.run_attempt }}

  pr:
    name: the rolling pull request
    if: github.event.schedule == '17 6 * * 1' || (github.event_name == 'workflow_dispatch' && inputs.command == 'pr')
    runs-on: ubuntu-latest
    timeout-minutes: 30
    # The only job that writes: commits to its own branch (contents), the pull request, and the list-health
    # issue.
    permissions:
      contents: write
      issues: write
      pull-requests: write
    steps:
      - name: Check out
        uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          persist-credentials: false

      - name: Restore the state database
        uses: actions/cache/restore@5a3ec84eff668545956fd18022155c47e93e2684 # v4.2.3
        with:
          path: .curator
          key: curator-state-${{ github.run_id }}-${{ github.run_attempt }}
          restore-keys: curator-state-

      - name: Is a GitHub App configured?
        id: has-app
        # Secrets cannot be tested in `if:`; the step says whether the App's id is set, never its value.
        env:
          APP_ID: ${{ secrets.CURATOR_APP_ID }}
        run: |
          if [ -n "$APP_ID" ]; then echo "configured=true" >> "$GITHUB_OUTPUT"; fi

      - name: GitHub App token (optional)
        id: app
        if: steps.has-app.outputs.configured == 'true'
        uses: actions/create-github-app-token@bcd2ba49218906704ab6c1aa796996da409d3eb1 # v3.2.0
        with:
          app-id: ${{ secrets.CURATOR_APP_ID }}
          private-key: ${{ secrets.CURATOR_APP_PRIVATE_KEY }}

      - name: Pull request
        id: check
        # Exit 0 whenever the run completed; 2 and above (permissions, settings, no network, a bug) fail
        # the step, after which the state database is still saved.
        uses: @ACTION@
        with:
          command: pr
          # The App's token when there is one (its pull requests trigger CI), else the workflow's own.
          token: ${{ steps.app.outputs.token || secrets.GITHUB_TOKEN }}

      - name: Save the state database
        if: always() && hashFiles('.curator/state.db') != ''
        uses: actions/cache/save@5a3ec84eff668545956fd18022155c47e93e2684 # v4.2.3
        with:
          path: .curator
          key: curator-state-${{ github.run_id }}-${{ github.run_attempt }}
"""

_CONTRIBUTOR_WORKFLOW = """\
# A contributor's pull request: curator's offline rules on the whole list, and the network checks (links,
# repositories) of only the entries the pull request adds or changes, as annotations on its files.
# Safe for pull requests from forks: the `pull_request` event gives them a read-only token and no secrets;
# this workflow asks for nothing more, keeps no credentials in the checkout and saves nothing.
name: contributor check

on:
  pull_request:

permissions:
  contents: read

concurrency:
  group: contributor-${{ github.event.pull_request.number }}
  # A newer push to the pull request makes the older check moot.
  cancel-in-progress: true

jobs:
  check:
    name: check the changed entries
    runs-on: ubuntu-latest
    timeout-minutes: 20
    permissions:
      contents: read
    steps:
      - name: Check out
        uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          persist-credentials: false
          # The whole history: --changed-since reads the catalog at the base commit.
          fetch-depth: 0

      - name: Restore the state database
        uses: actions/cache/restore@5a3ec84eff668545956fd18022155c47e93e2684 # v4.2.3
        with:
          path: .curator
          key: curator-state-${{ github.run_id }}-${{ github.run_attempt }}
          restore-keys: curator-state-

      - name: Check the changed entries
        # Findings are annotations on the pull request's files. Exit 1 (error findings) passes; 2 and above
        # (invalid catalog or configuration, a bug) fail.
        uses: @ACTION@
        with:
          command: check
          format: github
          changed-since: ${{ github.event.pull_request.base.sha }}
"""


def bot_workflow(action: str) -> str:
    """`.github/workflows/curator.yml` running the action `action` (`OWNER/NAME@REF`)."""
    return _BOT_WORKFLOW.replace("@ACTION@", action)


def contributor_workflow(action: str) -> str:
    """`.github/workflows/contributor.yml` running the action `action` (`OWNER/NAME@REF`)."""
    return _CONTRIBUTOR_WORKFLOW.replace("@ACTION@", action)
