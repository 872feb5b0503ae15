"""The one walk over a catalog's URLs: each entry's main `url` and every `links[i].url`, with where it is."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from curator.catalog.load import Catalog, CatalogSource
from curator.catalog.models import Entry
from curator.places import dotted
from curator.urls import UrlProblem, check_url, normalize


@dataclass(frozen=True)
class LinkOccurrence:
    """One URL of one entry: the main `url` (link is None) or `links[link].url`."""

    source: CatalogSource
    index: int
    entry: Entry
    link: int | None
    url: str  # as written

    @property
    def entry_key(self) -> str:
        return self.source.entry_key(self.entry)

    @property
    def field_path(self) -> tuple[str | int, ...]:
        return ("url",) if self.link is None else ("links", self.link, "url")

    @property
    def field(self) -> str:
        """The field as a `Fix` names it: "url" or "links[0].url"."""
        return dotted(self.field_path)

    @property
    def label(self) -> str | None:
        return None if self.link is None else self.entry.links[self.link].label

    @property
    def described(self) -> str:
        """How messages refer to this URL: "the url" or "link 'LLaMA.cpp' (links[0].url)"."""
        return "the url" if self.link is None else f"link {self.label!r} ({self.field})"

    @cached_property
    def problem(self) -> UrlProblem | None:
        return check_url(self.url)

    @property
    def usable_url(self) -> str | None:
        """The URL to reason about: as written, or its certain fix; None when it is malformed beyond that."""
        if self.problem is None:
            return self.url
        return self.problem.fix

    @cached_property
    def key(self) -> str:
        """The "same target" key: `normalize` of the usable URL (of the text itself when there is none)."""
        return normalize(self.usable_url or self.url)


def link_occurrences(catalog: Catalog) -> list[LinkOccurrence]:
    """Every URL in the catalog, in file and entry order."""
    out: list[LinkOccurrence] = []
    for source, index, entry in catalog.entries():
        if entry.url is not None:
            out.append(LinkOccurrence(source, index, entry, None, entry.url))
        for i, extra in enumerate(entry.links):
            out.append(LinkOccurrence(source, index, entry, i, extra.url))
    return out


def catalog_urls(catalog: Catalog, only: set[str] | None = None) -> dict[str, set[str]]:
    """Every URL of the catalog (main and extra links), as written, with the entry keys using it.
    With `only`, just the URLs of those entry keys."""
    out: dict[str, set[str]] = {}
    for occurrence in link_occurrences(catalog):
        key = occurrence.entry_key
        if only is None or key in only:
            out.setdefault(occurrence.url, set()).add(key)
    return out
