"""Rules about the URLs as written: malformed ones and entries without a link."""

from __future__ import annotations

from collections.abc import Iterator

from curator.catalog.occurrences import LinkOccurrence, link_occurrences
from curator.facts import LinkState
from curator.findings import Finding, Fix, FixReason, Severity
from curator.rules.base import RuleContext, entry_finding, rule

# A corrected URL in one of these states after the network phase is not a safe fix: it does not work.
_NOT_WORKING = frozenset(
    {LinkState.DEAD, LinkState.ERROR, LinkState.UNREACHABLE, LinkState.TLS_ERROR, LinkState.REFUSED}
)


@rule("malformed-url", Severity.ERROR)
def malformed_url(ctx: RuleContext) -> Iterator[Finding]:
    """A URL that is not an absolute http(s) URL.

    Checks each entry's `url` and every `links[].url`: a typo in the scheme (`hhttps://`, `htps://`,
    `http//`, `https:/`), a bare domain without a scheme (`example.com/x`), a space inside, a scheme that is
    not a web page (`javascript:`, `file:`, `data:`, `ftp:`, `mailto:`), no host, an invalid port or host.
    Such a link renders as a broken or relative link and cannot be checked.

    Fix: correct the URL. When the correction is certain the finding carries a fix. `curator fix` applies
    a mistyped scheme (`hhttps://` → `https://`) and surrounding spaces, even offline — unless the network
    ran, the corrected URL was checked and it failed. A missing scheme (`example.com/x`, `//host/x`) is
    only suggested: whether the site serves `https` is a guess. Silence it with an `ignore` entry in
    curator.yaml only if the link is intentionally not a web address.
    """
    for occurrence in link_occurrences(ctx.catalog):
        problem = occurrence.problem
        if problem is None:
            continue
        if problem.fix is not None:
            fix = typo_fix(ctx, occurrence, problem.fix)
            action = f"change it to {problem.fix!r}" + (" (`curator fix` applies it)" if fix.safe else "")
        else:
            action = problem.advice
            fix = None
        yield entry_finding(
            "malformed-url",
            occurrence.source,
            occurrence.index,
            occurrence.entry,
            f"{occurrence.described} {occurrence.url!r} of {occurrence.entry.name!r} is malformed: "
            f"{problem.message}; {action}",
            field_path=occurrence.field_path,
            url=occurrence.url,
            fix=fix,
        )


def typo_fix(ctx: RuleContext, occurrence: LinkOccurrence, corrected: str) -> Fix:
    """The fix of a malformed URL with its evidence. Safe when the scheme was written and mistyped (or the
    URL only has surrounding spaces) and the network, if it ran, did not find the corrected URL failing."""
    written = occurrence.url
    stripped = written.strip()
    scheme, _, rest = corrected.partition("://")
    if corrected == stripped:
        what, certain = "surrounding spaces removed", True
    elif stripped in (rest, "//" + rest):
        what, certain = f"no scheme → {scheme}://, a guess", False
    else:
        prefix = stripped[: len(stripped) - len(rest)] if stripped.endswith(rest) else stripped
        bare = prefix.rstrip(":/")
        what = f"{bare} → {scheme}" if bare.lower() != scheme else f"{prefix} → {scheme}://"
        certain = True
    evidence = f"{what}, certain offline" if certain else what
    result = ctx.facts.links.get(corrected) if not ctx.offline else None
    if result is not None:
        if result.state in _NOT_WORKING:
            evidence = f"{what}; but {corrected} fails ({result.detail or result.state.value})"
            certain = False
        else:
            evidence += f"; {corrected} answers {result.status or result.state.value}"
    return Fix(occurrence.field, written, corrected, FixReason.SCHEME_TYPO, evidence, certain)


@rule("missing-link", Severity.WARNING)
def missing_link(ctx: RuleContext) -> Iterator[Finding]:
    """An entry without a main `url`.

    The rendered row has no link to follow and there is nothing to check. When the entry has extra
    `links`, the first of them may be the one that belongs in `url`.

    Fix: add the project's `url` (its repository or home page), or move the right extra link into `url`.
    Silence it with an `ignore` entry in curator.yaml for tables that deliberately carry no links.
    """
    for source, index, entry in ctx.catalog.entries():
        if entry.url is not None:
            continue
        if entry.links:
            first = entry.links[0]
            message = (
                f"{entry.name!r} has no main url; its first extra link {first.label!r} ({first.url}) "
                f"could be the main one — move it to 'url' if it is the project's own page, or add the url"
            )
        else:
            message = (
                f"{entry.name!r} has no url, so its row links nowhere and nothing can be checked — "
                f"add the project's repository or home page as 'url'"
            )
        yield entry_finding("missing-link", source, index, entry, message, field_path=())
