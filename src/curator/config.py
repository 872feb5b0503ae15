"""curator.yaml: validated like the catalog (unknown keys rejected), every default written here once."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from curator.errors import ConfigError
from curator.places import display_path, dotted

CONFIG_FILE = "curator.yaml"

SeverityName = Literal["error", "warning", "info", "off"]

# defer_build: a model's validator is built when first used, not at import (the link checker uses two of
# the eleven; building them all cost about 0.1 s of every start)
_STRICT = ConfigDict(extra="forbid", frozen=True, defer_build=True)

# Link-checker defaults, in one place (docs/configuration.md documents each).
DEFAULT_CONCURRENCY = 128
DEFAULT_HOST_CONCURRENCY = 8
DEFAULT_HOST_INTERVAL = 0.0
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_REQUEST_TIMEOUT = 20.0
DEFAULT_MAX_REDIRECTS = 10
DEFAULT_RETRIES = 3
DEFAULT_RETRY_AFTER_CAP = 60.0
DEFAULT_MAX_BYTES = 64 * 1024
DEFAULT_HOST_BUDGET = 120.0
DEFAULT_RUN_BUDGET = 900.0
DEFAULT_FAILURE_RUNS = 3
DEFAULT_FAILURE_DAYS = 5.0
DEFAULT_CACHE_MAX_AGE_HOURS = 24.0
DEFAULT_RETENTION_DAYS = 180.0
DEFAULT_RETENTION_RUNS = 20
DEFAULT_STATE_PATH = ".curator/state.db"
DEFAULT_STALE_DAYS = 365
DEFAULT_GITHUB_API = "https://api.github.com"
DEFAULT_MAX_RATE_LIMIT_WAIT = 900.0
DEFAULT_MAX_FAILING_SHARE = 0.2
DEFAULT_WRITE_INTERVAL = 1.0
DEFAULT_BOT_BRANCH = "curator/maintenance"
DEFAULT_BOT_LABEL = "curator: edited"
DEFAULT_CHECK_SCHEDULE = "0 6 * * *"  # daily, UTC
DEFAULT_PR_SCHEDULE = "17 6 * * 1"  # Mondays, UTC, after that day's check


class RuleSettings(BaseModel):
    model_config = _STRICT
    severity: SeverityName | None = Field(default=None, description="override the rule's default severity")


class Ignore(BaseModel):
    """Silence one rule for one entry (or for every entry, or one URL), with a reason a reviewer can read."""

    model_config = _STRICT
    rule: str
    entry: str | None = Field(default=None, description="'<file-stem>/<entry-id>'; '*' or absent: every entry")
    url: str | None = Field(default=None, description="only findings about this URL")
    reason: Annotated[str, Field(min_length=3)]


class HostSettings(BaseModel):
    model_config = _STRICT
    concurrency: int | None = Field(default=None, ge=1, le=1024)
    interval: float | None = Field(default=None, ge=0, description="seconds between requests to the host")
    headers: dict[str, str] = Field(default_factory=dict)
    accept: list[int] = Field(default_factory=list, description="extra status codes that count as ok")
    budget: float | None = Field(default=None, gt=0, description="seconds this host may take in all")


class LinkSettings(BaseModel):
    model_config = _STRICT
    concurrency: int = Field(default=DEFAULT_CONCURRENCY, ge=1, le=4096)
    host_concurrency: int = Field(default=DEFAULT_HOST_CONCURRENCY, ge=1, le=1024)
    host_interval: float = Field(default=DEFAULT_HOST_INTERVAL, ge=0)
    connect_timeout: float = Field(default=DEFAULT_CONNECT_TIMEOUT, gt=0)
    timeout: float = Field(default=DEFAULT_REQUEST_TIMEOUT, gt=0)
    max_redirects: int = Field(default=DEFAULT_MAX_REDIRECTS, ge=0, le=50)
    retries: int = Field(default=DEFAULT_RETRIES, ge=0, le=10)
    retry_after_cap: float = Field(default=DEFAULT_RETRY_AFTER_CAP, ge=0)
    max_bytes: int = Field(default=DEFAULT_MAX_BYTES, ge=1024)
    host_budget: float = Field(default=DEFAULT_HOST_BUDGET, gt=0, description="seconds one host may take in all")
    run_budget: float = Field(default=DEFAULT_RUN_BUDGET, gt=0, description="seconds the link check may take")
    user_agent: str | None = Field(default=None, description="default: curator/<version> (+<project URL>)")
    allow_private_hosts: bool = False
    hosts: dict[str, HostSettings] = Field(default_factory=dict, description="per-host overrides by host name")
    exclude: list[str] = Field(default_factory=list, description="regular expressions of URLs never requested")

    @field_validator("hosts")
    @classmethod
    def _host_names(cls, hosts: dict[str, HostSettings]) -> dict[str, HostSettings]:
        from curator.urls import canonical_host  # late: only a configuration with `hosts` needs it

        for key in hosts:
            name = key[2:] if key.startswith("*.") else key
            if canonical_host(name) is None:
                raise ValueError(f"{key!r} is not a host name or address (nor *.domain)")
        return hosts


class HistorySettings(BaseModel):
    model_config = _STRICT
    state: str = DEFAULT_STATE_PATH
    failure_runs: int = Field(default=DEFAULT_FAILURE_RUNS, ge=1)
    failure_days: float = Field(default=DEFAULT_FAILURE_DAYS, ge=0)
    cache_max_age_hours: float = Field(default=DEFAULT_CACHE_MAX_AGE_HOURS, ge=0)
    retention_days: float = Field(
        default=DEFAULT_RETENTION_DAYS, ge=0, description="finished runs younger than this are kept"
    )
    retention_runs: int = Field(
        default=DEFAULT_RETENTION_RUNS, ge=1, description="the last this many finished runs are kept, however old"
    )


class GithubSettings(BaseModel):
    model_config = _STRICT
    api_url: str = DEFAULT_GITHUB_API
    stale_days: int = Field(default=DEFAULT_STALE_DAYS, ge=1)
    max_rate_limit_wait: float = Field(default=DEFAULT_MAX_RATE_LIMIT_WAIT, ge=0)
    batch_size: int = Field(default=100, ge=1, le=100)
    write_interval: float = Field(
        default=DEFAULT_WRITE_INTERVAL, ge=0, description="seconds between write requests (secondary rate limits)"
    )
    repository: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", description="OWNER/NAME for `curator pr`"
    )


MetricColumn = Literal["stars", "activity", "archived"]


class RenderSettings(BaseModel):
    model_config = _STRICT
    metrics: dict[str, list[MetricColumn]] = Field(
        default_factory=dict, description="per catalog file stem: repository metric columns to add"
    )


class FixSettings(BaseModel):
    model_config = _STRICT
    max_failing_share: float = Field(
        default=DEFAULT_MAX_FAILING_SHARE,
        ge=0,
        le=1,
        description="above this share of links failing at once, `curator fix` applies only offline-certain fixes",
    )


class BotSettings(BaseModel):
    model_config = _STRICT
    branch: str = Field(default=DEFAULT_BOT_BRANCH, min_length=1, description="the branch of `curator pr`")
    label: str = Field(
        default=DEFAULT_BOT_LABEL, min_length=1, description="the label `curator pr` adds when a person takes over"
    )


class ScheduleSettings(BaseModel):
    """When `curator serve` runs each job: crontab expressions, read in UTC; null leaves the job out."""

    model_config = _STRICT
    check: str | None = Field(default=DEFAULT_CHECK_SCHEDULE, description="the check, recorded in the history")
    pr: str | None = Field(default=DEFAULT_PR_SCHEDULE, description="the rolling pull request")

    @field_validator("check", "pr")
    @classmethod
    def _crontab(cls, value: str | None) -> str | None:
        if value is not None:
            from curator.crontab import parse_crontab  # raises ValueError: reported at the value's line

            parse_crontab(value)
        return value


class Config(BaseModel):
    model_config = _STRICT
    catalog: str = "catalog"
    readme: str = "README.md"
    rules: dict[str, RuleSettings] = Field(default_factory=dict)
    ignore: list[Ignore] = Field(default_factory=list)
    links: LinkSettings = Field(default_factory=LinkSettings)
    history: HistorySettings = Field(default_factory=HistorySettings)
    github: GithubSettings = Field(default_factory=GithubSettings)
    render: RenderSettings = Field(default_factory=RenderSettings)
    fix: FixSettings = Field(default_factory=FixSettings)
    bot: BotSettings = Field(default_factory=BotSettings)
    issue: bool = Field(
        default=True, description="keep the list-health issue (what needs a person); false: no issue request at all"
    )
    schedule: ScheduleSettings = Field(
        default_factory=ScheduleSettings, description="when `curator serve` runs each job (crontab, UTC; null: never)"
    )


@dataclass(frozen=True)
class ProjectPaths:
    catalog: Path
    readme: Path
    state: Path


def resolve_paths(
    config: Config,
    config_path: Path | None,
    *,
    catalog: Path | None = None,
    readme: Path | None = None,
    state: Path | None = None,
) -> ProjectPaths:
    """Paths from the command line win; paths from curator.yaml are relative to that file (or to the
    working directory when there is none)."""
    base = config_path.parent if config_path is not None else Path.cwd()
    return ProjectPaths(
        catalog=catalog or base / config.catalog,
        readme=readme or base / config.readme,
        state=state or base / config.history.state,
    )


def load_config(
    path: Path | None, *, base: Path | None = None, known_rules: Collection[str] = ()
) -> tuple[Config, Path | None]:
    """Load `path`, or `curator.yaml` in `base` (the working directory) if it exists, or the defaults.

    `known_rules` are the rule ids a rule setting or an ignore may name (the caller passes the registry:
    this module sits below the rules and cannot import them)."""
    if path is None:
        path = (base or Path.cwd()) / CONFIG_FILE
        if not path.exists():
            return Config(), None
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{shown}: configuration file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{shown}: cannot read: {exc}") from None
    from curator.yamlpos import YamlLoadError, load_yaml  # late: PyYAML only when a file is read

    try:
        data, positions = load_yaml(text)
    except YamlLoadError as exc:
        raise ConfigError("\n".join(f"{shown}:{p.line}:{p.column}: {p.message}" for p in exc.problems)) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{shown}:1:1: expected a mapping of settings")
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            if err["type"] == "extra_forbidden":
                line, col = positions.at(loc, key=True)
                lines.append(f"{shown}:{line}:{col}: {dotted(loc)}: unknown key {loc[-1]!r}")
            else:
                line, col = positions.at(loc)
                msg = str(err["msg"]).removeprefix("Value error, ")
                lines.append(f"{shown}:{line}:{col}: {dotted(loc)}: {msg}")
        raise ConfigError("\n".join(lines)) from None
    unknown = _unknown_rules(config, known_rules) if known_rules else []
    if unknown:
        raise ConfigError(
            "\n".join(
                f"{shown}:{line}:{col}: {where}: {msg}"
                for where, (line, col), msg in (
                    (dotted(loc), positions.at(loc, key=isinstance(loc[-1], str)), msg) for loc, msg in unknown
                )
            )
        )
    return config, path


def _unknown_rules(config: Config, rules: Collection[str]) -> list[tuple[tuple[str | int, ...], str]]:
    known = f"`curator rules` lists them: {', '.join(sorted(rules))}"
    out: list[tuple[tuple[str | int, ...], str]] = []
    for name in config.rules:
        if name not in rules:
            out.append((("rules", name), f"unknown rule {name!r} ({known})"))
    for i, ignore in enumerate(config.ignore):
        if ignore.rule not in rules and ignore.rule != "*":
            out.append((("ignore", i, "rule"), f"unknown rule {ignore.rule!r} ({known})"))
    return out
