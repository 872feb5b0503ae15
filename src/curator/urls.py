"""URL helpers shared by the rules and the probes: normalisation, GitHub repository names, scheme typos."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
# Query parameters that only track where a click came from; they never change the target.
TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|ref_src|_hsenc|_hsmi|yclid)$", re.I
)
GITHUB_HOSTS = {"github.com", "www.github.com"}
# GitHub paths under github.com/<first>/ that are not repositories.
GITHUB_RESERVED_OWNERS = {
    "about",
    "apps",
    "collections",
    "contact",
    "customer-stories",
    "enterprise",
    "events",
    "explore",
    "features",
    "login",
    "marketplace",
    "new",
    "notifications",
    "orgs",
    "pricing",
    "pulls",
    "search",
    "settings",
    "site",
    "sponsors",
    "topics",
    "trending",
    "issues",
    "join",
    "readme",
    "security",
    "team",
}
_OWNER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
_REPO = re.compile(r"^[A-Za-z0-9._-]{1,100}$")

# Schemes that are real but are not web pages: reported, never "fixed" into http(s).
NON_WEB_SCHEMES = frozenset(
    {
        "about",
        "blob",
        "chrome",
        "data",
        "file",
        "ftp",
        "ftps",
        "git",
        "irc",
        "javascript",
        "mailto",
        "news",
        "sftp",
        "smb",
        "ssh",
        "tel",
        "vbscript",
        "ws",
        "wss",
    }
)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_LETTERS_THEN_SLASHES = re.compile(r"^([A-Za-z]{2,8})(/{1,3})(.*)$", re.S)
_DOMAIN_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_BARE_DOMAIN = re.compile(rf"^(?:{_DOMAIN_LABEL}\.)+([A-Za-z]{{2,63}})\.?(?::(\d{{1,5}}))?(?:[/?#].*)?$", re.S)
_HOST_LABEL = re.compile(r"^\w(?:[\w-]*\w)?$")
# Characters no address should contain: C0 controls, DEL, C1 controls and the bidirectional controls that
# can make an address read differently from what it is.
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Code points a host name may not contain (WHATWG's forbidden domain code points, plus the few that urlsplit
# leaves in a host and no server name has).
_FORBIDDEN_HOST = re.compile(r"[\x00-\x20\x7f-\x9f\"#%/:<>?@\[\\\]^`{|}\u202a-\u202e\u2066-\u2069]")
# Label separators that IDNA maps to "." (ideographic, full-width and half-width full stops).
_DOT_LIKE = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
_DECIMAL = re.compile(r"[0-9]+")  # ASCII only: str.isdigit also accepts "²" and "٣"
_HEX = re.compile(r"0[xX][0-9A-Fa-f]*")
_OCTAL = re.compile(r"0[0-7]+")
# "readme.md", "index.html": file names, not domains without a scheme.
_FILE_SUFFIXES = frozenset(
    {
        "md",
        "txt",
        "html",
        "htm",
        "pdf",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "yaml",
        "yml",
        "json",
        "py",
        "ipynb",
        "csv",
        "zip",
        "gz",
        "tar",
        "rst",
        "toml",
        "cfg",
        "ini",
        "js",
        "ts",
        "css",
        "xml",
    }
)


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


@lru_cache(maxsize=65536)  # pure, and every rule asks again for the same URLs
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


@lru_cache(maxsize=65536)  # pure, and every rule asks again for the same URLs
def normalize(url: str) -> str:
    """A comparison key for "same target": scheme, host case, www., default port, trailing slash, .git,
    fragment and tracking parameters do not matter; GitHub owner/repo compare case-insensitively.
    Malformed URLs normalise to their stripped text, so they still compare equal to themselves.
    Idempotent: normalize(normalize(u)) == normalize(u)."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    if not parts.scheme or not parts.netloc:
        return text
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        return text
    while host.startswith("www.") and "." in host[4:]:
        host = host[4:]
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address keeps its brackets
    scheme = parts.scheme.lower()
    if scheme == "http":
        scheme = "https"  # the same document is served on both nearly everywhere
    netloc = host if port is None or port in DEFAULT_PORTS.values() else f"{host}:{port}"
    path = parts.path or "/"
    while True:
        trimmed = path.rstrip("/")
        trimmed = trimmed.removesuffix(".git")
        if trimmed == path:
            break
        path = trimmed
    path = path or "/"
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k))
    )
    repo = github_repo(urlunsplit((scheme, netloc, path, "", "")))
    if repo is not None:
        path = "/" + repo.key + repo.subpath
    return urlunsplit((scheme, netloc, path, query, ""))


def host_of(url: str) -> str | None:
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.lower() if host else None


