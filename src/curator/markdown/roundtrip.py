"""What an import would lose: the original markdown against the file import writes (rendered tables).

Counted as multisets, so a link that appears twice must appear twice after: `[label](url)` pairs, URLs
(link destinations, bare URLs, `www.` and `mailto:` forms), HTML tags, emoji and words. Table whitespace,
delimiter rows and curator's markers are not content: they add nothing that is counted as lost.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from curator.markdown.links import find_links

_URL = re.compile(r"(?:https?://|www\.|mailto:)[^\s<>()\[\]|`'\"\\]+", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>\n]*)?/?>")
_WORD = re.compile(r"\w+")


def _emoji(text: str) -> Counter[str]:
    return Counter(ch for ch in text if ord(ch) >= 0x2190 and unicodedata.category(ch) == "So")


@dataclass(frozen=True)
class Loss:
    """What the original has more of than the result, per kind."""

    links: Counter[tuple[str, str]]
    urls: Counter[str]
    tags: Counter[str]
    emoji: Counter[str]
    words: Counter[str]

    @property
    def total(self) -> int:
        return sum(sum(c.values()) for c in (self.links, self.urls, self.tags, self.emoji, self.words))

    def counts(self) -> dict[str, int]:
        return {
            "labels": sum(self.links.values()),
            "urls": sum(self.urls.values()),
            "tags": sum(self.tags.values()),
            "emoji": sum(self.emoji.values()),
            "words": sum(self.words.values()),
        }

    def lines(self, limit: int = 5) -> list[str]:
        """One line per kind that lost anything, with the first few items."""
        out: list[str] = []
        kinds: list[tuple[str, Counter[str]]] = [
            ("links", Counter({f"[{label}]({url})": n for (label, url), n in self.links.items()})),
            ("URLs", self.urls),
            ("HTML tags", self.tags),
            ("emoji", self.emoji),
            ("words", self.words),
        ]
        for kind, counter in kinds:
            if counter:
                shown = ", ".join(repr(k) for k in list(counter)[:limit])
                more = "" if len(counter) <= limit else f" and {len(counter) - limit} more"
                out.append(f"lost {sum(counter.values())} {kind}: {shown}{more}")
        return out


def _inventory(text: str) -> tuple[Counter[tuple[str, str]], Counter[str], Counter[str], Counter[str], Counter[str]]:
    links = Counter((link.label, link.url) for link in find_links(text))
    urls = Counter(match.group(0).rstrip(".,;:!?") for match in _URL.finditer(text))
    tags = Counter(match.group(0) for match in _TAG.finditer(text) if not match.group(0).startswith("<!--"))
    # Words of the text itself: URLs and tags are counted above, and their parts are not words.
    prose = _TAG.sub(" ", _URL.sub(" ", text))
    return links, urls, tags, _emoji(text), Counter(_WORD.findall(prose))


def measure_loss(original: str, result: str) -> Loss:
    """What `result` lacks of `original` (both with "\\n" line endings or both as read)."""
    b, a = _inventory(original), _inventory(result)
    return Loss(links=b[0] - a[0], urls=b[1] - a[1], tags=b[2] - a[2], emoji=b[3] - a[3], words=b[4] - a[4])
