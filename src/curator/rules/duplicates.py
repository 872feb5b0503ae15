"""Rules about repetition: the same link target in several entries, the same name twice in one table."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import TypeVar

from curator.catalog.load import CatalogSource
from curator.catalog.occurrences import LinkOccurrence, link_occurrences
from curator.findings import Finding, Severity
from curator.rules.base import RuleContext, entry_finding, rule

T = TypeVar("T")


def _who(occurrence: LinkOccurrence) -> str:
    """ "research-llms/baize ('Baize')", naming the extra link when it is not the main url."""
    who = f"{occurrence.entry_key} ({occurrence.entry.name!r})"
    if occurrence.link is not None:
        who += f" in its link {occurrence.label!r}"
    return who


def _join(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + f" and {items[-1]}"


def _place(occurrence: LinkOccurrence) -> str:
    return f"{occurrence.source.display}:{occurrence.source.line_of(occurrence.index, *occurrence.field_path)}"


# A group of up to this many other members is named in full. A larger one names its first member (not
# counting the entry itself) with its place and counts the rest: naming everyone in everyone's finding
# made a group of n entries cost n² names (3,000 copies of one URL: minutes and gigabytes).
NAMED_IN_FULL = 3


def _others(members: Sequence[T], position: int, who: Callable[[T], str], place: Callable[[T], str]) -> str:
    """The members of a group other than `members[position]`, as a finding names them; O(1) for big groups."""
    count = len(members) - 1
    if count <= NAMED_IN_FULL:
        return _join([who(m) for i, m in enumerate(members) if i != position])
    first = members[1] if position == 0 else members[0]
    return f"{who(first)} at {place(first)} and {count - 1} other entries"


@rule("duplicate-url", Severity.WARNING)
def duplicate_url(ctx: RuleContext) -> Iterator[Finding]:
    """Two or more entries link to the same target, or one entry links to the same target twice.

    URLs are compared after normalisation: the scheme (http/https), host case, a leading `www.`, the
    default port, a trailing slash, a `.git` suffix, the `#fragment` and tracking parameters (`utm_*`,
    `fbclid`, ...) do not matter, and GitHub owner/repository names compare case-insensitively. Every
    entry's main `url` and extra `links` take part, across all catalog files. A repeated link is usually a
    copy-paste slip that leaves one entry pointing at another project (see also `wrong-link`), or the same
    resource listed twice.

    One finding per entry involved, naming the others; in a group of more than four entries, the first
    of the others with its file and line, and how many more there are. Fix: point each entry at its own
    resource, or remove the duplicate entry or link. When two entries rightly share a link (a model and
    the repository that hosts it), silence it with an `ignore` entry in curator.yaml for one of them. A
    shared link that is only mentioned in a description (`column: description`) is reported as info.
    """
    groups: dict[str, list[LinkOccurrence]] = defaultdict(list)
    for occurrence in link_occurrences(ctx.catalog):
        groups[occurrence.key].append(occurrence)
    for occurrences in groups.values():
        if len(occurrences) < 2:
            continue
        by_entry: dict[str, list[LinkOccurrence]] = defaultdict(list)
        for occurrence in occurrences:
            by_entry[occurrence.entry_key].append(occurrence)
        owners = list(by_entry.values())
        firsts = [own[0] for own in owners]  # each entry's first occurrence, in catalog order
        for position, own in enumerate(owners):
            first = own[0]
            if len(owners) > 1:
                mention = all(o.link is not None and o.entry.links[o.link].column == "description" for o in own)
                yield entry_finding(
                    "duplicate-url",
                    first.source,
                    first.index,
                    first.entry,
                    f"{first.described} of {first.entry.name!r} ({first.url}) has the same target as "
                    f"{_others(firsts, position, _who, _place)} — point each entry at its own resource, "
                    f"or remove the duplicate entry",
                    field_path=first.field_path,
                    url=first.url,
                    severity=Severity.INFO if mention else None,
                )
            for repeat in own[1:]:
                yield entry_finding(
                    "duplicate-url",
                    repeat.source,
                    repeat.index,
                    repeat.entry,
                    f"{repeat.described} of {repeat.entry.name!r} ({repeat.url}) is the same target as its "
                    f"{'main url' if first.link is None else first.described} — remove the repeated link",
                    field_path=repeat.field_path,
                    url=repeat.url,
                )


_SPACE = re.compile(r"\s+")


def name_key(name: str) -> str:
    """Names compare case- and space-insensitively: "Colossal AI" is "colossalai"."""
    return _SPACE.sub("", name).casefold()


def _entry_who(source: CatalogSource, index: int) -> str:
    entry = source.model.entries[index]
    return f"{source.entry_key(entry)} ({entry.name!r})"


def _entry_place(source: CatalogSource, index: int) -> str:
    return f"{source.display}:{source.line_of(index, 'name')}"


@rule("duplicate-name", Severity.WARNING)
def duplicate_name(ctx: RuleContext) -> Iterator[Finding]:
    """The same entry name twice in one section (one catalog file), ignoring case and spaces.

    A table listing the same thing twice confuses readers and usually means one entry was added again
    under a new id. One finding per entry involved, naming the others (in a group of more than four, the
    first of them with its file and line, and how many more there are).

    Fix: merge the entries into one, or rename one of them if they really are different things. Silence
    it with an `ignore` entry in curator.yaml if the repetition is intended.
    """
    for source in ctx.catalog.sources:
        groups: dict[str, list[int]] = defaultdict(list)
        for index, entry in enumerate(source.model.entries):
            groups[name_key(entry.name)].append(index)
        for indexes in groups.values():
            if len(indexes) < 2:
                continue
            entries = source.model.entries
            who, place = partial(_entry_who, source), partial(_entry_place, source)
            for position, index in enumerate(indexes):
                entry = entries[index]
                yield entry_finding(
                    "duplicate-name",
                    source,
                    index,
                    entry,
                    f"the name {entry.name!r} is used again in section {source.model.section.title!r} by "
                    f"{_others(indexes, position, who, place)} — merge the entries, or rename one if they are "
                    "different things",
                    field_path=("name",),
                )
