"""Rules about the URLs as written: malformed ones and entries without a link."""

from __future__ import annotations

from collections.abc import Iterator

from curator.catalog.occurrences import link_occurrences
from curator.findings import Finding, Fix, Severity
from curator.rules.base import RuleContext, entry_finding, rule


@rule("malformed-url", Severity.ERROR)
def malformed_url(ctx: RuleContext) -> Iterator[Finding]:
    """A URL that is not an absolute http(s) URL.

    Checks each entry's `url` and every `links[].url`: a typo in the scheme (`hhttps://`, `htps://`,
    `http//`, `https:/`), a bare domain without a scheme (`example.com/x`), a space inside, a scheme that is
    not a web page (`javascript:`, `file:`, `data:`, `ftp:`, `mailto:`), no host, an invalid port or host.
    Such a link renders as a broken or relative link and cannot be checked.

    Fix: correct the URL. When the correction is certain (a scheme typo, a missing `https://`, surrounding
    spaces) the finding carries a fix that `curator fix` applies. Silence it with an `ignore` entry in
    curator.yaml only if the link is intentionally not a web address.
    """
    for occurrence in link_occurrences(ctx.catalog):
        problem = occurrence.problem
        if problem is None:
            continue
        if problem.fix is not None:
            action = f"change it to {problem.fix!r}"
            fix = Fix(occurrence.field, occurrence.url, problem.fix)
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
