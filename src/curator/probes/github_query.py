"""The GitHub probe's pure half: the batched GraphQL query, and reading API payloads into RepoMeta.

No I/O here. `REPO_QUERY` is the one-repository form of the query and is what `graphql-check` validates
against GitHub's schema; `build_query(n)` repeats its aliased `repository` field n times and nothing else
(a test holds `build_query(1)` equal to `REPO_QUERY`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from curator.facts import RepoMeta

REPO_QUERY = """
query Repositories($o0: String!, $n0: String!) {
  rateLimit {
    cost
    remaining
    resetAt
  }
  r0: repository(owner: $o0, name: $n0) {
    ...RepoFields
  }
}

fragment RepoFields on Repository {
  nameWithOwner
  stargazerCount
  forkCount
  pushedAt
  defaultBranchRef {
    target {
      ... on Commit {
        committedDate
      }
    }
  }
  isArchived
  isDisabled
  isFork
  licenseInfo {
    spdxId
  }
  description
  homepageUrl
  latestRelease {
    publishedAt
  }
}
"""

_FRAGMENT = REPO_QUERY[REPO_QUERY.index("fragment RepoFields") :]
_RATE_LIMIT = "  rateLimit {\n    cost\n    remaining\n    resetAt\n  }\n"


def alias(index: int) -> str:
    return f"r{index}"


def build_query(count: int) -> str:
    """The query for `count` repositories: aliases r0..r{count-1}, owner/name passed as variables."""
    if count < 1:
        raise ValueError("a query needs at least one repository")
    params = ", ".join(f"$o{i}: String!, $n{i}: String!" for i in range(count))
    fields = "".join(
        f"  {alias(i)}: repository(owner: $o{i}, name: $n{i}) {{\n    ...RepoFields\n  }}\n" for i in range(count)
    )
    return f"\nquery Repositories({params}) {{\n{_RATE_LIMIT}{fields}}}\n\n{_FRAGMENT}"


def query_variables(names: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Variables for `build_query(len(names))` from (owner, name) pairs."""
    out: dict[str, str] = {}
    for i, (owner, name) in enumerate(names):
        out[f"o{i}"] = owner
        out[f"n{i}"] = name
    return out


def parse_datetime(value: object) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected a timestamp, got {type(value).__name__}")
    return datetime.fromisoformat(value)


def _get(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...], *, optional: bool = False) -> Any:
    value = data.get(key)
    if value is None and optional:
        return None
    if isinstance(value, bool) and kind is int:
        raise ValueError(f"{key}: expected a number")
    if not isinstance(value, kind):
        raise ValueError(f"{key}: unexpected {type(value).__name__}")
    return value


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: object) -> str | None:
    """Empty descriptions and homepages are absent ones."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__}")
    return value.strip() or None


def repo_from_graphql(requested: str, data: Mapping[str, Any], fetched_at: datetime | None) -> RepoMeta:
    """A `RepoFields` object → RepoMeta. Raises ValueError on a payload of the wrong shape."""
    target = _mapping(_mapping(data.get("defaultBranchRef")).get("target"))
    return RepoMeta(
        requested=requested,
        name_with_owner=_get(data, "nameWithOwner", str),
        stars=_get(data, "stargazerCount", int),
        forks=_get(data, "forkCount", int),
        pushed_at=parse_datetime(data.get("pushedAt")),
        last_commit_at=parse_datetime(target.get("committedDate")),
        archived=_get(data, "isArchived", bool),
        disabled=_get(data, "isDisabled", bool),
        is_fork=_get(data, "isFork", bool),
        license=_text(_mapping(data.get("licenseInfo")).get("spdxId")),
        description=_text(data.get("description")),
        homepage=_text(data.get("homepageUrl")),
        latest_release_at=parse_datetime(_mapping(data.get("latestRelease")).get("publishedAt")),
        fetched_at=fetched_at,
    )


def repo_from_rest(requested: str, data: Mapping[str, Any], fetched_at: datetime | None) -> RepoMeta:
    """A REST `GET /repos/{owner}/{repo}` body → RepoMeta.

    REST has no last-commit date in this response and no latest release: the last commit is left to the
    last push (`pushed_at`), and the latest release stays unknown (None) rather than costing another call.
    """
    pushed = parse_datetime(data.get("pushed_at"))
    return RepoMeta(
        requested=requested,
        name_with_owner=_get(data, "full_name", str),
        stars=_get(data, "stargazers_count", int),
        forks=_get(data, "forks_count", int),
        pushed_at=pushed,
        last_commit_at=pushed,
        archived=bool(_get(data, "archived", bool, optional=True)),
        disabled=bool(_get(data, "disabled", bool, optional=True)),
        is_fork=bool(_get(data, "fork", bool, optional=True)),
        license=_text(_mapping(data.get("license")).get("spdx_id")),
        description=_text(data.get("description")),
        homepage=_text(data.get("homepage")),
        latest_release_at=None,
        fetched_at=fetched_at,
    )
