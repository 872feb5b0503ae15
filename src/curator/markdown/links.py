"""Inline markdown links as written: `[label](url)`, found in a cell's raw source.

URLs are kept exactly as written (markdown-it would normalise and percent-encode them); the catalog
stores the list's content as it is, typos included.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# label: text with backslash escapes and one level of nested brackets (a badge `[![alt](src)](url)`);
# destination: `<...>` or a run without spaces that may hold balanced parentheses; optional title.
LINK_RE = re.compile(
    r"""(?<![!\\])\[(?P<label>(?:\\.|[^\[\]\\\n]|\[(?:\\.|[^\[\]\\\n])*\])*)\]"""
    r"""\(\s*(?:<(?P<angle>[^<>\n]*)>|(?P<url>(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))*))"""
    r"""(?:\s+(?P<title>"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?\s*\)"""
)
BARE_URL_RE = re.compile(r"^<?(https?://[^\s<>]+)>?$")


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    title: str | None
    start: int
    end: int


def find_links(text: str) -> list[Link]:
    """Every `[label](url)` in `text`, in order. Images (`![alt](src)`) are not links."""
    out: list[Link] = []
    for match in LINK_RE.finditer(text):
        angle = match.group("angle")
        url = angle if angle is not None else match.group("url")
        title = match.group("title")
        out.append(Link(match.group("label"), url, title[1:-1] if title else None, match.start(), match.end()))
    return out


def split_links(text: str) -> list[str | Link]:
    """`text` as alternating pieces: plain text (str) and links; empty text pieces are left out."""
    pieces: list[str | Link] = []
    pos = 0
    for link in find_links(text):
        if link.start > pos:
            pieces.append(text[pos : link.start])
        pieces.append(link)
        pos = link.end
    if pos < len(text):
        pieces.append(text[pos:])
    return pieces


def only_links(text: str) -> bool:
    """True when `text` is one or more links separated by whitespace only."""
    pieces = split_links(text)
    return any(isinstance(p, Link) for p in pieces) and all(isinstance(p, Link) or not p.strip() for p in pieces)


def single_link(text: str) -> Link | None:
    """The link when `text` is exactly one link and nothing else."""
    pieces = split_links(text.strip())
    if len(pieces) == 1 and isinstance(pieces[0], Link):
        return pieces[0]
    return None


def format_link(label: str, url: str) -> str:
    """`[label](url)`; URLs that would not survive as a plain destination are written as `<url>`."""
    if _needs_angle(url):
        return f"[{label}](<{url}>)"
    return f"[{label}]({url})"


_ANGLE_NEEDED = re.compile(r"[\s<>]")


def _needs_angle(url: str) -> bool:
    if not url or _ANGLE_NEEDED.search(url):
        return True
    if "(" not in url and ")" not in url:
        return url.endswith("\\")  # the usual URL: no parentheses to balance
    depth = 0
    for ch in url:
        if ch == "(":
            depth += 1
            if depth > 1:
                return True
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return True
    return depth != 0 or url.endswith("\\")


_PLAIN_DROP = re.compile(r"[`*_~]|<[^>]*>")
_APOSTROPHES = re.compile(r"['’]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def plain_text(markdown: str) -> str:
    """A rough plain-text reading of inline markdown: link labels kept, emphasis and HTML tags dropped."""
    text = LINK_RE.sub(lambda m: m.group("label"), markdown)
    return _PLAIN_DROP.sub("", text)


def slugify(text: str, *, separator: str = "-", max_length: int = 60) -> str:
    """Lower-case ASCII letters and digits joined by `separator`; '' when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", plain_text(text)).encode("ascii", "ignore").decode("ascii")
    words = _NON_ALNUM.split(_APOSTROPHES.sub("", ascii_text.lower()))
    slug = ""
    for word in (w for w in words if w):
        candidate = f"{slug}{separator}{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    if not slug and words:
        slug = next((w for w in words if w), "")[:max_length]
    return slug
