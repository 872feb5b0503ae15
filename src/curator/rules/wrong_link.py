"""The wrong-link rule: a link that points to a different project than the entry names."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from curator.catalog.occurrences import LinkOccurrence, link_occurrences
from curator.facts import Facts, LinkResult, RepoMeta
from curator.findings import Finding, Severity
from curator.rules.base import RuleContext, entry_finding, rule
from curator.rules.names import Name, Target, is_generic_label, link_target, mentions, name_matches
from curator.urls import check_url, github_repo, normalize

_QUOTE_MAX = 90


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= _QUOTE_MAX else text[: _QUOTE_MAX - 1] + "…")


def _join(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + f" and {items[-1]}"


def _specific_labels(occurrence: LinkOccurrence) -> list[str]:
    """Labels of the entry's extra links that name something ('LLaMA.cpp'), not a kind of link ('Code')."""
    return [link.label for link in occurrence.entry.links if not is_generic_label(link.label)]


def vocabulary(occurrence: LinkOccurrence) -> list[str]:
    """The names a link may rightly match: the entry's name, plus the extra links' labels for the main url
    ("names neither 'LLaMA' nor anything in its extra links") or the link's own label for an extra link."""
    names = [occurrence.entry.name]
    if occurrence.link is None:
        names.extend(_specific_labels(occurrence))
    elif occurrence.label is not None and not is_generic_label(occurrence.label):
        names.insert(0, occurrence.label)
    return names


@dataclass(frozen=True)
class _Case:
    """One link whose target does not name its entry, and what the rest of the catalog says about it."""

    occurrence: LinkOccurrence
    target: Target
    names: list[str]  # the vocabulary the link failed to match
    owners: list[LinkOccurrence]  # other entries with the same target whose names match it
    supporting: list[str]  # labels of the entry's other links that do name the entry (main url only)
    project_like: bool  # a project name, not a course or tutorial title

    @property
    def entry(self) -> str:
        return self.occurrence.entry.name

    @property
    def subject(self) -> str:
        o = self.occurrence
        return o.entry.name if o.link is None else f"{o.entry.name}'s link {o.label!r} ({o.field})"

    @property
    def names_clause(self) -> str:
        o = self.occurrence
        if o.link is None:
            labels = _specific_labels(o)
            if not labels:
                return f"does not name {self.entry!r}"
            clause = f"names neither {self.entry!r} nor anything in its extra links ({', '.join(labels)})"
            if self.supporting == labels:
                clause += f", while those extra links do point to {self.entry!r} projects"
            elif self.supporting:
                supporting = _join(self.supporting)
                clause += f", while its extra links {supporting} do point to {self.entry!r} projects"
            return clause
        if len(self.names) > 1:
            return f"names neither {self.names[0]!r} nor {self.entry!r}"
        return f"does not name {self.entry!r}"

    def owners_clause(self) -> str:
        shown = []
        for owner in self.owners:
            text = f"{owner.entry_key} ({owner.entry.name!r}"
            if owner.link is not None:
                text += f", as its link {owner.label!r}"
            shown.append(text + ")")
        return ("entry " if len(shown) == 1 else "entries ") + _join(shown)


@rule("wrong-link", Severity.ERROR)
def wrong_link(ctx: RuleContext) -> Iterator[Finding]:
    """A link that points to a different project than the entry names.

    Offline, the link's target — a GitHub owner/repository, or a domain and path — is compared with the
    entry's name (and, for the main url, the labels of its extra links). Words are compared loosely: case,
    camelCase, "-", "." and "_" do not matter, stop words ("the", "llm", "ai", "model") are ignored, and
    run-together names, prefixes, initials and one-letter slips match ("Colossal-AI" ↔ ColossalAI,
    "Lighting" ↔ lightning).

    - error: another entry whose name matches the target links to the same URL — the classic copy-paste
      slip (Koala → project-baize/baize-chatbot, which is Baize's repository). The message names that
      entry. A warning instead when the entry's name is a sentence (a course or tutorial title).
    - warning: a GitHub link that does not name the entry while the entry's extra links do.
    - info: a GitHub link that does not name the entry (Vicuna → lm-sys/FastChat): often right, since a
      project may live in a bigger or renamed repository. Course and tutorial titles (more than three
      words) and links to other sites are not judged offline: their addresses rarely repeat their titles.

    With network facts (`curator check` without `--offline`), the repository's description, homepage and
    current name and the page's title are read too: if one of them mentions the entry, there is no finding
    (except against the decisive evidence above: a description mentioning "LLaMA" does not make Dalai's
    repository LLaMA's); if none does, a GitHub link is raised to an error and another site's link is
    reported as info.

    Fix: point the entry at its own repository or page. If the link is right (a renamed project, a model
    released in its lab's repository), silence the finding for that entry with an `ignore` entry in
    curator.yaml (`rule: wrong-link`, `entry: <file>/<id>`, `reason: ...`).
    """
    occurrences = [o for o in link_occurrences(ctx.catalog) if o.usable_url is not None]
    by_key: dict[str, list[LinkOccurrence]] = defaultdict(list)
    for occurrence in occurrences:
        by_key[occurrence.key].append(occurrence)
    facts = None if ctx.offline else ctx.facts
    titles = _titles_by_key(facts) if facts is not None else {}
    for occurrence in occurrences:
        case = _case(occurrence, by_key)
        if case is None:
            continue
        finding = _judge(case, facts, titles)
        if finding is not None:
            yield finding


