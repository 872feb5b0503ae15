"""The bot's memory, kept in its own pull request body: a hidden HTML comment holding a small JSON document.

No database is needed to remember what a PR carried: the fingerprints of its changes (so a PR closed
without merging declines exactly those), the commits the bot wrote (so a commit by anyone else is seen
without asking GitHub who the bot is — `GITHUB_TOKEN` cannot read `/user`), the base it was built on,
a digest of the body's stable part (so an unchanged run writes nothing), and whether the bot has handed
the PR over to a person.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

MARKER_PREFIX = "<!-- curator:state "
MARKER_SUFFIX = " -->"
_MARKER = re.compile(r"<!-- curator:state (\{.*?\}) -->", re.S)
VERSION = 1


@dataclass(frozen=True)
class BotState:
    fingerprints: tuple[str, ...] = ()  # the changes this PR carries
    commits: tuple[str, ...] = ()  # SHAs the bot wrote on its branch, oldest first
    base: str | None = None  # the base commit the branch was built on
    digest: str | None = None  # of the body without its volatile parts
    handed_off: bool = False  # a person committed to the branch; the bot said so once and stopped
    declined: tuple[str, ...] = field(default_factory=tuple)  # fingerprints left out because declined

    def render(self) -> str:
        doc = {
            "v": VERSION,
            "fingerprints": list(self.fingerprints),
            "commits": list(self.commits),
            "base": self.base,
            "digest": self.digest,
            "handed_off": self.handed_off,
            "declined": list(self.declined),
        }
        # "--" cannot appear in the JSON of these values (hex digests and SHAs), so the comment cannot end early.
        return MARKER_PREFIX + json.dumps(doc, separators=(",", ":"), sort_keys=True) + MARKER_SUFFIX


def read_state(body: str | None) -> BotState | None:
    """The state in a PR body, or None when the body has none (not the bot's PR, or edited beyond use)."""
    if not body:
        return None
    match = _MARKER.search(body)
    if match is None:
        return None
    try:
        doc = json.loads(match.group(1))
    except ValueError:
        return None
    if not isinstance(doc, dict) or doc.get("v") != VERSION:
        return None

    def strings(key: str) -> tuple[str, ...]:
        value = doc.get(key)
        return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()

    base = doc.get("base")
    digest = doc.get("digest")
    return BotState(
        fingerprints=strings("fingerprints"),
        commits=strings("commits"),
        base=base if isinstance(base, str) else None,
        digest=digest if isinstance(digest, str) else None,
        handed_off=doc.get("handed_off") is True,
        declined=strings("declined"),
    )


def fingerprint(*parts: str) -> str:
    """A short, stable id of one change (a catalog fix, or the README's regenerated content)."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def replace_state(body: str, state: BotState) -> str:
    """`body` with its state replaced by `state` (appended when it has none): the rest is kept as it is."""
    match = _MARKER.search(body)
    if match is None:
        return body.rstrip("\n") + "\n\n" + state.render() + "\n"
    return body[: match.start()] + state.render() + body[match.end() :]