@lru_cache(maxsize=65536)  # pure, and the link checker asks for every request and redirect hop
def canonical_host(host: str) -> str | None:
    """The one spelling of a host that browsers and servers treat as the same host; None when it is not a
    valid host.

    Lower case; compatibility forms folded (NFKC: full-width `１２７．０．０．１` is `127.0.0.1`); IDNA
    labels in their ASCII form (`bücher` → `xn--bcher-kva`); the trailing dot of a fully qualified name
    removed; an IPv4 address in its dotted-quad form, however it is written (`127.1`, `0x7f.0.0.1`,
    `2130706433`, `0177.0.0.1`, as the WHATWG URL standard reads them); an IPv6 address compressed,
    without brackets. Curator keys per-host limits, connection pools and `links.hosts` by it.
    """
    text = host
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
        if ":" not in text:
            return None
    if ":" in text:
        if "%" in text:  # a zone id ("%eth0") names an interface of this machine: no host of a web address
            return None
        try:
            return ipaddress.IPv6Address(text).compressed
        except ValueError:
            return None
    text = unicodedata.normalize("NFKC", text).translate(_DOT_LIKE).lower()
    text = text.removesuffix(".")
    if not text or _FORBIDDEN_HOST.search(text):
        return None
    labels = text.split(".")
    if "" in labels:
        return None
    if _DECIMAL.fullmatch(labels[-1]) or _HEX.fullmatch(labels[-1]):
        return _ipv4(labels)  # a name ending in a number is an IPv4 address or nothing
    if not text.isascii():
        ascii_labels = _idna_labels(labels)
        if ascii_labels is None:
            return None
        labels = ascii_labels
        text = ".".join(labels)
    if len(text) > 253 or any(len(label) > 63 for label in labels):
        return None
    return text


def _ipv4(labels: list[str]) -> str | None:
    """Labels of an IPv4 address in any form the WHATWG URL standard accepts → dotted quad; else None."""
    if len(labels) > 4:
        return None
    numbers: list[int] = []
    for label in labels:
        if _HEX.fullmatch(label):
            numbers.append(int(label[2:] or "0", 16))
        elif _OCTAL.fullmatch(label):
            numbers.append(int(label, 8))
        elif _DECIMAL.fullmatch(label):
            numbers.append(int(label))
        else:
            return None
    *leading, last = numbers
    if any(n > 255 for n in leading) or last >= 256 ** (4 - len(leading)):
        return None
    value = last
    for i, n in enumerate(leading):
        value += n << (8 * (3 - i))
    return str(ipaddress.IPv4Address(value))


def _idna_labels(labels: list[str]) -> list[str] | None:
    """Non-ASCII labels in their IDNA (UTS #46, non-transitional, as browsers) ASCII form; None if invalid.

    ASCII labels are kept as they are: the IDNA rules would refuse the underscores real host names have."""
    import idna  # installed with httpx; only needed for the rare non-ASCII host

    out: list[str] = []
    for label in labels:
        if label.isascii():
            out.append(label)
            continue
        try:
            mapped = idna.uts46_remap(label, std3_rules=False, transitional=False)
            out.extend(idna.alabel(part).decode("ascii") for part in mapped.split("."))
        except (idna.IDNAError, UnicodeError, ValueError):
            return None
    return out


def edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


@dataclass(frozen=True, slots=True)
class UrlProblem:
    """Why a catalog URL is not an absolute http(s) URL, and the corrected URL when it is certain."""

    message: str  # what is wrong, e.g. "the scheme 'hhttps' is a typo of 'https'"
    advice: str  # what to do when there is no fix
    fix: str | None = None


@lru_cache(maxsize=65536)  # pure, and every rule asks again for the same URLs
def check_url(url: str) -> UrlProblem | None:
    """None for an absolute http(s) URL with a host (and a valid port); otherwise what is wrong with it.

    A fix is offered only when it is certain: a scheme typo (`hhttps://`, `htps://`, `http//`, `https:/`),
    a bare domain (`example.com/x`), a protocol-relative `//host/x`, a doubled scheme, surrounding spaces;
    and only when the corrected URL has a dotted host and passes this check itself."""
    stripped = url.strip()
    if not stripped:
        return UrlProblem("it is empty", "write the page's full address, starting with https://")
    control = _CONTROL_CHARS.search(stripped)
    if control is not None:
        return UrlProblem(
            f"it contains the invisible control character U+{ord(control.group()):04X}",
            "remove it (retype the address if unsure where it is)",
        )
    if any(ch.isspace() for ch in stripped):
        return UrlProblem(
            "it contains a space",
            "remove the space, or write it as %20 if the address really contains one",
        )
    if stripped != url:
        inner = _check(stripped)
        if inner is not None:
            return inner
        return UrlProblem("it starts or ends with spaces", "remove the spaces", stripped)
    return _check(stripped)


