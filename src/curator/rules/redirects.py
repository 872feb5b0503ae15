"""When a permanent redirect may be written into the catalog unreviewed (`redirected`'s safe fix).

A 301 proves the old address moved, not that the new one is the page: sites send retired pages to their
login form, their home page, or sell the domain to a parking service. The heuristics are deliberately
small — a missed safe fix costs a reviewer a minute, a wrong one puts a bad link in the list:

- every hop is 301 or 308 (a temporary hop is where the site sends visitors today, not the address);
- the final answer is a 2xx page (an `accept`ed 403 or 999 proves nothing about the page);
- not a login page: a path segment like `login`, `signin`, `sso`, or a title like "Sign in";
- not the site's home page (path `/`) when the original had a deeper path;
- not a parked domain on another host: a known parking host, or a title like "domain is for sale".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from curator.facts import LinkResult
from curator.urls import check_url, host_of

PERMANENT = frozenset({301, 308})

LOGIN_SEGMENTS = frozenset(
    {"login", "log-in", "logon", "signin", "sign-in", "sign_in", "sso", "auth", "authenticate", "session"}
)
_LOGIN_TITLE = re.compile(r"\b(sign[ -]?in|log[ -]?in|login)\b", re.I)
# Domain-parking and domain-sale services (hosts and their subdomains).
PARKING_HOSTS = frozenset(
    {"sedo.com", "sedoparking.com", "parkingcrew.net", "bodis.com", "dan.com", "afternic.com", "hugedomains.com"}
)
_PARKED_TITLE = re.compile(
    r"domain (name )?(is|may be) for sale|buy this domain|parked (free|domain)|domain parking", re.I
)


@dataclass(frozen=True, slots=True)
class RedirectVerdict:
    safe: bool
    evidence: str  # "301 → 301 → 200 'Page title'", with why not when it is not safe


def chain_text(result: LinkResult) -> str:
    """The hops and the final answer: "301 → 308 → 200 'Title'"."""
    parts = [str(hop.status) for hop in result.redirects]
    final = str(result.status) if result.status is not None else result.state.value
    if result.title:
        final += f" {result.title.strip()[:80]!r}"
    return " → ".join([*parts, final])


def judge_redirect(result: LinkResult, target: str) -> RedirectVerdict:
    """Whether writing `target` (the chain's final URL) in place of `result.url` is safe."""
    chain = chain_text(result)
    why = _unsafe_because(result, target)
    return RedirectVerdict(why is None, chain if why is None else f"{chain}; not applied: {why}")


def _unsafe_because(result: LinkResult, target: str) -> str | None:
    if not result.redirects or any(hop.status not in PERMANENT for hop in result.redirects):
        return "a temporary redirect in the chain"
    if result.status is None or not 200 <= result.status < 300:
        return "the final answer is not a 2xx page"
    if check_url(target) is not None or not target.isprintable():
        return "the new address is not a well-formed URL"
    if is_login_page(target, result.title):
        return "it ends on a login page"
    if is_home_page(result.url, target):
        return "it ends on the site's home page"
    if is_parked(result.url, target, result.title):
        return "it ends on a parked domain"
    return None


def is_login_page(url: str, title: str | None) -> bool:
    segments = {s.lower() for s in urlsplit(url).path.split("/") if s}
    return bool(segments & LOGIN_SEGMENTS) or bool(title and _LOGIN_TITLE.search(title))


def is_home_page(original: str, target: str) -> bool:
    """The target is a site's root while the original named a page deeper down."""
    return urlsplit(target).path in ("", "/") and urlsplit(original).path.strip("/") != ""


def is_parked(original: str, target: str, title: str | None) -> bool:
    """A different host that is a parking service, or whose page says the domain is for sale."""
    old, new = _site(host_of(original)), _site(host_of(target))
    if old == new:
        return False
    if any(new == host or new.endswith("." + host) for host in PARKING_HOSTS):
        return True
    return bool(title and _PARKED_TITLE.search(title))


def _site(host: str | None) -> str:
    host = (host or "").rstrip(".")
    return host[4:] if host.startswith("www.") else host
