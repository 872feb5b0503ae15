"""Word matching for the wrong-link rule: does a link's target (a GitHub owner/repository, or a domain and
path) name an entry, and does a text (a repository description, a page title) mention it?

Names and targets are cut into words the same way: lower-cased, split at anything that is not a letter or
digit (so "-", ".", "_" and spaces are alike), and additionally at camelCase and letter/digit boundaries
("ColossalAI" → colossal, ai; "GPT4All" → gpt, 4, all). Stop words ("the", "llm", "ai", "model", ...) never
count as evidence on their own. Matching is deliberately generous — a false "does not match" is what turns
into a finding — and accepts a name run together ("Colossal-AI" ↔ "ColossalAI"), a word contained in a
longer one ("Trainer" ↔ "trainer", "Colossal" ↔ "colossalai"), initials ("Text Generation Inference" ↔
"tgi") and a one-letter slip in a long word ("Lighting" ↔ "lightning").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from curator.urls import edit_distance, github_repo

# Words that say nothing about which project a name or an address is.
STOP_WORDS = frozenset(
    {
        "a",
        "about",
        "all",
        "an",
        "and",
        "are",
        "as",
        "at",
        "by",
        "does",
        "for",
        "from",
        "how",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "the",
        "to",
        "using",
        "via",
        "what",
        "why",
        "with",
        "you",
        "your",
        "ai",
        "api",
        "apis",
        "framework",
        "inc",
        "lab",
        "labs",
        "language",
        "large",
        "library",
        "llm",
        "llms",
        "lm",
        "ml",
        "model",
        "models",
        "official",
        "open",
        "org",
        "project",
        "projects",
        "sdk",
        "source",
        "tool",
        "tools",
        "toolkit",
    }
)
# Words too common in this field to identify a project by themselves ("ColossalChat" is not FastChat).
WEAK_WORDS = frozenset(
    {
        "app",
        "bot",
        "chat",
        "chatbot",
        "data",
        "deep",
        "gpt",
        "learning",
        "net",
        "neural",
        "nlp",
        "server",
        "train",
        "training",
        "transformer",
        "transformers",
    }
)
# Parts of an address that never name a project.
ADDRESS_NOISE = frozenset(
    {
        "blob",
        "blog",
        "co",
        "com",
        "dev",
        "doc",
        "docs",
        "edu",
        "en",
        "github",
        "gitlab",
        "html",
        "htm",
        "index",
        "io",
        "latest",
        "main",
        "master",
        "net",
        "org",
        "page",
        "pages",
        "readthedocs",
        "stable",
        "tree",
        "watch",
        "wiki",
        "www",
        "youtube",
        "playlist",
        "php",
        "md",
        "pdf",
    }
)
# Labels of extra links that describe the kind of link rather than naming something.
GENERIC_LABELS = frozenset(
    {
        "code",
        "colab",
        "demo",
        "doc",
        "docs",
        "documentation",
        "github",
        "home",
        "homepage",
        "link",
        "notebook",
        "paper",
        "pdf",
        "post",
        "repo",
        "repository",
        "site",
        "slides",
        "source",
        "video",
        "website",
        "blog",
    }
)
# More core words than this and a name reads as a sentence (a course or tutorial title), not a project.
PROJECT_NAME_MAX_WORDS = 3

_SPLIT = re.compile(r"[\W_]+")
_PIECES = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+|[^\W\d_]+")


def chunks(text: str) -> list[str]:
    """Lower-cased words split at anything that is not a letter or digit."""
    return [w.lower() for w in _SPLIT.split(text) if w]


def pieces(text: str) -> list[str]:
    """Words also split at camelCase and letter/digit boundaries: "BMTrain" → bm, train."""
    out: list[str] = []
    for word in _SPLIT.split(text):
        out.extend(p.lower() for p in _PIECES.findall(word))
    return out


def _significant(word: str) -> bool:
    if word in STOP_WORDS:
        return False
    if len(word) >= 3:
        return True
    return len(word) == 2 and any(c.isdigit() for c in word) and any(c.isalpha() for c in word)


@dataclass(frozen=True)
class Name:
    """An entry name (or an extra link's label) cut into words."""

    text: str
    chunks: tuple[str, ...]
    core: tuple[str, ...]  # significant words, chunks first, then camelCase pieces
    compact: str  # every chunk run together: "Colossal-AI" → "colossalai"

    @classmethod
    def of(cls, text: str) -> Name:
        words = chunks(text)
        core: list[str] = []
        for word in [*words, *pieces(text)]:
            if _significant(word) and word not in core:
                core.append(word)
        return cls(text=text, chunks=tuple(words), core=tuple(core), compact="".join(words))

    @property
    def core_chunks(self) -> tuple[str, ...]:
        return tuple(w for w in self.chunks if _significant(w))

    @property
    def is_project_like(self) -> bool:
        """A short name ("Text Generation Inference"), not a sentence ("Pure Rust implementation of...")."""
        return 0 < len(self.core_chunks) <= PROJECT_NAME_MAX_WORDS


def is_generic_label(label: str) -> bool:
    """'🔗', 'Code', 'Paper': a label saying what kind of link it is, not what it links to."""
    words = [w for w in chunks(label) if w not in STOP_WORDS]
    return all(w in GENERIC_LABELS for w in words)


@dataclass(frozen=True)
class Target:
    """What a URL points to, as words: a GitHub owner/repository or a host and path."""

    url: str
    shown: str  # "github.com/owner/repo" or "host/path", for messages
    is_github: bool
    tokens: frozenset[str]  # words and camelCase pieces of every part
    segments: tuple[str, ...]  # each part run together: "baize-chatbot" → "baizechatbot"

    @property
    def kind(self) -> str:
        return "repository" if self.is_github else "address"


@lru_cache(maxsize=65536)  # pure; several rules ask for the same URL
def link_target(url: str) -> Target:
    repo = github_repo(url)
    parts: list[str]
    if repo is not None:
        shown = f"github.com/{repo.full_name}"
        parts = [repo.owner, repo.name, *(unquote(p) for p in repo.subpath.split("/") if p)]
    else:
        split = urlsplit(url.strip())
        host = (split.hostname or "").lower()
        shown = host + split.path.rstrip("/")
        labels = host.split(".")
        parts = [*labels[:-1], *(unquote(p) for p in split.path.split("/") if p)]
    tokens: set[str] = set()
    segments: list[str] = []
    for part in parts:
        words = [w for w in chunks(part) if w not in ADDRESS_NOISE]
        tokens.update(words)
        tokens.update(p for p in pieces(part) if p not in ADDRESS_NOISE)
        compact = "".join(words)
        if compact and compact not in ADDRESS_NOISE:
            segments.append(compact)
    return Target(url=url, shown=shown, is_github=repo is not None, tokens=frozenset(tokens), segments=tuple(segments))


def _similar(word: str, other: str) -> bool:
    """A slip of a letter or two in a long word: "lighting" ~ "lightning"."""
    if min(len(word), len(other)) < 5 or abs(len(word) - len(other)) > 2:
        return False
    return edit_distance(word, other) <= (1 if min(len(word), len(other)) < 8 else 2)


def _token_hits(word: str, target: Target) -> bool:
    if word in target.tokens:
        return True
    if len(word) >= 4 and any(word in segment for segment in target.segments):
        return True
    return any(_similar(word, token) for token in target.tokens)


def name_matches(text: str, target: Target) -> bool:
    """Whether the name `text` plausibly names what `target` points to."""
    name = Name.of(text)
    if not name.core:
        return False
    compact = name.compact
    for segment in target.segments:
        if compact == segment or (len(compact) >= 4 and compact in segment):
            return True
        if len(segment) >= 4 and segment not in STOP_WORDS and segment in compact:
            return True
        if _similar(compact, segment):
            return True
    hits = [word for word in name.core if _token_hits(word, target)]
    if hits:
        strong = [w for w in hits if w not in WEAK_WORDS]
        return bool(strong) or all(w in WEAK_WORDS for w in name.core)
    initials = "".join(w[0] for w in name.core_chunks)
    return len(initials) >= 3 and initials in target.tokens


def mentions(text: str, haystack: str) -> bool:
    """Whether the prose `haystack` (a description, a page title) mentions the name `text`."""
    name = Name.of(text)
    if not name.core:
        return False
    words = chunks(haystack)
    tokens = set(words) | set(pieces(haystack))
    runs = {"".join(words[i : i + n]) for n in range(1, 5) for i in range(len(words) - n + 1)}
    if name.compact in runs:
        return True
    wanted = name.core_chunks or name.core
    return all(w in tokens or w in runs or any(_similar(w, t) for t in tokens) for w in wanted)
