"""The GitHub probe's pure half: the batched GraphQL query, and reading API payloads into RepoMeta.

No I/O here. `REPO_QUERY` is the one-repository form of the query and is what `graphql-check` validates
against GitHub's schema; `build_query(n)` repeats its aliased `repository` field n times and nothing else
(a test holds `build_query(1)` equal to `REPO_QUERY`).

Also pure, for the probe: `Scrubber`, which keeps a token out of anything the API sent back before it
reaches a message, and the checks of the numbers in rate-limit headers.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote, quote_plus

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


# --- what of an answer may reach a message -----------------------------------------------------------------

EXCERPT_CHARS = 200  # of an API's own words in a message: enough to recognise, too little to dump a page
_TOKEN_SHAPES = re.compile(r"\b(?:gh[opusr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})")
_MIN_SCRUBBED = 8  # a token this short is a test's placeholder; scrubbing its letters would garble text


class Scrubber:
    """Removes a token from text the API sent back, in the forms a server could echo it: as sent, in
    another letter case, URL-encoded, and base64 (of the token alone, of `x-access-token:TOKEN`, or of any
    longer text that contains it — the encoding's middle does not depend on what surrounds the token), and
    anything shaped like a GitHub token at all. Never shows its token (repr included)."""

    def __init__(self, token: str | None) -> None:
        forms: set[str] = set()
        if token and len(token) >= _MIN_SCRUBBED:
            raw = token.encode()
            forms |= {token, quote(token, safe=""), quote_plus(token)}
            for text in (raw, b"x-access-token:" + raw):
                for encode in (base64.b64encode, base64.urlsafe_b64encode):
                    encoded = encode(text).decode()
                    forms |= {encoded, encoded.rstrip("=")}
            forms |= {core for core in _base64_cores(raw) if len(core) >= _MIN_SCRUBBED}
        self._exact = token if token and len(token) < _MIN_SCRUBBED else None
        alternatives = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
        self._pattern = re.compile(alternatives, re.IGNORECASE) if alternatives else None

    def __repr__(self) -> str:
        return "<Scrubber>"

    def __call__(self, text: str) -> str:
        if self._exact:
            text = text.replace(self._exact, "***")
        if self._pattern is not None:
            text = self._pattern.sub("***", text)
        return _TOKEN_SHAPES.sub("***", text)

    def excerpt(self, text: str, limit: int = EXCERPT_CHARS) -> str:
        """Outside text fit for a message: scrubbed (first, so no cut can leave half a token), control and
        other unprintable characters escaped, and cut to `limit` characters."""
        shown = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in self(text))
        shown = " ".join(shown.split())
        return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _base64_cores(raw: bytes) -> set[str]:
    """For each of the three byte alignments the token can have inside a longer text, the base64 characters
    that encode only the token's own bytes."""
    cores = set()
    for pad in range(3):
        encoded = base64.b64encode(b"\0" * pad + raw).decode().rstrip("=")
        start = 4 if pad else 0  # the first group mixes in bytes before the token
        whole = (pad + len(raw)) // 3 * 4  # characters of complete groups
        cores.add(encoded[start:whole])
    return cores


# --- numbers in headers ------------------------------------------------------------------------------------

MAX_COUNT = 10**9  # no budget is bigger: a larger remaining or limit is a broken answer
LATEST_EPOCH = 253_402_300_799  # 9999-12-31T23:59:59Z, the last instant a datetime can hold


def header_number(name: str, value: str | None, *, maximum: float) -> float | None:
    """A number header (`x-ratelimit-*`, `retry-after` in seconds): None when absent; ValueError when it is
    not a finite number between 0 and `maximum` ("inf", "nan", "-1", "1e400" and text all are)."""
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        raise ValueError(f"{name} is not a number") from None
    if not math.isfinite(number) or number < 0 or number > maximum:
        raise ValueError(f"{name} is not a number between 0 and {maximum:g}")
    return number


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """`retry-after` as seconds from `now`: a number of seconds, or an HTTP date (RFC 9110). ValueError for
    anything else."""
    if value is None:
        return None
    try:
        return header_number("retry-after", value, maximum=MAX_COUNT)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        raise ValueError("retry-after is neither a number of seconds nor an HTTP date") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)