def _check(text: str) -> UrlProblem | None:
    domain = _BARE_DOMAIN.match(text)
    if domain and domain.group(1).lower() not in _FILE_SUFFIXES:
        return _problem(
            "it has no scheme, so it would render as a relative link",
            "start it with https://",
            f"https://{text}",
        )
    scheme_match = _SCHEME.match(text)
    if scheme_match:
        written = scheme_match.group(1)
        scheme = written.lower()
        after = text[scheme_match.end() :]
        if scheme in DEFAULT_PORTS:
            if after.startswith("//") and not after.startswith("///"):
                return _check_authority(text, scheme, after[2:])
            return _problem(
                f"'{written}:' must be followed by exactly two slashes",
                f"write it as {scheme}://host/path",
                f"{scheme}://{after.lstrip('/')}",
            )
        if scheme in NON_WEB_SCHEMES:
            return UrlProblem(
                f"'{written}:' is not a web address; only http(s) links can be rendered and checked",
                "replace it with the http(s) address of the page, or remove the link",
            )
        typo = scheme_typo(scheme)
        if typo is not None:
            return _problem(
                f"the scheme '{written}' is a typo of '{typo}'",
                f"write it as {typo}://host/path",
                f"{typo}://{after.lstrip('/')}",
            )
        return UrlProblem(
            f"the scheme '{written}:' is not http or https",
            "replace it with the http(s) address of the page",
        )
    slashes = _LETTERS_THEN_SLASHES.match(text)
    if slashes:
        letters = slashes.group(1).lower()
        typo = letters if letters in DEFAULT_PORTS else scheme_typo(letters)
        if typo is not None:
            what = (
                f"the ':' after '{slashes.group(1)}' is missing"
                if letters in DEFAULT_PORTS
                else (f"the scheme '{slashes.group(1)}' is a typo of '{typo}' and lacks its ':'")
            )
            return _problem(what, f"write it as {typo}://host/path", f"{typo}://{slashes.group(3).lstrip('/')}")
    if text.startswith("//"):
        return _problem(
            "it has no scheme (a protocol-relative address)",
            "start it with https://",
            f"https:{text}",
        )
    return UrlProblem(
        "it is not an absolute URL (no http:// or https:// and host)",
        "write the page's full address, starting with https://",
    )


def _check_authority(text: str, scheme: str, rest: str) -> UrlProblem | None:
    try:
        parts = urlsplit(text)
    except ValueError:  # an invalid bracketed (IPv6) host
        return UrlProblem("the host is not a valid host name", "correct the host name")
    netloc = parts.netloc
    if not netloc or not (parts.hostname or ""):
        return UrlProblem("it has no host", "write the full address, https://host/path")
    host = parts.hostname or ""
    if host in DEFAULT_PORTS and netloc.lower().endswith(":") and rest[len(netloc) :].startswith("//"):
        return _problem(
            "the scheme is written twice",
            "remove the first scheme",
            rest,
        )
    try:
        port = parts.port
    except ValueError:
        port_text = netloc.rsplit(":", 1)[-1]
        return UrlProblem(f"the port '{port_text}' is not a number from 1 to 65535", _PORT_ADVICE)
    if port == 0:
        return UrlProblem("the port '0' is not a number from 1 to 65535", _PORT_ADVICE)
    if not _valid_host(host) or canonical_host(host) is None:  # the latter as browsers and the checker read it
        return UrlProblem(f"the host '{host}' is not a valid host name", "correct the host name")
    return None


_PORT_ADVICE = "correct the port, or remove it to use the default"


def _valid_host(host: str) -> bool:
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    labels = host.removesuffix(".").split(".")
    return all(_HOST_LABEL.match(label) for label in labels)


def _problem(message: str, advice: str, candidate: str) -> UrlProblem:
    """A problem whose fix is `candidate`, if the candidate is a good URL with a dotted host."""
    fix = candidate if check_url(candidate) is None and "." in (host_of(candidate) or "") else None
    return UrlProblem(message, advice, fix)


def scheme_typo(scheme: str) -> str | None:
    """'hhttps' → 'https', 'htp' → 'http', 'ttps' → 'https'; None for anything that is not a typo of them."""
    word = scheme.lower()
    if word in DEFAULT_PORTS or len(word) < 3 or not set(word) <= set("htpsx"):
        return None
    to_http, to_https = edit_distance(word, "http"), edit_distance(word, "https")
    if min(to_http, to_https) > 2:
        return None
    if to_https < to_http or (to_https == to_http and "s" in word):
        return "https"
    return "http"
