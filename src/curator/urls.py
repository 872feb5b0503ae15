"""URL helpers shared by the rules and the probes: normalisation, GitHub repository names, scheme typos."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
# Query parameters that only track where a click came from; they never change the target.
TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|ref_src|_hsenc|_hsmi|yclid)$", re.I
)
GITHUB_HOSTS = {"github.com", "www.github.com"}
# GitHub paths under github.com/<first>/ that are not repositories.
GITHUB_RESERVED_OWNERS = {
    "about", "apps", "collections", "contact", "customer-stories", "enterprise", "events", "explore",
    "features", "login", "marketplace", "new", "notifications", "orgs", "pricing", "pulls", "search",
    "settings", "site", "sponsors", "topics", "trending", "issues", "join", "readme", "security", "team",
}
_OWNER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
_REPO = re.compile(r"^[A-Za-z0-9._-]{1,100}$")


@dataclass(frozen=True, slots=True)
class GithubRepo:
    owner: str
    name: str
    subpath: str  # "" or "/tree/main/docs" etc., as written

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    @property
    def key(self) -> str:
        """GitHub compares owner and repository names case-insensitively."""
        return self.full_name.lower()

    @property
    def url(self) -> str:
        return f"https://github.com/{self.full_name}{self.subpath}"


def github_repo(url: str) -> GithubRepo | None:
    """`github.com/{owner}/{repo}[/sub/path]` → GithubRepo; anything else → None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or (parts.hostname or "").lower() not in GITHUB_HOSTS:
        return None
    segments = parts.path.split("/")
    if len(segments) < 3:
        return None
    owner, name = segments[1], segments[2]
    if name.endswith(".git"):
        name = name[: -len(".git")]
    if owner.lower() in GITHUB_RESERVED_OWNERS or not _OWNER.match(owner) or not _REPO.match(name):
        return None
    if name in {".", ".."}:
        return None
    rest = "/".join(segments[3:])
    subpath = f"/{rest}" if rest else ""
    if subpath == "/":
        subpath = ""
    return GithubRepo(owner=owner, name=name, subpath=subpath)


def normalize(url: str) -> str:
    """A comparison key for "same target": scheme, host case, www., default port, trailing slash, .git,
    fragment and tracking parameters do not matter; GitHub owner/repo compare case-insensitively.
    Malformed URLs normalise to their stripped text, so they still compare equal to themselves."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    if not parts.scheme or not parts.netloc:
        return text
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    scheme = parts.scheme.lower()
    if scheme == "http":
        scheme = "https"  # the same document is served on both nearly everywhere
    netloc = host if port is None or port in DEFAULT_PORTS.values() else f"{host}:{port}"
    path = parts.path or "/"
    if path.endswith(".git"):
        path = path[: -len(".git")]
    path = path.rstrip("/") or "/"
    query = urlencode(sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)
    ))
    repo = github_repo(text)
    if repo is not None:
        path = "/" + repo.key + (repo.subpath.rstrip("/") if repo.subpath else "")
    return urlunsplit((scheme, netloc, path, query, ""))


def host_of(url: str) -> str | None:
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.lower() if host else None