def _case(occurrence: LinkOccurrence, by_key: dict[str, list[LinkOccurrence]]) -> _Case | None:
    url = occurrence.usable_url
    assert url is not None
    target = link_target(url)
    names = vocabulary(occurrence)
    if any(name_matches(name, target) for name in names):
        return None
    owners = [
        other
        for other in by_key[occurrence.key]
        if other.entry_key != occurrence.entry_key and any(name_matches(n, target) for n in vocabulary(other))
    ]
    supporting: list[str] = []
    if occurrence.link is None:
        for extra in occurrence.entry.links:
            problem = check_url(extra.url)
            extra_url = extra.url if problem is None else problem.fix
            if extra_url is None or normalize(extra_url) == occurrence.key or is_generic_label(extra.label):
                continue
            if name_matches(occurrence.entry.name, link_target(extra_url)):
                supporting.append(extra.label)
        project_like = Name.of(occurrence.entry.name).is_project_like
    else:
        project_like = any(Name.of(name).is_project_like for name in names)
    return _Case(occurrence, target, names, owners, supporting, project_like)


def _finding(case: _Case, message: str, severity: Severity) -> Finding:
    o = case.occurrence
    return entry_finding(
        "wrong-link",
        o.source,
        o.index,
        o.entry,
        message,
        field_path=o.field_path,
        url=o.url,
        severity=severity,
    )


def _judge(case: _Case, facts: Facts | None, titles: dict[str, LinkResult]) -> Finding | None:
    evidence = _Evidence.gather(case, facts, titles) if facts is not None else None
    kind = case.target.kind
    if case.owners:
        if evidence is not None and evidence.renamed_to_entry:
            return None
        verb = "matches" if len(case.owners) == 1 else "match"
        message = (
            f"{case.subject} links to {case.target.shown}, which {case.names_clause}; {case.owners_clause()} "
            f"{verb} that {kind} — point {case.entry} at its own {kind}"
        )
        if evidence is not None and evidence.mentioned:
            message += (
                f" (the {kind}'s {evidence.mentioned[0]} mentions {case.entry!r}, but it is named after "
                f"{case.owners[0].entry.name!r})"
            )
        return _finding(case, message, Severity.ERROR if case.project_like else Severity.WARNING)
    if not case.project_like:
        return None
    if evidence is not None:
        if evidence.mentioned or evidence.renamed_to_entry:
            return None
        if evidence.checked:
            what = " nor ".join(evidence.checked)
            if case.target.is_github:
                return _finding(
                    case,
                    f"{case.subject} links to {case.target.shown}, and neither that repository's name "
                    f"nor {what} mentions {case.entry!r} — point {case.entry} at its own repository "
                    f"(if the project was renamed, rename the entry too)",
                    Severity.ERROR,
                )
            return _finding(
                case,
                f"{case.subject} links to {case.target.shown}, and neither the address nor {what} mentions "
                f"{case.entry!r} — check that this is {case.entry}'s page",
                Severity.INFO,
            )
    if not case.target.is_github:
        return None
    if case.supporting:
        return _finding(
            case,
            f"{case.subject} links to {case.target.shown}, which {case.names_clause} — check that the "
            f"main url is {case.entry}'s own repository",
            Severity.WARNING,
        )
    return _finding(
        case,
        f"{case.subject} links to {case.target.shown}, which {case.names_clause}; that is often right (a "
        f"project inside a bigger or renamed repository), so check that it is {case.entry}'s repository — "
        f"the network check compares {case.entry!r} with the repository's description and page title",
        Severity.INFO,
    )


@dataclass(frozen=True)
class _Evidence:
    """What the network facts say about one link."""

    mentioned: list[str]  # "description", "page title": texts that mention the entry
    checked: list[str]  # the texts that were read, for the message
    renamed_to_entry: bool  # the repository's current name, or its homepage, names the entry

    @classmethod
    def gather(cls, case: _Case, facts: Facts, titles: dict[str, LinkResult]) -> _Evidence:
        url = case.occurrence.usable_url or case.occurrence.url
        texts: list[tuple[str, str]] = []  # (what, text), in the order the message lists them
        checked: list[str] = []
        renamed = False
        repo = github_repo(url)
        meta: RepoMeta | None = facts.repos.get(repo.key) if repo is not None else None
        if repo is not None and meta is not None and not meta.missing:
            canonical = meta.name_with_owner
            if canonical and canonical.lower() != repo.key:
                current = link_target(f"https://github.com/{canonical}")
                renamed = any(name_matches(n, current) for n in case.names)
            if meta.description:
                texts.append(("description", meta.description))
                checked.append(f"its description ({_quote(meta.description)})")
            if meta.homepage and check_url(meta.homepage) is None:
                checked.append(f"its homepage ({meta.homepage})")
                renamed = renamed or any(name_matches(n, link_target(meta.homepage)) for n in case.names)
        result = facts.links.get(case.occurrence.url) or facts.links.get(url) or titles.get(normalize(url))
        if result is not None and result.title:
            texts.append(("page title", result.title))
            checked.append(f"the page title ({_quote(result.title)})")
        mentioned = [what for what, text in texts if any(mentions(n, text) for n in case.names)]
        return cls(mentioned=mentioned, checked=checked, renamed_to_entry=renamed)


def _titles_by_key(facts: Facts) -> dict[str, LinkResult]:
    """Link results by normalised URL, for URLs the probes wrote differently from the catalog."""
    out: dict[str, LinkResult] = {}
    for url, result in facts.links.items():
        out.setdefault(normalize(url), result)
    return out
